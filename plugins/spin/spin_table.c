/*
 * spin_table.c - the spun<->original table and its matcher.
 *
 * Every context phrase is at least two Han characters (six bytes) long, so
 * the phrases are bucketed by a hash of their first six bytes: the scan
 * visits each position that starts a three-byte UTF-8 character, tests
 * one bit of a 64 Kbit bitmap and compares only the few phrases of that
 * bucket.  The cost per byte does not grow with the table (a few hundred
 * phrases today), and no regex engine is needed for what are plain
 * literals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spin.h"

#define NBUCKET 65536u

struct spin_table {
    spin_phrase *ph;
    size_t n, cap;
    char **origs; /* original words, owned here, one per table line */
    char **spuns; /* the spun word of the same line */
    size_t norigs, origs_cap;
    uint64_t bitmap[NBUCKET / 64];
    uint32_t start[NBUCKET + 1]; /* CSR: bucket b holds order[start[b] .. start[b+1]) */
    uint32_t *order;
};

static uint32_t key6(const uint8_t *p)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 6; i++) h = (h ^ p[i]) * 16777619u;
    return (h ^ (h >> 16)) & (NBUCKET - 1);
}

void spin_table_free(spin_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) free(t->ph[i].text);
    for (size_t i = 0; i < t->norigs; i++) free(t->origs[i]), free(t->spuns[i]);
    free(t->ph);
    free(t->origs);
    free(t->spuns);
    free(t->order);
    free(t);
}

size_t spin_table_size(const spin_table *t)
{
    return t->n;
}

/* Bytes of a string that are Han characters (three-byte UTF-8, U+3400+). */
static int all_han(const char *s, size_t n)
{
    if (n == 0 || n % 3) return 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned c = (unsigned char)s[i];
        if (c < 0xE3 || c > 0xE9 || (c == 0xE3 && (unsigned char)s[i + 1] < 0x90)) return 0;
    }
    return 1;
}

static int add_pair(spin_table *t, const char *spun, const char *orig)
{
    if (t->norigs == t->origs_cap) {
        size_t cap = t->origs_cap ? t->origs_cap * 2 : 64;
        char **v = realloc(t->origs, cap * sizeof *v), **w;
        if (!v) return -1;
        t->origs = v;
        w = realloc(t->spuns, cap * sizeof *w);
        if (!w) return -1;
        t->spuns = w;
        t->origs_cap = cap;
    }
    t->origs[t->norigs] = strdup(orig);
    t->spuns[t->norigs] = strdup(spun);
    if (!t->origs[t->norigs] || !t->spuns[t->norigs]) {
        free(t->origs[t->norigs]);
        free(t->spuns[t->norigs]);
        return -1;
    }
    t->norigs++;
    return 0;
}

/* One context ("~生产", "食品~") of a spun word: its phrase. */
static int add_phrase(spin_table *t, const char *ctx, size_t clen, const char *spun,
                      const char *orig, int repair, const char *where, char *err, size_t errlen)
{
    const char *tilde = memchr(ctx, '~', clen);
    if (!tilde || memchr(tilde + 1, '~', clen - (size_t)(tilde - ctx) - 1)) {
        snprintf(err, errlen, "%s: context '%.*s' must contain exactly one ~", where, (int)clen, ctx);
        return -1;
    }
    size_t pre = (size_t)(tilde - ctx), post = clen - pre - 1, slen = strlen(spun);
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        spin_phrase *v = realloc(t->ph, cap * sizeof *v);
        if (!v) return -1;
        t->ph = v;
        t->cap = cap;
    }
    spin_phrase *p = &t->ph[t->n];
    p->len = pre + slen + post;
    p->text = malloc(p->len + 1);
    if (!p->text) return -1;
    memcpy(p->text, ctx, pre);
    memcpy(p->text + pre, spun, slen);
    memcpy(p->text + pre + slen, tilde + 1, post);
    p->text[p->len] = 0;
    /* The index keys on the first two characters: both three-byte ones. */
    if (p->len < 6 || ((unsigned char)p->text[0] & 0xF0) != 0xE0 ||
        ((unsigned char)p->text[3] & 0xF0) != 0xE0) {
        snprintf(err, errlen, "%s: context '%.*s' must start with two Han characters", where,
                 (int)clen, ctx);
        free(p->text);
        return -1;
    }
    p->word_off = pre;
    p->word_len = slen;
    p->orig = t->origs[t->norigs - 1];
    p->orig_len = strlen(p->orig);
    p->repair = repair;
    t->n++;
    return 0;
}

