/*
 * pii_scan.c - find personal data in UTF-8 text.
 *
 * One left-to-right pass over the bytes.  Only three kinds of byte can
 * start a match: an ASCII digit (phone, ID, card, QQ), an ASCII letter
 * (WeChat id, "QQ12345") and '@' (e-mail), so everything else is skipped
 * with a table lookup.  At a digit run the scanner reads up to five digit
 * groups joined by single spaces or hyphens and tries, in order:
 *   a cue before the number (QQ / 企鹅 / 微信 / VX ...)  -> qq, wechat
 *   a look-alike context (订单号, ISBN, 编号 ...)          -> untouched
 *   18 digits shaped like an ID                           -> idcard if the
 *        checksum holds, otherwise untouched (never a card or anything else)
 *   11 digits 1[3-9]..., 3-4-4, with +86/0086             -> mobile
 *   16-19 digits (or 4-4-4-4 groups), Luhn, prefix 3-6    -> bankcard
 *   0 + area code, separator, 7-8 digits (ext)            -> landline
 * Numbers glued to ASCII letters, decimals, URLs paths or followed by a
 * unit of money or time (元 万 亿 年 %) are never personal numbers.
 * Validation is what keeps look-alikes (document numbers, dates, amounts,
 * ISBNs, standard numbers) untouched: none of them passes both the shape
 * and the check digit.
 */
#include <stdlib.h>
#include <string.h>

#include "pii.h"

static const char *const type_names[PII_NTYPES] = {"mobile", "landline", "idcard", "bankcard",
                                                    "qq",     "wechat",   "email"};

const char *pii_type_name(pii_type t)
{
    return (unsigned)t < PII_NTYPES ? type_names[t] : "?";
}

void pii_hits_free(pii_hits *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

static int push(pii_hits *h, size_t off, size_t len, pii_type t)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        pii_hit *v = realloc(h->v, cap * sizeof *v);
        if (!v) return -1;
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = (pii_hit){off, len, (uint8_t)t};
    return 0;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_alnum(int c) { return is_digit(c) || is_alpha(c); }

/* ---------------- validators ---------------- */

static int province_ok(int code)
{
    static const int v[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41,
                            42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71,
                            81, 82, 83};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        if (v[i] == code) return 1;
    return 0;
}

static int num(const char *d, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) v = v * 10 + (d[i] - '0');
    return v;
}

/* Birth date YYYYMMDD plausible: 1900-2030, a real calendar day. */
static int birth_ok(const char *d)
{
    int y = num(d, 4), m = num(d + 4, 2), day = num(d + 6, 2);
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2030 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1]) return 0;
    if (m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 0;
    return 1;
}

/* Shaped like a resident ID: province code and birth date plausible. */
static int idcard_shaped(const char *d)
{
    return province_ok(num(d, 2)) && birth_ok(d + 6);
}

/* GB 11643-1999: weights 2^(17-i) mod 11, check digit "10X98765432"[sum % 11]. */
static int idcard_checksum(const char *d)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    int s = 0;
    for (int i = 0; i < 17; i++) s += (d[i] - '0') * w[i];
    int c = d[17] == 'x' ? 'X' : d[17];
    return check[s % 11] == c;
}

int pii_idcard_valid(const char *d)
{
    for (int i = 0; i < 17; i++)
        if (!is_digit(d[i])) return 0;
    if (!is_digit(d[17]) && (d[17] | 0x20) != 'x') return 0;
    return idcard_shaped(d) && idcard_checksum(d);
}

int pii_luhn_valid(const char *d, size_t n)
{
    int s = 0;
    for (size_t i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i & 1) {
            v *= 2;
            if (v > 9) v -= 9;
        }
        s += v;
    }
    return n > 0 && s % 10 == 0;
}

/* ---------------- context ---------------- */

enum { CUE_NONE, CUE_QQ, CUE_WECHAT, CUE_PHONE };

typedef struct cue {
    const char *s;
    int kind;
    int ascii; /* must not be glued to a preceding ASCII letter */
} cue;

