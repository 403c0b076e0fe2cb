/*
 * spam_lex.c - the spam lexicons and their matcher.
 *
 * Terms are plain literals (brand names, offers), a few hundred of them;
 * they are bucketed by a hash of their first character (ASCII lower-cased)
 * so a scan tests one bit of a 64 Kbit bitmap per character and compares
 * only the terms of that bucket, leftmost-longest.  The same terms as one
 * PCRE2 JIT alternation only matched at a third to half of this stage's
 * whole speed (bench/bench_quality_signals.sh): the regex tries its
 * alternatives at every Han character.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spam.h"

#define NBUCKET 65536u

struct spam_lex {
    spam_term *t;
    size_t n, cap;
    char **cats;
    size_t ncats;
    uint64_t bitmap[NBUCKET / 64];
    uint32_t *start; /* NBUCKET + 1, CSR layout */
    uint32_t *order; /* term indexes, longest first within a bucket */
};

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Length of the UTF-8 character starting with byte c (1 for invalid). */
static size_t char_len(unsigned c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static uint32_t key_at(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint32_t)lower(p[i])) * 16777619u;
    return (h ^ (h >> 16)) & (NBUCKET - 1);
}

spam_lex *spam_lex_new(void)
{
    return calloc(1, sizeof(spam_lex));
}

void spam_lex_free(spam_lex *lx)
{
    if (!lx) return;
    for (size_t i = 0; i < lx->n; i++) free(lx->t[i].text);
    for (size_t i = 0; i < lx->ncats; i++) free(lx->cats[i]);
    free(lx->t);
    free(lx->cats);
    free(lx->start);
    free(lx->order);
    free(lx);
}

size_t spam_lex_size(const spam_lex *lx) { return lx->n; }
size_t spam_lex_ncategories(const spam_lex *lx) { return lx->ncats; }
const char *spam_lex_category(const spam_lex *lx, int c)
{
    return c >= 0 && (size_t)c < lx->ncats ? lx->cats[c] : "stuffing";
}

static int category_of(spam_lex *lx, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strcspn(b, ".");
    for (size_t i = 0; i < lx->ncats; i++)
        if (strlen(lx->cats[i]) == n && memcmp(lx->cats[i], b, n) == 0) return (int)i;
    char **v = realloc(lx->cats, (lx->ncats + 1) * sizeof *v);
    if (!v) return -1;
    lx->cats = v;
    if (!(lx->cats[lx->ncats] = strndup(b, n))) return -1;
    return (int)lx->ncats++;
}

static int add_term(spam_lex *lx, const char *s, size_t n, int weak, int cat)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        spam_term *v = realloc(lx->t, cap * sizeof *v);
        if (!v) return -1;
        lx->t = v;
        lx->cap = cap;
    }
    char *c = malloc(n + 1);
    if (!c) return -1;
    for (size_t i = 0; i < n; i++) c[i] = (char)lower((unsigned char)s[i]);
    c[n] = 0;
    lx->t[lx->n++] = (spam_term){c, n, weak, cat};
    return 0;
}

int spam_lex_load(spam_lex *lx, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int cat = category_of(lx, path), rc = cat < 0 ? -1 : 0, lineno = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ')) line[--n] = 0;
        if (n == 0 || line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        int weak = 0;
        if (tab) {
            if (strcmp(tab + 1, "weak") != 0) {
                snprintf(err, errlen, "%s:%d: after the tab only 'weak' is allowed", path, lineno);
                rc = -1;
                break;
            }
            *tab = 0;
            weak = 1;
        }
        size_t len = strlen(line);
        if (len < 2) {
            snprintf(err, errlen, "%s:%d: a term needs at least two bytes", path, lineno);
            rc = -1;
            break;
        }
        if (add_term(lx, line, len, weak, cat) < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

static int longer_first(const void *a, const void *b, void *ctx)
{
    const spam_lex *lx = ctx;
    size_t x = lx->t[*(const uint32_t *)a].len, y = lx->t[*(const uint32_t *)b].len;
    return x < y ? 1 : x > y ? -1 : 0;
}

int spam_lex_finish(spam_lex *lx)
{
    free(lx->start);
    free(lx->order);
    lx->start = calloc(NBUCKET + 1, sizeof *lx->start);
    lx->order = malloc((lx->n ? lx->n : 1) * sizeof *lx->order);
    uint32_t *fill = malloc((NBUCKET + 1) * sizeof *fill);
    if (!lx->start || !lx->order || !fill) {
        free(fill);
        return -1;
    }
    memset(lx->bitmap, 0, sizeof lx->bitmap);
    for (size_t i = 0; i < lx->n; i++) {
        const uint8_t *p = (const uint8_t *)lx->t[i].text;
        lx->start[key_at(p, char_len(p[0])) + 1]++;
    }
    for (size_t b = 0; b < NBUCKET; b++) lx->start[b + 1] += lx->start[b];
    memcpy(fill, lx->start, (NBUCKET + 1) * sizeof *fill);
    for (size_t i = 0; i < lx->n; i++) {
        const uint8_t *p = (const uint8_t *)lx->t[i].text;
        uint32_t k = key_at(p, char_len(p[0]));
        lx->order[fill[k]++] = (uint32_t)i;
        lx->bitmap[k >> 6] |= 1ull << (k & 63);
    }
    free(fill);
    for (size_t b = 0; b < NBUCKET; b++)
        if (lx->start[b + 1] - lx->start[b] > 1)
            qsort_r(lx->order + lx->start[b], lx->start[b + 1] - lx->start[b], sizeof *lx->order,
                    longer_first, lx);
    return 0;
}

void spam_hits_free(spam_hits *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int matches(const uint8_t *p, size_t left, const spam_term *t)
{
    if (t->len > left) return 0;
    for (size_t i = 0; i < t->len; i++)
        if ((uint8_t)lower(p[i]) != (uint8_t)t->text[i]) return 0;
    return 1;
}

int spam_lex_match(const spam_lex *lx, const char *s, size_t len, size_t base, spam_hits *out)
{
    const uint8_t *p = (const uint8_t *)s;
    for (size_t i = 0; i < len;) {
        size_t cl = char_len(p[i]);
        if (cl > len - i) break;
        uint32_t k = key_at(p + i, cl);
        const spam_term *best = NULL;
        if (lx->bitmap[k >> 6] & (1ull << (k & 63)))
            for (uint32_t j = lx->start[k]; j < lx->start[k + 1] && !best; j++)
                if (matches(p + i, len - i, &lx->t[lx->order[j]])) best = &lx->t[lx->order[j]];
        if (!best) {
            i += cl;
            continue;
        }
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            spam_hit *v = realloc(out->v, cap * sizeof *v);
            if (!v) return -1;
            out->v = v;
            out->cap = cap;
        }
        out->v[out->n++] = (spam_hit){base + i, best->len, best};
        i += best->len;
    }
    return 0;
}
