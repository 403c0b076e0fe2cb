/*
 * dedup.c - the `dedup` stage: exact duplicates, near duplicates (MinHash
 * LSH) and repeated boilerplate lines, against a persistent index.
 *
 * Decision per document, in input order (the stage is not CONCURRENT, so the
 * core calls process() from one thread with increasing seq; that makes the
 * result the same for any -j):
 *   1. drop repeated lines whose distinct-document count (prepass of this
 *      run + earlier runs in the index) reaches line_min_docs;
 *   2. exact: XXH3-128 of the normalized text seen before -> drop; with a
 *      persistent index, first: the text as it entered the stage (before
 *      step 1) was indexed by an earlier run -> drop (a redelivery: step 1
 *      depends on line counts that grow from run to run, so the text after
 *      it may differ from what that run hashed);
 *   3. near: candidates share an LSH band; a candidate verifies when its
 *      estimated Jaccard >= threshold.  The document joins the cluster with
 *      the earliest kept document (smallest root) among verified candidates
 *      and is dropped with dup_of = that kept document.
 * Every document that is not an exact copy is added to the index (kept ones
 * as roots, near duplicates pointing at their root), so clusters grow
 * transitively as union-find would, except that two clusters whose kept
 * documents were both already written are not merged (streaming: nothing
 * already output is taken back).  The result is a deterministic function of
 * input order and signatures, so a sharded run can reproduce it exactly.
 */
/* Error messages are bounded buffers; a truncated path in a message is fine. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "docclean/plugin.h"
#include "cluster.h"
#include "index.h"
#include "lines.h"
#include "minhash.h"
#include "norm.h"

#define MAX_CANDIDATES DCL_MAX_CANDIDATES

/* Which part of a cluster run this instance does (cluster.h). */
enum { CL_NONE, CL_LINES, CL_SIGN, CL_APPLY, CL_REDUCE };

enum { C_DOCS, C_EXACT, C_NEAR, C_OLD, C_SHORT, C_CAND, C_LINES, C_LINE_BYTES, C_LINE_DOCS,
       C_LINE_SKIP, C_SEEN, C_NCOUNTERS };
static const char *const counter_names[C_NCOUNTERS] = {
    "docs", "exact_dups", "near_dups", "dups_of_earlier_runs", "short_docs_exact_only",
    "candidates_verified", "repeated_lines_removed", "repeated_line_bytes_removed",
    "docs_with_lines_removed", "docs_mostly_repeated_lines_kept", "docs_seen_in_earlier_runs"};

/* One document's hashes (the signature and sketch live in the instance). */
typedef struct doc_hashes {
    uint8_t exact[16];
    int use_near;
    uint64_t bh[256];
} doc_hashes;

/* The exact key of each document's text as it entered the stage, computed
 * by the prepass anyway; process() looks it up by seq instead of
 * normalizing the text a second time (persistent index, lines = true). */
typedef struct pre_keys {
    size_t n, cap, next;
    uint64_t *seq;
    uint8_t (*key)[16];
} pre_keys;

/* keep = longest: the prepass's clustering of this run, by prepass ordinal. */
typedef struct longest_plan {
    dx_index *pix;      /* temporary index of this run (NULL: keep = first) */
    uint32_t n, cap, next;
    uint32_t base;      /* first document number this run gets in the index */
    uint64_t *seq;      /* input ordinal, to check process() sees the same stream */
    uint32_t *root;     /* cluster root (an ordinal) */
    uint32_t *best;     /* at roots: the longest member so far */
    uint32_t *len;      /* normalized length */
    uint32_t *old;      /* root in the index of an earlier run's match, or DX_NO_DOC */
    float *old_sim;     /* its similarity (2 = exact) */
} longest_plan;

typedef struct dedup {
    const dc_host *host;
    dc_stage *stage;
    int counters[C_NCOUNTERS];
    int do_exact, do_near, do_lines, scope_site;
    double threshold, line_max_fraction;
    size_t min_shingles;
    uint32_t line_min_docs;
    line_rules lr;
    norm_fold fold;
    mh_params mh;
    dx_index *ix;
    u64map line_counts;  /* this run's prepass counts */
    u64map prepass_seen; /* exact hashes seen by the prepass */
    int has_earlier;     /* the persistent index holds documents of earlier runs */
    pre_keys pre;        /* the prepass's keys of texts before line removal */
    norm_out norm, scratch;
    line_info *lines;
    size_t lines_cap;
    uint64_t *keys;
    size_t keys_cap;
    uint32_t *sig, *cands;
    uint8_t *sketch;
    int committed;
    dx_ledger ledger; /* --state runs: two-phase commit with the run's ledger */
    longest_plan plan;
    /* cluster runs */
    const dc_cluster_ctx *cl;
    int cl_phase;
    dcl_writer *cl_lines, *cl_exact, cl_docs, *cl_bands;
    unsigned reduce_tasks; /* T: partitions of the line and exact phases */
    u64map line_set;   /* lines removed run-wide (sign, apply) */
    u64map cl_seen;    /* lines: texts this shard already recorded */
    dcl_drops drops;   /* apply: this shard's drop list */
} dedup;

static const dc_option_decl options[] = {
    {"exact", DC_OPT_BOOL, "true", "drop documents whose normalized text was seen before", NULL},
    {"near", DC_OPT_BOOL, "true", "drop near duplicates (MinHash LSH)", NULL},
    {"lines", DC_OPT_BOOL, "true", "remove lines repeated across many documents (CCNet style)", NULL},
    {"threshold", DC_OPT_DOUBLE, "0.8", "estimated Jaccard at or above which a candidate is a duplicate", "0..1"},
    {"shingle", DC_OPT_INT, "5", "tokens per shingle (a CJK char or an ASCII word is one token)", "1..64"},
    {"bands", DC_OPT_INT, "14", "LSH bands", "1..255"},
    {"rows", DC_OPT_INT, "8", "MinHash values per band (K = bands * rows)", "1..64"},
    {"seed", DC_OPT_INT, "1", "seed of the MinHash permutations (recorded in the index)", NULL},
    {"min_shingles", DC_OPT_INT, "10", "documents with fewer shingles use the exact hash only", "1.."},
    {"keep", DC_OPT_ENUM, "first",
     "which copy of a cluster is kept: the earliest indexed, or the longest (decided in the prepass)", "first|longest"},
    {"index", DC_OPT_PATH, NULL, "persistent index directory (LMDB); unset: dedup within this run only", NULL},
    {"tmp_dir", DC_OPT_PATH, NULL, "where the per-run index lives when `index` is unset (default $TMPDIR)", NULL},
    {"fold_traditional", DC_OPT_BOOL, "true", "fold traditional to simplified characters when a table is found", NULL},
    {"t2s_table", DC_OPT_PATH, NULL, "OpenCC TSCharacters.txt (default: looked up under the data dir)", NULL},
    {"line_min_docs", DC_OPT_INT, "5", "a line is boilerplate when this many distinct documents contain it", "2.."},
    {"line_min_chars", DC_OPT_INT, "10", "only lines longer than this (normalized code points) are considered", "0.."},
    {"line_heading_max_chars", DC_OPT_INT, "40", "heading-looking lines (一、… 第三章…) up to this long are never removed", "0.."},
    {"line_max_fraction", DC_OPT_DOUBLE, "0.5", "if repeated lines are more than this share of a document, remove none", "0..1"},
    {"reduce_tasks", DC_OPT_INT, "16", "cluster runs: tasks of the linewin, linecount, exact and verify phases", "1..4096"},
    {"line_scope", DC_OPT_ENUM, "site", "count lines per site (meta site, or host of meta url) or globally", "site|global"},
    {NULL, 0, NULL, NULL, NULL}};