static const cue cues[] = {
    {"QQ", CUE_QQ, 1},       {"qq", CUE_QQ, 1},         {"Qq", CUE_QQ, 1},
    {"企鹅", CUE_QQ, 0},     {"扣扣", CUE_QQ, 0},       {"加Q", CUE_QQ, 0},
    {"加q", CUE_QQ, 0},      {"微信", CUE_WECHAT, 0},   {"薇信", CUE_WECHAT, 0},
    {"V信", CUE_WECHAT, 0},  {"v信", CUE_WECHAT, 0},    {"加V", CUE_WECHAT, 0},
    {"加v", CUE_WECHAT, 0},  {"VX", CUE_WECHAT, 1},     {"vx", CUE_WECHAT, 1},
    {"Vx", CUE_WECHAT, 1},   {"wx", CUE_WECHAT, 1},     {"WX", CUE_WECHAT, 1},
    {"wechat", CUE_WECHAT, 1}, {"WeChat", CUE_WECHAT, 1}, {"电话", CUE_PHONE, 0},
    {"手机", CUE_PHONE, 0},  {"传真", CUE_PHONE, 0},    {"热线", CUE_PHONE, 0},
    {"座机", CUE_PHONE, 0},  {"Tel", CUE_PHONE, 1},     {"TEL", CUE_PHONE, 1},
    {"tel", CUE_PHONE, 1},   {"Fax", CUE_PHONE, 1},     {"FAX", CUE_PHONE, 1},
};

/* Characters that may stand between a cue and its number: spaces, colons,
 * 号 码 是 为 群 (QQ号码是: ...).  Returns the byte length of the one ending
 * at p[i-1], or 0. */
static size_t gap_before(const uint8_t *p, size_t i)
{
    if (i >= 1 && (p[i - 1] == ' ' || p[i - 1] == ':' || p[i - 1] == '\t')) return 1;
    if (i >= 3) {
        static const char *const g[] = {"：", "号", "码", "是", "为", "群", "　"};
        for (size_t k = 0; k < sizeof g / sizeof *g; k++)
            if (memcmp(p + i - 3, g[k], 3) == 0) return 3;
    }
    return 0;
}

/* The cue word ending just before position i, after up to four gap
 * characters; CUE_NONE if there is none. */
static int cue_before(const uint8_t *p, size_t i)
{
    size_t g;
    for (int k = 0; k < 4 && (g = gap_before(p, i)) != 0; k++) i -= g;
    for (size_t c = 0; c < sizeof cues / sizeof *cues; c++) {
        size_t n = strlen(cues[c].s);
        if (i < n || memcmp(p + i - n, cues[c].s, n) != 0) continue;
        if (cues[c].ascii && i > n && is_alpha(p[i - n - 1])) continue;
        return cues[c].kind;
    }
    return CUE_NONE;
}

/* Words that announce a number that is not personal (an order, a book,
 * a serial); searched in the 18 bytes (six Han characters) before it. */
static int lookalike_context(const uint8_t *p, size_t i)
{
    static const char *const w[] = {"订单", "单号", "编号", "序号", "流水", "ISBN", "ISSN",
                                    "isbn", "货号", "型号", "条码", "批号", "文号", "No.",
                                    "NO.",  "账单", "运单", "发票"};
    size_t from = i > 18 ? i - 18 : 0;
    for (size_t k = 0; k < sizeof w / sizeof *w; k++) {
        size_t n = strlen(w[k]);
        for (size_t j = from; j + n <= i; j++)
            if (memcmp(p + j, w[k], n) == 0) return 1;
    }
    return 0;
}

/* A number may not start glued to ASCII, a decimal point, a path or a
 * hyphenated chain (GB/T 1234-2008). */
static int left_ok(const uint8_t *p, size_t s)
{
    if (s == 0) return 1;
    int c = p[s - 1];
    return !(is_alnum(c) || c == '.' || c == '/' || c == '_' || c == '-' || c == '\\' ||
             c == '#' || c == '=' || c == '&' || c == '%');
}

/* Nor end glued to ASCII, a decimal, a percent, '@' (an e-mail local
 * part), a further hyphenated group, or a unit of money or time. */
static int right_ok(const uint8_t *p, size_t len, size_t e)
{
    if (e >= len) return 1;
    int c = p[e];
    if (is_alnum(c) || c == '%' || c == '@' || c == '_') return 0;
    if ((c == '.' || c == '-' || c == ',') && e + 1 < len && is_digit(p[e + 1])) return 0;
    if (e + 3 <= len) {
        static const char *const u[] = {"元", "万", "亿", "年", "月", "日", "％"};
        for (size_t k = 0; k < sizeof u / sizeof *u; k++)
            if (memcmp(p + e, u[k], 3) == 0) return 0;
    }
    return 1;
}

