/*
 * test_dedup.c - unit tests of the dedup stage: normalization, shingling,
 * MinHash, exact/near decisions, repeated lines (with the heading survival
 * rule), the persistent index across runs, crash rollback and locking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "index.h"
#include "lines.h"
#include "minhash.h"
#include "norm.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

/* ---- helpers ---- */

/* Deterministic pseudo-Chinese text: n characters drawn from a fixed set. */
static char *gen_text(uint64_t seed, size_t nchars)
{
    static const char *const pool =
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
        "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还"
        "因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结";
    size_t plen = strlen(pool) / 3;
    char *s = malloc(nchars * 3 + 1);
    uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 7;
    for (size_t i = 0; i < nchars; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(s + i * 3, pool + (x % plen) * 3, 3);
    }
    s[nchars * 3] = 0;
    return s;
}

/* Replace every `every`-th character (3-byte) of a generated text. */
static char *edit_text(const char *s, size_t every)
{
    char *t = strdup(s);
    size_t n = strlen(t) / 3;
    for (size_t i = every / 2; i < n; i += every) memcpy(t + i * 3, "鑫", 3);
    return t;
}

typedef struct run {
    dc_stage *stage;
    dc_options *opts;
    void *inst;
} run;

static int run_open(run *r, const char *const *kv, char *err, size_t errlen)
{
    r->opts = dc_options_from_pairs(docclean_plugin.options, kv, "test", err, errlen);
    assert_non_null(r->opts);
    r->stage = dc_stage_new_standalone("dedup");
    r->inst = docclean_plugin.create(dc_host_get(), r->stage, r->opts, err, errlen);
    if (!r->inst) {
        dc_options_free(r->opts);
        dc_stage_free_standalone(r->stage);
        return -1;
    }
    return 0;
}

static void run_close(run *r, int commit)
{
    char err[512];
    if (commit) assert_int_equal(docclean_plugin.finish(r->inst, err, sizeof err), 0);
    docclean_plugin.destroy(r->inst);
    dc_options_free(r->opts);
    dc_stage_free_standalone(r->stage);
}

static uint64_t seq_counter;

static dc_doc *mkdoc(const char *id, const char *text, const char *url)
{
    dc_doc *d = dc_doc_new(id, text, strlen(text));
    d->seq = seq_counter++;
    d->source = "test-input";
    if (url) dc_host_get()->meta_set_str(d, "url", url, strlen(url));
    return d;
}

/* Process one document; returns the verdict and frees it unless *keep. */
static int process(run *r, const char *id, const char *text, char *dup_of, size_t dlen)
{
    dc_doc *d = mkdoc(id, text, NULL);
    int v = docclean_plugin.process(r->inst, d);
    size_t n = 0;
    const char *m = dc_host_get()->meta_get(d, "dup_of", &n);
    if (dup_of) snprintf(dup_of, dlen, "%.*s", m ? (int)n : 0, m ? m : "");
    dc_doc_free(d);
    return v;
}

/* ---- normalization ---- */

static void test_norm_rules(void **state)
{
    (void)state;
    norm_out o = {0};
    const char *in = "ＡＢｃ１２３，你好　World!\n 第9章";
    norm_text(in, strlen(in), NULL, &o);
    assert_int_equal(o.len, strlen("abc000你好world第0章"));
    assert_memory_equal(o.text, "abc000你好world第0章", o.len);
    /* tokens: abc000 你 好 world 第 0 章 */
    assert_int_equal(o.ntok, 7);
    assert_int_equal(o.nchars, 16);
    /* whitespace between words vanishes from the exact text but still splits tokens */
    norm_text("hello world", 11, NULL, &o);
    assert_memory_equal(o.text, "helloworld", 10);
    assert_int_equal(o.ntok, 2);
    norm_out_free(&o);
}

static void test_norm_invalid_utf8(void **state)
{
    (void)state;
    norm_out o = {0};
    const char in[] = "a\xff\xe4\xbd"; /* stray byte, truncated sequence at the end */
    norm_text(in, sizeof in - 1, NULL, &o);
    assert_int_equal(o.len, 4);
    assert_memory_equal(o.text, "a\xff\xe4\xbd", 4);
    norm_out_free(&o);
}