/* ---- setup ---- */

static void find_fold_table(dedup *d, const dc_options *o, int *loaded)
{
    const dc_host *h = d->host;
    char err[512], path[4096];
    const char *explicit = h->opt_str(o, "t2s_table");
    *loaded = 0;
    if (!h->opt_bool(o, "fold_traditional")) return;
    const char *cands[] = {"%s/third_party/opencc/TSCharacters.txt", "%s/../third_party/opencc/TSCharacters.txt",
                           "%s/data/opencc/TSCharacters.txt"};
    for (size_t i = 0; i < (explicit ? 1 : 3); i++) {
        if (explicit) snprintf(path, sizeof path, "%s", explicit);
        else snprintf(path, sizeof path, cands[i], h->data_dir());
        if (!explicit && access(path, R_OK) != 0) continue;
        if (norm_fold_load(&d->fold, path, err, sizeof err) == 0) {
            *loaded = 1;
            return;
        }
        h->log(d->stage, DC_LOG_WARN, "%s; traditional characters are not folded", err);
        return;
    }
    h->log(d->stage, DC_LOG_INFO, "no TSCharacters.txt under %s: traditional characters are not folded",
           h->data_dir());
}

static const char *const cl_phase_names[] = {"", "lines", "sign", "apply"};

/* Open the files this map phase writes, or load what it reads. */
static int cluster_open(dedup *d, char *err, size_t errlen)
{
    const dc_cluster_ctx *c = d->cl;
    char rel[64], e[1024];
    int rc = 0;
    if (d->cl_phase == CL_LINES) {
        d->cl_lines = calloc(d->reduce_tasks, sizeof *d->cl_lines);
        if (!d->cl_lines) abort();
        for (unsigned t = 0; !rc && t < d->reduce_tasks; t++) {
            snprintf(rel, sizeof rel, "lines/%05u.p%04u", c->shard, t);
            rc = dcl_open(&d->cl_lines[t], c->dir, rel, DCL_MAGIC_LINES, e, sizeof e);
        }
    }
    if ((d->cl_phase == CL_SIGN || d->cl_phase == CL_APPLY) && d->do_lines)
        rc = dcl_load_line_set(c->dir, d->reduce_tasks, &d->line_set, e, sizeof e);
    if (!rc && d->cl_phase == CL_SIGN) {
        d->cl_exact = calloc(d->reduce_tasks, sizeof *d->cl_exact);
        if (!d->cl_exact) abort();
        for (unsigned t = 0; !rc && t < d->reduce_tasks; t++) { /* exact task t reads only its part */
            snprintf(rel, sizeof rel, "sign/%05u.x%04u", c->shard, t);
            rc = dcl_open(&d->cl_exact[t], c->dir, rel, DCL_MAGIC_EXACT, e, sizeof e);
        }
        snprintf(rel, sizeof rel, "sign/%05u.docs", c->shard);
        if (!rc) rc = dcl_open(&d->cl_docs, c->dir, rel, DCL_MAGIC_DOCS, e, sizeof e);
        d->cl_bands = calloc((size_t)d->mh.bands, sizeof *d->cl_bands);
        if (!d->cl_bands) abort();
        for (int b = 0; !rc && b < d->mh.bands; b++) {
            snprintf(rel, sizeof rel, "sign/%05u.b%03d", c->shard, b);
            rc = dcl_open(&d->cl_bands[b], c->dir, rel, DCL_MAGIC_BAND, e, sizeof e);
        }
    }
    if (!rc && d->cl_phase == CL_APPLY && (d->do_exact || d->do_near))
        rc = dcl_load_drops(c->dir, c->shard, &d->drops, e, sizeof e);
    if (rc) snprintf(err, errlen, "dedup: cluster phase %s: %s", c->phase, e);
    return rc;
}

static void cluster_close(dedup *d)
{
    for (unsigned t = 0; d->cl_lines && t < d->reduce_tasks; t++) dcl_abort(&d->cl_lines[t]);
    free(d->cl_lines);
    d->cl_lines = NULL;
    for (unsigned t = 0; d->cl_exact && t < d->reduce_tasks; t++) dcl_abort(&d->cl_exact[t]);
    free(d->cl_exact);
    d->cl_exact = NULL;
    dcl_abort(&d->cl_docs);
    for (int b = 0; d->cl_bands && b < d->mh.bands; b++) dcl_abort(&d->cl_bands[b]);
    free(d->cl_bands);
    d->cl_bands = NULL;
    u64map_free(&d->line_set);
    u64map_free(&d->cl_seen);
    dcl_drops_free(&d->drops);
}

/* Is this a phase of a cluster run (host->cluster(), ABI 1.1)?  The map
 * phases reproduce keep = first of one run without an index; keep =
 * longest and a persistent index are single-machine features. */
static int cluster_setup(dedup *d, const dc_options *o, char *err, size_t errlen)
{
    const dc_host *h = d->host;
    d->cl = h->struct_size > offsetof(dc_host, cluster) && h->cluster ? h->cluster() : NULL;
    if (!d->cl) return 0;
    d->cl_phase = CL_REDUCE;
    for (int i = CL_LINES; i <= CL_APPLY; i++)
        if (strcmp(d->cl->phase, cl_phase_names[i]) == 0) d->cl_phase = i;
    if (strcmp(h->opt_str(o, "keep"), "first") != 0 || h->opt_str(o, "index")) {
        snprintf(err, errlen, "dedup: a cluster run supports keep = first without a persistent index "
                              "(this config has keep = %s%s)", h->opt_str(o, "keep"),
                 h->opt_str(o, "index") ? " and an index" : "");
        return -1;
    }
    if (d->cl_phase == CL_REDUCE) return 0;
    return cluster_open(d, err, errlen);
}

static void ledger_log(void *ctx, const char *fmt, ...)
{
    dedup *d = ctx;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    d->host->log(d->stage, DC_LOG_WARN, "%s", line); /* a recovery, like the core's */
}

/* The run's ledger (host ABI 1.3): the index's commit becomes the prepare
 * half of a two-phase commit whose commit point is the ledger, and an index
 * left pending by a killed run is resolved by asking that ledger. */
static void ledger_setup(dedup *d)
{
    const dc_host *h = d->host;
    d->ledger.log = ledger_log;
    d->ledger.ctx = d;
    if (h->struct_size <= offsetof(dc_host, run_committed) || !h->run_tag || !h->run_committed) return;
    d->ledger.tag = h->run_tag();
    d->ledger.committed = h->run_committed;
}

