/*
 * bp_prefilter.c - find which of many literals occur in a line, in one pass.
 *
 * Why: a profile set may hold hundreds of rules; running each rule on each
 * line would make the cost grow with the rule count.  Every rule instead
 * contributes one required literal; the line is scanned once and only rules
 * whose literal occurs are verified.
 *
 * How: a hashed-gram filter (the multi-pattern variant of Rabin-Karp).  Each
 * literal is bucketed by a hash of its first 6 bytes (two CJK characters)
 * when it is that long, else of its first 3 bytes, else (2-byte literals)
 * by its two bytes; one table per gram length.  Long grams keep buckets
 * small even when many literals share their first character (下载…, 上传…).
 * Single-byte literals (ASCII punctuation such as '>') have a fourth table.  The scan visits each position that
 * starts a UTF-8 character, tests a 64 Kbit bitmap (one cache line read for
 * nearly all positions) and only on a bitmap hit compares the few literals
 * of that bucket.  Cost per byte is constant whatever the rule count, as
 * long as literals do not all share their first character.
 */
#include <stdlib.h>
#include <string.h>

#include "bp.h"

#define NBUCKET 65536u

typedef struct bp_lit {
    const char *s; /* owned by the pattern */
    size_t len;
    int id;
} bp_lit;

typedef struct bp_table {
    uint64_t bitmap[NBUCKET / 64];
    uint32_t *start; /* NBUCKET + 1 offsets into lits (CSR layout) */
    bp_lit *lits;
    size_t n;
} bp_table;

struct bp_prefilter {
    bp_lit *pending; /* literals added before build */
    size_t npending, cap;
    bp_table t6;     /* literals of >= 6 bytes, hashed first 6 bytes  */
    bp_table t3;     /* literals of 3-5 bytes, hashed first 3 bytes   */
    bp_table t2;     /* 2-byte literals, indexed by their two bytes   */
    bp_table t1;     /* 1-byte literals (ASCII punctuation: '>' '|')  */
    uint8_t first[256]; /* per first byte: which tables hold a literal
                           starting with it (1 = t1, 2 = t2, 4 = t3, 8 = t6) */
};

static inline uint32_t hash3(const unsigned char *p) {
    uint32_t v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    return (v * 2654435761u) >> 16;
}

static inline uint32_t hash6(const unsigned char *p) {
    uint64_t v = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
                 (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40;
    return (uint32_t)((v * 0x9E3779B97F4A7C15ull) >> 48);
}

static inline uint32_t key2(const unsigned char *p) {
    return ((uint32_t)p[0] << 8) | p[1];
}

bp_prefilter *bp_prefilter_new(void) {
    return calloc(1, sizeof(bp_prefilter));
}

static void table_free(bp_table *t) {
    free(t->start);
    free(t->lits);
}

void bp_prefilter_free(bp_prefilter *pf) {
    if (!pf) return;
    free(pf->pending);
    table_free(&pf->t6);
    table_free(&pf->t3);
    table_free(&pf->t2);
    table_free(&pf->t1);
    free(pf);
}

int bp_prefilter_add(bp_prefilter *pf, const char *lit, size_t len, int id) {
    if (len < 1) return -1;
    if (pf->npending == pf->cap) {
        size_t cap = pf->cap ? pf->cap * 2 : 64;
        bp_lit *v = realloc(pf->pending, cap * sizeof(*v));
        if (!v) return -1;
        pf->pending = v;
        pf->cap = cap;
    }
    pf->pending[pf->npending++] = (bp_lit){lit, len, id};
    return 0;
}

/* Which table a literal goes to: 6, 3 or 2 (its gram length). */
static int gram_of(const bp_lit *l) {
    return l->len >= 6 ? 6 : l->len >= 3 ? 3 : (int)l->len;
}

static uint32_t bucket_of(const bp_lit *l) {
    const unsigned char *p = (const unsigned char *)l->s;
    int g = gram_of(l);
    return g == 6 ? hash6(p) : g == 3 ? hash3(p) : g == 2 ? key2(p) : p[0];
}

/* Counting sort of the literals of one gram class into CSR buckets. */
static int table_build(bp_table *t, const bp_lit *all, size_t n, int gram) {
    t->start = calloc(NBUCKET + 1, sizeof(uint32_t));
    if (!t->start) return -1;
    for (size_t i = 0; i < n; i++)
        if (gram_of(&all[i]) == gram) t->start[bucket_of(&all[i]) + 1]++, t->n++;
    for (size_t b = 0; b < NBUCKET; b++) t->start[b + 1] += t->start[b];
    t->lits = malloc((t->n ? t->n : 1) * sizeof(bp_lit));
    uint32_t *fill = malloc(NBUCKET * sizeof(uint32_t));
    if (!t->lits || !fill) {
        free(fill);
        return -1;
    }
    memcpy(fill, t->start, NBUCKET * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        if (gram_of(&all[i]) != gram) continue;
        uint32_t b = bucket_of(&all[i]);
        t->lits[fill[b]++] = all[i];
        t->bitmap[b >> 6] |= 1ull << (b & 63);
    }
    free(fill);
    return 0;
}

int bp_prefilter_build(bp_prefilter *pf) {
    if (table_build(&pf->t6, pf->pending, pf->npending, 6) < 0) return -1;
    if (table_build(&pf->t3, pf->pending, pf->npending, 3) < 0) return -1;
    if (table_build(&pf->t2, pf->pending, pf->npending, 2) < 0) return -1;
    if (table_build(&pf->t1, pf->pending, pf->npending, 1) < 0) return -1;
    for (size_t i = 0; i < pf->npending; i++) {
        int g = gram_of(&pf->pending[i]);
        pf->first[(unsigned char)pf->pending[i].s[0]] |= g == 1 ? 1 : g == 2 ? 2 : g == 3 ? 4 : 8;
    }
    for (int b = 0x80; b < 0xC0; b++) pf->first[b] = 0; /* matches start at characters only */
    free(pf->pending);
    pf->pending = NULL;
    pf->npending = pf->cap = 0;
    return 0;
}

static inline void probe(const bp_table *t, uint32_t b, const char *s, size_t rest,
                         void (*hit)(void *, int), void *ctx) {
    if (!(t->bitmap[b >> 6] & (1ull << (b & 63)))) return;
    for (uint32_t k = t->start[b]; k < t->start[b + 1]; k++) {
        const bp_lit *l = &t->lits[k];
        if (l->len <= rest && memcmp(s, l->s, l->len) == 0) hit(ctx, l->id);
    }
}

void bp_prefilter_scan(const bp_prefilter *pf, const char *s, size_t n,
                       void (*hit)(void *ctx, int id), void *ctx) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        /* continuation bytes never start a literal: first[] is 0 for them */
        uint8_t m = pf->first[u[i]];
        if (!m) continue;
        if (m & 1) probe(&pf->t1, u[i], s + i, n - i, hit, ctx);
        if ((m & 8) && i + 6 <= n) probe(&pf->t6, hash6(u + i), s + i, n - i, hit, ctx);
        if ((m & 4) && i + 3 <= n) probe(&pf->t3, hash3(u + i), s + i, n - i, hit, ctx);
        if ((m & 2) && i + 2 <= n) probe(&pf->t2, key2(u + i), s + i, n - i, hit, ctx);
    }
}
