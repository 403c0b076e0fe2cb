/*
 * test_t2s.c - unit tests of the t2s plugin: dictionary parsing, OpenCC's
 * group and chain semantics, the built-in tables on hard characters,
 * invalid UTF-8 pass-through, only_if_traditional, counters and metadata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docclean/plugin.h"
#include "t2s_conv.h"
#include "t2s_dict.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

/* Convert `in` (len bytes) with options kv; return malloc'd output. */
static char *conv_n(const char *const *kv, const char *in, size_t len, size_t *outlen)
{
    char *out = NULL, *reason = NULL;
    int v = dc_test_run(&docclean_plugin, kv, in, len, &out, outlen, &reason);
    if (v != DC_KEEP) fail_msg("verdict %d: %s", v, reason ? reason : "");
    free(reason);
    return out;
}

static void expect_conv(const char *const *kv, const char *in, const char *want)
{
    size_t n;
    char *out = conv_n(kv, in, strlen(in), &n);
    if (n != strlen(want) || memcmp(out, want, n) != 0)
        fail_msg("convert %s\n  want %s\n  got  %.*s", in, want, (int)n, out);
    free(out);
}

static const char *const T2S[] = {"config=t2s", NULL};
static const char *const TW2S[] = {"config=tw2s", NULL};
static const char *const HK2S[] = {"config=hk2s", NULL};

/* ---- built-in tables: the hard characters ---- */

static void test_hard_characters(void **state)
{
    (void)state;
    expect_conv(T2S, "乾隆年間，乾坤一擲", "乾隆年间，乾坤一掷");
    expect_conv(T2S, "衣服乾了，乾杯，餅乾", "衣服干了，干杯，饼干");
    expect_conv(T2S, "著作，看著", "著作，看著");       /* 著 is not in TSCharacters */
    expect_conv(T2S, "後來，皇后", "后来，皇后");
    expect_conv(T2S, "裏面、裡面、袖裏乾坤", "里面、里面、袖里乾坤");
    expect_conv(T2S, "於是，於乎", "于是，於乎");
    expect_conv(T2S, "頭髮、發展", "头发、发展");
    expect_conv(T2S, "瞭解、明瞭、瞭望", "了解、明了、瞭望");
    expect_conv(T2S, "藉口、慰藉、狼藉", "借口、慰藉、狼藉");
    expect_conv(T2S, "𠁞𠌥殢", "𠀾𠆿𣨼"); /* non-BMP and TSCharactersExt */
}

static void test_simplified_unchanged(void **state)
{
    (void)state;
    const char *s = "这是简体中文，里面有干净的衣服、头发和后来的事情。English 123 𠀾𣨼";
    expect_conv(T2S, s, s);
    expect_conv(TW2S, s, s);
    expect_conv(HK2S, s, s);
    expect_conv(T2S, "", "");
}

static void test_chain_segmentation(void **state)
{
    (void)state;
    /* tw2s segments on TSPhrases first: 鉅著 is not one segment, so the
     * variant stage sees 著 alone at the end and turns it into 着. */
    expect_conv(TW2S, "李澤鉅著", "李泽钜着");
    expect_conv(T2S, "李澤鉅著", "李泽钜著");
    expect_conv(TW2S, "著裝著作汙染虛偽發洩稜柱群眾裡面", "着装著作污染虚伪发泄棱柱群众里面");
    expect_conv(HK2S, "潮濕灶台", "潮湿灶台");
}

static void test_compat_normalization(void **state)
{
    (void)state;
    /* U+F900 (compatibility 豈) -> 豈 -> 岂; U+F904 (滑) starts phrase 滑藉 */
    expect_conv(T2S, "\xef\xa4\x80\xef\xa4\x84藉", "岂滑借");
    expect_conv(TW2S, "\xef\xa4\x80\xef\xa4\x84藉", "岂滑借");
    static const char *const off[] = {"normalize_compat=false", NULL};
    expect_conv(off, "\xef\xa4\x80\xef\xa4\x84藉", "\xef\xa4\x80\xef\xa4\x84藉");
    static const char *const noext[] = {"ext_chars=false", NULL};
    expect_conv(noext, "殢𠌥", "殢𠌥");
}

static void test_ids(void **state)
{
    (void)state;
    /* OpenCC 1.4 copies a complete description sequence unconverted */
    expect_conv(T2S, "⿰糹專後", "⿰糹專后");
    expect_conv(T2S, "⿱⿰木木後，後", "⿱⿰木木後，后"); /* 後 is the 2nd operand */
    expect_conv(TW2S, "⿰糹專後", "⿰糹專后");
    expect_conv(T2S, "後⿰", "后⿰"); /* incomplete: the operator alone */
    static const char *const off[] = {"ids=false", NULL};
    expect_conv(off, "⿰糹專後", "⿰纟专后"); /* OpenCC 1.1.6 */
}

