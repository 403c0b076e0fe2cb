/*
 * norm.c - normalization and tokenization for dedup (see norm.h).
 *
 * Speed matters here: this pass touches every byte of every document, so it
 * decodes UTF-8 by hand, maps with range tests instead of tables and hashes
 * tokens on the fly instead of building token strings.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "norm.h"

uint32_t norm_next_cp(const unsigned char *s, size_t len, size_t *i)
{
    size_t p = *i;
    unsigned c = s[p];
    if (c < 0x80) {
        *i = p + 1;
        return c;
    }
    size_t need;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07, min = 0x10000;
    else goto bad;
    if (p + need >= len) goto bad; /* truncated sequence at the end */
    for (size_t k = 1; k <= need; k++) {
        unsigned cc = s[p + k];
        if ((cc & 0xC0) != 0x80) goto bad;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
    *i = p + need + 1;
    return cp;
bad:
    *i = p + 1;
    return 0xDC00 + c; /* lone surrogate range: never produced by valid UTF-8 */
}

/* Punctuation, symbols, whitespace and invisible marks outside ASCII. */
static int is_removed_nonascii(uint32_t cp)
{
    if (cp < 0xC0) return cp != 0xAA && cp != 0xB5 && cp != 0xBA; /* Latin-1 punct, NBSP */
    if (cp == 0xD7 || cp == 0xF7) return 1;                       /* × ÷ */
    if (cp >= 0x2000 && cp <= 0x2BFF) return 1; /* punctuation, arrows, math, boxes, symbols */
    if (cp >= 0x3000 && cp <= 0x303F) return cp != 0x3005 && cp != 0x3007; /* 、。「」 but keep 々 〇 */
    if (cp >= 0xFE00 && cp <= 0xFE6F) return 1; /* variation selectors, vertical/small forms */
    if (cp == 0xFEFF) return 1;                 /* BOM */
    if (cp >= 0xFF00 && cp <= 0xFF0F) return 1; /* fullwidth punctuation not mapped below */
    if (cp >= 0xFF1A && cp <= 0xFF20) return 1;
    if (cp >= 0xFF3B && cp <= 0xFF40) return 1;
    if (cp >= 0xFF5B && cp <= 0xFF65) return 1; /* incl. halfwidth 。「」、・ */
    if (cp >= 0xFFE0 && cp <= 0xFFEF) return 1;
    if (cp >= 0x1F000 && cp <= 0x1FAFF) return 1; /* emoji */
    if (cp >= 0xDC80 && cp <= 0xDCFF) return 0;   /* invalid bytes: keep as tokens */
    return 0;
}

uint32_t norm_map_cp(uint32_t cp, const norm_fold *fold)
{
    if (cp >= 0xFF10 && cp <= 0xFF5A &&
        ((cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || cp >= 0xFF41))
        cp -= 0xFEE0; /* fullwidth alnum -> ASCII */
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') return cp + 32;
        if (cp >= '0' && cp <= '9') return '0';
        if (cp >= 'a' && cp <= 'z') return cp;
        return 0;
    }
    if (is_removed_nonascii(cp)) return 0;
    if (fold && fold->n && cp >= 0x3400) cp = norm_fold_cp(fold, cp);
    return cp;
}

static void out_put(norm_out *o, const char *p, size_t n)
{
    if (o->len + n > o->cap) {
        size_t c = o->cap ? o->cap * 2 : 4096;
        while (c < o->len + n) c *= 2;
        o->text = realloc(o->text, c);
        if (!o->text) abort();
        o->cap = c;
    }
    memcpy(o->text + o->len, p, n);
    o->len += n;
}

static void tok_put(norm_out *o, uint64_t h)
{
    if (o->ntok == o->tcap) {
        o->tcap = o->tcap ? o->tcap * 2 : 1024;
        o->tok = realloc(o->tok, o->tcap * sizeof *o->tok);
        if (!o->tok) abort();
    }
    o->tok[o->ntok++] = h;
}

