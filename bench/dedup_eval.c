/*
 * dedup_eval.c - the dedup plugin's bench driver (built by bench_dedup.sh).
 *
 *   dedup_eval pairs PAIRS.tsv TSTABLE    precision/recall on labelled pairs
 *   dedup_eval speed PAIRS.tsv TSTABLE    signature and full-stage MB/s (CPU time)
 *   dedup_eval laws DIR                   pairs of law revisions vs MANIFEST.tsv
 *   dedup_eval scale N DIR                an N-document index from synthetic
 *                                         signatures: build, lookup, insert timings
 * Each labelled pair runs in a fresh stage instance (A then B; predicted
 * duplicate = B dropped), so the score is the pair decision itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

#include "index.h"
#include "minhash.h"
#include "norm.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

static double now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct pair { char *id, *kind, *a, *b; double j; } pair;

static void unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] == 'n') *w++ = '\n', r++;
        else *w++ = *r;
    }
    *w = 0;
}

static pair *read_pairs(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    pair *p = NULL;
    size_t cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    *n = 0;
    while (getline(&line, &lcap, f) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *f1 = strtok(line, "\t"), *f2 = strtok(NULL, "\t"), *f3 = strtok(NULL, "\t");
        char *f4 = strtok(NULL, "\t"), *f5 = strtok(NULL, "\t");
        if (!f5) continue;
        if (*n == cap) p = realloc(p, (cap = cap ? cap * 2 : 1024) * sizeof *p);
        p[*n] = (pair){strdup(f1), strdup(f3), strdup(f4), strdup(f5), atof(f2)};
        unescape(p[*n].a);
        unescape(p[*n].b);
        (*n)++;
    }
    free(line);
    fclose(f);
    return p;
}

typedef struct inst { dc_options *o; dc_stage *s; void *i; } inst;

static void open_inst(inst *x, const char *const *kv)
{
    char err[1024];
    x->o = dc_options_from_pairs(docclean_plugin.options, kv, "bench", err, sizeof err);
    if (!x->o) { fprintf(stderr, "%s\n", err); exit(2); }
    x->s = dc_stage_new_standalone("dedup");
    x->i = docclean_plugin.create(dc_host_get(), x->s, x->o, err, sizeof err);
    if (!x->i) { fprintf(stderr, "%s\n", err); exit(2); }
}

static void close_inst(inst *x)
{
    char err[512];
    docclean_plugin.finish(x->i, err, sizeof err);
    docclean_plugin.destroy(x->i);
    dc_options_free(x->o);
    dc_stage_free_standalone(x->s);
}

/* Process a then b in a fresh instance; returns 1 when b is dropped. */
static int pair_decision(const char *const *kv, const char *a, size_t al, const char *b, size_t bl, double *sim)
{
    inst x;
    open_inst(&x, kv);
    dc_doc *da = dc_doc_new("a", a, al), *db = dc_doc_new("b", b, bl);
    da->seq = 0, db->seq = 1;
    docclean_plugin.process(x.i, da);
    int dropped = docclean_plugin.process(x.i, db) == DC_DROP;
    size_t n;
    const char *s = dc_host_get()->meta_get(db, "similarity", &n);
    *sim = s ? atof(s) : 0;
    dc_doc_free(da), dc_doc_free(db);
    close_inst(&x);
    return dropped;
}

static int cmd_pairs(const char *path, const char *table)
{
    size_t n;
    pair *p = read_pairs(path, &n);
    char topt[1024];
    snprintf(topt, sizeof topt, "t2s_table=%s", table);
    /* DEDUP_EVAL_OPTS="bands=20 threshold=0.8" tries other settings */
    const char *kv[16] = {"lines=false", topt};
    char extra[1024] = "";
    snprintf(extra, sizeof extra, "%s", getenv("DEDUP_EVAL_OPTS") ? getenv("DEDUP_EVAL_OPTS") : "");
    int nk = 2;
    for (char *t = strtok(extra, " "); t && nk < 15; t = strtok(NULL, " ")) kv[nk++] = t;
    kv[nk] = NULL;
    size_t tp = 0, fp = 0, fn = 0, tn = 0, band[11][2] = {{0}};
    for (size_t i = 0; i < n; i++) {
        double sim;
        int pred = pair_decision(kv, p[i].a, strlen(p[i].a), p[i].b, strlen(p[i].b), &sim);
        int truth = p[i].j >= 0.8;
        tp += pred && truth, fp += pred && !truth, fn += !pred && truth, tn += !pred && !truth;
        band[(int)(p[i].j * 10)][0]++;
        band[(int)(p[i].j * 10)][1] += pred;
        if (pred != truth && getenv("DEDUP_EVAL_VERBOSE"))
            printf("  miss %s true=%.3f est=%.3f pred=%d kind=%s\n", p[i].id, p[i].j, sim, pred, p[i].kind);
    }
    double prec = tp + fp ? (double)tp / (tp + fp) : 1, rec = tp + fn ? (double)tp / (tp + fn) : 1;
    printf("pairs %zu: tp %zu fp %zu fn %zu tn %zu\n", n, tp, fp, fn, tn);
    printf("precision %.4f recall %.4f (threshold 0.8; goals P>=0.97 R>=0.95)\n", prec, rec);
    printf("dropped fraction by true Jaccard decile:");
    for (int b = 0; b <= 10; b++)
        if (band[b][0]) printf(" %.1f:%zu/%zu", b / 10.0, band[b][1], band[b][0]);
    printf("\n");
    return 0;
}