/* Normalization folded into the tables (the default) must give what a
 * separate normalization pass gives, for every config. */
static void test_compose_equals_two_pass(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "上\uf99b", "\uf967可貲計", "\uf967\u77ad解", "一口吃\U0002f8b2", "一家\uf9d1口",
        "一\uf9ca人才", "一針見\ufa0a", "\uf904藉", "\uf900", "李澤鉅著", "乾隆", "⿰\uf900專",
        "後", "著", "一口", "\uf967", "\xff"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    char err[256];
    for (int cfg = 0; cfg < 3; cfg++) {
        t2s_conv a, b;
        t2s_conv_opts oa = {.config = (t2s_config)cfg, .normalize = 1, .ext_chars = 1, .ids = 1};
        t2s_conv_opts ob = oa;
        ob.no_compose = 1;
        assert_int_equal(t2s_conv_init(&a, &oa, err, sizeof err), 0);
        assert_int_equal(t2s_conv_init(&b, &ob, err, sizeof err), 0);
        assert_true(a.norm_composed);
        assert_false(b.norm_composed);
        unsigned seed = 99u + (unsigned)cfg;
        for (int round = 0; round < 400; round++) {
            char in[512] = "";
            for (int k = 0; k < 6; k++) {
                seed = seed * 1103515245u + 12345u;
                strcat(in, pieces[(seed >> 16) % np]);
            }
            t2s_out oa_ = {0}, ob_ = {0};
            size_t ca = t2s_conv_run(&a, (const uint8_t *)in, strlen(in), &oa_);
            size_t cb = t2s_conv_run(&b, (const uint8_t *)in, strlen(in), &ob_);
            assert_int_equal(oa_.len, ob_.len);
            assert_memory_equal(oa_.data, ob_.data, oa_.len);
            assert_int_equal(ca, cb);
            t2s_out_free(&oa_);
            t2s_out_free(&ob_);
        }
        t2s_conv_free(&a);
        t2s_conv_free(&b);
    }
    expect_conv(TW2S, "一家\uf9d1口", "一家六口");
}

/* ---- invalid UTF-8 ---- */

static void expect_bytes(const char *const *kv, const char *in, size_t n, const char *want,
                         size_t wn)
{
    size_t on;
    char *out = conv_n(kv, in, n, &on);
    assert_int_equal(on, wn);
    assert_memory_equal(out, want, wn);
    free(out);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char in[] = "\xff\xfe乾杯\xc0\x80後\xed\xa0\x80來\xe4\xb9\n乾\xff隆\xf4\x90\x80\x80髮\x80\xbf\xe5\xbe";
    static const char want[] = "\xff\xfe干杯\xc0\x80后\xed\xa0\x80来\xe4\xb9\n干\xff隆\xf4\x90\x80\x80发\x80\xbf\xe5\xbe";
    const char *const *cfgs[] = {T2S, TW2S, HK2S};
    for (int i = 0; i < 3; i++) expect_bytes(cfgs[i], in, sizeof in - 1, want, sizeof want - 1);
    /* NUL bytes are ordinary text */
    expect_bytes(T2S, "後\0後", 7, "后\0后", 7);
    /* a lone lead byte at the very end, every prefix of a 4-byte char */
    expect_bytes(T2S, "\xf0", 1, "\xf0", 1);
    expect_bytes(T2S, "\xf0\xa0", 2, "\xf0\xa0", 2);
    expect_bytes(T2S, "\xf0\xa0\x81", 3, "\xf0\xa0\x81", 3);
}

/* A byte that is never valid UTF-8 splits the text: converting A X B must
 * equal converting A and B separately around X. */