static size_t encode_utf8(uint32_t cp, char *b)
{
    if (cp >= 0xDC80 && cp <= 0xDCFF) { /* invalid input byte: pass it through */
        b[0] = (char)(cp - 0xDC00);
        return 1;
    }
    if (cp < 0x80) return b[0] = (char)cp, 1;
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

void norm_text(const char *s, size_t len, const norm_fold *fold, norm_out *o)
{
    const unsigned char *u = (const unsigned char *)s;
    o->len = o->ntok = o->nchars = 0;
    /* Worst case the output is as long as the input: reserve once. */
    if (o->cap < len + 4) {
        o->text = realloc(o->text, len + 4);
        if (!o->text) abort();
        o->cap = len + 4;
    }
    uint64_t run = 0; /* hash of the ASCII alnum run being built */
    int in_run = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = norm_next_cp(u, len, &i);
        uint32_t m = norm_map_cp(cp, fold);
        if (m == 0) {
            if (in_run) tok_put(o, norm_mix64(run)), in_run = 0;
            continue;
        }
        char b[4];
        size_t n = encode_utf8(m, b);
        out_put(o, b, n);
        o->nchars++;
        if (m < 0x80) {
            run = (in_run ? run : 0xcbf29ce484222325ULL);
            run = (run ^ m) * 0x100000001b3ULL;
            in_run = 1;
        } else {
            if (in_run) tok_put(o, norm_mix64(run)), in_run = 0;
            tok_put(o, norm_mix64((uint64_t)m * 0x9E3779B97F4A7C15ULL + 1));
        }
    }
    if (in_run) tok_put(o, norm_mix64(run));
}

void norm_out_free(norm_out *o)
{
    free(o->text);
    free(o->tok);
    memset(o, 0, sizeof *o);
}

/* ---- traditional -> simplified fold table ---- */

static int cmp_pair(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int norm_fold_load(norm_fold *f, const char *path, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err, errlen, "cannot open fold table %s: %s", path, strerror(errno));
        return -1;
    }
    uint64_t *pairs = NULL; /* from << 32 | to, sorted then deduplicated */
    size_t n = 0, cap = 0;
    uint64_t digest = 1469598103934665603ULL;
    char line[1024];
    while (fgets(line, sizeof line, fp)) {
        size_t l = strlen(line), i = 0;
        const unsigned char *u = (const unsigned char *)line;
        if (l == 0 || line[0] == '#') continue;
        uint32_t from = norm_next_cp(u, l, &i);
        if (i >= l || line[i] != '\t') continue; /* phrases: not a single code point */
        i++;
        size_t j = i;
        uint32_t to = norm_next_cp(u, l, &j);
        if (j < l && line[j] != ' ' && line[j] != '\n' && line[j] != '\r' && line[j] != '\t') continue;
        if (from == to || from < 0x80 || to < 0x80) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            pairs = realloc(pairs, cap * sizeof *pairs);
            if (!pairs) abort();
        }
        pairs[n++] = (uint64_t)from << 32 | to;
    }
    fclose(fp);
    qsort(pairs, n, sizeof *pairs, cmp_pair);
    f->from = malloc((n ? n : 1) * sizeof *f->from);
    f->to = malloc((n ? n : 1) * sizeof *f->to);
    if (!f->from || !f->to) abort();
    for (size_t k = 0; k < n; k++) {
        uint32_t from = (uint32_t)(pairs[k] >> 32);
        if (f->n && f->from[f->n - 1] == from) continue; /* one target per source: the smallest */
        f->from[f->n] = from;
        f->to[f->n] = (uint32_t)pairs[k];
        f->n++;
        digest = (digest ^ pairs[k]) * 0x100000001b3ULL;
    }
    f->digest = norm_mix64(digest);
    /* Folding runs for every CJK character of every document: a direct map
     * of the BMP (256 KB) instead of a binary search per character. */
    f->bmp = calloc(0x10000, sizeof *f->bmp);
    if (!f->bmp) abort();
    for (size_t k = 0; k < f->n; k++)
        if (f->from[k] < 0x10000) f->bmp[f->from[k]] = f->to[k];
    free(pairs);
    return 0;
}

void norm_fold_free(norm_fold *f)
{
    free(f->from);
    free(f->to);
    free(f->bmp);
    memset(f, 0, sizeof *f);
}

uint32_t norm_fold_cp(const norm_fold *f, uint32_t cp)
{
    if (cp < 0x10000 && f->bmp) {
        uint32_t t = f->bmp[cp];
        return t ? t : cp;
    }
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->from[mid] < cp) lo = mid + 1;
        else hi = mid;
    }
    return lo < f->n && f->from[lo] == cp ? f->to[lo] : cp;
}