/* ---------------- digit groups ---------------- */

#define MAXG 5
typedef struct groups {
    size_t s[MAXG], e[MAXG];
    char sep[MAXG]; /* separator before group k (0 for the first) */
    int n;
} groups;

static void read_groups(const uint8_t *p, size_t len, size_t s, groups *g)
{
    g->n = 0;
    size_t i = s;
    while (g->n < MAXG) {
        size_t a = i;
        while (i < len && is_digit(p[i])) i++;
        g->s[g->n] = a;
        g->e[g->n] = i;
        g->n++;
        if (i + 1 < len && (p[i] == ' ' || p[i] == '-') && is_digit(p[i + 1])) {
            g->sep[g->n] = (char)p[i];
            i++;
        } else {
            break;
        }
    }
    g->sep[0] = 0;
}

static size_t glen(const groups *g, int k) { return g->e[k] - g->s[k]; }

/* Concatenated digits of groups [0, k) into buf (at most cap-1). */
static size_t join(const uint8_t *p, const groups *g, int k, char *buf, size_t cap)
{
    size_t n = 0;
    for (int j = 0; j < k; j++)
        for (size_t i = g->s[j]; i < g->e[j] && n + 1 < cap; i++) buf[n++] = (char)p[i];
    buf[n] = 0;
    return n;
}

static int mobile_digits(const char *d, size_t n)
{
    return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}


typedef struct match {
    size_t end;  /* byte after the match */
    int type;    /* pii_type, or -1: a look-alike, skip to `end` */
} match;

/* Mobile at groups [k0, ...): 11 digits or 3-4-4 with one separator kind. */
static int mobile_at(const uint8_t *p, const groups *g, int k0, size_t *end)
{
    if (k0 < g->n && glen(g, k0) == 11 && mobile_digits((const char *)p + g->s[k0], 11)) {
        *end = g->e[k0];
        return 1;
    }
    if (k0 + 2 < g->n && glen(g, k0) == 3 && glen(g, k0 + 1) == 4 && glen(g, k0 + 2) == 4 &&
        g->sep[k0 + 1] == g->sep[k0 + 2] && p[g->s[k0]] == '1' && p[g->s[k0] + 1] >= '3') {
        *end = g->e[k0 + 2];
        return 1;
    }
    return 0;
}

/* Area codes: 010, 02X, and four-digit 03XX-09XX. */
static int area_code(const uint8_t *p, size_t s, size_t n)
{
    if (p[s] != '0') return 0;
    if (n == 3) return p[s + 1] == '1' ? p[s + 2] == '0' : p[s + 1] == '2';
    if (n == 4) return p[s + 1] >= '3';
    return 0;
}

static int local_number(const uint8_t *p, size_t s, size_t n)
{
    return (n == 7 || n == 8) && p[s] >= '2';
}

/* Landline with the area code as group 0; extension "-123" allowed. */
static int landline_at(const uint8_t *p, const groups *g, int phone_cue, size_t *end)
{
    if (g->n >= 2 && area_code(p, g->s[0], glen(g, 0)) && local_number(p, g->s[1], glen(g, 1))) {
        *end = g->e[1];
        if (g->n >= 3 && g->sep[2] == '-' && glen(g, 2) <= 5) *end = g->e[2];
        return 1;
    }
    /* 075512345678 glued together: only after 电话 / Tel. */
    size_t n = glen(g, 0);
    if (phone_cue && g->n == 1 && (n == 10 || n == 11 || n == 12)) {
        for (size_t a = 3; a <= 4; a++)
            if (area_code(p, g->s[0], a) && local_number(p, g->s[0] + a, n - a)) {
                *end = g->e[0];
                return 1;
            }
    }
    return 0;
}

/* (0755)1234567, （010）12345678: the digit run at s is the area code. */
static int paren_landline(const uint8_t *p, size_t len, size_t s, size_t *start, size_t *end)
{
    size_t a = s, e = s;
    while (e < len && is_digit(p[e])) e++;
    if (!area_code(p, s, e - s)) return 0;
    size_t open = 0, close = 0;
    if (a >= 1 && p[a - 1] == '(') open = 1;
    else if (a >= 3 && memcmp(p + a - 3, "（", 3) == 0) open = 3;
    if (e < len && p[e] == ')') close = 1;
    else if (e + 3 <= len && memcmp(p + e, "）", 3) == 0) close = 3;
    if (!open || !close) return 0;
    size_t l = e + close;
    if (l < len && (p[l] == ' ' || p[l] == '-')) l++;
    size_t le = l;
    while (le < len && is_digit(p[le])) le++;
    if (!local_number(p, l, le - l) || !right_ok(p, len, le)) return 0;
    *start = a - open;
    *end = le;
    return 1;
}