static void *dedup_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err, size_t errlen)
{
    dedup *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->host = host;
    d->stage = stage;
    for (int i = 0; i < C_NCOUNTERS; i++) d->counters[i] = host->counter_register(stage, counter_names[i]);
    d->do_exact = host->opt_bool(o, "exact");
    d->do_near = host->opt_bool(o, "near");
    d->do_lines = host->opt_bool(o, "lines");
    d->threshold = host->opt_double(o, "threshold");
    d->min_shingles = (size_t)host->opt_int(o, "min_shingles");
    d->line_min_docs = (uint32_t)host->opt_int(o, "line_min_docs");
    d->line_max_fraction = host->opt_double(o, "line_max_fraction");
    d->scope_site = strcmp(host->opt_str(o, "line_scope"), "site") == 0;
    int64_t rt = host->opt_int(o, "reduce_tasks");
    int64_t sh = host->opt_int(o, "shingle"), bands = host->opt_int(o, "bands"), rows = host->opt_int(o, "rows");
    int64_t lmc = host->opt_int(o, "line_min_chars"), lhc = host->opt_int(o, "line_heading_max_chars");
    if (sh < 1 || sh > 64 || bands < 1 || bands > 255 || bands * rows > 4096 || rows < 1 || rows > 64 || lmc < 0 || lhc < 0 ||
        d->line_min_docs < 2 || host->opt_int(o, "min_shingles") < 1 || d->threshold <= 0 || d->threshold > 1 ||
        rt < 1 || rt > 4096) {
        snprintf(err, errlen, "dedup: need 1<=shingle<=64, 1<=bands<=255, 1<=rows<=64, min_shingles>=1, "
                              "line_min_docs>=2, 0<threshold<=1, 1<=reduce_tasks<=4096");
        free(d);
        return NULL;
    }
    d->reduce_tasks = (unsigned)rt;
    mh_params_init(&d->mh, (int)sh, (int)bands, (int)rows, (uint64_t)host->opt_int(o, "seed"));
    int folded;
    find_fold_table(d, o, &folded);
    d->lr.min_chars = (size_t)lmc;
    d->lr.heading_max_chars = (size_t)lhc;
    d->lr.fold = folded ? &d->fold : NULL;
    int k = mh_k(&d->mh);
    d->sig = calloc((size_t)k, sizeof *d->sig);
    d->sketch = calloc((size_t)k, 1);
    d->cands = calloc(MAX_CANDIDATES, sizeof *d->cands);
    if (!d->sig || !d->sketch || !d->cands) abort();
    char params[256];
    snprintf(params, sizeof params, "%s fold=%016llx shingle=%d bands=%d rows=%d seed=%lld bandkey=%d+16be sketch=oph4",
             NORM_VERSION, folded ? (unsigned long long)d->fold.digest : 0ULL, (int)sh, (int)bands, (int)rows,
             (long long)host->opt_int(o, "seed"), DX_BAND_PREFIX_BITS);
    if (cluster_setup(d, o, err, errlen) != 0) {
        cluster_close(d); /* whatever the phase had loaded before it failed */
        mh_params_free(&d->mh);
        norm_fold_free(&d->fold);
        free(d->sig), free(d->sketch), free(d->cands), free(d);
        return NULL;
    }
    if (d->cl_phase != CL_NONE) return d; /* no index: the files of cluster.h replace it */
    char ierr[768];
    int kind = 0; /* DX_FAIL_*: runtime, locked (busy index) or config (other settings) */
    ledger_setup(d);
    d->ix = dx_open(host->opt_str(o, "index"), host->opt_str(o, "tmp_dir"), params, k, &d->ledger, ierr,
                    sizeof ierr, &kind);
    if (d->ix && strcmp(host->opt_str(o, "keep"), "longest") == 0) {
        d->plan.base = dx_next_doc(d->ix);
        d->plan.pix = dx_open(NULL, host->opt_str(o, "tmp_dir"), params, k, NULL, ierr, sizeof ierr, &kind);
        if (!d->plan.pix) {
            dx_close(d->ix);
            d->ix = NULL;
        }
    }
    if (d->ix) d->has_earlier = dx_persistent(d->ix) && dx_next_doc(d->ix) > 0;
    if (!d->ix) {
        /* Only kind == DX_FAIL_CONFIG is a config error: a busy index or an
         * address-space limit has nothing to fix in the config.  The message
         * says which; from plugin ABI 1.2 on, the core is told too (exit 5
         * for a busy index, 1 for the runtime). */
        if (kind != DX_FAIL_CONFIG && host->struct_size > offsetof(dc_host, set_failure) && host->set_failure)
            host->set_failure(stage, kind == DX_FAIL_LOCKED ? DC_FAIL_LOCKED : DC_FAIL_RUNTIME);
        snprintf(err, errlen, "dedup: %s", ierr);
        mh_params_free(&d->mh);
        norm_fold_free(&d->fold);
        free(d->sig), free(d->sketch), free(d->cands), free(d);
        return NULL;
    }
    return d;
}

static void dedup_destroy(void *p)
{
    dedup *d = p;
    if (!d) return;
    cluster_close(d);
    /* A prepared run whose ledger has answered by now (the core destroys
     * the pipeline before closing the state): settle it here, so the next
     * run finds a final index.  If this fails, or we die first, the next
     * dx_open does it. */
    char e[768];
    if (d->ix && d->committed && d->ledger.tag && dx_settle(d->ix, &d->ledger, e, sizeof e) != 0)
        d->host->log(d->stage, DC_LOG_WARN, "dedup: %s (the next run settles it)", e);
    dx_close(d->ix); /* rolls back unless finish() committed */
    dx_close(d->plan.pix);
    free(d->plan.seq), free(d->plan.root), free(d->plan.best), free(d->plan.len);
    free(d->plan.old), free(d->plan.old_sim);
    free(d->pre.seq), free(d->pre.key);
    mh_params_free(&d->mh);
    norm_fold_free(&d->fold);
    u64map_free(&d->line_counts);
    u64map_free(&d->prepass_seen);
    norm_out_free(&d->norm);
    norm_out_free(&d->scratch);
    free(d->lines), free(d->keys), free(d->sig), free(d->sketch), free(d->cands);
    free(d);
}

/* ---- repeated lines ---- */

static uint64_t doc_scope(dedup *d, const dc_doc *doc)
{
    if (!d->scope_site) return 0;
    size_t n = 0;
    const char *s = d->host->meta_get(doc, "site", &n);
    if (s && n) return lines_scope(s, n);
    s = d->host->meta_get(doc, "url", &n);
    if (s && n) {
        size_t hl;
        const char *host = lines_url_host(s, n, &hl);
        return lines_scope(host, hl);
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void pre_keys_add(pre_keys *p, uint64_t seq, const uint8_t key[16])
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 1024;
        p->seq = realloc(p->seq, p->cap * sizeof *p->seq);
        p->key = realloc(p->key, p->cap * sizeof *p->key);
        if (!p->seq || !p->key) abort();
    }
    p->seq[p->n] = seq;
    memcpy(p->key[p->n++], key, 16);
}

