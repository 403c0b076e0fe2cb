/*
 * qscore.c - one pass over a document for the quality scores.
 *
 * The byte loop decodes UTF-8 once and feeds three consumers: per-line
 * shape (length, last character, XXH3 of the line for duplicate lines),
 * character classes (Han, digit, symbol, stopword, ⟦ tags) and the array
 * of Han code points the n-gram statistics run on.  The n-gram statistics
 * follow Gopher/datatrove on Han characters instead of words:
 *   dup_ngram_frac  walk the grams; a gram seen before counts its n
 *                   characters as repeated and counting resumes n ahead
 *                   (every gram is still indexed, unlike datatrove, so
 *                   one walk serves both statistics);
 *   top_ngram_share count of the most frequent gram times n over all Han
 *                   characters (0 when no gram repeats).
 * Each uses an open-addressing table of 64-bit gram hashes.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "qscore.h"

void qscratch_free(qscratch *s)
{
    free(s->cp);
    free(s->keys);
    free(s->counts);
    memset(s, 0, sizeof *s);
}

static int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/* FineWeb-2's cmn_Hani stopwords (configs/cmn_Hani.yml), all single
 * characters: 的 年 在 月 是 和 日 了 於 · 為 有 被 人 中 为 他 與 後 也 而 由.
 * Looked up in a collision-free 64-slot multiplicative hash (the
 * multiplier was searched offline) because this test runs on every Han
 * character and a switch of 22 cases was a tenth of the stage's time. */
static int is_stopword(uint32_t c)
{
    static const uint16_t slot[64] = {
        0, 0, 0, 0x70ba, 0, 0, 0x4e3a, 0, 0, 0, 0x662f, 0x7684, 0, 0x8207, 0x7531, 0,
        0x65bc, 0, 0x6708, 0, 0x4ed6, 0, 0, 0, 0, 0, 0x4e2d, 0x6709, 0x5728, 0, 0, 0x800c,
        0, 0, 0, 0, 0x65e5, 0, 0x88ab, 0x5e74, 0, 0, 0, 0, 0x4eba, 0, 0xb7, 0,
        0, 0, 0, 0, 0, 0, 0x548c, 0, 0, 0x4e5f, 0x5f8c, 0, 0, 0x4e86, 0, 0};
    return c && slot[(uint32_t)(c * 0x212fdcfbu) >> 26] == c;
}

/* Punctuation a sentence may end with (the closing quote and bracket
 * count: “……。” ends a sentence). */
static int ends_sentence(uint32_t c)
{
    switch (c) {
    case '.': case '!': case '?': case ';': case ':': case '"': case '\'': case ')':
    case 0x3002: /* 。 */ case 0xFF01: /* ！ */ case 0xFF1F: /* ？ */ case 0xFF1B: /* ； */
    case 0xFF1A: /* ： */ case 0x2026: /* … */ case 0x201D: /* ” */ case 0x2019: /* ’ */
    case 0x300D: /* 」 */ case 0x300F: /* 』 */ case 0xFF09: /* ） */ case 0xFF0E: /* ． */
        return 1;
    default:
        return 0;
    }
}

/* Ordinary punctuation: not a "symbol". */
static int is_punct(uint32_t c)
{
    if (c < 0x80) return strchr(",.;:!?\"'()[]-/%&+<>", (int)c) != NULL && c != 0;
    if (c >= 0x3000 && c <= 0x303F) return 1;      /* CJK punctuation 、。〈〉《》「」【】 */
    if (c >= 0xFF01 && c <= 0xFF0F) return 1;      /* ！＂＃＄％＆＇（）＊＋，－．／ */
    if (c >= 0xFF1A && c <= 0xFF20) return 1;      /* ：；＜＝＞？＠ */
    if (c >= 0x2010 && c <= 0x2027) return 1;      /* ‐ – — ‘ ’ “ ” … · */
    return c == 0x00B7 || c == 0x00D7 || c == 0x00B0 || c == 0xFF5E;
}

static int is_digit(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int is_letter(uint32_t c)
{
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= 0xC0 && c < 0x2000) ||
           (c >= 0xFF21 && c <= 0xFF5A) || (c >= 0x3040 && c <= 0x30FF) ||
           (c >= 0xAC00 && c <= 0xD7AF);
}