static int cmd_speed(const char *path, const char *table)
{
    size_t n, bytes = 0;
    pair *p = read_pairs(path, &n);
    for (size_t i = 0; i < n; i++) bytes += strlen(p[i].a) + strlen(p[i].b);
    mh_params mh;
    mh_params_init(&mh, 5, 14, 8, 1);
    norm_fold fold;
    char err[512];
    if (norm_fold_load(&fold, table, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 2; }
    norm_out o = {0};
    uint32_t sig[112];
    uint8_t sketch[112];
    uint64_t sink = 0;
    int reps = 3;
    double t0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < 2 * n; i++) {
            const char *t = i & 1 ? p[i / 2].b : p[i / 2].a;
            norm_text(t, strlen(t), &fold, &o);
        }
    double t1 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int r = 0; r < reps; r++)
        for (size_t i = 0; i < 2 * n; i++) {
            const char *t = i & 1 ? p[i / 2].b : p[i / 2].a;
            norm_text(t, strlen(t), &fold, &o);
            if (mh_nshingles(&mh, o.ntok) == 0) continue;
            mh_signature(&mh, o.tok, o.ntok, sig);
            mh_sketch(&mh, sketch);
            sink += sketch[0];
            for (int b = 0; b < 14; b++) sink += mh_band_hash(&mh, sig, b);
        }
    double t2 = now(CLOCK_PROCESS_CPUTIME_ID);
    double mb = bytes * (double)reps / 1e6;
    printf("input %.1f MB (x%d)\n", bytes / 1e6, reps);
    printf("normalize only:            %7.1f MB/s per core\n", mb / (t1 - t0));
    printf("normalize+signature+sketch+bands: %7.1f MB/s per core (goal >= 50)\n", mb / (t2 - t1));
    /* the whole stage, one instance, every document through the index */
    char topt[1024];
    snprintf(topt, sizeof topt, "t2s_table=%s", table);
    const char *kv[] = {"lines=false", topt, NULL};
    inst x;
    open_inst(&x, kv);
    double t3 = now(CLOCK_PROCESS_CPUTIME_ID);
    size_t dropped = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        const char *t = i & 1 ? p[i / 2].b : p[i / 2].a;
        char id[32];
        snprintf(id, sizeof id, "d%zu", i);
        dc_doc *d = dc_doc_new(id, t, strlen(t));
        d->seq = i;
        dropped += docclean_plugin.process(x.i, d) == DC_DROP;
        dc_doc_free(d);
    }
    double t4 = now(CLOCK_PROCESS_CPUTIME_ID);
    close_inst(&x);
    printf("full stage (index lookups+inserts): %7.1f MB/s per core; %zu of %zu docs dropped\n",
           bytes / 1e6 / (t4 - t3), dropped, 2 * n);
    printf("ratio signature/normalize time: %.2f\n", (t2 - t1) / (t1 - t0));
    (void)sink;
    norm_out_free(&o);
    norm_fold_free(&fold);
    mh_params_free(&mh);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc(*len + 1);
    if (fread(s, 1, *len, f) != *len) *len = 0;
    s[*len] = 0;
    fclose(f);
    return s;
}