/* The prepass's key for doc (documents come in the same order), or NULL. */
static const uint8_t *pre_keys_find(pre_keys *p, uint64_t seq)
{
    while (p->next < p->n && p->seq[p->next] < seq) p->next++;
    return p->next < p->n && p->seq[p->next] == seq ? p->key[p->next] : NULL;
}

static int plan_add(dedup *d, const dc_doc *doc);
static int seen_earlier(dedup *d, const uint8_t pre[16], int also_exact, uint32_t *num);

/* The distinct eligible line keys of a document into d->keys (sorted), and
 * their number; -1 when this exact text was counted already (`seen`): exact
 * copies would count each of their lines again. */
static uint64_t text_key(dedup *d, const dc_doc *doc, uint8_t full[16])
{
    norm_text(doc->text, doc->len, d->lr.fold, &d->norm);
    XXH128_hash_t h = XXH3_128bits(d->norm.text, d->norm.len);
    if (full) {
        XXH128_canonical_t c;
        XXH128_canonicalFromHash(&c, h);
        memcpy(full, c.digest, 16); /* the key hash_doc() would give this text */
    }
    return (h.low64 ^ h.high64) ? (h.low64 ^ h.high64) : 1; /* u64map folds 0 into 1 */
}

/* The distinct eligible line keys of a document into d->keys (sorted). */
static size_t unique_line_keys(dedup *d, const dc_doc *doc)
{
    size_t n = lines_scan(doc->text, doc->len, doc_scope(d, doc), &d->lr, &d->lines, &d->lines_cap, &d->scratch);
    size_t nk = 0, w = 0;
    if (n > d->keys_cap) {
        d->keys_cap = n;
        d->keys = realloc(d->keys, n * sizeof *d->keys);
        if (!d->keys) abort();
    }
    for (size_t i = 0; i < n; i++)
        if (d->lines[i].key) d->keys[nk++] = d->lines[i].key;
    if (nk > 1) qsort(d->keys, nk, sizeof *d->keys, cmp_u64);
    for (size_t i = 0; i < nk; i++)
        if (i == 0 || d->keys[i] != d->keys[i - 1]) d->keys[w++] = d->keys[i];
    return w;
}

/* The distinct line keys (in d->keys) and their number; -1 when this exact
 * text was counted already (`seen`): exact copies would count each of their
 * lines again. */
static long distinct_line_keys(dedup *d, const dc_doc *doc, u64map *seen, uint64_t *hkey)
{
    *hkey = text_key(d, doc, NULL);
    uint32_t *was = u64map_slot(seen, *hkey);
    if (*was) return -1;
    *was = 1;
    return (long)unique_line_keys(d, doc);
}

static dc_verdict process_lines(dedup *d, dc_doc *doc);

static int dedup_prepass(void *p, const dc_doc *doc)
{
    dedup *d = p;
    /* The lines phase of a cluster run spools the documents for the later
     * phases: the core runs it as a prepass (it only reads documents). */
    if (d->cl_phase == CL_LINES) return process_lines(d, (dc_doc *)doc) == DC_KEEP ? 0 : -1;
    if (d->plan.pix && (d->do_exact || d->do_near) && plan_add(d, doc) != 0) {
        d->host->log(d->stage, DC_LOG_ERROR, "keep=longest prepass: %s",
                     dx_error(d->plan.pix) ? dx_error(d->plan.pix) : dx_error(d->ix) ? dx_error(d->ix) : "index numbering");
        return -1;
    }
    if (!d->do_lines) return 0;
    uint8_t full[16];
    uint32_t *was = u64map_slot(&d->prepass_seen, text_key(d, doc, full));
    if (dx_persistent(d->ix)) pre_keys_add(&d->pre, doc->seq, full);
    if (*was) return 0; /* an exact copy of a text counted already */
    *was = 1;
    /* A redelivered document was counted when it was first seen: counting
     * it again in every run that brings it back would make its lines
     * "repeated" by redelivery alone. */
    uint32_t num;
    if (d->has_earlier && seen_earlier(d, full, 1, &num)) return 0;
    size_t nk = unique_line_keys(d, doc);
    for (size_t i = 0; i < nk; i++) (*u64map_slot(&d->line_counts, d->keys[i]))++;
    return 0;
}

static uint32_t line_count(dedup *d, uint64_t key)
{
    if (d->cl_phase) return u64map_get(&d->line_set, key) ? d->line_min_docs : 0;
    uint32_t c = u64map_get(&d->line_counts, key);
    if (dx_persistent(d->ix)) c += dx_line_count(d->ix, key);
    return c;
}

/* Remove the repeated lines of doc.  When `pre` is given and lines are
 * removed, it gets the exact key of the text as it was before (the text's
 * identity across runs), and 1 is returned; else 0. */
static int remove_repeated_lines(dedup *d, dc_doc *doc, uint8_t pre[16])
{
    if (d->cl_phase ? !d->line_set.n : !d->line_counts.n && !dx_persistent(d->ix)) return 0; /* nothing counted */
    size_t n = lines_scan(doc->text, doc->len, doc_scope(d, doc), &d->lr, &d->lines, &d->lines_cap, &d->scratch);
    size_t total = 0, rep = 0, nrep = 0;
    for (size_t i = 0; i < n; i++) {
        line_info *li = &d->lines[i];
        total += li->nchars;
        if (li->key && line_count(d, li->key) >= d->line_min_docs) {
            rep += li->nchars;
            nrep++;
        } else {
            li->key = 0; /* mark: keep */
        }
    }
    if (!nrep) return 0;
    if ((double)rep > d->line_max_fraction * (double)total) {
        /* Mostly "boilerplate": this is a copy of a repeated document, which
         * the duplicate rules handle; stripping it would leave a husk. */
        d->host->counter_add(d->stage, d->counters[C_LINE_SKIP], 1);
        return 0;
    }
    if (pre) {
        const uint8_t *known = pre_keys_find(&d->pre, doc->seq);
        if (known) memcpy(pre, known, 16);
        else text_key(d, doc, pre);
    }
    dc_edits *e = d->host->edits_begin(doc);
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        if (d->lines[i].key) {
            d->host->edits_delete_line(e, d->lines[i].off, "dedup.repeated_line");
            bytes += d->lines[i].len + 1;
        }
    size_t applied = 0;
    if (d->host->edits_commit(e, &applied) != 0) return 0;
    d->host->counter_add(d->stage, d->counters[C_LINES], (int64_t)applied);
    d->host->counter_add(d->stage, d->counters[C_LINE_BYTES], (int64_t)bytes);
    d->host->counter_add(d->stage, d->counters[C_LINE_DOCS], 1);
    d->host->meta_add_int(doc, "dedup_lines_removed", (int64_t)applied);
    return pre && applied;
}

/* ---- duplicates ---- */

/* Drop `doc` as a copy of the document with id `rid`; `from` names an
 * earlier run ("" for this one). */
