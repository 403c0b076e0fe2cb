/*
 * lineclass.c - classify physical lines for linejoin.
 *
 * Everything here is a pure function of the line's bytes, so the join
 * decision in linejoin.c reads as a list of rules over these fields and each
 * classifier can be unit tested on its own.
 */
#include "lineclass.h"

#include "docclean/utf8.h"

/* ， 、 and opening brackets/quotes: a line ending in one goes on. */
static int is_open_bracket(uint32_t c)
{
    switch (c) {
    case '(': case '[': case 0xFF08: /* （ */ case 0x300A: /* 《 */ case 0x201C: /* “ */
    case 0x2018: /* ‘ */ case 0x300C: /* 「 */ case 0x300E: /* 『 */ case 0x3010: /* 【 */
    case 0x3008: /* 〈 */ case 0x3014: /* 〔 */ case 0xFF3B: /* ［ */
        return 1;
    }
    return 0;
}

static int is_close_bracket(uint32_t c)
{
    switch (c) {
    case ')': case ']': case 0xFF09: case 0x300B: case 0x201D: case 0x2019: case 0x300D:
    case 0x300F: case 0x3011: case 0x3009: case 0x3015: case 0xFF3D:
        return 1;
    }
    return 0;
}

/* Punctuation that separates clauses.  A line without any is "bare": a
 * title, a name, a caption or a fragment.  The colon is left out on purpose
 * so that "总结：回顾与展望" still counts as a title. */
static int is_clause_punct(uint32_t c)
{
    switch (c) {
    case ',': case ';': case '!': case '?': case 0xFF0C: /* ， */ case 0x3001: /* 、 */
    case 0x3002: /* 。 */ case 0xFF1B: /* ； */ case 0xFF01: /* ！ */ case 0xFF1F: /* ？ */
    case 0xFF0E: /* ． */
        return 1;
    }
    return 0;
}

/* What may start the second half of a sentence cut before its punctuation. */
static int is_close_punct(uint32_t c)
{
    switch (c) {
    case ',': case ';': case ':': case '!': case '?': case 0xFF0C: case 0x3001: case 0x3002:
    case 0xFF1B: case 0xFF1A: case 0xFF01: case 0xFF1F:
    case '"': /* ASCII quote: open or close, either way the sentence goes on */
        return 1;
    }
    return is_close_bracket(c) && c != 0x2019 && c != ']';
}