static int parse_line(spin_table *t, char *line, const char *where, char *err, size_t errlen)
{
    char *f[4];
    int nf = 0;
    for (char *s = line; nf < 4; nf++) {
        f[nf] = s;
        char *tab = strchr(s, '\t');
        if (!tab) {
            nf++;
            break;
        }
        *tab = 0;
        s = tab + 1;
    }
    if (nf != 4) {
        snprintf(err, errlen, "%s: want 4 tab-separated fields (spun, original, contexts, action)",
                 where);
        return -1;
    }
    int repair = strcmp(f[3], "repair") == 0;
    if (!repair && strcmp(f[3], "score") != 0) {
        snprintf(err, errlen, "%s: action '%s' is not repair or score", where, f[3]);
        return -1;
    }
    if (!all_han(f[0], strlen(f[0])) || !all_han(f[1], strlen(f[1]))) {
        snprintf(err, errlen, "%s: spun and original words must be Han characters", where);
        return -1;
    }
    if (add_pair(t, f[0], f[1]) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (char *c = f[2];;) {
        char *comma = strchr(c, ',');
        size_t clen = comma ? (size_t)(comma - c) : strlen(c);
        if (add_phrase(t, c, clen, f[0], f[1], repair, where, err, errlen) < 0) return -1;
        if (!comma) break;
        c = comma + 1;
    }
    return 0;
}

/* A spinner swaps the words around the spun one too (治理制度 comes out as
 * 治理轨制), so each context, written in original words, is also matched
 * with one of its other words in the spun form the table gives it. */
static int add_spun_variants(spin_table *t)
{
    size_t n0 = t->n;
    for (size_t i = 0; i < n0; i++) {
        for (size_t k = 0; k < t->norigs; k++) {
            const spin_phrase *p = &t->ph[i];
            const char *o = t->origs[k], *sp = t->spuns[k];
            size_t olen = strlen(o), slen = strlen(sp);
            const char *hit = NULL;
            for (const char *q = p->text; (q = strstr(q, o)) != NULL; q++) {
                size_t at = (size_t)(q - p->text);
                if (at + olen <= p->word_off || at >= p->word_off + p->word_len) {
                    hit = q;
                    break;
                }
            }
            if (!hit) continue;
            size_t at = (size_t)(hit - p->text), nlen = p->len - olen + slen;
            char *v = malloc(nlen + 1);
            if (!v) return -1;
            memcpy(v, p->text, at);
            memcpy(v + at, sp, slen);
            memcpy(v + at + slen, p->text + at + olen, p->len - at - olen + 1);
            if (t->n == t->cap) {
                size_t cap = t->cap * 2;
                spin_phrase *nv = realloc(t->ph, cap * sizeof *nv);
                if (!nv) {
                    free(v);
                    return -1;
                }
                t->ph = nv;
                t->cap = cap;
                p = &t->ph[i];
            }
            spin_phrase *np = &t->ph[t->n++];
            *np = *p;
            np->text = v;
            np->len = nlen;
            if (at < p->word_off) np->word_off = p->word_off - olen + slen;
        }
    }
    return 0;
}

static int build_index(spin_table *t)
{
    t->order = malloc((t->n ? t->n : 1) * sizeof *t->order);
    if (!t->order) return -1;
    memset(t->start, 0, sizeof t->start);
    for (size_t i = 0; i < t->n; i++) t->start[key6((const uint8_t *)t->ph[i].text) + 1]++;
    for (size_t b = 0; b < NBUCKET; b++) t->start[b + 1] += t->start[b];
    uint32_t *fill = malloc(sizeof t->start);
    if (!fill) return -1;
    memcpy(fill, t->start, sizeof t->start);
    for (size_t i = 0; i < t->n; i++) {
        uint32_t k = key6((const uint8_t *)t->ph[i].text);
        t->order[fill[k]++] = (uint32_t)i;
        t->bitmap[k >> 6] |= 1ull << (k & 63);
    }
    free(fill);
    return 0;
}

spin_table *spin_table_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    spin_table *t = calloc(1, sizeof *t);
    char *line = NULL, where[4200];
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rc = t ? 0 : -1;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (n == 0 || line[0] == '#') continue;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        rc = parse_line(t, line, where, err, errlen);
    }
    free(line);
    fclose(f);
    if (rc == 0 && (add_spun_variants(t) < 0 || build_index(t) < 0)) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc < 0) {
        spin_table_free(t);
        return NULL;
    }
    return t;
}

void spin_hits_free(spin_hits *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int push(spin_hits *h, size_t off, const spin_phrase *p)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        spin_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v) return -1;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (spin_hit){off, p};
    return 0;
}

static int hit_cmp(const void *a, const void *b)
{
    const spin_hit *x = a, *y = b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    return y->phrase->repair - x->phrase->repair; /* repair first */
}

int spin_match(const spin_table *t, const char *text, size_t len, spin_hits *out)
{
    const uint8_t *p = (const uint8_t *)text;
    out->n = 0;
    for (size_t i = 0; i + 6 <= len; i++) {
        if ((p[i] & 0xF0) != 0xE0) continue;
        uint32_t k = key6(p + i);
        if (!(t->bitmap[k >> 6] & (1ull << (k & 63)))) continue;
        for (uint32_t j = t->start[k]; j < t->start[k + 1]; j++) {
            const spin_phrase *ph = &t->ph[t->order[j]];
            if (ph->len <= len - i && memcmp(p + i, ph->text, ph->len) == 0)
                if (push(out, i + ph->word_off, ph) < 0) return -1;
        }
    }
    if (out->n < 2) return 0;
    /* One hit per word occurrence, no overlaps (平安治理: 平安 and 治理 are
     * two words; 根底上 and bare 根底 are one). */
    qsort(out->v, out->n, sizeof *out->v, hit_cmp);
    size_t w = 0;
    for (size_t r = 0; r < out->n; r++) {
        if (w && out->v[r].off < out->v[w - 1].off + out->v[w - 1].phrase->word_len) continue;
        out->v[w++] = out->v[r];
    }
    out->n = w;
    return 0;
}

size_t spin_han_chars(const char *text, size_t len)
{
    const uint8_t *p = (const uint8_t *)text;
    size_t n = 0;
    for (size_t i = 0; i + 2 < len; i++)
        n += (p[i] >= 0xE4 && p[i] <= 0xE9) || (p[i] == 0xE3 && p[i + 1] >= 0x90);
    return n;
}