static void test_invalid_byte_splits(void **state)
{
    (void)state;
    static const char *const pieces[] = {"乾", "隆", "乾坤", "後", "發", "著", "李澤", "鉅", "一目",
                                         "瞭然", "藉口", "a", "𠁞", "殢", "\xef\xa4\x84", "藉"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    const char *const *cfgs[] = {T2S, TW2S, HK2S};
    unsigned seed = 12345;
    for (int round = 0; round < 300; round++) {
        char a[256] = "", b[256] = "";
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            strcat(a, pieces[(seed >> 16) % np]);
            seed = seed * 1103515245u + 12345u;
            strcat(b, pieces[(seed >> 16) % np]);
        }
        for (int c = 0; c < 3; c++) {
            char whole[600];
            size_t la = strlen(a), lb = strlen(b);
            memcpy(whole, a, la);
            whole[la] = '\xff';
            memcpy(whole + la + 1, b, lb);
            size_t n1, n2, n3;
            char *o1 = conv_n(cfgs[c], whole, la + 1 + lb, &n1);
            char *o2 = conv_n(cfgs[c], a, la, &n2);
            char *o3 = conv_n(cfgs[c], b, lb, &n3);
            assert_int_equal(n1, n2 + 1 + n3);
            assert_memory_equal(o1, o2, n2);
            assert_int_equal((unsigned char)o1[n2], 0xff);
            assert_memory_equal(o1 + n2 + 1, o3, n3);
            free(o1);
            free(o2);
            free(o3);
        }
    }
}

/* ---- lexicons and group semantics ---- */

static void lex(t2s_lex *lx, const char *text)
{
    char err[256];
    if (t2s_lex_parse(lx, text, strlen(text), "test", err, sizeof err) < 0) fail_msg("%s", err);
}

static char *group_conv(const t2s_group *g, const char *in)
{
    t2s_out o = {0};
    t2s_group_convert(g, (const uint8_t *)in, strlen(in), &o);
    t2s_out_append(&o, "", 1);
    return o.data;
}