static dc_verdict drop_as(dedup *d, dc_doc *doc, const char *rid, size_t ridlen, double sim, int exact,
                          const char *from)
{
    char id[1024];
    snprintf(id, sizeof id, "%.*s", (int)ridlen, rid);
    d->host->meta_set_str(doc, "dup_of", rid, ridlen);
    d->host->meta_set_double(doc, "similarity", sim);
    d->host->counter_add(d->stage, d->counters[exact ? C_EXACT : C_NEAR], 1);
    if (exact) d->host->set_reason(doc, "dedup: exact duplicate of %s%s", id, from);
    else d->host->set_reason(doc, "dedup: near duplicate of %s (similarity %.3f)%s", id, sim, from);
    return DC_DROP;
}

/* Drop `doc` as a copy of document `rootnum` of index `ix`. */
static dc_verdict drop(dedup *d, dc_doc *doc, dx_index *ix, uint32_t rootnum, double sim, int exact)
{
    dx_docrec root;
    if (dx_doc_get(ix, rootnum, &root) != 0) {
        memset(&root, 0, sizeof root);
        root.run = dx_run(d->ix);
        root.id = "?";
        root.idlen = 1;
    }
    char from[1200] = "";
    if (ix == d->ix && root.run != dx_run(d->ix)) {
        char src[1024];
        dx_source_name(d->ix, root.source, src, sizeof src);
        snprintf(from, sizeof from, ", indexed by run %u from %s", root.run, src);
        d->host->meta_set_int(doc, "dup_of_run", root.run);
        d->host->counter_add(d->stage, d->counters[C_OLD], 1);
    }
    return drop_as(d, doc, root.id, root.idlen, sim, exact, from);
}

/* ---- redelivery: a document indexed by an earlier run ----
 *
 * What step 1 removes depends on line counts that grow from run to run, so
 * the exact key and the signature of a document redelivered in a later run
 * can differ from those its first run indexed (and the near check can miss
 * it when the removed lines were a large part of it).  Its text before
 * line removal does not change: the `texts` table maps its key to the
 * document indexed for it, written whenever it differs from the exact key
 * (`exact` holds it otherwise).  Within one run the usual rules apply
 * unchanged, which keeps a run without a persistent index, and its cluster
 * form, as they were. */

/* Was this text before line removal (`pre`) indexed by an earlier run?  The
 * exact table is looked at too when `also_exact` (the caller's exact lookup
 * will not see `pre` there).  1 and the indexed document in *num, or 0. */
static int seen_earlier(dedup *d, const uint8_t pre[16], int also_exact, uint32_t *num)
{
    dx_docrec r;
    if (dx_text_get(d->ix, pre, num) == 1 && dx_doc_get(d->ix, *num, &r) == 0 && r.run != dx_run(d->ix)) return 1;
    return also_exact && dx_exact_get(d->ix, pre, num) == 1 && dx_doc_get(d->ix, *num, &r) == 0 &&
           r.run != dx_run(d->ix);
}

/* Remember the text before line removal of a document decided as `num`,
 * unless the exact table already holds it under that key. */
static void remember_text(dedup *d, const uint8_t pre[16], int has_pre, uint32_t num)
{
    if (dx_persistent(d->ix) && num != DX_NO_DOC && (has_pre || !d->do_exact)) dx_text_put(d->ix, pre, num);
}

/* Drop a redelivered document: dup_of is the kept document of the cluster
 * the earlier run put it in; the reason names the document it is a copy of
 * when that one was itself dropped. */