static int cmd_laws(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/MANIFEST.tsv", dir);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); return 2; }
    char line[8192], prev_group[64] = "", prev_file[1024] = "";
    const char *kv[] = {"lines=false", NULL};
    size_t pos = 0, found = 0, neg = 0, fpos = 0;
    printf("group  manifest_J  estimated  dropped\n");
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "group\t", 6)) continue;
        char *g = strtok(line, "\t"), *file = strtok(NULL, "\t");
        char *c3 = strtok(NULL, "\t"), *c4 = strtok(NULL, "\t"), *c5 = strtok(NULL, "\t"), *jj = strtok(NULL, "\t\n");
        (void)c3, (void)c4, (void)c5;
        if (!jj) continue;
        if (strcmp(g, prev_group) == 0) {
            char pa[8192], pb[8192];
            size_t la, lb;
            snprintf(pa, sizeof pa, "%s/%s", dir, prev_file);
            snprintf(pb, sizeof pb, "%s/%s", dir, file);
            char *a = slurp(pa, &la), *b = slurp(pb, &lb);
            if (!a || !b) { fprintf(stderr, "cannot read %s or %s\n", pa, pb); return 2; }
            double sim, mj = atof(jj);
            int d = pair_decision(kv, a, la, b, lb, &sim);
            if (d) printf("%-6s %.3f       %.3f      yes\n", g, mj, sim);
            else printf("%-6s %.3f       -          no\n", g, mj);
            if (mj >= 0.8) pos++, found += d;
            else neg++, fpos += d;
            free(a), free(b);
        }
        snprintf(prev_group, sizeof prev_group, "%s", g);
        snprintf(prev_file, sizeof prev_file, "%s", file);
    }
    fclose(f);
    printf("law revision pairs: manifest J>=0.8: %zu, found %zu; J<0.8: %zu, flagged %zu\n", pos, found, neg, fpos);
    return 0;
}

static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* One synthetic document straight into the index, as process() would. */
static void synth_insert(dx_index *ix, uint64_t *s, uint32_t i)
{
    uint8_t sig8[112], h[16];
    for (int k = 0; k < 112; k += 8) { /* a random sketch */
        uint64_t r = rnd(s);
        memcpy(sig8 + k, &r, 8);
    }
    uint64_t r1 = rnd(s), r2 = rnd(s);
    memcpy(h, &r1, 8), memcpy(h + 8, &r2, 8);
    char id[32];
    int idl = snprintf(id, sizeof id, "doc%09u", i);
    uint32_t num = dx_doc_add(ix, DX_NO_DOC, "synthetic.jsonl", sig8, id, (size_t)idl);
    dx_exact_put(ix, h, num);
    for (int b = 0; b < 14; b++) dx_band_put(ix, b, rnd(s), num);
}