static int is_digit(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }
static int is_latin(uint32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

lj_tail lj_tail_of(const unsigned char *s, size_t start, size_t end)
{
    size_t l;
    /* skip trailing white space */
    while (end > start) {
        uint32_t c = dc_utf8_decode_back(s, start, end, &l);
        if (!dc_is_space(c)) break;
        end -= l;
    }
    if (end == start) return LJ_TAIL_END;
    uint32_t c = dc_utf8_decode_back(s, start, end, &l);
    if (dc_is_han(c)) return LJ_TAIL_MID;
    if (c == '*' || c == 0xFF0A) { /* a ** mask glued to Han: 转发** */
        while (end > start) {
            c = dc_utf8_decode_back(s, start, end, &l);
            if (c != '*' && c != 0xFF0A) break;
            end -= l;
        }
        return end > start && dc_is_han(c) ? LJ_TAIL_MID : LJ_TAIL_END;
    }
    if (c == 0xFF0C || c == 0x3001) return LJ_TAIL_CONT;
    if (c == ',') { /* not the thousands separator of "1," */
        end -= l;
        if (end == start) return LJ_TAIL_END;
        c = dc_utf8_decode_back(s, start, end, &l);
        return is_digit(c) ? LJ_TAIL_END : LJ_TAIL_CONT;
    }
    if (is_open_bracket(c)) return LJ_TAIL_CONT;
    return LJ_TAIL_END;
}

static lj_head head_of(uint32_t c)
{
    if (dc_is_han(c) || is_digit(c) || is_open_bracket(c)) return LJ_HEAD_TEXT;
    if (is_close_punct(c)) return LJ_HEAD_CLOSE;
    return LJ_HEAD_NO;
}

/* Chinese numerals used for enumeration: 一 … 十 百 零 〇 两. */
static int is_cn_numeral(uint32_t c)
{
    switch (c) {
    case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94: case 0x516D:
    case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341: case 0x767E: case 0x96F6:
    case 0x3007: case 0x4E24: case 0x5343:
        return 1;
    }
    return 0;
}

/* Units after 第N that make a heading: 章 节 条 款 编 部 篇 回 卷 课 单 讲 项 集 期? (期 is
 * left out: 第二期 is ordinary text). */
static int is_section_unit(uint32_t c)
{
    switch (c) {
    case 0x7AE0: case 0x8282: case 0x6761: case 0x6B3E: case 0x7F16: case 0x90E8:
    case 0x7BC7: case 0x56DE: case 0x5377: case 0x8BFE: case 0x5355: case 0x8BB2:
    case 0x9879: case 0x96C6: case 0x7BC0: case 0x689D: case 0x7DE8: case 0x8AB2:
        return 1;
    }
    return 0;
}

static int is_bullet(uint32_t c)
{
    switch (c) {
    case 0x2022: case 0x00B7: case 0x25CF: case 0x25CB: case 0x25A0: case 0x25A1:
    case 0x25C6: case 0x25C7: case 0x25AA: case 0x25AB: case 0x25BA: case 0x25B6:
    case 0x2605: case 0x2606: case 0x203B: case 0x2713: case 0x221A: case 0x25CE:
    case 0x25B2: case 0x25B3: case 0x2192: case 0x30FB:
        return 1;
    }
    return 0;
}

/* Enumerators that are one character: ① ⑴ ⒈ ❶ ➀ Ⅰ ㈠ ... */
static int is_enum_char(uint32_t c)
{
    return (c >= 0x2460 && c <= 0x24FF) || (c >= 0x2776 && c <= 0x2793) ||
           (c >= 0x2160 && c <= 0x217F) || (c >= 0x3220 && c <= 0x3229) ||
           (c >= 0x3280 && c <= 0x3289);
}

#define LJ_PEEK 16

int lj_starts_structural(const unsigned char *s, size_t cstart, size_t cend)
{
    uint32_t c[LJ_PEEK];
    int n = 0;
    size_t i = cstart, l;
    while (i < cend && n < LJ_PEEK) {
        c[n++] = dc_utf8_decode(s, cend, i, &l);
        i += l;
    }
    for (int k = n; k < LJ_PEEK; k++) c[k] = 0;
    if (n == 0) return 0;

    /* markdown/quote/table starts */
    if (c[0] == '#' || c[0] == '>' || c[0] == '|' || c[0] == 0xFF5C || c[0] == '`') return 1;
    if ((c[0] == '-' || c[0] == '*' || c[0] == '+') && (c[1] == ' ' || c[1] == 0x3000)) return 1;
    if (c[0] == '*' && c[1] == '*') { /* **bold heading** */
        size_t e = cend;
        return e - cstart >= 4 && s[e - 1] == '*' && s[e - 2] == '*';
    }
    /* bullets, except a doubled mark used as a placeholder (○○同志) */
    if (is_bullet(c[0]) && c[1] != c[0]) return 1;
    if (is_enum_char(c[0])) return 1;

    /* 一、 二. 十一， */
    int k = 0;
    while (k < 4 && is_cn_numeral(c[k])) k++;
    if (k > 0 && (c[k] == 0x3001 || c[k] == '.' || c[k] == 0xFF0E || c[k] == 0xFF0C ||
                  c[k] == ',' || c[k] == ' ' || c[k] == 0x3000 || c[k] == 0xFF1A))
        return 1;

    /* 第三条 第十二章 第1节 */
    if (c[0] == 0x7B2C) {
        k = 1;
        while (k < 6 && (is_cn_numeral(c[k]) || is_digit(c[k]))) k++;
        if (k > 1 && is_section_unit(c[k])) return 1;
    }

    /* (一) （2） (a) 〔三〕 [1] */
    if (c[0] == '(' || c[0] == 0xFF08 || c[0] == 0x3014 || c[0] == '[' || c[0] == 0x3010) {
        k = 1;
        while (k < 5 && (is_cn_numeral(c[k]) || is_digit(c[k]) || is_latin(c[k]))) k++;
        if (k > 1 && k <= 4 && (c[k] == ')' || c[k] == 0xFF09 || c[k] == 0x3015 || c[k] == ']' ||
                                c[k] == 0x3011))
            return 1;
    }

    /* 1、 2. 3) 12． but not 1.5 or 2023年 */
    k = 0;
    while (k < 3 && is_digit(c[k])) k++;
    if (k > 0) {
        uint32_t d = c[k];
        if (d == 0x3001 || d == ')' || d == 0xFF09 || d == 0xFF0E || d == 0x3009 || d == '>')
            return 1;
        if (d == '.' && !is_digit(c[k + 1])) return 1;
    }

    /* A. b) C、 (exam options, outlines) */
    if (is_latin(c[0]) && (c[1] == '.' || c[1] == ')' || c[1] == 0x3001 || c[1] == 0xFF0E ||
                           c[1] == 0xFF09) && !is_latin(c[2]))
        return 1;

    /* 【教学目标】 [中图分类号] 〔按语〕: a short bracketed label with Han in it */
    uint32_t close = c[0] == 0x3010 ? 0x3011 : c[0] == '[' ? ']' : c[0] == 0x3014 ? 0x3015 : 0;
    if (close) {
        int han = 0;
        for (k = 1; k < LJ_PEEK && c[k] && c[k] != close; k++) han |= dc_is_han(c[k]);
        if (k < LJ_PEEK && c[k] == close && han) return 1;
    }
    return 0;
}

int lj_starts_record(const unsigned char *s, size_t cstart, size_t cend)
{
    uint32_t c[12] = {0};
    int n = 0;
    size_t i = cstart, l;
    while (i < cend && n < 12) {
        c[n++] = dc_utf8_decode(s, cend, i, &l);
        i += l;
    }
    /* 关键词: 中图分类号： 使用场景: — a labelled field */
    int h = 0;
    while (h < 9 && dc_is_han(c[h])) h++;
    if (h >= 1 && h <= 8 && (c[h] == ':' || c[h] == 0xFF1A)) return 1;
    /* 2011年7月29日 …, 2020-05-01 …, 5月15日 …: a dated record (revision
     * history, timeline, dateline) starts a new entry */
    int k = 0;
    while (k < 4 && is_digit(c[k])) k++;
    if (k == 0) return 0;
    uint32_t d = c[k];
    if (d == 0x5E74 /* 年 */) return 1;
    if ((d == '-' || d == '/' || d == '.') && k == 4 && is_digit(c[k + 1])) return 1;
    if (d == 0x6708 /* 月 */ && k <= 2) {
        int m = k + 1;
        while (m < k + 3 && m < 7 && is_digit(c[m])) m++;
        if (m > k + 1 && (c[m] == 0x65E5 || c[m] == 0x53F7)) return 1; /* 日 号 */
    }
    return 0;
}

/* A valid 3-byte character at s[i] in U+4000..U+9FFF (lead byte E4..E9):
 * what dc_utf8_decode would decode, without the general checks (no
 * overlong or surrogate is possible there).  Most Chinese text is these. */
static inline int is_han_block3(const unsigned char *s, size_t i, size_t n)
{
    return s[i] >= 0xE4 && s[i] <= 0xE9 && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
           (s[i + 2] & 0xC0) == 0x80;
}

int lj_looks_like_table(const unsigned char *s, size_t cstart, size_t cend)
{
    int gaps = 0;
    size_t i = cstart, l;
    uint32_t prev = 0;
    int run = 0;
    while (i < cend) {
        if (is_han_block3(s, i, cend)) { /* fast path: U+4000..U+9FFF */
            if (run >= 2 && prev) gaps++;
            run = 0;
            prev = 1;
            i += 3;
            continue;
        }
        uint32_t c = dc_utf8_decode(s, cend, i, &l);
        if (c == '|' || c == 0xFF5C || c == '\t') return 1;
        if (c == ' ' || c == 0x3000) {
            run++;
        } else {
            if (run >= 2 && prev) gaps++;
            run = 0;
            prev = c;
        }
        i += l;
    }
    return gaps >= 2;
}

void lj_line_classify(const unsigned char *s, size_t start, size_t end, lj_line *l)
{
    size_t i = start, cl;
    l->start = start;
    l->end = end;
    /* leading white space */
    while (i < end) {
        uint32_t c = dc_utf8_decode(s, end, i, &cl);
        if (!dc_is_space(c)) break;
        i += cl;
    }
    l->cstart = i;
    size_t e = end;
    while (e > i) {
        uint32_t c = dc_utf8_decode_back(s, i, e, &cl);
        if (!dc_is_space(c)) break;
        e -= cl;
    }
    l->cend = e;
    l->blank = (i == e);
    l->indented = (i > start);
    l->nchars = 0;
    l->bare = 1;
    l->open_brackets = 0;
    l->structural = 0;
    l->table = 0;
    l->record = 0;
    l->tail = LJ_TAIL_END;
    l->head = LJ_HEAD_NO;
    if (l->blank) return;

    uint32_t first = 0;
    for (size_t p = i; p < e; p += cl) {
        if (p != i && is_han_block3(s, p, e)) { /* no space, punctuation or bracket */
            l->nchars++;
            cl = 3;
            continue;
        }
        uint32_t c = dc_utf8_decode(s, e, p, &cl);
        if (p == i) first = c;
        if (dc_is_space(c)) continue;
        l->nchars++;
        if (is_clause_punct(c)) l->bare = 0;
        if (is_open_bracket(c)) l->open_brackets++;
        else if (is_close_bracket(c) && l->open_brackets > 0) l->open_brackets--;
    }
    l->tail = lj_tail_of(s, i, e);
    l->head = head_of(first);
    l->table = lj_looks_like_table(s, i, e);
    l->structural = l->table || lj_starts_structural(s, i, e);
    l->record = lj_starts_record(s, i, e);
}