static dc_verdict drop_seen(dedup *d, dc_doc *doc, uint32_t num)
{
    dx_docrec seen, root;
    char sid[512], src[1024], via[1200] = "";
    d->host->counter_add(d->stage, d->counters[C_SEEN], 1);
    if (dx_doc_get(d->ix, num, &seen) != 0) return drop(d, doc, d->ix, num, 1.0, 1);
    if (seen.root == num) return drop(d, doc, d->ix, num, 1.0, 1);
    snprintf(sid, sizeof sid, "%.*s", (int)seen.idlen, seen.id);
    dx_source_name(d->ix, seen.source, src, sizeof src);
    uint32_t seen_run = seen.run, rootnum = seen.root;
    if (dx_doc_get(d->ix, rootnum, &root) != 0) return drop(d, doc, d->ix, num, 1.0, 1);
    snprintf(via, sizeof via, ", which run %u indexed from %s", seen_run, src);
    d->host->meta_set_int(doc, "dup_of_run", root.run);
    d->host->counter_add(d->stage, d->counters[C_OLD], 1);
    d->host->meta_set_str(doc, "dup_of", root.id, root.idlen);
    d->host->meta_set_double(doc, "similarity", 1.0);
    d->host->counter_add(d->stage, d->counters[C_EXACT], 1);
    d->host->set_reason(doc, "dedup: exact duplicate of %s%s, a copy of %.*s (indexed by run %u)", sid, via,
                        (int)root.idlen, root.id, root.run);
    return DC_DROP;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Normalize and hash a text into the instance's scratch (norm, sig, sketch)
 * and *h. */
static void hash_doc(dedup *d, const char *text, size_t len, doc_hashes *h)
{
    norm_text(text, len, d->lr.fold, &d->norm);
    XXH128_canonical_t c;
    XXH128_canonicalFromHash(&c, XXH3_128bits(d->norm.text, d->norm.len));
    memcpy(h->exact, c.digest, 16);
    h->use_near = d->do_near && mh_nshingles(&d->mh, d->norm.ntok) >= d->min_shingles;
    if (!h->use_near) {
        memset(d->sketch, 0, (size_t)mh_k(&d->mh));
        return;
    }
    mh_signature(&d->mh, d->norm.tok, d->norm.ntok, d->sig);
    mh_sketch(&d->mh, d->sketch);
    for (int b = 0; b < d->mh.bands; b++) h->bh[b] = mh_band_hash(&d->mh, d->sig, b);
}

/* The earliest cluster among verified candidates in ix; returns 1 and fills
 * *root / *sim when there is one. */
static int find_near(dedup *d, dx_index *ix, const uint64_t *bh, uint32_t *root, double *sim)
{
    size_t n = 0;
    for (int b = 0; b < d->mh.bands; b++)
        if (dx_band_find(ix, b, bh[b], d->cands, &n, MAX_CANDIDATES)) return 0;
    qsort(d->cands, n, sizeof *d->cands, cmp_u32);
    int found = 0;
    int k = mh_k(&d->mh);
    for (size_t i = 0; i < n; i++) {
        if (i && d->cands[i] == d->cands[i - 1]) continue;
        dx_docrec r;
        if (dx_doc_get(ix, d->cands[i], &r)) return 0;
        double j = mh_estimate(d->sketch, r.sketch, k);
        d->host->counter_add(d->stage, d->counters[C_CAND], 1);
        if (j < d->threshold) continue;
        if (!found || r.root < *root || (r.root == *root && j > *sim)) {
            *root = r.root;
            *sim = j;
            found = 1;
        }
    }
    return found;
}

/* Exact, then near lookup of the hashed document in ix: returns MATCH_*,
 * the matched cluster's root and the similarity. */
enum { MATCH_NONE, MATCH_EXACT, MATCH_NEAR };
static int lookup(dedup *d, dx_index *ix, const doc_hashes *h, uint32_t *root, double *sim)
{
    uint32_t prev;
    dx_docrec r;
    if (d->do_exact && dx_exact_get(ix, h->exact, &prev) == 1 && dx_doc_get(ix, prev, &r) == 0) {
        *root = r.root;
        *sim = 1.0;
        return MATCH_EXACT;
    }
    if (h->use_near && find_near(d, ix, h->bh, root, sim)) return MATCH_NEAR;
    return MATCH_NONE;
}

/* Add the hashed document to ix under `root` (DX_NO_DOC: its own root). */
static uint32_t index_doc(dedup *d, dx_index *ix, uint32_t root, const dc_doc *doc, const doc_hashes *h)
{
    uint32_t num = dx_doc_add(ix, root, doc->source, d->sketch, doc->id, doc->id ? strlen(doc->id) : 0);
    if (num == DX_NO_DOC) return num;
    if (d->do_exact) dx_exact_put(ix, h->exact, num);
    if (h->use_near)
        for (int b = 0; b < d->mh.bands; b++) dx_band_put(ix, b, h->bh[b], num);
    return num;
}

static dc_verdict index_error(dedup *d, dc_doc *doc, dx_index *ix)
{
    d->host->set_reason(doc, "dedup: %s", dx_error(ix));
    return DC_ERROR;
}

/* keep = first: decide in the stream (the hashes and d->sketch are set).
 * `pre`: the exact key of the text before line removal, when lines were
 * removed (has_pre); NULL when there is no persistent index. */
static dc_verdict decide_first(dedup *d, dc_doc *doc, const doc_hashes *hp, const uint8_t *pre, int has_pre)
{
    doc_hashes h = *hp;
    uint32_t root = DX_NO_DOC, num;
    double sim = 0;
    if (!has_pre) pre = h.exact;
    if (d->has_earlier && seen_earlier(d, pre, has_pre || !d->do_exact, &num)) return drop_seen(d, doc, num);
    int m = lookup(d, d->ix, &h, &root, &sim);
    if (m == MATCH_EXACT) {
        remember_text(d, pre, has_pre, root);
        return drop(d, doc, d->ix, root, 1.0, 1);
    }
    if (!h.use_near) d->host->counter_add(d->stage, d->counters[C_SHORT], 1);
    num = index_doc(d, d->ix, m == MATCH_NEAR ? root : DX_NO_DOC, doc, &h);
    remember_text(d, pre, has_pre, num);
    if (dx_error(d->ix)) return index_error(d, doc, d->ix);
    return m == MATCH_NEAR ? drop(d, doc, d->ix, root, sim, 0) : DC_KEEP;
}

static dc_verdict process_first(dedup *d, dc_doc *doc, const uint8_t *pre, int has_pre)
{
    doc_hashes h;
    hash_doc(d, doc->text, doc->len, &h);
    return decide_first(d, doc, &h, pre, has_pre);
}

/* keep = longest, first half (prepass): cluster this run in a temporary
 * index, with the same rules as keep = first, and remember each cluster's
 * longest member.  Matches against earlier runs are remembered too: those
 * documents were already written, so their clusters keep them. */
static int plan_add(dedup *d, const dc_doc *doc)
{
    longest_plan *pl = &d->plan;
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 1024;
        pl->seq = realloc(pl->seq, pl->cap * sizeof *pl->seq);
        pl->root = realloc(pl->root, pl->cap * sizeof *pl->root);
        pl->best = realloc(pl->best, pl->cap * sizeof *pl->best);
        pl->len = realloc(pl->len, pl->cap * sizeof *pl->len);
        pl->old = realloc(pl->old, pl->cap * sizeof *pl->old);
        pl->old_sim = realloc(pl->old_sim, pl->cap * sizeof *pl->old_sim);
        if (!pl->seq || !pl->root || !pl->best || !pl->len || !pl->old || !pl->old_sim) abort();
    }
    uint32_t i = pl->n++;
    doc_hashes h;
    uint32_t root = DX_NO_DOC, old = DX_NO_DOC;
    double sim = 0;
    hash_doc(d, doc->text, doc->len, &h);
    pl->seq[i] = doc->seq;
    pl->len[i] = (uint32_t)d->norm.nchars;
    /* the prepass sees the text before line removal: a redelivered
     * document is found by that text's key */
    uint32_t seen;
    dx_docrec sr;
    int m = d->has_earlier && seen_earlier(d, h.exact, 1, &seen) && dx_doc_get(d->ix, seen, &sr) == 0
                ? (old = sr.root, MATCH_EXACT)
                : lookup(d, d->ix, &h, &old, &sim);
    pl->old[i] = m ? old : DX_NO_DOC;
    pl->old_sim[i] = m == MATCH_EXACT ? 2.0f : (float)sim; /* 2: exact */
    if (!m && lookup(d, pl->pix, &h, &root, &sim) == MATCH_NONE) root = DX_NO_DOC;
    if (index_doc(d, pl->pix, root, doc, &h) != i) return -1;
    uint32_t rt = root == DX_NO_DOC ? i : root;
    pl->root[i] = rt;
    pl->best[i] = i;
    if (rt != i && pl->len[i] > pl->len[pl->best[rt]]) pl->best[rt] = i;
    return dx_error(pl->pix) || dx_error(d->ix) ? -1 : 0;
}

static double plan_similarity(dedup *d, uint32_t a, uint32_t b)
{
    dx_docrec ra, rb;
    int k = mh_k(&d->mh);
    if (dx_doc_get(d->plan.pix, a, &ra) || dx_doc_get(d->plan.pix, b, &rb)) return 0;
    return mh_estimate(ra.sketch, rb.sketch, k);
}

/* keep = longest, second half: apply the plan in the same order. */
static dc_verdict process_longest(dedup *d, dc_doc *doc, const uint8_t *pre, int has_pre)
{
    longest_plan *pl = &d->plan;
    uint32_t i = pl->next++;
    if (i >= pl->n || pl->seq[i] != doc->seq) {
        d->host->set_reason(doc, "dedup: keep=longest needs the prepass to have seen this document");
        return DC_ERROR;
    }
    uint32_t rt = pl->root[i], old = pl->old[i] != DX_NO_DOC ? pl->old[i] : pl->old[rt];
    uint32_t self = pl->base + i;
    uint32_t main_root = old != DX_NO_DOC ? old : pl->base + pl->best[rt];
    doc_hashes h;
    hash_doc(d, doc->text, doc->len, &h);
    if (!h.use_near) d->host->counter_add(d->stage, d->counters[C_SHORT], 1);
    if (index_doc(d, d->ix, main_root == self ? DX_NO_DOC : main_root, doc, &h) != self)
        return index_error(d, doc, d->ix);
    remember_text(d, has_pre ? pre : h.exact, has_pre, self);
    if (pl->old[i] != DX_NO_DOC)
        return drop(d, doc, d->ix, old, pl->old_sim[i] > 1 ? 1.0 : pl->old_sim[i], pl->old_sim[i] > 1);
    if (old != DX_NO_DOC) return drop(d, doc, d->ix, old, plan_similarity(d, i, rt), 0);
    if (pl->best[rt] != i) {
        double sim = plan_similarity(d, i, pl->best[rt]);
        return drop(d, doc, pl->pix, pl->best[rt], sim, sim >= 1.0);
    }
    return DC_KEEP;
}

