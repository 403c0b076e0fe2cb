/*
 * mj_classic.c - whole-run mojibake with a known cause.
 *
 *   - UTF-8 read as GBK: "鍙傛暟" is the UTF-8 of "参数" paired as GBK.
 *     Encode the run back to GBK and read the bytes as UTF-8.
 *   - GBK (or UTF-8) read as Latin-1/cp1252: "ÖÐÎÄ" is the GBK of "中文".
 *     Map each character back to its cp1252 byte and read as GBK or UTF-8.
 *   - Big5 read as GBK and GBK read as Big5: both are double-byte with
 *     overlapping ranges, so every pair decodes - to the wrong character.
 *     Encode with the table of the wrong reading, decode with the other.
 * Each function only proposes a reading and its gain; the caller decides.
 */
#include <stdlib.h>
#include <string.h>

#include "mj.h"


/* A byte the wrong decoder could not read (U+FFFD in its output). */
#define MJ_LOST 0xFF

/* Decode bytes as UTF-8 into a fix.  Sequences broken by a lost byte
 * (MJ_LOST, or the end: an odd byte count paired the last byte with the
 * next character) are dropped and counted; anything else invalid means this
 * is not UTF-8.  U+FFFD in the result is dropped too. */
static int decode_utf8_fix(const mj_model *m, const unsigned char *b, size_t nb,
                           const uint32_t *orig, size_t norig, mj_fix *fix)
{
    fix->cps = malloc((nb + 1) * sizeof *fix->cps);
    if (!fix->cps) return -1;
    size_t i = 0, k = 0;
    while (i < nb) {
        uint32_t cp;
        size_t l = mj_get_utf8(b + i, nb - i, &cp);
        if (l) {
            if (cp == 0xFFFD) fix->dropped++;
            else fix->cps[k++] = cp;
            i += l;
            continue;
        }
        if (b[i] == MJ_LOST || (b[i] >= 0x80 && b[i] <= 0xBF && i > 0 && b[i - 1] == MJ_LOST)) {
            fix->dropped++; /* the lost byte, or the rest of its sequence */
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < nb && j - i < 4 && b[j] >= 0x80 && b[j] <= 0xBF) j++;
        if (b[i] >= 0xC2 && (j == nb || b[j] == MJ_LOST)) { /* truncated before a loss */
            fix->dropped++;
            i = j;
            continue;
        }
        free(fix->cps);
        fix->cps = NULL;
        return -1;
    }
    fix->ncps = k;
    fix->gain = mj_text_cost(m, orig, norig) - mj_text_cost(m, fix->cps, k) -
                (int64_t)fix->dropped * MJ_SKIP;
    return 0;
}

int mj_utf8_as_gbk(const mj_model *m, const uint32_t *cps, size_t n, mj_fix *fix)
{
    memset(fix, 0, sizeof *fix);
    unsigned char *b = malloc(2 * n + 1);
    if (!b) return -1;
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        uint16_t g = c >= 0x80 && c <= 0xFFFF ? m->t->gbk_enc[c] : 0;
        if (c < 0x80) b[nb++] = (unsigned char)c;
        else if (c == 0xFFFD) b[nb++] = MJ_LOST;
        else if (g) { b[nb++] = (unsigned char)(g >> 8); b[nb++] = (unsigned char)(g & 0xFF); }
        else { free(b); return -1; }
    }
    int r = decode_utf8_fix(m, b, nb, cps, n, fix);
    free(b);
    return r;
}

/* cps are Latin-1/cp1252 characters (and ASCII) standing for bytes.  The
 * bytes are tried as GBK and as UTF-8; the cheaper valid reading wins. */
int mj_legacy_as_latin1(const mj_model *m, const uint32_t *cps, size_t n, mj_fix *fix)
{
    memset(fix, 0, sizeof *fix);
    unsigned char *b = malloc(n + 1);
    if (!b) return -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c < 0x80) { b[i] = (unsigned char)c; continue; }
        uint16_t e = c <= 0xFFFF ? m->t->cp1252_enc[c] : 0;
        if (!e) { free(b); return -1; }
        b[i] = (unsigned char)(e - 1);
    }
    /* GBK reading: strict, every byte must pair. */
    mj_fix g = {0};
    int gok = 0;
    g.cps = malloc((n + 1) * sizeof *g.cps);
    if (g.cps) {
        size_t i = 0, k = 0;
        gok = 1;
        while (i < n) {
            if (b[i] < 0x80) { g.cps[k++] = b[i++]; continue; }
            uint32_t cp = i + 1 < n ? mj_gbk_pair(m->t, b[i], b[i + 1]) : 0;
            if (!cp || mj_forbidden_output(m->t, cp)) { gok = 0; break; }
            g.cps[k++] = cp;
            i += 2;
        }
        g.ncps = k;
        if (gok) g.gain = mj_text_cost(m, cps, n) - mj_text_cost(m, g.cps, k);
    }
    mj_fix u = {0};
    int uok = decode_utf8_fix(m, b, n, cps, n, &u) == 0 && u.dropped == 0;
    free(b);
    if (gok && (!uok || g.gain >= u.gain)) {
        free(u.cps);
        *fix = g;
        return 0;
    }
    free(g.cps);
    if (uok) { *fix = u; return 0; }
    free(u.cps);
    return -1;
}

/* Re-pair the text through two double-byte tables: the bytes the wrong
 * decoder saw come from `enc`, the right reading from `dec`.  The codecs'
 * tables differ slightly between implementations (glibc's CP950 lacks a few
 * codes Python's has), so up to one character in eight that does not
 * round-trip is kept as it is; more means this is not the right reading. */
int mj_big5_gbk_swap(const mj_model *m, const uint32_t *cps, size_t n, int big5_read_as_gbk,
                     mj_fix *fix)
{
    const mj_tables *t = m->t;
    const uint16_t *enc = big5_read_as_gbk ? t->gbk_enc : t->big5_enc;
    const uint16_t *dec = big5_read_as_gbk ? t->big5_dec : t->gbk_dec;
    memset(fix, 0, sizeof *fix);
    fix->cps = malloc((n + 1) * sizeof *fix->cps);
    if (!fix->cps) return -1;
    size_t k = 0, nonascii = 0, misses = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c == 0xFFFD) {
            /* The wrong decoder rejected a pair: the character is lost.  When
             * it re-read the trail byte as ASCII (0x40..0x7E), that letter is
             * the lost character's debris, not text. */
            if (i + 1 < n && cps[i + 1] >= 0x40 && cps[i + 1] <= 0x7E) i++;
            fix->dropped++;
            continue;
        }
        if (c < 0x80) { fix->cps[k++] = c; continue; }
        nonascii++;
        uint16_t code = c <= 0xFFFF ? enc[c] : 0;
        unsigned lead = code >> 8, trail = code & 0xFF;
        uint32_t r = code && trail >= 0x40 && trail != 0x7F ? dec[(lead - 0x81) * 191 + (trail - 0x40)] : 0;
        if (!r || mj_forbidden_output(t, r)) {
            misses++;
            r = c;
        }
        fix->cps[k++] = r;
    }
    if (misses * 8 > nonascii) {
        free(fix->cps);
        fix->cps = NULL;
        return -1;
    }
    fix->ncps = k;
    fix->gain = mj_text_cost(m, cps, n) - mj_text_cost(m, fix->cps, k);
    return 0;
}