/* Everything a digit run starting at s can be. */
static match number_at(const uint8_t *p, size_t len, size_t s)
{
    groups g;
    read_groups(p, len, s, &g);
    match none = {g.e[0], -1};
    char d[40];
    int cue = cue_before(p, s);
    size_t end;

    if (cue == CUE_QQ && g.n >= 1 && glen(&g, 0) >= 5 && glen(&g, 0) <= 11 && p[s] != '0' &&
        right_ok(p, len, g.e[0]))
        return (match){g.e[0], PII_QQ};
    if (cue == CUE_WECHAT) {
        if (mobile_at(p, &g, 0, &end) && right_ok(p, len, end)) return (match){end, PII_WECHAT};
        if (glen(&g, 0) >= 5 && glen(&g, 0) <= 20 && right_ok(p, len, g.e[0]))
            return (match){g.e[0], PII_WECHAT};
    }
    if (!left_ok(p, s)) return none;
    if (lookalike_context(p, s)) {
        none.end = g.e[g.n - 1];
        return none;
    }

    /* 18-digit ID (the last may be X): checksum decides, nothing else. */
    size_t n0 = glen(&g, 0);
    if (n0 == 18 || (n0 == 17 && g.e[0] < len && (p[g.e[0]] | 0x20) == 'x')) {
        join(p, &g, 1, d, sizeof d);
        if (n0 == 17) d[17] = (char)p[g.e[0]], d[18] = 0;
        if (idcard_shaped(d)) {
            size_t e18 = s + 18;
            if (idcard_checksum(d) && right_ok(p, len, e18)) return (match){e18, PII_IDCARD};
            none.end = e18;
            return none;
        }
    }

    /* Mobile, with an optional country code 86 / 0086 (+ before it). */
    int k0 = 0;
    if (g.n >= 2 && ((n0 == 2 && p[s] == '8' && p[s + 1] == '6') ||
                     (n0 == 4 && memcmp(p + s, "0086", 4) == 0)))
        k0 = 1;
    /* 8613912345678, 008613912345678 written without a space. */
    size_t cc = n0 == 13 ? 2 : n0 == 15 ? 4 : 0;
    if (cc && memcmp(p + s, "0086" + (4 - cc), cc) == 0 &&
        mobile_digits((const char *)p + s + cc, 11) && right_ok(p, len, g.e[0]))
        return (match){g.e[0], PII_MOBILE};
    if (mobile_at(p, &g, k0, &end) && right_ok(p, len, end)) return (match){end, PII_MOBILE};

    /* Bank card: 16-19 digits, plain or in groups of four. */
    int k = 1;
    size_t total = n0;
    if (n0 == 4) {
        while (k < g.n && total < 19 && glen(&g, k) <= 4 && g.sep[k] == g.sep[1]) {
            total += glen(&g, k);
            k++;
            if (glen(&g, k - 1) < 4) break;
        }
    }
    if (total >= 16 && total <= 19 && p[s] >= '3' && p[s] <= '6') {
        size_t n = join(p, &g, k, d, sizeof d);
        if (pii_luhn_valid(d, n) && right_ok(p, len, g.e[k - 1])) return (match){g.e[k - 1], PII_BANKCARD};
    }

    if (landline_at(p, &g, cue == CUE_PHONE, &end) && right_ok(p, len, end))
        return (match){end, PII_LANDLINE};
    return none;
}

/* A WeChat id: a letter, then 5-19 letters, digits, '_' or '-'. */
static int wechat_id(const uint8_t *p, size_t s, size_t e)
{
    return e - s >= 6 && e - s <= 20 && is_alpha(p[s]);
}

/* E-mail around the '@' at position at; hits so far end at or before
 * `floor`.  Returns the span in *s, *e. */
