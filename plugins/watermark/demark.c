/*
 * demark.c - stray marks that sites insert into running text as a
 * watermark: a backtick, an apostrophe or a full stop right after 的
 * (的`供给面, 的'由甲方, 的.原则), where nothing is missing.
 *
 * The placeholder stage reads a `.` between Han characters as a censor gap
 * (a deleted word) *except* after 的; this stage runs before it and takes
 * exactly those 的. cases, so the two never claim the same dot.
 *
 * Each mark is removed only when what follows is Chinese text: 的'smart'
 * (a quoted English word), 的...(an ellipsis), 的`code` and 所谓的'民主'
 * (a pair of ASCII quotes around Han) are left alone.
 */
#include "wm.h"
#include "docclean/utf8.h"

static int is_anchor(const wm_config *c, uint32_t cp)
{
    for (int k = 0; k < c->nanchors; k++)
        if (c->anchors[k] == cp) return 1;
    return 0;
}

/* The code point before s[i] on the line [ls, i). */
static uint32_t char_before(const unsigned char *s, size_t ls, size_t i)
{
    size_t l;
    return i > ls ? dc_utf8_decode_back(s, ls, i, &l) : DC_UTF8_BAD;
}

/* The code point after s[i] on the line (i+1 .. le). */
static uint32_t char_after(const unsigned char *s, size_t i, size_t le)
{
    size_t l;
    return i + 1 < le ? dc_utf8_decode(s, le, i + 1, &l) : DC_UTF8_BAD;
}

/* An apostrophe opens a quotation when another one closes it a little
 * further on the same line, and that one is not itself a mark after 的. */
static int opens_quote(const wm_config *c, const unsigned char *s, size_t i, size_t le)
{
    size_t lim = i + 1 + 90 < le ? i + 1 + 90 : le; /* about 30 Han characters */
    for (size_t j = i + 1; j < lim; j++) {
        if (s[j] != '\'') continue;
        return !is_anchor(c, char_before(s, i + 1, j));
    }
    return 0;
}

/* No other backtick on the line (stray 的` marks aside): not a `code` span. */
static int lone_backtick(const wm_config *c, const unsigned char *s, size_t ls, size_t le, size_t i)
{
    for (size_t j = ls; j < le; j++)
        if (s[j] == '`' && j != i && !is_anchor(c, char_before(s, ls, j))) return 0;
    return 1;
}

int wm_stray_mark(const wm_config *c, const unsigned char *s, size_t ls, size_t le, size_t i)
{
    unsigned char m = s[i];
    uint32_t before = char_before(s, ls, i);
    uint32_t after = char_after(s, i, le);
    int han_after = dc_is_han(after);
    if (is_anchor(c, before)) {
        if (m == '`' && c->rule_on[WM_DE_BACKTICK] && (han_after || dc_is_cjk_punct(after)))
            return WM_DE_BACKTICK;
        if (m == '\'' && c->rule_on[WM_DE_QUOTE] && han_after && !opens_quote(c, s, i, le))
            return WM_DE_QUOTE;
        if (m == '.' && c->rule_on[WM_DE_DOT] && han_after) return WM_DE_DOT;
        return -1;
    }
    if (m == '`' && c->rule_on[WM_HAN_BACKTICK] && dc_is_han(before) && han_after &&
        lone_backtick(c, s, ls, le, i))
        return WM_HAN_BACKTICK;
    return -1;
}
