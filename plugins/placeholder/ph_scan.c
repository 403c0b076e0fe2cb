/*
 * ph_scan.c - one pass over a document finding placeholder marks.
 *
 * Speed comes from skipping: only a handful of byte sequences can start a
 * mark (X x * _ . and the UTF-8 of × Ⅹ ╳ □ ○ 〇 Ｘ ＊ ＿ 某), so the loop
 * tests 16 bytes at a time for them with SSE2 (a 256-entry lead-byte table
 * does the tail) and runs the context rules only on candidates.  Each family has its own accept rules
 * (try_* below) because the false friends differ: X光 and Xbox for X, 3×4
 * for ×, 二○一七 for ○, **bold** for *, snake_case and URLs for _, and
 * decimals, list numbers and watermarks for the censor-gap '.'.
 *
 * Censor gaps need the whole document: a page that writes its sentences
 * with '.' instead of 。 is not censored, so gap candidates are checked
 * after the pass against how often the page and the line use 。.
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "ph.h"

#if defined(__SSE2__) && !defined(PH_NO_SIMD)
#include <emmintrin.h>
#endif

#define BIT(f) (1u << (f))

/* Character classes of a neighbour. */
enum { K_EDGE, K_SPACE, K_DIGIT, K_LETTER, K_HAN, K_CJKP, K_OTHER };

typedef struct scan {
    const ph_config *c;
    const uint8_t *p;
    size_t len;
    size_t floor;      /* end of the last hit: a span never reaches below it */
    size_t emph_close; /* offset of the '*' run closing markdown emphasis */
    size_t emph_n;     /* its length; 0 = none pending */
    ph_hits *out;
    int oom;
} scan;

/* ------------------------------------------------------------------ */
/* UTF-8 and character classes                                         */
/* ------------------------------------------------------------------ */

int32_t ph_cp_at(const uint8_t *p, size_t len, size_t i, size_t *n)
{
    uint8_t b = p[i];
    *n = 1;
    if (b < 0x80) return b;
    size_t k;
    int32_t c;
    if (b >= 0xC2 && b <= 0xDF) k = 2, c = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) k = 3, c = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) k = 4, c = b & 0x07;
    else return -1;
    if (len - i < k) return -1;
    for (size_t j = 1; j < k; j++) {
        if ((p[i + j] & 0xC0) != 0x80) return -1;
        c = (c << 6) | (p[i + j] & 0x3F);
    }
    if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *n = k;
    return c;
}

int32_t ph_cp_before(const uint8_t *p, size_t i, size_t *n)
{
    *n = 1;
    if (i == 0) return -1;
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && (p[j] & 0xC0) == 0x80) j--;
    size_t k;
    int32_t c = ph_cp_at(p, i, j, &k);
    if (c < 0 || j + k != i) return -1;
    *n = k;
    return c;
}

int ph_is_han(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3134F) || c == 0x3007;
}

static int cls_of(int32_t c)
{
    if (c < 0) return K_OTHER;
    if (c == '\n' || c == '\r' || c == '\f' || c == '\v') return K_EDGE;
    if (c == ' ' || c == '\t' || c == 0xA0 || c == 0x3000) return K_SPACE;
    if (c < 0x80) {
        if (c >= '0' && c <= '9') return K_DIGIT;
        if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return K_LETTER;
        return K_OTHER;
    }
    if (c >= 0xFF10 && c <= 0xFF19) return K_DIGIT;
    if ((c >= 0xFF21 && c <= 0xFF3A) || (c >= 0xFF41 && c <= 0xFF5A)) return K_LETTER;
    /* Latin with diacritics (pinyin xué), IPA, combining marks, Greek, Cyrillic */
    if (c >= 0xC0 && c <= 0x52F && c != 0xD7 && c != 0xF7) return K_LETTER;
    if (c >= 0x1E00 && c <= 0x1EFF) return K_LETTER;
    if (ph_is_han(c)) return K_HAN;
    if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
        (c >= 0x2010 && c <= 0x206F) || (c >= 0xFE30 && c <= 0xFE4F) || c == 0xB7)
        return K_CJKP;
    return K_OTHER;
}

static int32_t cp_left(const scan *s, size_t i)
{
    size_t n;
    return i == 0 ? '\n' : ph_cp_before(s->p, i, &n);
}

