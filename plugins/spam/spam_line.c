/*
 * spam_line.c - what to do with one line: delete it, cut ads out of it,
 * or leave it.
 *
 * Injected ads come in two shapes.  A whole ad line ("澳门新葡京 官方网站
 * 注册送彩金") is nothing but terms, glue and a few words; a spliced ad is a
 * brand name dropped into a real sentence ("3月5日,best365官方网站登录
 * 入口图书馆馆长…").  Both are handled the same way: every trigger term, with
 * the weak terms and ASCII/digit glue next to it, becomes a span; if fewer
 * than line_min_han Han characters are left outside the spans, the line
 * was an ad and goes, otherwise only the spans go and the sentence stays.
 *
 * Keyword stuffing ("减肥茶 减肥茶哪个牌子好 减肥茶排行榜 …") needs no
 * lexicon: a line of at least stuff_min_tokens separated items, with no
 * sentence end, where one Han trigram (the keyword: 减肥茶) occurs in
 * stuff_min_share of the items.  Clauses of prose separated by commas
 * share two-character nouns (食品, 教学) but rarely a three-character run.
 */
#include <stdlib.h>
#include <string.h>

#include "spam.h"

void spam_line_result_free(spam_line_result *r)
{
    free(r->spans);
    memset(r, 0, sizeof *r);
}

static size_t char_len(unsigned c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static uint32_t decode(const uint8_t *p, size_t left, size_t *n)
{
    size_t l = char_len(p[0]);
    if (l > left) l = left;
    *n = l;
    if (l == 1) return p[0];
    uint32_t c = p[0] & (0x7F >> l);
    for (size_t i = 1; i < l; i++) c = (c << 6) | (p[i] & 0x3F);
    return c;
}

static int is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

static size_t han_in(const uint8_t *p, size_t len)
{
    size_t n = 0, k;
    for (size_t i = 0; i < len; i += k) n += is_han(decode(p + i, len - i, &k));
    return n;
}

/* Bytes that glue an ad together: ASCII letters and digits, '_', '-',
 * '.', spaces and the middle dot (OB欧宝·体育). */
static size_t glue_at(const uint8_t *p, size_t left)
{
    int c = p[0];
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_' ||
        c == '-' || c == '.' || c == ' ')
        return 1;
    if (left >= 2 && c == 0xC2 && p[1] == 0xB7) return 2;
    return 0;
}

/* Between two terms of one ad, punctuation also glues: "代开发票，联系电话：". */
static size_t inner_glue_at(const uint8_t *p, size_t left)
{
    size_t g = glue_at(p, left);
    if (g) return g;
    if (p[0] == ',' || p[0] == ':') return 1;
    if (left >= 3 && (memcmp(p, "，", 3) == 0 || memcmp(p, "：", 3) == 0)) return 3;
    return 0;
}

static size_t glue_before(const uint8_t *p, size_t i)
{
    if (i >= 2 && p[i - 2] == 0xC2 && p[i - 1] == 0xB7) return 2;
    return i >= 1 && glue_at(p + i - 1, 1) == 1 ? 1 : 0;
}

static int push_span(spam_line_result *r, size_t off, size_t len, int cat)
{
    if (r->nspans == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        spam_span *v = realloc(r->spans, cap * sizeof *v);
        if (!v) return -1;
        r->spans = v;
        r->cap = cap;
    }
    r->spans[r->nspans++] = (spam_span){off, len, cat};
    return 0;
}

/* ---------------- keyword stuffing ---------------- */

static int is_separator(uint32_t c)
{
    return c == ',' || c == ' ' || c == '|' || c == '_' || c == '/' || c == ';' || c == '\t' ||
           c == 0xFF0C /* ， */ || c == 0x3001 /* 、 */ || c == 0xFF1B /* ； */ || c == 0x3000;
}

/* Function characters: clauses of prose have them, keyword items do not. */
static int is_function_char(uint32_t c)
{
    switch (c) {
    case 0x7684: case 0x4E86: case 0x662F: case 0x4E3A: case 0x5728: case 0x5E94: /* 的了是为在应 */
    case 0x9700: case 0x8981: case 0x5C06: case 0x628A: case 0x88AB: case 0x548C: /* 需要将把被和 */
    case 0x4E0E: case 0x5E76: case 0x53CA: case 0x5BF9: case 0x4ECE: case 0x5411: /* 与并及对从向 */
    case 0x4EE5: case 0x7531: case 0x4E8E: case 0x7B49:                           /* 以由于等 */
        return 1;
    default:
        return 0;
    }
}

static int ends_sentence(uint32_t c)
{
    return c == 0x3002 /* 。 */ || c == 0xFF01 || c == 0xFF1F || c == '!' || c == '?';
}

