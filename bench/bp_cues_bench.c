/*
 * bp_cues_bench.c - the scored detector's cue vocabulary: the stage's own
 * hashed-gram literal prefilter (bp_prefilter.c) against Hyperscan, on the
 * same lines, with the same answer (which cues occur in each line).
 *
 *   bp_cues_bench SECONDS VOCAB FILE...
 *
 * VOCAB: one literal per line (bench_bp_cues.sh extracts the cue table of
 * bp_features.c, optionally padded with synthetic cues).  Prints MB/s of
 * each matcher over the lines of FILE... (single thread) and the number of
 * callbacks (the prefilter may report a literal once per occurrence and
 * bucket, Hyperscan once per match end: the counts need not be equal).  Built and run by
 * bench/bench_bp_cues.sh when libhs (libhyperscan-dev) is installed; the
 * stage itself does not depend on Hyperscan.
 */
#define _GNU_SOURCE
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bp.h"

typedef struct vocab {
    char **s;
    size_t n;
} vocab;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

typedef struct line {
    const char *s;
    size_t n;
} line;

static void on_pf(void *ctx, int id) {
    (void)id;
    ++*(size_t *)ctx;
}

static int on_hs(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
                 void *ctx) {
    (void)id, (void)from, (void)to, (void)flags;
    ++*(size_t *)ctx;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bp_cues_bench SECONDS VOCAB FILE...\n");
        return 2;
    }
    double secs = atof(argv[1]);
    size_t vlen;
    char *vbuf = slurp(argv[2], &vlen);
    if (!vbuf) return perror(argv[2]), 1;
    vocab v = {calloc(4096, sizeof(char *)), 0};
    for (char *p = strtok(vbuf, "\n"); p && v.n < 4096; p = strtok(NULL, "\n")) v.s[v.n++] = p;

    line *lines = NULL;
    size_t nl = 0, cap = 0, bytes = 0;
    for (int a = 3; a < argc; a++) {
        size_t n;
        char *t = slurp(argv[a], &n);
        if (!t) continue;
        for (size_t i = 0; i < n;) {
            char *nlp = memchr(t + i, '\n', n - i);
            size_t e = nlp ? (size_t)(nlp - t) : n;
            if (nl == cap) lines = realloc(lines, (cap = cap ? cap * 2 : 1024) * sizeof *lines);
            lines[nl++] = (line){t + i, e - i};
            bytes += e - i + 1;
            i = e + 1;
        }
    }

    /* the stage's prefilter: distinct ids, one scan per line */
    bp_prefilter *pf = bp_prefilter_new();
    for (size_t k = 0; k < v.n; k++) bp_prefilter_add(pf, v.s[k], strlen(v.s[k]), (int)k);
    bp_prefilter_build(pf);

    /* Hyperscan: the same literals, block mode, one scan per line */
    unsigned *ids = malloc(v.n * sizeof *ids), *flags = calloc(v.n, sizeof *flags);
    size_t *lens = malloc(v.n * sizeof *lens);
    for (size_t k = 0; k < v.n; k++) ids[k] = (unsigned)k, lens[k] = strlen(v.s[k]);
    hs_database_t *db = NULL;
    hs_compile_error_t *cerr = NULL;
    if (hs_compile_lit_multi((const char *const *)v.s, flags, ids, lens, (unsigned)v.n, HS_MODE_BLOCK,
                             NULL, &db, &cerr) != HS_SUCCESS) {
        fprintf(stderr, "hs_compile_lit_multi: %s\n", cerr ? cerr->message : "?");
        return 1;
    }
    hs_scratch_t *scratch = NULL;
    hs_alloc_scratch(db, &scratch);

    size_t hits_pf = 0, hits_hs = 0, rounds_pf = 0, rounds_hs = 0;
    double t0 = now();
    do {
        hits_pf = 0;
        for (size_t i = 0; i < nl; i++) bp_prefilter_scan(pf, lines[i].s, lines[i].n, on_pf, &hits_pf);
        rounds_pf++;
    } while (now() - t0 < secs);
    double dt_pf = now() - t0;
    t0 = now();
    do {
        hits_hs = 0;
        for (size_t i = 0; i < nl; i++)
            hs_scan(db, lines[i].s, (unsigned)lines[i].n, 0, scratch, on_hs, &hits_hs);
        rounds_hs++;
    } while (now() - t0 < secs);
    double dt_hs = now() - t0;
    printf("cues %zu, lines %zu, %.1f MB\n", v.n, nl, bytes / 1e6);
    printf("prefilter  %.0f MB/s  (%zu hits)\n", bytes * rounds_pf / dt_pf / 1e6, hits_pf);
    printf("hyperscan  %.0f MB/s  (%zu hits)\n", bytes * rounds_hs / dt_hs / 1e6, hits_hs);
    hs_free_scratch(scratch);
    hs_free_database(db);
    bp_prefilter_free(pf);
    return 0;
}