static int32_t cp_right(const scan *s, size_t i)
{
    size_t n;
    return i >= s->len ? '\n' : ph_cp_at(s->p, s->len, i, &n);
}

static int is_digit_cp(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int in_set(int32_t c, const int32_t *set, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (set[k] == c) return 1;
    return 0;
}

#define IN(c, ...) in_set((c), (const int32_t[]){__VA_ARGS__}, \
                          sizeof((const int32_t[]){__VA_ARGS__}) / sizeof(int32_t))

static int is_cn_numeral(int32_t c)
{
    return IN(c, 0x3007, 0x25CB, 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D,
              0x4E03, 0x516B, 0x4E5D, 0x5341, 0x767E, 0x5343, 0x4E24);
    /* 〇 ○ 零 一 二 三 四 五 六 七 八 九 十 百 千 两 */
}

/* ------------------------------------------------------------------ */
/* Marks                                                               */
/* ------------------------------------------------------------------ */

static int family_of_cp(int32_t c)
{
    switch (c) {
    case 'X': case 'x': return PH_F_LATIN_X;
    case 0xFF38: case 0xFF58: return PH_F_FULLWIDTH_X;    /* Ｘ ｘ */
    case 0x2169: case 0x2179: return PH_F_ROMAN_X;        /* Ⅹ ⅹ */
    case '*': case 0xFF0A: return PH_F_ASTERISK;          /* ＊ */
    case 0xD7: case 0x2573: case 0x25A1: return PH_F_CROSS; /* × ╳ □ */
    case 0x25CB: case 0x3007: return PH_F_CIRCLE;         /* ○ 〇 */
    case '_': case 0xFF3F: return PH_F_UNDERSCORE;        /* ＿ */
    case 0x67D0: return PH_F_MOU;                         /* 某 */
    case '.': return PH_F_GAP;
    default: return -1;
    }
}

/* Family of the enabled mark at p[i], or -1; *n gets its byte length. */
static int mark_at(const scan *s, size_t i, size_t *n)
{
    int f = family_of_cp(ph_cp_at(s->p, s->len, i, n));
    return (f >= 0 && (s->c->families & BIT(f))) ? f : -1;
}

void ph_config_init(ph_config *c, unsigned families)
{
    memset(c, 0, sizeof *c);
    c->families = families;
    if (families & BIT(PH_F_LATIN_X)) c->lead['X'] = c->lead['x'] = 1;
    if (families & BIT(PH_F_ASTERISK)) c->lead['*'] = c->lead[0xEF] = 1;
    if (families & BIT(PH_F_UNDERSCORE)) c->lead['_'] = c->lead[0xEF] = 1;
    if (families & BIT(PH_F_FULLWIDTH_X)) c->lead[0xEF] = 1;
    if (families & BIT(PH_F_GAP)) c->lead['.'] = 1;
    if (families & BIT(PH_F_CROSS)) c->lead[0xC3] = c->lead[0xE2] = 1;
    if (families & BIT(PH_F_CIRCLE)) c->lead[0xE2] = c->lead[0xE3] = 1;
    if (families & BIT(PH_F_ROMAN_X)) c->lead[0xE2] = 1;
    if (families & BIT(PH_F_MOU)) c->lead[0xE6] = 1;
}

#if defined(__SSE2__) && !defined(PH_NO_SIMD)
static inline __m128i eqb(__m128i v, uint8_t b)
{
    return _mm_cmpeq_epi8(v, _mm_set1_epi8((char)b));
}

/* Mask of the positions in p[0, 16) where a mark's exact byte sequence
 * starts (p[0, 18) must be readable).  Checking all bytes of the
 * multi-byte marks matters: their lead bytes E2 E3 EF are also those of
 * “ ” 。 、 ， （ ）, so a lead-byte test alone stops every few characters
 * in Chinese text.  Disabled families are filtered later by mark_at(). */