/* Decode one code point at p (n bytes left); invalid bytes decode as
 * U+FFFD of length 1 so the loop always advances. */
static uint32_t decode(const uint8_t *p, size_t n, size_t *len)
{
    uint32_t c = p[0];
    if (c < 0x80) { *len = 1; return c; }
    if (c >= 0xC2 && c < 0xE0 && n >= 2 && (p[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((c & 0x1F) << 6) | (p[1] & 0x3F);
    }
    if (c >= 0xE0 && c < 0xF0 && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
    }
    if (c >= 0xF0 && c < 0xF5 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        *len = 4;
        return ((c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
               ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
    }
    *len = 1;
    return 0xFFFD;
}

/* ---------------- hash table ---------------- */

/* Two tables of at least 2 * items slots each, in one allocation. */
static int table_reset(qscratch *s, size_t items)
{
    size_t half = 64;
    while (half < items * 2) half <<= 1;
    if (2 * half > s->tab_cap) {
        free(s->keys);
        free(s->counts);
        s->keys = malloc(2 * half * sizeof *s->keys);
        s->counts = malloc(2 * half * sizeof *s->counts);
        if (!s->keys || !s->counts) {
            s->tab_cap = 0;
            return -1;
        }
    }
    s->tab_cap = 2 * half;
    memset(s->keys, 0, s->tab_cap * sizeof *s->keys);
    return 0;
}

/* Add one to the count of key; returns the count before. */
static uint32_t table_bump(uint64_t *keys, uint32_t *counts, size_t mask, uint64_t key)
{
    size_t i = (size_t)(key >> 40) & mask;
    key |= 1; /* 0 marks an empty slot */
    for (;;) {
        if (keys[i] == key) return counts[i]++;
        if (keys[i] == 0) {
            keys[i] = key;
            counts[i] = 1;
            return 0;
        }
        i = (i + 1) & mask;
    }
}

/* Both n-gram statistics in one walk over the Han code points, with two
 * tables: the QS_TOP_N-gram counts (top share) and the QS_DUP_N-grams
 * (datatrove's find_all_duplicate: a gram seen before counts its n
 * characters as repeated and the walk over that statistic jumps n ahead).
 * The QS_DUP_N-gram hash rolls (one multiply per character). */
#define ROLL_B 0x100000001B3ull

static void ngram_stats(qscratch *s, size_t n_cp, size_t *top, size_t *dup_chars)
{
    const uint32_t *cp = s->cp;
    uint64_t *top_keys = s->keys, *dup_keys = s->keys + s->tab_cap / 2;
    uint32_t *top_counts = s->counts, *dup_counts = s->counts + s->tab_cap / 2;
    size_t mask = s->tab_cap / 2 - 1, next_dup = 0;
    uint64_t pow = 1, h = 0;
    for (int k = 0; k < QS_DUP_N; k++) pow *= ROLL_B;
    *top = *dup_chars = 0;
    for (size_t i = 0; i < n_cp; i++) {
        h = h * ROLL_B + cp[i] + 1;
        if (i >= QS_DUP_N) h -= pow * (cp[i - QS_DUP_N] + 1);
        if (i + 1 >= QS_TOP_N) {
            const uint32_t *g = cp + i + 1 - QS_TOP_N;
            uint64_t k3 = ((uint64_t)g[0] << 42) | ((uint64_t)g[1] << 21) | g[2];
            uint32_t c = table_bump(top_keys, top_counts, mask, k3 * 0x9E3779B97F4A7C15ull) + 1;
            if (c > *top) *top = c;
        }
        if (i + 1 >= QS_DUP_N) {
            size_t start = i + 1 - QS_DUP_N;
            uint32_t seen = table_bump(dup_keys, dup_counts, mask, h * 0xFF51AFD7ED558CCDull);
            if (start >= next_dup && seen) {
                *dup_chars += QS_DUP_N;
                next_dup = start + QS_DUP_N;
            }
        }
    }
}

typedef struct line_key {
    uint64_t hash;
    size_t chars;
} line_key;

static int line_key_cmp(const void *x, const void *y)
{
    uint64_t a = ((const line_key *)x)->hash, b = ((const line_key *)y)->hash;
    return a < b ? -1 : a > b;
}

/* ---------------- the pass ---------------- */

typedef struct line_state {
    size_t chars;      /* non-space chars on the line  */
    uint32_t last;     /* last non-space code point    */
    size_t start, end; /* byte span of non-space text  */
    int space_after;   /* whitespace seen after text   */
    int cells;         /* text resumed after whitespace */
} line_state;

int qscore(const char *text, size_t len, qscratch *s, qscores *q)
{
    const uint8_t *p = (const uint8_t *)text;
    memset(q, 0, sizeof *q);
    size_t need = len / 3 + 1;
    if (need > s->cp_cap) {
        free(s->cp);
        s->cp = malloc(need * sizeof *s->cp);
        s->cp_cap = s->cp ? need : 0;
        if (!s->cp) return -1;
    }
    size_t nlines_max = 1;
    for (const uint8_t *x = p, *e = p + len; (x = memchr(x, '\n', (size_t)(e - x))); x++) nlines_max++;
    line_key *line_hash = malloc(nlines_max * sizeof *line_hash);
    if (!line_hash) return -1;

    size_t n_cp = 0, digits = 0, symbols = 0, stop = 0, tags = 0, end_punct = 0, nlh = 0;
    size_t cell_lines = 0;
    line_state L = {0};
    for (size_t i = 0; i <= len;) {
        if (i == len || p[i] == '\n') {
            if (L.chars) {
                q->lines++;
                end_punct += ends_sentence(L.last);
                cell_lines += L.cells;
                line_hash[nlh].hash = XXH3_64bits(p + L.start, L.end - L.start);
                line_hash[nlh++].chars = L.chars;
            }
            memset(&L, 0, sizeof L);
            i++;
            continue;
        }
        size_t n;
        uint32_t c = decode(p + i, len - i, &n);
        if (c == ' ' || c == '\t' || c == '\r' || c == 0x3000 || c == 0xA0) {
            L.space_after = L.chars > 0;
            i += n;
            continue;
        }
        if (L.space_after) L.cells = 1;
        if (!L.chars) L.start = i;
        L.end = i + n;
        L.chars++;
        L.last = c;
        q->chars++;
        if (is_han(c)) {
            q->han++;
            s->cp[n_cp++] = c;
            stop += is_stopword(c);
        } else if (is_digit(c)) {
            digits++;
        } else if (c == 0x27E6) { /* ⟦ opens a tag of the placeholder or pii stage */
            tags++;
        } else if (c == 0x27E7) {
            /* tag close: neither symbol nor text */
        } else if (!is_letter(c) && !is_punct(c)) {
            symbols += c != 0x00B7;
            stop += is_stopword(c);
        }
        i += n;
    }

    /* Duplicate lines: sort the hashes, count every copy after the first. */
    size_t dup_lines = 0, dup_chars = 0;
    qsort(line_hash, nlh, sizeof *line_hash, line_key_cmp);
    for (size_t a = 1; a < nlh; a++)
        if (line_hash[a].hash == line_hash[a - 1].hash) {
            dup_lines++;
            dup_chars += line_hash[a].chars;
        }
    free(line_hash);

    if (q->chars) {
        double c = (double)q->chars;
        q->han_share = (double)q->han / c;
        q->symbol_share = (double)symbols / c;
        q->digit_share = (double)digits / c;
        q->placeholder_density = (double)tags * 1000.0 / c;
        q->dup_line_char_frac = (double)dup_chars / c;
    }
    if (q->lines) {
        q->mean_line_len = (double)q->chars / (double)q->lines;
        q->end_punct_share = (double)end_punct / (double)q->lines;
        q->dup_line_frac = (double)dup_lines / (double)q->lines;
        q->cell_line_share = (double)cell_lines / (double)q->lines;
    }
    if (q->han) {
        double h = (double)q->han;
        q->stopword_share = (double)stop / h;
        size_t top = 0, dup = 0;
        if (table_reset(s, n_cp) < 0) return -1;
        ngram_stats(s, n_cp, &top, &dup);
        q->dup_ngram_frac = (double)dup / h;
        q->top_ngram_share = top > 1 ? (double)(top * QS_TOP_N) / h : 0;
    }
    return 0;
}