static void test_norm_fold(void **state)
{
    (void)state;
    norm_fold f;
    char err[256], path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/dedup/ts_small.txt", getenv("SRC") ? getenv("SRC") : ".");
    assert_int_equal(norm_fold_load(&f, path, err, sizeof err), 0);
    norm_out o = {0};
    const char *t = "我們的國家。";
    norm_text(t, strlen(t), &f, &o);
    assert_int_equal(o.len, strlen("我们的国家"));
    assert_memory_equal(o.text, "我们的国家", o.len);
    norm_text(t, strlen(t), NULL, &o); /* no table: unchanged */
    assert_memory_equal(o.text, "我們的國家", o.len);
    norm_out_free(&o);
    norm_fold_free(&f);
}

/* ---- shingles and MinHash ---- */

static void test_shingles(void **state)
{
    (void)state;
    mh_params p;
    assert_int_equal(mh_params_init(&p, 5, 14, 8, 1), 0);
    assert_int_equal(mh_nshingles(&p, 4), 0);
    assert_int_equal(mh_nshingles(&p, 5), 1);
    assert_int_equal(mh_nshingles(&p, 9), 5);
    /* order matters: the same tokens shuffled are different shingles */
    uint64_t a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {6, 5, 4, 3, 2, 1};
    uint32_t sa[112], sb[112];
    uint8_t x[112], y[112];
    mh_signature(&p, a, 6, sa);
    mh_sketch(&p, x);
    mh_signature(&p, b, 6, sb);
    mh_sketch(&p, y);
    assert_true(mh_estimate(x, y, 112) < 0.1);
    assert_true(mh_estimate(x, x, 112) == 1.0);
    /* the signature is a pure function of the tokens */
    uint32_t sc[112];
    mh_signature(&p, a, 6, sc);
    assert_memory_equal(sa, sc, sizeof sa);
    mh_params_free(&p);
}

static int cmp_u64(const void *p, const void *q)
{
    uint64_t u = *(const uint64_t *)p, v = *(const uint64_t *)q;
    return u < v ? -1 : u > v;
}

static double true_jaccard5(const norm_out *a, const norm_out *b)
{
    /* exact set Jaccard over shingle hashes, by sorting */
    size_t na = a->ntok - 4, nb = b->ntok - 4;
    uint64_t *x = malloc(na * 8), *y = malloc(nb * 8);
    for (size_t i = 0; i < na; i++) x[i] = a->tok[i] ^ (a->tok[i + 1] * 3) ^ (a->tok[i + 2] * 5) ^ (a->tok[i + 3] * 7) ^ (a->tok[i + 4] * 11);
    for (size_t i = 0; i < nb; i++) y[i] = b->tok[i] ^ (b->tok[i + 1] * 3) ^ (b->tok[i + 2] * 5) ^ (b->tok[i + 3] * 7) ^ (b->tok[i + 4] * 11);
    qsort(x, na, 8, cmp_u64);
    qsort(y, nb, 8, cmp_u64);
    size_t i = 0, j = 0, inter = 0, uni = 0;
    while (i < na || j < nb) {
        if (i < na && i && x[i] == x[i - 1]) { i++; continue; }
        if (j < nb && j && y[j] == y[j - 1]) { j++; continue; }
        if (j >= nb || (i < na && x[i] < y[j])) i++, uni++;
        else if (i >= na || y[j] < x[i]) j++, uni++;
        else i++, j++, inter++, uni++;
    }
    free(x), free(y);
    return (double)inter / uni;
}