static inline unsigned mark_mask(const uint8_t *p)
{
    __m128i v0 = _mm_loadu_si128((const __m128i *)p);
    __m128i v1 = _mm_loadu_si128((const __m128i *)(p + 1));
    __m128i v2 = _mm_loadu_si128((const __m128i *)(p + 2));
    __m128i m = _mm_or_si128(_mm_or_si128(eqb(v0, 'X'), eqb(v0, 'x')),
                             _mm_or_si128(_mm_or_si128(eqb(v0, '*'), eqb(v0, '_')), eqb(v0, '.')));
    m = _mm_or_si128(m, _mm_and_si128(eqb(v0, 0xC3), eqb(v1, 0x97))); /* × */
    __m128i e2 = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(eqb(v1, 0x85), _mm_or_si128(eqb(v2, 0xA9), eqb(v2, 0xB9))),
                     _mm_and_si128(eqb(v1, 0x95), eqb(v2, 0xB3))),  /* Ⅹ ⅹ ╳ */
        _mm_or_si128(_mm_and_si128(eqb(v1, 0x96), eqb(v2, 0xA1)),   /* □ */
                     _mm_and_si128(eqb(v1, 0x97), eqb(v2, 0x8B)))); /* ○ */
    m = _mm_or_si128(m, _mm_and_si128(eqb(v0, 0xE2), e2));
    m = _mm_or_si128(m, _mm_and_si128(_mm_and_si128(eqb(v0, 0xE3), eqb(v1, 0x80)),
                                      eqb(v2, 0x87))); /* 〇 */
    __m128i ef = _mm_or_si128(
        _mm_and_si128(eqb(v1, 0xBC),
                      _mm_or_si128(_mm_or_si128(eqb(v2, 0xB8), eqb(v2, 0x8A)), eqb(v2, 0xBF))),
        _mm_and_si128(eqb(v1, 0xBD), eqb(v2, 0x98))); /* Ｘ ＊ ＿ ｘ */
    m = _mm_or_si128(m, _mm_and_si128(eqb(v0, 0xEF), ef));
    m = _mm_or_si128(m, _mm_and_si128(_mm_and_si128(eqb(v0, 0xE6), eqb(v1, 0x9F)),
                                      eqb(v2, 0x90))); /* 某 */
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* Index of the first byte at or after i that may start a mark (len if
 * none).  SSE2 tests 16 bytes at a time; the lead-byte table does the tail
 * (and everything on machines without SSE2). */
static inline size_t skip_plain(const ph_config *c, const uint8_t *p, size_t i, size_t len)
{
#if defined(__SSE2__) && !defined(PH_NO_SIMD)
    while (i + 18 <= len) {
        unsigned mask = mark_mask(p + i);
        if (mask) return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < len && !c->lead[p[i]]) i++;
    return i;
}

/* End of the run of family-f marks starting at i; *count gets how many. */
static size_t run_end(const scan *s, size_t i, int f, size_t *count)
{
    size_t n, cnt = 0;
    while (i < s->len && mark_at(s, i, &n) == f) i += n, cnt++;
    *count = cnt;
    return i;
}

/* The marks are all there is on their line (a separator row ____ or ****). */
static int line_only(const scan *s, size_t a, size_t b, int f)
{
    size_t n;
    while (a > 0) {
        int32_t c = ph_cp_before(s->p, a, &n);
        if (c == '\n') break;
        if (!(cls_of(c) == K_SPACE || family_of_cp(c) == f)) return 0;
        a -= n;
    }
    while (b < s->len) {
        int32_t c = ph_cp_at(s->p, s->len, b, &n);
        if (c == '\n' || c == '\r') break;
        if (!(cls_of(c) == K_SPACE || family_of_cp(c) == f)) return 0;
        b += n;
    }
    return 1;
}

static void push(scan *s, size_t off, size_t len, ph_type t, ph_family f)
{
    ph_hits *h = s->out;
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        ph_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v) {
            s->oom = 1;
            return;
        }
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (ph_hit){off, len, (uint8_t)t, (uint8_t)f};
    s->floor = off + len;
}

/* Glue digits on both sides into the span: 20XX, 5XX, 201X, 20__. */
static void glue_digits(const scan *s, size_t ms, size_t me, size_t *ps, size_t *pe)
{
    size_t a = ms, n, nd = 0;
    while (a > s->floor && nd <= 8) {
        int32_t c = ph_cp_before(s->p, a, &n);
        if (!is_digit_cp(c)) break;
        a -= n, nd++;
    }
    if (nd > 8) a = ms; /* part of a long number: leave it */
    size_t b = me, total = 0;
    for (size_t i = a; i < me; i += n, total++) ph_cp_at(s->p, s->len, i, &n);
    size_t b2 = b, t2 = total;
    while (b2 < s->len && is_digit_cp(ph_cp_at(s->p, s->len, b2, &n))) b2 += n, t2++;
    if (b2 > b && t2 <= 4) b = b2; /* 201X: only up to year length */
    *ps = a;
    *pe = b;
}