/* ---- cluster phases (cluster.h) ---- */

/* lines: record each distinct text's eligible line keys. */
static dc_verdict process_lines(dedup *d, dc_doc *doc)
{
    uint64_t hkey;
    long nk = d->do_lines ? distinct_line_keys(d, doc, &d->cl_seen, &hkey) : -1;
    if (nk < 0) return DC_KEEP;
    uint32_t n = (uint32_t)nk;
    dcl_writer *w = &d->cl_lines[hkey % d->reduce_tasks];
    dcl_put_u64(w, hkey);
    dcl_put_u64(w, d->host->doc_position(doc));
    dcl_put(w, &n, 4);
    dcl_put(w, d->keys, (size_t)nk * 8);
    return DC_KEEP;
}

/* sign: after the run-wide line removal, what the index would have held. */
static dc_verdict process_sign(dedup *d, dc_doc *doc)
{
    if (d->do_lines) remove_repeated_lines(d, doc, NULL);
    if (!d->do_exact && !d->do_near) return DC_KEEP;
    doc_hashes h;
    uint64_t pos = d->host->doc_position(doc);
    hash_doc(d, doc->text, doc->len, &h);
    if (d->do_exact) {
        uint64_t h0;
        memcpy(&h0, h.exact, 8);
        dcl_writer *w = &d->cl_exact[h0 % d->reduce_tasks];
        dcl_put(w, h.exact, 16);
        dcl_put_u64(w, pos);
    }
    uint8_t flags = h.use_near ? 1 : 0;
    size_t idlen = doc->id ? strlen(doc->id) : 0;
    uint16_t l = (uint16_t)(idlen > 65535 ? 65535 : idlen);
    dcl_put_u64(&d->cl_docs, pos);
    dcl_put(&d->cl_docs, &flags, 1);
    if (h.use_near) dcl_put(&d->cl_docs, d->sketch, (size_t)mh_k(&d->mh));
    dcl_put(&d->cl_docs, &l, 2);
    dcl_put(&d->cl_docs, doc->id, l);
    for (int b = 0; h.use_near && b < d->mh.bands; b++) {
        uint32_t key = (uint32_t)(h.bh[b] >> 32); /* what the index matches on */
        dcl_put(&d->cl_bands[b], &key, 4);
        dcl_put_u64(&d->cl_bands[b], pos);
    }
    return DC_KEEP;
}

/* apply: the run-wide line removal, then the decide task's verdict. */
static dc_verdict process_apply(dedup *d, dc_doc *doc)
{
    if (d->do_lines) remove_repeated_lines(d, doc, NULL);
    const dcl_drop *x = dcl_drops_find(&d->drops, d->host->doc_position(doc));
    return x ? drop_as(d, doc, x->id, x->idlen, x->sim, x->exact, "") : DC_KEEP;
}

static int cluster_finish(dedup *d, char *err, size_t errlen)
{
    char e[1024];
    int rc = dcl_commit(&d->cl_docs, e, sizeof e);
    for (unsigned t = 0; !rc && d->cl_exact && t < d->reduce_tasks; t++) rc = dcl_commit(&d->cl_exact[t], e, sizeof e);
    for (unsigned t = 0; !rc && d->cl_lines && t < d->reduce_tasks; t++) rc = dcl_commit(&d->cl_lines[t], e, sizeof e);
    for (int b = 0; !rc && d->cl_bands && b < d->mh.bands; b++) rc = dcl_commit(&d->cl_bands[b], e, sizeof e);
    if (rc) snprintf(err, errlen, "dedup: %s", e);
    return rc ? -1 : 0;
}

static int dedup_reduce(void *p, char *err, size_t errlen)
{
    dedup *d = p;
    const dc_cluster_ctx *c = d->cl;
    if (d->cl_phase != CL_REDUCE) {
        snprintf(err, errlen, "dedup: '%s' is not a reduce phase (linewin, linecount, exact, bands, verify, decide)",
                 c ? c->phase : "(none)");
        return -1;
    }
    dcl_params prm = {c->dir, c->nshards, c->task, c->ntasks ? c->ntasks : 1, d->reduce_tasks, mh_k(&d->mh),
                      d->mh.bands, d->threshold, d->line_min_docs, d->do_exact, d->do_near, d->do_lines};
    dcl_stats st = {0};
    char e[2048] = "";
    int rc;
    if ((!strcmp(c->phase, "linewin") || !strcmp(c->phase, "linecount") || !strcmp(c->phase, "verify") ||
         !strcmp(c->phase, "exact")) &&
        prm.ntasks != d->reduce_tasks)
        rc = -1, snprintf(e, sizeof e, "%s runs as reduce_tasks = %u tasks, not %u", c->phase, d->reduce_tasks, prm.ntasks);
    else if (!strcmp(c->phase, "linewin")) rc = dcl_reduce_linewin(&prm, &st, e, sizeof e);
    else if (!strcmp(c->phase, "linecount")) rc = dcl_reduce_linecount(&prm, &st, e, sizeof e);
    else if (!strcmp(c->phase, "exact")) rc = dcl_reduce_exact(&prm, &st, e, sizeof e);
    else if (!strcmp(c->phase, "bands")) rc = dcl_reduce_bands(&prm, &st, e, sizeof e);
    else if (!strcmp(c->phase, "verify")) rc = dcl_reduce_verify(&prm, &st, e, sizeof e);
    else if (!strcmp(c->phase, "decide")) rc = dcl_reduce_decide(&prm, &st, e, sizeof e);
    else rc = -1, snprintf(e, sizeof e, "unknown reduce phase '%s' (linewin, linecount, exact, bands, verify, decide)", c->phase);
    if (rc) {
        snprintf(err, errlen, "dedup: %s", e);
        return -1;
    }
    d->host->log(d->stage, DC_LOG_INFO,
                 "%s task %u/%u: %llu records, %llu documents, %llu exact and %llu near duplicates, "
                 "%llu candidates; read %llu bytes, wrote %llu bytes",
                 c->phase, c->task, prm.ntasks, (unsigned long long)st.records, (unsigned long long)st.docs,
                 (unsigned long long)st.exact, (unsigned long long)st.near, (unsigned long long)st.candidates,
                 (unsigned long long)st.bytes_in, (unsigned long long)st.bytes_out);
    return 0;
}

/* ---- prepare on the workers (keep = first, no persistent index) ----
 *
 * Line removal and hashing are per document; only the index lookups need
 * input order.  prepare() runs them on a shallow copy of the instance with
 * its own scratch buffers (the shared parts, counts and parameters, are
 * read-only by then), so any number of workers can prepare at once. */
typedef struct prepared {
    doc_hashes h;
    uint8_t sketch[]; /* K bytes */
} prepared;

/* The prepass's half: the text's key and its distinct line keys. */
typedef struct prepared_lines {
    uint64_t hkey;
    size_t n;
    uint64_t keys[];
} prepared_lines;

