/*
 * lines.c - line splitting, keys, heading protection and a small hash map
 * for repeated-line counts (see lines.h).
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lines.h"

/* ---- u64 -> u32 open-addressing map (linear probing, power of two) ---- */

static void u64map_grow(u64map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *k = calloc(cap, sizeof *k);
    uint32_t *v = calloc(cap, sizeof *v);
    if (!k || !v) abort();
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = norm_mix64(m->keys[i]) & (cap - 1);
        while (k[j]) j = (j + 1) & (cap - 1);
        k[j] = m->keys[i];
        v[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
}

uint32_t *u64map_slot(u64map *m, uint64_t key)
{
    if (!key) key = 1;
    if ((m->n + 1) * 4 > m->cap * 3) u64map_grow(m);
    size_t j = norm_mix64(key) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) {
        m->keys[j] = key;
        m->vals[j] = 0;
        m->n++;
    }
    return &m->vals[j];
}

uint32_t u64map_get(const u64map *m, uint64_t key)
{
    if (!key) key = 1;
    if (!m->cap) return 0;
    size_t j = norm_mix64(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (m->keys[j] == key) return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return 0;
}

void u64map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- scope ---- */

uint64_t lines_scope(const char *site, size_t len)
{
    return site && len ? XXH3_64bits(site, len) | 1 : 0;
}

const char *lines_url_host(const char *url, size_t n, size_t *len)
{
    size_t i = 0;
    const char *p = NULL;
    for (size_t j = 0; j + 2 < n; j++)
        if (url[j] == ':' && url[j + 1] == '/' && url[j + 2] == '/') {
            i = j + 3;
            break;
        }
    p = url + i;
    size_t e = i;
    while (e < n && url[e] != '/' && url[e] != ':' && url[e] != '?' && url[e] != '#') e++;
    /* skip user@ */
    for (size_t j = i; j < e; j++)
        if (url[j] == '@') p = url + j + 1;
    *len = (size_t)(url + e - p);
    return p;
}

/* ---- headings ---- */

static int is_cn_numeral(uint32_t c)
{
    static const char *const nums = "一二三四五六七八九十百千零〇两";
    size_t i = 0, n = strlen(nums);
    while (i < n) {
        if (norm_next_cp((const unsigned char *)nums, n, &i) == c) return 1;
    }
    return 0;
}

static int is_digit_cp(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }

int lines_is_heading(const char *s, size_t len, size_t max_chars)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t cp[8];
    size_t n = 0, i = 0, total = 0;
    while (i < len) {
        uint32_t c = norm_next_cp(u, len, &i);
        if (n == 0 && (c == ' ' || c == '\t' || c == 0x3000 || c == '#' || c == '*')) continue;
        if (n < 8) cp[n++] = c;
        total++;
    }
    if (total > max_chars || n < 2) return 0;
    size_t k = 0;
    int open = cp[0] == 0xFF08 || cp[0] == '(' || cp[0] == 0x3010; /* （ ( 【 */
    if (open) k++;
    if (!open && cp[0] == 0x7B2C /* 第 */) {
        k = 1;
        while (k < n && (is_cn_numeral(cp[k]) || is_digit_cp(cp[k]))) k++;
        if (k == 1 || k >= n) return 0;
        static const char *const units = "章节条款编部分篇卷讲";
        size_t j = 0, un = strlen(units);
        while (j < un)
            if (norm_next_cp((const unsigned char *)units, un, &j) == cp[k]) return 1;
        return 0;
    }
    size_t start = k;
    while (k < n && (is_cn_numeral(cp[k]) || is_digit_cp(cp[k]))) k++;
    if (k == start || k >= n) return 0;
    uint32_t c = cp[k];
    if (open) return c == 0xFF09 || c == ')' || c == 0x3011; /* ） ) 】 */
    return c == 0x3001 || c == '.' || c == 0xFF0E || c == 0x3002 || c == ')' || c == 0xFF09; /* 、 . ． 。 ) ） */
}

/* ---- splitting ---- */

size_t lines_scan(const char *text, size_t len, uint64_t scope, const line_rules *r,
                  line_info **out, size_t *cap, norm_out *scratch)
{
    size_t n = 0, off = 0;
    while (off < len) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *out = realloc(*out, *cap * sizeof **out);
            if (!*out) abort();
        }
        line_info *li = &(*out)[n++];
        li->off = off;
        li->len = end - off;
        li->key = 0;
        norm_text(text + off, end - off, r->fold, scratch);
        li->nchars = scratch->nchars;
        if (scratch->nchars > r->min_chars &&
            !lines_is_heading(text + off, end - off, r->heading_max_chars))
            li->key = XXH3_64bits_withSeed(scratch->text, scratch->len, scope) | 1;
        off = end + 1;
    }
    return n;
}