static void emit(scan *s, size_t a, size_t b, size_t ms, size_t me, int f)
{
    push(s, a, b - a, ph_classify(s->p, s->len, a, b, ms, me, (ph_family)f), (ph_family)f);
}

/* ------------------------------------------------------------------ */
/* Families                                                            */
/* ------------------------------------------------------------------ */

/* Class of the nearest neighbour past at most two spaces/ASCII punctuation,
 * for (XX) and "XX " written inside Chinese text. */
static int far_cls(const scan *s, size_t i, int dir)
{
    size_t n;
    for (int k = 0; k < 3; k++) {
        int32_t c;
        if (dir < 0) {
            if (i == 0) return K_EDGE;
            c = ph_cp_before(s->p, i, &n);
            i -= n;
        } else {
            if (i >= s->len) return K_EDGE;
            c = ph_cp_at(s->p, s->len, i, &n);
            i += n;
        }
        int k2 = cls_of(c);
        if (k2 != K_SPACE && k2 != K_OTHER) return k2;
    }
    return K_OTHER;
}

/* X XX xx Xx, Ｘ, ⅩⅩ. */
/* A single mark next to a box-drawing or bopomofo character is a piece of
 * mojibake (ㄈ┝x務), not a placeholder. */
static int mojibake_side(int32_t c, int k)
{
    return k == K_OTHER && c >= 0x80;
}

/* Another underscore blank within 512 bytes on the same line: a form. */
static int line_has_other_blank(const scan *s, size_t a, size_t b)
{
    for (size_t k = a, n = 0; k > 0 && n < 512; k--, n++) {
        uint8_t c = s->p[k - 1];
        if (c == '\n') break;
        if (c == '_' || (c == 0xBF && k >= 3 && s->p[k - 2] == 0xBC && s->p[k - 3] == 0xEF))
            return 1;
    }
    for (size_t k = b, n = 0; k < s->len && n < 512; k++, n++) {
        uint8_t c = s->p[k];
        if (c == '\n') break;
        if (c == '_' || (c == 0xEF && k + 2 < s->len && s->p[k + 1] == 0xBC && s->p[k + 2] == 0xBF))
            return 1;
    }
    return 0;
}