static void test_minhash_estimate(void **state)
{
    (void)state;
    mh_params p;
    mh_params_init(&p, 5, 14, 8, 1);
    char *s = gen_text(1, 2000);
    int edits[] = {200, 60, 25, 12};
    for (size_t e = 0; e < 4; e++) {
        char *t = edit_text(s, (size_t)edits[e]);
        norm_out a = {0}, b = {0};
        norm_text(s, strlen(s), NULL, &a);
        norm_text(t, strlen(t), NULL, &b);
        uint32_t sa[112], sb[112];
        uint8_t x[112], y[112];
        mh_signature(&p, a.tok, a.ntok, sa);
        mh_sketch(&p, x);
        mh_signature(&p, b.tok, b.ntok, sb);
        mh_sketch(&p, y);
        double tj = true_jaccard5(&a, &b), est = mh_estimate(x, y, 112);
        if (est < tj - 0.1 || est > tj + 0.1) fail_msg("edit 1/%d: true %.3f est %.3f", edits[e], tj, est);
        /* the 8-row bands of the full signature agree as often as J^8 predicts */
        int same_bands = 0;
        for (int bnd = 0; bnd < 14; bnd++) same_bands += mh_band_hash(&p, sa, bnd) == mh_band_hash(&p, sb, bnd);
        if (tj > 0.95 && same_bands < 5) fail_msg("J %.3f but only %d equal bands", tj, same_bands);
        if (tj < 0.3 && same_bands > 0) fail_msg("J %.3f but %d equal bands", tj, same_bands);
        norm_out_free(&a), norm_out_free(&b);
        free(t);
    }
    free(s);
    mh_params_free(&p);
}

/* ---- exact and near decisions ---- */