static void test_lex_parse(void **state)
{
    (void)state;
    t2s_lex lx;
    lex(&lx, "# comment\n\n乾\t干 乾\r\n後\t后\n後\tX\n髮\t发\n");
    assert_int_equal(lx.n, 4); /* duplicates are kept in the lexicon; the group keeps the first */
    assert_int_equal(lx.e[0].vlen, 3);
    assert_memory_equal(lx.e[0].val, "干", 3);
    assert_int_equal(lx.e[0].trad_only, 0); /* 乾 lists itself */
    assert_int_equal(lx.e[1].trad_only, 1);
    char err[256];
    t2s_group g;
    const t2s_lex *one[] = {&lx};
    assert_int_equal(t2s_group_build(&g, one, 1, NULL, err, sizeof err), 0);
    char *o = group_conv(&g, "乾後髮\r");
    assert_string_equal(o, "干后发\r");
    free(o);
    t2s_group_free(&g);
    t2s_lex_free(&lx);

    assert_int_equal(t2s_lex_parse(&lx, "乾 干\n", 7, "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "x:1: no TAB"));
    assert_int_equal(t2s_lex_parse(&lx, "a\tb\n\xff\tc\n", 9, "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "x:2: invalid UTF-8"));
    assert_int_equal(t2s_lex_parse(&lx, "a\t\n", 3, "x", err, sizeof err), -1);
    assert_non_null(strstr(err, "empty"));
}

static void test_group_short_circuit(void **state)
{
    (void)state;
    char err[256];
    t2s_lex d0, d1;
    t2s_group g;
    /* dict 0 has AB, dict 1 has A and ABC. */
    lex(&d0, "甲乙\tAB\n");
    lex(&d1, "甲\ta\n甲乙丙\tabc\n丙\tc\n");
    const t2s_lex *l01[] = {&d0, &d1};
    assert_int_equal(t2s_group_build(&g, l01, 2, NULL, err, sizeof err), 0);
    char *o;
    /* dict 0 matches at 甲 (with AB), so its longest key wins over ABC */
    assert_string_equal(o = group_conv(&g, "甲乙丙"), "ABc");
    free(o);
    /* dict 0 has nothing at "甲丙": dict 1 wins with its A */
    assert_string_equal(o = group_conv(&g, "甲丙丁"), "ac丁");
    free(o);
    assert_string_equal(o = group_conv(&g, "甲丁"), "a丁");
    free(o);
    t2s_group_free(&g);
    /* reversed priorities: A and ABC first, AB second */
    const t2s_lex *l10[] = {&d1, &d0};
    assert_int_equal(t2s_group_build(&g, l10, 2, NULL, err, sizeof err), 0);
    assert_string_equal(o = group_conv(&g, "甲乙丙"), "abc");
    free(o);
    assert_string_equal(o = group_conv(&g, "甲乙丁"), "a乙丁"); /* dict 0 (A) wins over AB */
    free(o);
    t2s_group_free(&g);
    t2s_lex_free(&d0);
    t2s_lex_free(&d1);
}

static void test_count_changed(void **state)
{
    (void)state;
#define CC(a, b) t2s_count_changed((const uint8_t *)(a), strlen(a), (const uint8_t *)(b), strlen(b))
    assert_int_equal(CC("後來", "后来"), 2);
    assert_int_equal(CC("乾隆", "乾隆"), 0);
    assert_int_equal(CC("a後b", "a后b"), 1);
    assert_int_equal(CC("殢x", "𣨼x"), 1);   /* 3-byte -> 4-byte */
    assert_int_equal(CC("後後後", "后后后"), 3); /* same lead byte E5 */
    assert_int_equal(CC("ab", "abc"), 1);
    assert_int_equal(CC("", ""), 0);
#undef CC
}

/* ---- plugin: options, counters, metadata, only_if_traditional ---- */

static void *make(const char *const *kv, dc_stage *st, char *err, size_t errlen)
{
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, kv, "test", err, errlen);
    if (!o) return NULL;
    void *inst = docclean_plugin.create(dc_host_get(), st, o, err, errlen);
    dc_options_free(o);
    return inst;
}

static void test_options(void **state)
{
    (void)state;
    char err[512];
    dc_stage *st = dc_stage_new_standalone("t2s");
    static const char *const bad_cfg[] = {"config=s2t", NULL};
    assert_null(make(bad_cfg, st, err, sizeof err));
    static const char *const bad_thr[] = {"threshold=1.5", NULL};
    assert_null(make(bad_thr, st, err, sizeof err));
    assert_non_null(strstr(err, "threshold"));
    static const char *const bad_dir[] = {"dict_dir=/nonexistent/dir", NULL};
    assert_null(make(bad_dir, st, err, sizeof err));
    assert_non_null(strstr(err, "TSPhrases.txt is missing"));
    dc_stage_free_standalone(st);
}

static int64_t meta_changed(const dc_doc *d)
{
    size_t n;
    const char *v = dc_host_get()->meta_get(d, "t2s_changed", &n);
    assert_non_null(v);
    return strtoll(v, NULL, 10);
}

static void test_counters_and_meta(void **state)
{
    (void)state;
    char err[512];
    dc_stage *st = dc_stage_new_standalone("t2s");
    void *inst = make(T2S, st, err, sizeof err);
    assert_non_null(inst);
    dc_doc *a = dc_doc_new("a", "後來的頭髮", strlen("後來的頭髮"));
    dc_doc *b = dc_doc_new("b", "乾隆", strlen("乾隆"));
    assert_int_equal(docclean_plugin.process(inst, a), DC_KEEP);
    assert_int_equal(docclean_plugin.process(inst, b), DC_KEEP);
    assert_int_equal(a->len, strlen("后来的头发"));
    assert_memory_equal(a->text, "后来的头发", a->len);
    assert_int_equal(meta_changed(a), 4);
    assert_int_equal(meta_changed(b), 0);
    assert_int_equal(dc_stage_counter_get(st, "docs_converted"), 1);
    assert_int_equal(dc_stage_counter_get(st, "chars_changed"), 4);
    dc_doc_free(a);
    dc_doc_free(b);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
}

static void test_only_if_traditional(void **state)
{
    (void)state;
    static const char *const only[] = {"only_if_traditional=true", "threshold=0.1", NULL};
    /* 1 traditional-only character among 16 Han characters: 6% < 10% */
    const char *mostly = "这是简体中文的页面，只有一个繁體字在里面。";
    expect_conv(only, mostly, mostly);
    expect_conv(T2S, mostly, "这是简体中文的页面，只有一个繁体字在里面。");
    expect_conv(only, "這是繁體中文，應該轉換。", "这是繁体中文，应该转换。");
    /* 乾 and 於 also occur in simplified text: they do not count */
    expect_conv(only, "乾隆於是乾了", "乾隆於是乾了");
    expect_conv(only, "", "");
    dc_stage *st = dc_stage_new_standalone("t2s");
    char err[512];
    void *inst = make(only, st, err, sizeof err);
    dc_doc *d = dc_doc_new("d", mostly, strlen(mostly));
    docclean_plugin.process(inst, d);
    assert_int_equal(dc_stage_counter_get(st, "docs_not_traditional"), 1);
    assert_int_equal(meta_changed(d), 0);
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_characters),
        cmocka_unit_test(test_simplified_unchanged),
        cmocka_unit_test(test_chain_segmentation),
        cmocka_unit_test(test_compat_normalization),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_compose_equals_two_pass),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_invalid_byte_splits),
        cmocka_unit_test(test_lex_parse),
        cmocka_unit_test(test_group_short_circuit),
        cmocka_unit_test(test_count_changed),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_counters_and_meta),
        cmocka_unit_test(test_only_if_traditional),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