static size_t try_x(scan *s, size_t i, int f)
{
    size_t cnt, me = run_end(s, i, f, &cnt);
    int32_t lc = cp_left(s, i), rc = cp_right(s, me);
    int L = cls_of(lc), R = cls_of(rc);

    if (f == PH_F_ROMAN_X) {
        /* A lone Ⅹ is the numeral ten; ⅩⅩⅠ is twenty-one. */
        if (cnt < 2 || (lc >= 0x2160 && lc <= 0x2188) || (rc >= 0x2160 && rc <= 0x2188))
            return me;
    }
    int unit = 0;
    if (R == K_LETTER) {
        if (f == PH_F_LATIN_X && ph_ascii_unit_at(s->p, s->len, me)) unit = 1;
        else return me; /* XXL, Xbox, xué */
    }
    if (L == K_LETTER) return me;
    if (cnt == 1) {
        size_t n;
        if (L == K_DIGIT && R == K_DIGIT) return me; /* 3x4, 1920x1080 */
        if (lc == ' ' && rc == ' ' && i >= 2 && me + 1 < s->len &&
            is_digit_cp(ph_cp_before(s->p, i - 1, &n)) &&
            is_digit_cp(ph_cp_at(s->p, s->len, me + 1, &n)))
            return me; /* 3 x 4 */
        if (lc == '0' && s->p[i] == 'x' && R == K_DIGIT) return me; /* 0x1F */
        if (R == K_DIGIT && L != K_DIGIT) return me; /* model names: 宝马X5, X86, x64 */
        /* X光 X射线 X线 X轴 X染色体 X型 X战警 X档案 X因子 */
        if (IN(rc, 0x5149, 0x5C04, 0x7EBF, 0x8F74, 0x67D3, 0x578B, 0x6218, 0x6863, 0x56E0))
            return me;
        if (rc == '-' && me + 1 < s->len && cls_of(cp_right(s, me + 1)) == K_LETTER)
            return me; /* X-ray */
        /* Algebra: 设x为, 当x=1, 求x的值 */
        if (IN(lc, 0x8BBE, 0x4EE4, 0x6C42, 0x82E5, 0x5F53, 0x5219, 0x5373, 0x4E14, '=', '<',
               '>', '+', '^') ||
            IN(rc, '=', '<', '>', '+', '^', 0xB2, 0xB3))
            return me;
        if (mojibake_side(lc, L) || mojibake_side(rc, R)) return me;
    } else {
        int near = L == K_DIGIT || L == K_HAN || L == K_CJKP || R == K_DIGIT || R == K_HAN ||
                   R == K_CJKP || unit;
        /* XX-XX年: the first half of a range. */
        if (!near && (rc == '-' || rc == '~') && me + 1 < s->len &&
            (s->p[me + 1] == 'X' || s->p[me + 1] == 'x' ||
             (s->p[me + 1] >= '0' && s->p[me + 1] <= '9')))
            near = 1;
        if (!near) {
            int fl = far_cls(s, i, -1), fr = far_cls(s, me, +1);
            if (!(fl == K_HAN || fl == K_DIGIT || fr == K_HAN || fr == K_DIGIT)) return me;
        }
    }
    /* XX世纪 (or XX 世纪) with uppercase Latin X: a Roman century. */
    size_t w = ph_skip_spaces_to_cjk(s->p, s->len, me);
    if (f == PH_F_LATIN_X && cnt <= 3 && w + 6 <= s->len &&
        memcmp(s->p + w, "世纪", 6) == 0) {
        int upper = 1;
        for (size_t k = i; k < me; k++) upper &= s->p[k] == 'X';
        if (upper) return me;
    }
    size_t a, b;
    glue_digits(s, i, me, &a, &b);
    if (cnt == 1) {
        /* A lone X needs Chinese next to it (x年, 张x老师, 20x年), not
         * ASCII noise like "d- x2 ?:". */
        int la = cls_of(cp_left(s, a)), rb = cls_of(cp_right(s, b));
        /* 201x 年 at a line start: a year mask spaced from its unit */
        size_t u = ph_skip_spaces_to_cjk(s->p, s->len, b);
        int spaced_year = a < i && la != K_LETTER && u > b && u + 3 <= s->len &&
                          memcmp(s->p + u, "年", 3) == 0;
        if (!(la == K_HAN || la == K_CJKP || rb == K_HAN || rb == K_CJKP || spaced_year))
            return me;
    }
    /* XX.XX元: one number. */
    if (f == PH_F_LATIN_X && b + 1 < s->len && s->p[b] == '.') {
        size_t k = b + 1;
        while (k < s->len && ((s->p[k] >= '0' && s->p[k] <= '9') || s->p[k] == 'X' ||
                              s->p[k] == 'x'))
            k++;
        if (k > b + 1 && !(k < s->len && cls_of(cp_right(s, k)) == K_LETTER)) b = k;
    }
    emit(s, a, b, i, me, f);
    return b;
}

/* Markdown emphasis: an ASCII run of n (1..3) '*' opening a span closed by
 * the same run later on the line, with no sentence punctuation between.
 * Placeholder evidence right after the run (市 同志 2017 ...) wins. */
static int emphasis_open(scan *s, size_t i, size_t me, size_t n)
{
    int32_t rc = cp_right(s, me);
    int R = cls_of(rc);
    if (R == K_SPACE || R == K_EDGE) return 0;
    if (ph_word_after(s->p, s->len, me) == PH_NAME) return 0;
    if (me + 1 < s->len && s->p[me] >= '0' && s->p[me] <= '9' && s->p[me + 1] >= '0' &&
        s->p[me + 1] <= '9')
        return 0; /* ***2017年 */
    size_t limit = me + (n == 1 ? 60 : 160);
    if (limit > s->len) limit = s->len;
    for (size_t k = me; k < limit; k++) {
        uint8_t b = s->p[k];
        if (b == '\n' || b == ',' || b == ';' || b == '!' || b == '?') return 0;
        if (n == 1 && (b == '(' || b == '[')) return 0;
        if (b == 0xE3 && k + 2 < s->len && s->p[k + 1] == 0x80 && s->p[k + 2] == 0x82)
            return 0; /* 。 */
        if (b == 0xEF && k + 2 < s->len && s->p[k + 1] == 0xBC &&
            (s->p[k + 2] == 0x8C || s->p[k + 2] == 0x9B || s->p[k + 2] == 0x81 ||
             s->p[k + 2] == 0x9F))
            return 0; /* ，；！？ */
        if (b != '*') continue;
        if (k == me) return 0;
        size_t m = k;
        while (m < s->len && s->p[m] == '*') m++;
        if (m - k != n || cls_of(cp_left(s, k)) == K_SPACE) return 0;
        s->emph_close = k;
        s->emph_n = n;
        return 1;
    }
    return 0;
}