static int cmd_scale(long n, const char *dir)
{
    char err[1024];
    int kind;
    const char *params = "bench-synthetic";
    dx_index *ix = dx_open(dir, NULL, params, 112, NULL, err, sizeof err, &kind);
    if (!ix) { fprintf(stderr, "%s\n", err); return 2; }
    uint64_t s = 42;
    double t0 = now(CLOCK_MONOTONIC);
    for (long i = 0; i < n; i++) synth_insert(ix, &s, (uint32_t)i);
    double t1 = now(CLOCK_MONOTONIC);
    if (dx_commit(ix, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 2; }
    double t2 = now(CLOCK_MONOTONIC);
    uint64_t bytes = dx_file_bytes(ix);
    dx_close(ix);
    printf("build %ld docs: %.1f s (%.0f docs/s), commit %.1f s, %.1f bytes/doc on disk (goal <= 250)\n", n,
           t1 - t0, n / (t1 - t0), t2 - t1, (double)bytes / n);
    /* run 2: lookups of new documents (14 band probes + exact probe), then inserts */
    ix = dx_open(dir, NULL, params, 112, NULL, err, sizeof err, &kind);
    long q = 100000;
    uint32_t cands[4096];
    size_t hits = 0;
    double t3 = now(CLOCK_MONOTONIC);
    for (long i = 0; i < q; i++) {
        uint8_t h[16] = {0};
        uint64_t r = rnd(&s);
        memcpy(h, &r, 8);
        uint32_t doc;
        dx_exact_get(ix, h, &doc);
        size_t nc = 0;
        for (int b = 0; b < 14; b++) dx_band_find(ix, b, rnd(&s), cands, &nc, 4096);
        hits += nc;
    }
    double t4 = now(CLOCK_MONOTONIC);
    for (long i = 0; i < q; i++) synth_insert(ix, &s, (uint32_t)(n + i));
    double t5 = now(CLOCK_MONOTONIC);
    if (dx_commit(ix, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 2; }
    double t6 = now(CLOCK_MONOTONIC);
    dx_close(ix);
    printf("lookup (exact + 14 bands) of %ld new docs: %.1f us/doc (%zu false band hits)\n", q, (t4 - t3) / q * 1e6, hits);
    printf("incremental insert of %ld docs: %.1f us/doc, commit %.2f s\n", q, (t5 - t4) / q * 1e6, t6 - t5);
    return 0;
}

/* The same synthetic load in SQLite (the alternative store the issue names):
 * WITHOUT ROWID tables keyed like the LMDB ones, one transaction. */
static int cmd_sqlite(long n, const char *path)
{
    sqlite3 *db;
    remove(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) return 2;
    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144;"
                     "CREATE TABLE exact(h BLOB PRIMARY KEY, doc INTEGER) WITHOUT ROWID;"
                     "CREATE TABLE bands(k INTEGER, s INTEGER, doc INTEGER, PRIMARY KEY(k, s, doc)) WITHOUT ROWID;"
                     "CREATE TABLE docs(num INTEGER PRIMARY KEY, root INTEGER, run INTEGER, source INTEGER, sig BLOB, id TEXT);"
                     "BEGIN;", NULL, NULL, NULL);
    sqlite3_stmt *pe, *pb, *pd, *qb;
    sqlite3_prepare_v2(db, "INSERT INTO exact VALUES(?,?)", -1, &pe, NULL);
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO bands VALUES(?,?,?)", -1, &pb, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO docs VALUES(?,?,?,?,?,?)", -1, &pd, NULL);
    sqlite3_prepare_v2(db, "SELECT doc FROM bands WHERE k=? AND s=?", -1, &qb, NULL);
    uint64_t s = 42;
    double t0 = now(CLOCK_MONOTONIC);
    for (long i = 0; i < n; i++) {
        uint8_t sig8[112], h[16];
        for (int k = 0; k < 112; k += 8) { uint64_t r = rnd(&s); memcpy(sig8 + k, &r, 8); }
        uint64_t r1 = rnd(&s), r2 = rnd(&s);
        memcpy(h, &r1, 8), memcpy(h + 8, &r2, 8);
        char id[32];
        snprintf(id, sizeof id, "doc%09ld", i);
        sqlite3_bind_int64(pd, 1, i), sqlite3_bind_int64(pd, 2, i), sqlite3_bind_int64(pd, 3, 1);
        sqlite3_bind_int64(pd, 4, 0), sqlite3_bind_blob(pd, 5, sig8, 112, SQLITE_STATIC);
        sqlite3_bind_text(pd, 6, id, -1, SQLITE_STATIC);
        sqlite3_step(pd), sqlite3_reset(pd);
        sqlite3_bind_blob(pe, 1, h, 16, SQLITE_STATIC), sqlite3_bind_int64(pe, 2, i);
        sqlite3_step(pe), sqlite3_reset(pe);
        for (int b = 0; b < 14; b++) {
            uint64_t bh = rnd(&s);
            sqlite3_bind_int64(pb, 1, (int64_t)(b << 16 | (bh >> 48))), sqlite3_bind_int64(pb, 2, (int64_t)(uint32_t)(bh >> 16));
            sqlite3_bind_int64(pb, 3, i);
            sqlite3_step(pb), sqlite3_reset(pb);
        }
    }
    sqlite3_exec(db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL);
    double t1 = now(CLOCK_MONOTONIC);
    long q = 100000;
    for (long i = 0; i < q; i++)
        for (int b = 0; b < 14; b++) {
            uint64_t bh = rnd(&s);
            sqlite3_bind_int64(qb, 1, (int64_t)(b << 16 | (bh >> 48))), sqlite3_bind_int64(qb, 2, (int64_t)(uint32_t)(bh >> 16));
            while (sqlite3_step(qb) == SQLITE_ROW) {}
            sqlite3_reset(qb);
        }
    double t2 = now(CLOCK_MONOTONIC);
    sqlite3_finalize(pe), sqlite3_finalize(pb), sqlite3_finalize(pd), sqlite3_finalize(qb);
    sqlite3_close(db);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fclose(f);
    printf("sqlite build %ld docs: %.1f s (%.0f docs/s), %.1f bytes/doc; 14-band lookup %.1f us/doc\n", n, t1 - t0,
           n / (t1 - t0), (double)bytes / n, (t2 - t1) / q * 1e6);
    remove(path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "pairs")) return cmd_pairs(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "speed")) return cmd_speed(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "laws")) return cmd_laws(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "scale")) return cmd_scale(atol(argv[2]), argv[3]);
    if (argc == 4 && !strcmp(argv[1], "sqlite")) return cmd_sqlite(atol(argv[2]), argv[3]);
    fprintf(stderr, "usage: dedup_eval pairs|speed PAIRS TSTABLE | laws DIR | scale N DIR\n");
    return 2;
}