static void test_exact_and_near(void **state)
{
    (void)state;
    run r;
    char err[512], dup[256];
    const char *kv[] = {"lines=false", NULL};
    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    char *a = gen_text(11, 400), *b = gen_text(12, 400);
    char *near = edit_text(a, 60);  /* J about 0.85 */
    char *far = edit_text(a, 8);    /* J about 0.25 */
    char *exact = malloc(strlen(a) + 64);
    /* the same text with punctuation and spaces added */
    snprintf(exact, strlen(a) + 64, "  %.*s，。 \n%s！", 30, a, a + 30);
    assert_int_equal(process(&r, "A", a, dup, sizeof dup), DC_KEEP);
    assert_int_equal(process(&r, "B", b, dup, sizeof dup), DC_KEEP);
    assert_int_equal(process(&r, "A-exact", exact, dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "A");
    assert_int_equal(process(&r, "A-near", near, dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "A");
    assert_int_equal(process(&r, "A-far", far, dup, sizeof dup), DC_KEEP);
    assert_int_equal(process(&r, "B-copy", b, dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "B");
    /* an exact copy of a near duplicate points at the cluster's kept doc */
    assert_int_equal(process(&r, "A-near-copy", near, dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "A");
    assert_int_equal(dc_stage_counter_get(r.stage, "exact_dups"), 3);
    assert_int_equal(dc_stage_counter_get(r.stage, "near_dups"), 1);
    run_close(&r, 1);
    free(a), free(b), free(near), free(far), free(exact);
}

static void test_exact_ignores_punctuation(void **state)
{
    (void)state;
    run r;
    char err[512], dup[256];
    assert_int_equal(run_open(&r, (const char *const[]){"lines=false", NULL}, err, sizeof err), 0);
    assert_int_equal(process(&r, "x1", "Hello, World 2024!", dup, sizeof dup), DC_KEEP);
    assert_int_equal(process(&r, "x2", "ｈｅｌｌｏ　ｗｏｒｌｄ　１９９９", dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "x1");
    assert_int_equal(process(&r, "x3", "Hello, World 2024! more", dup, sizeof dup), DC_KEEP);
    /* short docs are never near-matched */
    assert_int_equal(dc_stage_counter_get(r.stage, "short_docs_exact_only"), 2);
    run_close(&r, 1);
}

static void test_traditional_folded(void **state)
{
    (void)state;
    char topt[600];
    snprintf(topt, sizeof topt, "t2s_table=%s/tests/fixtures/dedup/ts_small.txt", getenv("SRC") ? getenv("SRC") : ".");
    for (int fold = 0; fold < 2; fold++) {
        run r;
        char err[512], dup[256];
        const char *kv[] = {"lines=false", topt, fold ? "fold_traditional=true" : "fold_traditional=false", NULL};
        assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
        assert_int_equal(process(&r, "s", "我们的国家", dup, sizeof dup), DC_KEEP);
        assert_int_equal(process(&r, "t", "我們的國家。", dup, sizeof dup), fold ? DC_DROP : DC_KEEP);
        run_close(&r, 1);
    }
}

static void test_near_disabled(void **state)
{
    (void)state;
    run r;
    char err[512];
    assert_int_equal(run_open(&r, (const char *const[]){"lines=false", "near=false", NULL}, err, sizeof err), 0);
    char *a = gen_text(21, 400), *near = edit_text(a, 60);
    assert_int_equal(process(&r, "A", a, NULL, 0), DC_KEEP);
    assert_int_equal(process(&r, "A-near", near, NULL, 0), DC_KEEP);
    assert_int_equal(process(&r, "A-copy", a, NULL, 0), DC_DROP);
    run_close(&r, 1);
    free(a), free(near);
}

/* ---- repeated lines ---- */

static void prepass_all(run *r, char **texts, const char **urls, int n)
{
    for (int i = 0; i < n; i++) {
        dc_doc *d = mkdoc("p", texts[i], urls ? urls[i] : NULL);
        assert_int_equal(docclean_plugin.prepass(r->inst, d), 0);
        dc_doc_free(d);
    }
}

static char *process_text(run *r, const char *text, const char *url, int *verdict)
{
    dc_doc *d = mkdoc("q", text, url);
    *verdict = docclean_plugin.process(r->inst, d);
    char *out = strndup(d->text, d->len);
    dc_doc_free(d);
    return out;
}

#define BOILER "本站所有文章均来自互联网，如有侵权请联系删除。"
#define RARE "欢迎关注我们的官方微信公众号获取更多资讯内容"

static void make_docs(char **docs, int n)
{
    for (int i = 0; i < n; i++) {
        char *body = gen_text(100 + (uint64_t)i, 150);
        docs[i] = malloc(strlen(body) + 512);
        sprintf(docs[i], "一、指导思想\n%s\n二、加强组织领导和工作保障的主要措施\n%s\n%s\n", body, BOILER,
                i < 4 ? RARE : "");
        free(body);
    }
}

static void test_repeated_lines(void **state)
{
    (void)state;
    run r;
    char err[512];
    assert_int_equal(run_open(&r, (const char *const[]){"near=false", "exact=false", NULL}, err, sizeof err), 0);
    char *docs[6];
    make_docs(docs, 6);
    prepass_all(&r, docs, NULL, 6);
    int v;
    char *out = process_text(&r, docs[0], NULL, &v);
    assert_int_equal(v, DC_KEEP);
    /* the boilerplate (6 docs) goes; both headings (6 docs each) and the
     * line found in only 4 documents (< line_min_docs=5) stay */
    char *body = gen_text(100, 150), want[2048];
    snprintf(want, sizeof want, "一、指导思想\n%s\n二、加强组织领导和工作保障的主要措施\n%s\n", body, RARE);
    assert_string_equal(out, want);
    assert_int_equal(dc_stage_counter_get(r.stage, "repeated_lines_removed"), 1);
    free(out), free(body);
    run_close(&r, 1);
    for (int i = 0; i < 6; i++) free(docs[i]);
}

static void test_heading_survives_low_min_chars(void **state)
{
    (void)state;
    /* Even with a tiny length limit, a numbered heading shared by every
     * document is not boilerplate. */
    run r;
    char err[512];
    assert_int_equal(run_open(&r, (const char *const[]){"near=false", "exact=false", "line_min_chars=2", "line_min_docs=2", NULL},
                             err, sizeof err),
                     0);
    char *docs[6];
    make_docs(docs, 6);
    prepass_all(&r, docs, NULL, 6);
    int v;
    char *out = process_text(&r, docs[5], NULL, &v);
    assert_non_null(strstr(out, "一、指导思想\n"));
    assert_non_null(strstr(out, "二、加强组织领导和工作保障的主要措施\n"));
    assert_null(strstr(out, BOILER));
    free(out);
    run_close(&r, 1);
    for (int i = 0; i < 6; i++) free(docs[i]);
    assert_true(lines_is_heading("一、指导思想", strlen("一、指导思想"), 40));
    assert_true(lines_is_heading("（三）工作要求", strlen("（三）工作要求"), 40));
    assert_true(lines_is_heading("第十二条 附则", strlen("第十二条 附则"), 40));
    assert_true(lines_is_heading("3. 保障措施", strlen("3. 保障措施"), 40));
    assert_false(lines_is_heading(BOILER, strlen(BOILER), 40));
    assert_false(lines_is_heading("一切为了人民", strlen("一切为了人民"), 40));
    assert_false(lines_is_heading("2024年工作总结", strlen("2024年工作总结"), 40));
}

static void test_lines_site_scope(void **state)
{
    (void)state;
    char *docs[6];
    make_docs(docs, 6);
    const char *urls[6] = {"https://a.gov.cn/1", "https://b.gov.cn/2", "https://c.gov.cn/3",
                           "http://d.gov.cn/4", "https://e.gov.cn:8080/5", "https://f.gov.cn/6"};
    for (int scope = 0; scope < 2; scope++) {
        run r;
        char err[512];
        const char *kv[] = {"near=false", "exact=false", scope ? "line_scope=global" : "line_scope=site", NULL};
        assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
        prepass_all(&r, docs, urls, 6);
        int v;
        char *out = process_text(&r, docs[1], urls[1], &v);
        /* six different sites: per-site counts are 1, the line stays */
        if (scope == 0) assert_non_null(strstr(out, BOILER));
        else assert_null(strstr(out, BOILER));
        free(out);
        run_close(&r, 1);
    }
    size_t hl;
    const char *h = lines_url_host("https://user@www.x.cn:80/a?b", 28, &hl);
    assert_int_equal(hl, 8);
    assert_memory_equal(h, "www.x.cn", 8);
    for (int i = 0; i < 6; i++) free(docs[i]);
}

static void test_lines_mostly_repeated_doc(void **state)
{
    (void)state;
    run r;
    char err[512];
    assert_int_equal(run_open(&r, (const char *const[]){"near=false", "exact=false", NULL}, err, sizeof err), 0);
    /* five distinct docs sharing two long lines that are most of their text */
    char *docs[5];
    for (int i = 0; i < 5; i++) {
        docs[i] = malloc(1024);
        sprintf(docs[i], "%s\n%s\n编号%c\n", BOILER, RARE, 'a' + i);
    }
    prepass_all(&r, docs, NULL, 5);
    int v;
    char *out = process_text(&r, docs[2], NULL, &v);
    assert_string_equal(out, docs[2]);
    assert_int_equal(dc_stage_counter_get(r.stage, "docs_mostly_repeated_lines_kept"), 1);
    free(out);
    run_close(&r, 1);
    for (int i = 0; i < 5; i++) free(docs[i]);
}

/* ---- persistent index ---- */

static void tmp_index(char *buf, size_t len)
{
    snprintf(buf, len, "%s/dedup-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    assert_non_null(mkdtemp(buf));
    strncat(buf, "/idx", len - strlen(buf) - 1);
}

static void rm_index(const char *p)
{
    char c[1100];
    snprintf(c, sizeof c, "rm -rf '%s' && rmdir \"$(dirname '%s')\"", p, p);
    assert_int_equal(system(c), 0);
}

static void test_index_two_runs(void **state)
{
    (void)state;
    char path[512], opt[600], err[512], dup[256];
    tmp_index(path, sizeof path);
    snprintf(opt, sizeof opt, "index=%s", path);
    const char *kv[] = {opt, "lines=false", NULL};
    char *a = gen_text(31, 400), *b = gen_text(32, 400), *c = gen_text(33, 400), *near = edit_text(a, 60);

    run r;
    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    assert_int_equal(process(&r, "A", a, dup, sizeof dup), DC_KEEP);
    assert_int_equal(process(&r, "B", b, dup, sizeof dup), DC_KEEP);
    run_close(&r, 1);

    /* run 2 is "killed": no finish(), its documents must not persist */
    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    assert_int_equal(process(&r, "C", c, dup, sizeof dup), DC_KEEP);
    run_close(&r, 0);

    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    dc_doc *d = mkdoc("A2", near, NULL);
    assert_int_equal(docclean_plugin.process(r.inst, d), DC_DROP);
    size_t n;
    const char *m = dc_host_get()->meta_get(d, "dup_of", &n);
    assert_int_equal(n, 1);
    assert_memory_equal(m, "A", 1);
    m = dc_host_get()->meta_get(d, "dup_of_run", &n);
    assert_non_null(m);
    assert_memory_equal(m, "1", 1);
    assert_non_null(strstr(dc_doc_reason(d), "near duplicate of A"));
    assert_non_null(strstr(dc_doc_reason(d), "run 1 from test-input"));
    dc_doc_free(d);
    assert_int_equal(process(&r, "B2", b, dup, sizeof dup), DC_DROP);
    assert_string_equal(dup, "B");
    assert_int_equal(process(&r, "C2", c, dup, sizeof dup), DC_KEEP); /* C was rolled back */
    assert_int_equal(dc_stage_counter_get(r.stage, "dups_of_earlier_runs"), 2);
    run_close(&r, 1);

    /* a different signature configuration is refused */
    const char *kv2[] = {opt, "bands=10", NULL};
    assert_int_equal(run_open(&r, kv2, err, sizeof err), -1);
    assert_non_null(strstr(err, "different settings"));
    rm_index(path);
    free(a), free(b), free(c), free(near);
}

static void test_index_lock(void **state)
{
    (void)state;
    char path[512], opt[600], err[512];
    tmp_index(path, sizeof path);
    snprintf(opt, sizeof opt, "index=%s", path);
    const char *kv[] = {opt, NULL};
    run r1, r2;
    assert_int_equal(run_open(&r1, kv, err, sizeof err), 0);
    assert_int_equal(run_open(&r2, kv, err, sizeof err), -1);
    assert_non_null(strstr(err, "in use by another docclean process"));
    run_close(&r1, 1);
    assert_int_equal(run_open(&r2, kv, err, sizeof err), 0); /* released */
    run_close(&r2, 1);
    rm_index(path);
}

static void test_index_line_counts_persist(void **state)
{
    (void)state;
    char path[512], opt[600], err[512];
    tmp_index(path, sizeof path);
    snprintf(opt, sizeof opt, "index=%s", path);
    const char *kv[] = {opt, "near=false", "exact=false", NULL};
    char *docs[6];
    make_docs(docs, 6);
    /* run 1 sees the boilerplate in 3 docs only: not enough, kept */
    run r;
    int v;
    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    prepass_all(&r, docs, NULL, 3);
    char *out = process_text(&r, docs[0], NULL, &v);
    assert_non_null(strstr(out, BOILER));
    free(out);
    run_close(&r, 1);
    /* run 2 sees it in 3 more: 6 >= 5 counting the index */
    assert_int_equal(run_open(&r, kv, err, sizeof err), 0);
    prepass_all(&r, docs + 3, NULL, 3);
    out = process_text(&r, docs[4], NULL, &v);
    assert_null(strstr(out, BOILER));
    assert_non_null(strstr(out, "一、指导思想"));
    free(out);
    run_close(&r, 1);
    rm_index(path);
    for (int i = 0; i < 6; i++) free(docs[i]);
}

/* Prepass then process every text in order; verdicts and dup_of into arrays. */
static void run_longest(run *r, const char **ids, char **texts, int n, int *verdict, char dup[][64])
{
    for (int i = 0; i < n; i++) {
        dc_doc *d = mkdoc(ids[i], texts[i], NULL);
        d->seq = (uint64_t)i;
        assert_int_equal(docclean_plugin.prepass(r->inst, d), 0);
        dc_doc_free(d);
    }
    for (int i = 0; i < n; i++) {
        dc_doc *d = mkdoc(ids[i], texts[i], NULL);
        d->seq = (uint64_t)i;
        verdict[i] = docclean_plugin.process(r->inst, d);
        size_t len = 0;
        const char *m = dc_host_get()->meta_get(d, "dup_of", &len);
        snprintf(dup[i], 64, "%.*s", m ? (int)len : 0, m ? m : "");
        dc_doc_free(d);
    }
}

static void test_keep_longest(void **state)
{
    (void)state;
    char path[512], opt[600], err[512];
    tmp_index(path, sizeof path);
    snprintf(opt, sizeof opt, "index=%s", path);
    char *a = gen_text(41, 400), *b = gen_text(42, 400), *c = gen_text(43, 400), *tail = gen_text(44, 40);
    char *a_long = malloc(strlen(a) + strlen(tail) + 1);
    strcpy(a_long, a), strcat(a_long, tail);
    char *c_long = malloc(strlen(c) + strlen(tail) + 1);
    strcpy(c_long, c), strcat(c_long, tail);

    /* run 1 (keep = first) indexes c */
    run r;
    assert_int_equal(run_open(&r, (const char *const[]){opt, "lines=false", NULL}, err, sizeof err), 0);
    assert_int_equal(process(&r, "c", c, NULL, 0), DC_KEEP);
    run_close(&r, 1);

    /* run 2 (keep = longest): the longer a wins although it comes later; the
     * exact copy of b keeps the earlier b; c_long matches run 1's c, which
     * was already written and so stays the kept copy */
    assert_int_equal(run_open(&r, (const char *const[]){opt, "lines=false", "keep=longest", NULL}, err, sizeof err), 0);
    const char *ids[] = {"a", "b", "a-long", "b-copy", "c-long"};
    char *texts[] = {a, b, a_long, b, c_long};
    int v[5];
    char dup[5][64];
    run_longest(&r, ids, texts, 5, v, dup);
    assert_int_equal(v[0], DC_DROP);
    assert_string_equal(dup[0], "a-long");
    assert_int_equal(v[1], DC_KEEP);
    assert_int_equal(v[2], DC_KEEP);
    assert_int_equal(v[3], DC_DROP);
    assert_string_equal(dup[3], "b");
    assert_int_equal(v[4], DC_DROP);
    assert_string_equal(dup[4], "c");
    run_close(&r, 1);

    /* run 3 (keep = first) sees a-long as the kept root of a's cluster */
    assert_int_equal(run_open(&r, (const char *const[]){opt, "lines=false", NULL}, err, sizeof err), 0);
    char d3[64];
    assert_int_equal(process(&r, "a-again", a, d3, sizeof d3), DC_DROP);
    assert_string_equal(d3, "a-long");
    run_close(&r, 1);

    /* without the prepass there is no plan: an error, not a silent keep */
    assert_int_equal(run_open(&r, (const char *const[]){"lines=false", "keep=longest", NULL}, err, sizeof err), 0);
    assert_int_equal(process(&r, "x", a, NULL, 0), DC_ERROR);
    run_close(&r, 1);
    rm_index(path);
    free(a), free(b), free(c), free(tail), free(a_long), free(c_long);
}

static void test_bad_options(void **state)
{
    (void)state;
    run r;
    char err[512];
    assert_int_equal(run_open(&r, (const char *const[]){"threshold=0", NULL}, err, sizeof err), -1);
    /* below its declared range (2..): refused by the core before create() runs */
    assert_null(dc_options_from_pairs(docclean_plugin.options, (const char *const[]){"line_min_docs=1", NULL},
                                      "test", err, sizeof err));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_norm_rules),
        cmocka_unit_test(test_norm_invalid_utf8),
        cmocka_unit_test(test_norm_fold),
        cmocka_unit_test(test_shingles),
        cmocka_unit_test(test_minhash_estimate),
        cmocka_unit_test(test_exact_and_near),
        cmocka_unit_test(test_exact_ignores_punctuation),
        cmocka_unit_test(test_traditional_folded),
        cmocka_unit_test(test_near_disabled),
        cmocka_unit_test(test_repeated_lines),
        cmocka_unit_test(test_heading_survives_low_min_chars),
        cmocka_unit_test(test_lines_site_scope),
        cmocka_unit_test(test_lines_mostly_repeated_doc),
        cmocka_unit_test(test_index_two_runs),
        cmocka_unit_test(test_index_lock),
        cmocka_unit_test(test_index_line_counts_persist),
        cmocka_unit_test(test_keep_longest),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