/* ** *** ＊＊ "* * *" and a single * glued into Han text. */
static size_t try_star(scan *s, size_t i)
{
    if (s->emph_n && i == s->emph_close) {
        size_t n = s->emph_n;
        s->emph_n = 0;
        return i + n;
    }
    size_t j = i, me = i, cnt = 0, n;
    int spaced = 0, fullwidth = 0;
    for (;;) {
        if (j < s->len && mark_at(s, j, &n) == PH_F_ASTERISK) {
            fullwidth |= s->p[j] != '*';
            j += n, me = j, cnt++;
        } else if (j + 1 < s->len && s->p[j] == ' ' && s->p[j + 1] == '*' && cnt > 0) {
            spaced = 1;
            j++;
        } else {
            break;
        }
    }
    if (line_only(s, i, me, PH_F_ASTERISK)) return me;
    int32_t lc = cp_left(s, i), rc = cp_right(s, me);
    int L = cls_of(lc), R = cls_of(rc);
    if (spaced) {
        if (cnt < 2 || !(L == K_HAN || L == K_CJKP || R == K_HAN || R == K_CJKP)) return me;
        emit(s, i, me, i, me, PH_F_ASTERISK);
        return me;
    }
    if (!fullwidth && cnt <= 3 && emphasis_open(s, i, me, cnt)) return me;
    if (cnt == 1) {
        if (R != K_HAN || !(L == K_HAN || L == K_CJKP || lc == '(' || lc == '[')) return me;
        if (mojibake_side(lc, L)) return me;
    } else {
        int lal = L == K_DIGIT || L == K_LETTER, ral = R == K_DIGIT || R == K_LETTER;
        if (cnt == 2 && lal && ral) return me; /* 2**3, a**b */
        if ((L == K_SPACE || L == K_EDGE) && (R == K_SPACE || R == K_EDGE)) return me;
    }
    emit(s, i, me, i, me, PH_F_ASTERISK);
    return me;
}

/* ×× ╳╳ □□, and a single × standing for a digit or word (×月×日). */
static size_t try_cross(scan *s, size_t i)
{
    size_t cnt, me = run_end(s, i, PH_F_CROSS, &cnt);
    if (line_only(s, i, me, PH_F_CROSS)) return me;
    int32_t lc = cp_left(s, i), rc = cp_right(s, me);
    int L = cls_of(lc), R = cls_of(rc);
    if (cnt == 1) {
        if (s->p[i] != 0xC3) return me; /* a single ╳ or □ is a box */
        if (!(L == K_HAN || R == K_HAN)) return me;
        if (L == K_DIGIT || L == K_LETTER || L == K_SPACE || R == K_DIGIT || R == K_LETTER ||
            R == K_SPACE)
            return me; /* 3×4, × 2 */
        if (mojibake_side(lc, L) || mojibake_side(rc, R)) return me;
    }
    size_t a, b;
    glue_digits(s, i, me, &a, &b);
    emit(s, a, b, i, me, PH_F_CROSS);
    return b;
}

/* ○○ / 〇〇 as a name or date; never the zero digit of 二○一七. */
static size_t try_circle(scan *s, size_t i)
{
    size_t cnt, me = run_end(s, i, PH_F_CIRCLE, &cnt);
    int32_t lc = cp_left(s, i), rc = cp_right(s, me);
    if (is_cn_numeral(lc) || is_cn_numeral(rc) || is_digit_cp(lc) || is_digit_cp(rc))
        return me;
    int L = cls_of(lc), R = cls_of(rc);
    if (L == K_LETTER || R == K_LETTER || L == K_DIGIT) return me;
    if (line_only(s, i, me, PH_F_CIRCLE)) return me;
    /* A single ○ is a bullet unless it stands for a date part: ○月○日. */
    if (cnt == 1 && !IN(rc, 0x5E74, 0x6708, 0x65E5, 0x53F7)) return me;
    emit(s, i, me, i, me, PH_F_CIRCLE);
    return me;
}