typedef struct trigram {
    uint64_t key;
    uint32_t token;
} trigram;

static int trigram_cmp(const void *a, const void *b)
{
    const trigram *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->token < y->token ? -1 : x->token > y->token;
}

static int stuffed(const spam_params *pp, const uint8_t *p, size_t len)
{
    size_t ntok = 0, nchars = 0, nb = 0, k, prose_tokens = 0;
    size_t last_prose = 0; /* token that last had a function character */
    trigram *b = malloc((len / 3 + 1) * sizeof *b);
    if (!b) return 0;
    uint32_t prev = 0, prev2 = 0;
    int in_tok = 0;
    for (size_t i = 0; i < len; i += k) {
        uint32_t c = decode(p + i, len - i, &k);
        if (ends_sentence(c)) {
            free(b);
            return 0;
        }
        if (is_separator(c)) {
            in_tok = 0;
            prev = prev2 = 0;
            continue;
        }
        if (!in_tok) ntok++, in_tok = 1;
        nchars++;
        if (is_function_char(c) && last_prose != ntok) prose_tokens++, last_prose = ntok;
        if (is_han(c) && prev && prev2)
            b[nb++] = (trigram){((uint64_t)prev2 << 42) | ((uint64_t)prev << 21) | c, (uint32_t)ntok};
        prev2 = is_han(c) ? prev : 0;
        prev = is_han(c) ? c : 0;
    }
    int result = 0;
    /* Items of a keyword list are noun phrases: a list whose items read
     * like clauses (3 of 10 or more with 的/了/是/为/应 ...) is prose. */
    if ((int64_t)ntok >= pp->stuff_min_tokens && nchars >= 4 * ntok && nb &&
        prose_tokens * 10 < 3 * ntok) {
        qsort(b, nb, sizeof *b, trigram_cmp);
        size_t best = 0, run = 0;
        for (size_t i = 0; i < nb; i++) {
            if (i == 0 || b[i].key != b[i - 1].key) run = 1;
            else if (b[i].token != b[i - 1].token) run++;
            if (run > best) best = run;
        }
        result = (double)best >= pp->stuff_min_share * (double)ntok;
    }
    free(b);
    return result;
}

/* ---------------- ads ---------------- */

int spam_line(const spam_lex *lx, const spam_params *pp, const char *text, size_t off, size_t len,
              spam_hits *hits, spam_line_result *r)
{
    const uint8_t *p = (const uint8_t *)text;
    r->action = SPAM_LINE_KEEP;
    r->category = -1;
    r->nspans = 0;
    hits->n = 0;
    if (spam_lex_match(lx, text + off, len, off, hits) < 0) return -1;
    int any_trigger = 0;
    for (size_t i = 0; i < hits->n && !any_trigger; i++) any_trigger = !hits->v[i].term->weak;
    if (!any_trigger) {
        if (stuffed(pp, p + off, len)) r->action = SPAM_LINE_STUFFED;
        return 0;
    }
    /* Clusters of terms joined only by glue; a cluster with a trigger is a span. */
    size_t end = off + len;
    for (size_t i = 0; i < hits->n;) {
        size_t s = hits->v[i].off, e = s + hits->v[i].len, j = i + 1;
        int trig = hits->v[i].term->weak ? -1 : hits->v[i].term->category;
        int first_trig = trig >= 0, last_trig = trig >= 0;
        for (; j < hits->n; j++) {
            size_t g = e;
            while (g < hits->v[j].off && inner_glue_at(p + g, end - g)) g += inner_glue_at(p + g, end - g);
            if (g != hits->v[j].off) break;
            e = hits->v[j].off + hits->v[j].len;
            last_trig = !hits->v[j].term->weak;
            if (trig < 0 && last_trig) trig = hits->v[j].term->category;
        }
        i = j;
        if (trig < 0) continue;
        /* Glue belongs to the ad only next to a trigger: "9999js金沙老品牌",
         * "高手论坛123456", but not the year after "…官方网站" (a weak term). */
        size_t g;
        while (first_trig && s > off && (g = glue_before(p, s)) != 0 && s - g >= off) s -= g;
        while (last_trig && e < end && (g = glue_at(p + e, end - e)) != 0) e += g;
        if (r->category < 0) r->category = trig;
        if (push_span(r, s, e - s, trig) < 0) return -1;
    }
    size_t cut_han = 0;
    for (size_t i = 0; i < r->nspans; i++) cut_han += han_in(p + r->spans[i].off, r->spans[i].len);
    size_t left = han_in(p + off, len) - cut_han;
    r->action = (int64_t)left < pp->line_min_han ? SPAM_LINE_DELETE : SPAM_LINE_CUT;
    return 0;
}
