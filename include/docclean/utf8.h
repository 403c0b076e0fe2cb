/*
 * docclean/utf8.h - UTF-8 decoding and character-class helpers for plugins.
 *
 * Header-only (static inline), so a plugin that uses them still links
 * against nothing from docclean.  Installed with plugin.h.
 *
 * Decoding never reads past the given bounds: an invalid or truncated
 * sequence decodes as DC_UTF8_BAD with length 1, which every class test treats
 * as "other", so invalid UTF-8 passes through untouched.
 */
#ifndef DOCCLEAN_UTF8_H
#define DOCCLEAN_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define DC_UTF8_BAD 0xFFFFFFFFu

/* Decode the code point at s[i] (i < n); *clen gets its byte length. */
static inline uint32_t dc_utf8_decode(const unsigned char *s, size_t n, size_t i, size_t *clen)
{
    unsigned c = s[i];
    *clen = 1;
    if (c < 0x80) return c;
    int need;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) { need = 1; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { need = 2; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 3; cp = c & 0x07; }
    else return DC_UTF8_BAD;
    if (i + (size_t)need >= n) return DC_UTF8_BAD; /* truncated at the end */
    for (int k = 1; k <= need; k++) {
        unsigned cc = s[i + (size_t)k];
        if ((cc & 0xC0) != 0x80) return DC_UTF8_BAD;
        cp = (cp << 6) | (cc & 0x3F);
    }
    /* reject overlongs and surrogates */
    if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return DC_UTF8_BAD;
    *clen = (size_t)need + 1;
    return cp;
}

/* Decode the code point that ends just before s[end] (end > start);
 * *clen gets its byte length. */
static inline uint32_t dc_utf8_decode_back(const unsigned char *s, size_t start, size_t end,
                                      size_t *clen)
{
    size_t i = end - 1;
    int k = 0;
    while (i > start && k < 3 && (s[i] & 0xC0) == 0x80) { i--; k++; }
    size_t l;
    uint32_t cp = dc_utf8_decode(s, end, i, &l);
    if (cp == DC_UTF8_BAD || i + l != end) { *clen = 1; return DC_UTF8_BAD; }
    *clen = l;
    return cp;
}

static inline int dc_is_han(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F) || c == 0x3007;
}

/* Horizontal white space: ASCII blank, NBSP, ideographic space, BOM. */
static inline int dc_is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
           c == 0x3000 || c == 0xFEFF || (c >= 0x2000 && c <= 0x200B);
}

/* CJK punctuation and full-width forms: what may follow a stray mark. */
static inline int dc_is_cjk_punct(uint32_t c)
{
    return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFF65) ||
           (c >= 0x2018 && c <= 0x201F) || c == 0x2026 || c == 0x2014;
}

#endif