/* A shallow copy of the instance with private scratch buffers. */
static void scratch_copy(const dedup *d, dedup *t, uint8_t *sketch)
{
    *t = *d;
    memset(&t->norm, 0, sizeof t->norm);
    memset(&t->scratch, 0, sizeof t->scratch);
    t->lines = NULL, t->lines_cap = 0, t->keys = NULL, t->keys_cap = 0;
    t->mh.xs = NULL, t->mh.xcap = 0;
    t->sig = malloc((size_t)mh_k(&d->mh) * sizeof *t->sig);
    if (!t->sig) abort();
    t->sketch = sketch;
}

static void scratch_free(dedup *t)
{
    free(t->sig), free(t->mh.xs), free(t->lines), free(t->keys);
    norm_out_free(&t->norm);
    norm_out_free(&t->scratch);
}

static void *prepare_lines(dedup *d, const dc_doc *doc)
{
    if (!d->do_lines || d->plan.pix) return NULL;
    dedup t;
    scratch_copy(d, &t, NULL);
    uint64_t hkey = text_key(&t, doc, NULL);
    size_t n = unique_line_keys(&t, doc);
    prepared_lines *pl = malloc(sizeof *pl + n * sizeof *pl->keys);
    if (!pl) abort();
    pl->hkey = hkey, pl->n = n;
    if (n) memcpy(pl->keys, t.keys, n * sizeof *pl->keys);
    scratch_free(&t);
    return pl;
}

static void *dedup_prepare(void *p, dc_doc *doc, int pass)
{
    dedup *d = p;
    if (d->cl_phase || !d->ix || dx_persistent(d->ix)) return NULL;
    if (pass == DC_PASS_PREPASS) return prepare_lines(d, doc);
    if (d->plan.pix) return NULL;
    prepared *pr = malloc(sizeof *pr + (size_t)mh_k(&d->mh));
    if (!pr) abort();
    dedup t;
    scratch_copy(d, &t, pr->sketch);
    if (d->do_lines) remove_repeated_lines(&t, doc, NULL);
    if (d->do_exact || d->do_near) hash_doc(&t, doc->text, doc->len, &pr->h);
    scratch_free(&t);
    return pr;
}

static int dedup_prepass_prepared(void *p, const dc_doc *doc, void *prep)
{
    dedup *d = p;
    prepared_lines *pl = prep;
    uint32_t *was = u64map_slot(&d->prepass_seen, pl->hkey);
    if (!*was) {
        *was = 1;
        for (size_t i = 0; i < pl->n; i++) (*u64map_slot(&d->line_counts, pl->keys[i]))++;
    }
    (void)doc;
    free(pl);
    return 0;
}

static dc_verdict dedup_process_prepared(void *p, dc_doc *doc, void *prep)
{
    dedup *d = p;
    prepared *pr = prep;
    d->host->counter_add(d->stage, d->counters[C_DOCS], 1);
    dc_verdict v = DC_KEEP;
    if (d->do_exact || d->do_near) {
        memcpy(d->sketch, pr->sketch, (size_t)mh_k(&d->mh));
        v = decide_first(d, doc, &pr->h, NULL, 0);
    }
    free(pr);
    return v;
}

static void dedup_prepared_free(void *p, void *prep)
{
    (void)p;
    free(prep);
}

static dc_verdict dedup_process(void *p, dc_doc *doc)
{
    dedup *d = p;
    d->host->counter_add(d->stage, d->counters[C_DOCS], 1);
    if (d->cl_phase == CL_LINES) return process_lines(d, doc);
    if (d->cl_phase == CL_SIGN) return process_sign(d, doc);
    if (d->cl_phase == CL_APPLY) return process_apply(d, doc);
    if (d->cl_phase == CL_REDUCE) {
        d->host->set_reason(doc, "dedup: reduce phase %s takes no documents", d->cl->phase);
        return DC_ERROR;
    }
    uint8_t pre[16];
    int has_pre = d->do_lines && remove_repeated_lines(d, doc, dx_persistent(d->ix) ? pre : NULL);
    if (!d->do_exact && !d->do_near) return DC_KEEP;
    return d->plan.pix ? process_longest(d, doc, pre, has_pre) : process_first(d, doc, pre, has_pre);
}

/* Commit: this run's line counts (those seen twice, or already known) and
 * every document, in one transaction.  In a --state run this is the
 * prepare half (DC_PLUGIN_TWO_PHASE): called before the ledger commit. */
static int dedup_finish(void *p, char *err, size_t errlen)
{
    dedup *d = p;
    if (d->committed) return 0;
    if (d->cl_phase) return d->cl_phase == CL_REDUCE ? 0 : cluster_finish(d, err, errlen);
    if (!dx_persistent(d->ix)) return dx_error(d->ix) ? (snprintf(err, errlen, "dedup: %s", dx_error(d->ix)), -1) : 0;
    for (size_t i = 0; i < d->line_counts.cap; i++) {
        uint64_t key = d->line_counts.keys[i];
        uint32_t c = d->line_counts.vals[i];
        if (!key || !c) continue;
        if (c >= 2 || dx_line_count(d->ix, key) > 0) dx_line_add(d->ix, key, c);
    }
    char e[768];
    if (dx_commit(d->ix, e, sizeof e) != 0) {
        snprintf(err, errlen, "dedup: %s", e);
        return -1;
    }
    d->committed = 1;
    return 0;
}

static const dc_phase_decl phases[] = {
    {"lines", 0, NULL, "each distinct text's eligible line keys, per shard, by text hash"},
    {"linewin", 1, "reduce_tasks", "per text-hash range: the first copy of each text; its line keys by key range"},
    {"linecount", 1, "reduce_tasks", "per key range: lines in line_min_docs or more distinct texts -> lines.set/"},
    {"sign", 0, NULL, "after repeated-line removal: exact hash, sketch, id and LSH band keys, per shard"},
    {"exact", 1, "reduce_tasks", "later exact copies -> their first copy, by hash range"},
    {"bands", 1, "bands", "candidate lists per LSH band (exact copies left out)"},
    {"verify", 1, "reduce_tasks", "per document-hash range: candidates whose sketch estimate reaches threshold"},
    {"decide", 1, "1", "in input order: assign clusters as the stream does, drop lists with dup_of"},
    {"apply", 0, NULL, "remove repeated lines and drop what the drop list says, per shard"},
    {NULL, 0, NULL, NULL}};

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_TWO_PHASE),
    .name = "dedup",
    .description = "exact, near-duplicate (MinHash LSH) and repeated-line removal with a persistent index",
    .version = "1.0",
    .options = options,
    .create = dedup_create,
    .process = dedup_process,
    .finish = dedup_finish,
    .destroy = dedup_destroy,
    .prepass = dedup_prepass,
    .reduce = dedup_reduce,
    .phases = phases,
    .prepare = dedup_prepare,
    .process_prepared = dedup_process_prepared,
    .prepass_prepared = dedup_prepass_prepared,
    .prepared_free = dedup_prepared_free,
};