static int email_at(const uint8_t *p, size_t len, size_t at, size_t floor, size_t *s, size_t *e)
{
    size_t a = at;
    while (a > floor && (is_alnum(p[a - 1]) || p[a - 1] == '.' || p[a - 1] == '_' ||
                         p[a - 1] == '-' || p[a - 1] == '+' || p[a - 1] == '%'))
        a--;
    while (a < at && p[a] == '.') a++;
    if (a == at) return 0;
    size_t b = at + 1, last_dot = 0;
    while (b < len && (is_alnum(p[b]) || p[b] == '-' || (p[b] == '.' && b + 1 < len && is_alnum(p[b + 1])))) {
        if (p[b] == '.') last_dot = b;
        b++;
    }
    if (!last_dot || last_dot == at + 1 || b - last_dot - 1 < 2) return 0;
    for (size_t i = last_dot + 1; i < b; i++)
        if (!is_alpha(p[i])) return 0;
    *s = a;
    *e = b;
    return 1;
}

int pii_scan(unsigned types, const char *text, size_t len, pii_hits *out)
{
    const uint8_t *p = (const uint8_t *)text;
    size_t floor = 0; /* end of the last hit */
    size_t i = 0;
    while (i < len) {
        int c = p[i];
        if (is_digit(c)) {
            size_t s = i, e;
            match m = number_at(p, len, s);
            if (m.type == PII_MOBILE || m.type == PII_LANDLINE || m.type == -1) {
                /* +86 / (0755): extend the span to the sign or bracket. */
                size_t ps, pe;
                if (m.type == -1 && (types & (1u << PII_LANDLINE)) &&
                    paren_landline(p, len, s, &ps, &pe) && ps >= floor) {
                    if (push(out, ps, pe - ps, PII_LANDLINE) < 0) return -1;
                    floor = i = pe;
                    continue;
                }
                if (m.type == PII_MOBILE && s >= 1 && p[s - 1] == '+' && p[s] == '8' && s - 1 >= floor) s--;
            }
            e = m.end;
            if (m.type >= 0 && (types & (1u << m.type))) {
                if (push(out, s, e - s, (pii_type)m.type) < 0) return -1;
                floor = e;
            }
            i = e > i ? e : i + 1;
            continue;
        }
        if (is_alpha(c)) {
            size_t e = i;
            while (e < len && (is_alnum(p[e]) || p[e] == '_' || p[e] == '-')) e++;
            if (i > 0 && (is_alnum(p[i - 1]) || p[i - 1] == '.' || p[i - 1] == '@')) {
                i = e;
                continue;
            }
            if (e < len && (p[e] == '@' || p[e] == '.')) { /* part of an e-mail or a domain */
                i = e;
                continue;
            }
            /* QQ12345678 / vx13812345678 glued to the cue. */
            if (e - i >= 7 && (p[i] | 0x20) == 'q' && (p[i + 1] | 0x20) == 'q' && p[i + 2] != '0') {
                size_t d = i + 2;
                while (d < e && is_digit(p[d])) d++;
                if (d == e && e - i - 2 >= 5 && e - i - 2 <= 11 && right_ok(p, len, e) &&
                    (types & (1u << PII_QQ))) {
                    if (push(out, i + 2, e - i - 2, PII_QQ) < 0) return -1;
                    floor = i = e;
                    continue;
                }
            }
            if (e - i >= 7 && (((p[i] | 0x20) == 'v' || (p[i] | 0x20) == 'w') && (p[i + 1] | 0x20) == 'x') &&
                is_digit(p[i + 2])) {
                size_t d = i + 2;
                while (d < e && is_digit(p[d])) d++;
                if (d == e && right_ok(p, len, e) && (types & (1u << PII_WECHAT))) {
                    if (push(out, i + 2, e - i - 2, PII_WECHAT) < 0) return -1;
                    floor = i = e;
                    continue;
                }
            }
            if (wechat_id(p, i, e) && right_ok(p, len, e) && cue_before(p, i) == CUE_WECHAT &&
                (types & (1u << PII_WECHAT))) {
                if (push(out, i, e - i, PII_WECHAT) < 0) return -1;
                floor = e;
            }
            i = e;
            continue;
        }
        if (c == '@') {
            size_t s, e;
            if ((types & (1u << PII_EMAIL)) && email_at(p, len, i, floor, &s, &e)) {
                /* An earlier digit run inside the local part was skipped, never a hit. */
                if (push(out, s, e - s, PII_EMAIL) < 0) return -1;
                floor = i = e;
                continue;
            }
        }
        i++;
    }
    return 0;
}