/* An '@' or '/' in the ASCII word around [a, b): e-mail, URL, path. */
static int in_ascii_address(const scan *s, size_t a, size_t b)
{
    for (size_t k = a, n = 0; k > 0 && n < 256; k--, n++) {
        uint8_t c = s->p[k - 1];
        if (c <= ' ' || c >= 0x80) break;
        if (c == '@' || c == '/') return 1;
    }
    for (size_t k = b, n = 0; k < s->len && n < 256; k++, n++) {
        uint8_t c = s->p[k];
        if (c <= ' ' || c >= 0x80) break;
        if (c == '@' || c == '/') return 1;
    }
    return 0;
}

/* Underscores as blanks: 20__年, ____同志, 我县_乡. */
static size_t try_under(scan *s, size_t i)
{
    size_t cnt, me = run_end(s, i, PH_F_UNDERSCORE, &cnt);
    int32_t lc = cp_left(s, i), rc = cp_right(s, me);
    int L = cls_of(lc), R = cls_of(rc);
    if (L == K_LETTER || R == K_LETTER) return me;         /* snake_case, __init__ */
    if (cnt == 1 && L == K_DIGIT && R == K_DIGIT) return me; /* 2021_03 */
    if (in_ascii_address(s, i, me)) return me;
    if (line_only(s, i, me, PH_F_UNDERSCORE)) return me;
    if (cnt == 1) {
        /* A lone _ is a blank only inside a form with other blanks; alone
         * it is a title separator (规章制度大全_第1页). */
        if (!(L == K_HAN || L == K_CJKP || R == K_HAN || R == K_CJKP)) return me;
        if (mojibake_side(lc, L) || mojibake_side(rc, R)) return me;
        if (!line_has_other_blank(s, i, me)) return me;
    }
    size_t a, b;
    glue_digits(s, i, me, &a, &b);
    emit(s, a, b, i, me, PH_F_UNDERSCORE);
    return b;
}

/* 某某 (only when switched on). */
static size_t try_mou(scan *s, size_t i)
{
    size_t cnt, me = run_end(s, i, PH_F_MOU, &cnt);
    if (cnt >= 2) emit(s, i, me, i, me, PH_F_MOU);
    return me;
}

/* A '.' between Han characters.  Candidates only: check_gaps() decides. */
static size_t try_gap(scan *s, size_t i)
{
    const uint8_t *p = s->p;
    if (i + 1 < s->len && p[i + 1] == '.') {
        while (i < s->len && p[i] == '.') i++;
        return i; /* ... */
    }
    /* Cheap byte tests first: '.' in ASCII text is common. */
    if (i > 0 && p[i - 1] != '\n' && p[i - 1] < 0x80) return i + 1;
    if (i + 1 >= s->len || p[i + 1] < 0xE0) return i + 1;
    int32_t rc = cp_right(s, i + 1), lc = cp_left(s, i);
    if (!(ph_is_han(rc) || rc == 0x201C)) return i + 1;
    int L = cls_of(lc);
    if (!(L == K_EDGE || L == K_HAN || L == K_CJKP)) return i + 1;
    if (lc == 0x7684) return i + 1; /* 的. is a watermark, not ours */
    size_t n;
    if (is_cn_numeral(lc)) {
        ph_cp_before(p, i, &n);
        if (cls_of(cp_left(s, i - n)) != K_HAN) return i + 1; /* 一.总则: a list number */
    }
    if (IN(lc, 0x7532, 0x4E59, 0x4E19, 0x4E01) && IN(rc, 0x4E59, 0x4E19, 0x4E01, 0x620A))
        return i + 1; /* 甲.乙双方 */
    push(s, i, 1, PH_GAP, PH_F_GAP);
    return i + 1;
}

/* ------------------------------------------------------------------ */
/* After the pass                                                      */
/* ------------------------------------------------------------------ */

static size_t count_ideo_stops(const uint8_t *p, size_t a, size_t b)
{
    static const uint8_t stop[3] = {0xE3, 0x80, 0x82}; /* 。 */
    size_t n = 0;
    while (a + 3 <= b) {
        const uint8_t *q = memmem(p + a, b - a, stop, 3);
        if (!q) break;
        n++;
        a = (size_t)(q - p) + 3;
    }
    return n;
}

/* Keep a gap only where the page writes its sentences with 。: overall at
 * least twice as many 。 as gaps, and on the gap's line at least as many. */
static void check_gaps(scan *s)
{
    ph_hits *h = s->out;
    size_t ngaps = 0;
    for (size_t k = 0; k < h->n; k++) ngaps += h->v[k].type == PH_GAP;
    if (!ngaps) return;
    size_t stops = count_ideo_stops(s->p, 0, s->len);
    int keep_any = stops >= 2 * ngaps;
    size_t w = 0;
    for (size_t k = 0; k < h->n;) {
        if (h->v[k].type != PH_GAP) {
            h->v[w++] = h->v[k++];
            continue;
        }
        /* The gaps of this line. */
        size_t off = h->v[k].off, ls = off, le = off;
        while (ls > 0 && s->p[ls - 1] != '\n') ls--;
        while (le < s->len && s->p[le] != '\n') le++;
        size_t k2 = k, line_gaps = 0;
        while (k2 < h->n && h->v[k2].off < le) line_gaps += h->v[k2++].type == PH_GAP;
        int keep = keep_any && count_ideo_stops(s->p, ls, le) >= line_gaps;
        for (; k < k2; k++)
            if (h->v[k].type != PH_GAP || keep) h->v[w++] = h->v[k];
    }
    h->n = w;
}

/* 20XX-xx年, XX至XX人: an untyped side of a range takes the other's type. */
static void propagate_ranges(scan *s)
{
    static const char *const seps[] = {"-", "~", "—", "–", "～", "至", "到", "－"};
    ph_hits *h = s->out;
    for (size_t k = 0; k + 1 < h->n; k++) {
        ph_hit *a = &h->v[k], *b = &h->v[k + 1];
        size_t gap = b->off - (a->off + a->len);
        int joined = 0;
        for (size_t j = 0; j < sizeof seps / sizeof *seps && !joined; j++)
            joined = strlen(seps[j]) == gap && memcmp(s->p + a->off + a->len, seps[j], gap) == 0;
        if (!joined || a->type == PH_GAP || b->type == PH_GAP) continue;
        if (a->type == PH_UNKNOWN) a->type = b->type;
        else if (b->type == PH_UNKNOWN) b->type = a->type;
    }
}

int ph_scan(const ph_config *c, const char *text, size_t len, ph_hits *out)
{
    scan s = {.c = c, .p = (const uint8_t *)text, .len = len, .out = out};
    size_t i = 0;
    while (i < len && !s.oom) {
        i = skip_plain(c, s.p, i, len);
        if (i >= len) break;
        size_t n;
        int f = mark_at(&s, i, &n);
        size_t next;
        switch (f) {
        case PH_F_LATIN_X:
        case PH_F_FULLWIDTH_X:
        case PH_F_ROMAN_X: next = try_x(&s, i, f); break;
        case PH_F_ASTERISK: next = try_star(&s, i); break;
        case PH_F_CROSS: next = try_cross(&s, i); break;
        case PH_F_CIRCLE: next = try_circle(&s, i); break;
        case PH_F_UNDERSCORE: next = try_under(&s, i); break;
        case PH_F_MOU: next = try_mou(&s, i); break;
        case PH_F_GAP: next = try_gap(&s, i); break;
        default: next = i + 1; break;
        }
        i = next > i ? next : i + 1;
    }
    check_gaps(&s);
    propagate_ranges(&s);
    return s.oom ? -1 : 0;
}

void ph_hits_free(ph_hits *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

const char *ph_type_name(ph_type t)
{
    static const char *const names[PH_NTYPES] = {"year", "date", "number",
                                                 "name", "unknown", "gap"};
    return t < PH_NTYPES ? names[t] : "unknown";
}

const char *ph_family_name(ph_family f)
{
    static const char *const names[PH_NFAMILIES] = {
        "latin_x", "fullwidth_x", "roman_x", "asterisk", "cross",
        "circle",  "underscore",  "mou_mou", "censor_gap"};
    return f < PH_NFAMILIES ? names[f] : "?";
}
