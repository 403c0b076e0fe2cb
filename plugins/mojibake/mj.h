/*
 * mj.h - internals of the `mojibake` stage shared by its files.
 *
 * The stage works on Unicode code points but reasons about the bytes a
 * legacy decoder saw: every suspicious stretch of text is encoded back to
 * GBK (GB18030 two-byte codes), edited and decoded again, and the candidate
 * the character-cost model likes best wins.  All tables live in one
 * read-only mj_tables built at create time, so process() may run on several
 * threads at once (DC_PLUGIN_CONCURRENT).
 */
#ifndef MJ_H
#define MJ_H

#include <stddef.h>
#include <stdint.h>

#include "docclean/plugin.h"

/* Character classes for the fast scan (one byte per BMP code point). */
enum {
    MJ_C_PLAIN = 0,   /* nothing to see                                   */
    MJ_C_HAN,         /* common Han                                       */
    MJ_C_RARE,        /* rare Han: weak sign of misaligned GBK            */
    MJ_C_STRONG,      /* private use, U+FFFD, ideographic description     */
    MJ_C_BOXBOPO,     /* box drawing, bopomofo: strong when isolated      */
    MJ_C_LATIN,       /* U+0080..U+00FF and cp1252 extras: GBK as Latin-1 */
    MJ_C_KANA,        /* hiragana/katakana                                */
    MJ_C_CJKPUNCT     /* CJK and full-width punctuation                   */
};

/* Costs are -log2(p) in quarter bits (see gen_freq.py). */
#define MJ_COST_RARE 75    /* Han at or above this cost is "rare"          */
#define MJ_COST_UNK_HAN 90 /* Han missing from the frequency list           */
#define MJ_COST_BAD 150    /* private use, box drawing, bopomofo ...        */
#define MJ_COST_OTHER 110  /* other non-ASCII symbols                       */
#define MJ_COST_PUNCT 45   /* CJK / full-width punctuation                  */
#define MJ_COST_ASCII 40
#define MJ_COST_SPACE 20
#define MJ_COST_KANA_JA 30 /* kana in a Japanese document                   */

/* Search penalties: a character emitted costs its cost minus MJ_BONUS (so
 * common characters are worth keeping), a dropped byte MJ_SKIP, a restored
 * high bit MJ_HIGHBIT. */
#define MJ_BONUS 55
#define MJ_SKIP 70
#define MJ_HIGHBIT 30

typedef struct mj_tables {
    uint16_t gbk_dec[126 * 191]; /* (lead-0x81)*191 + (trail-0x40) -> BMP cp, 0 = none */
    uint16_t gbk_enc[65536];     /* BMP cp -> lead<<8|trail, 0 = not GBK two-byte */
    uint16_t big5_dec[126 * 191];  /* Big5 (CP950), same layout as gbk_dec */
    uint16_t big5_enc[65536];
    uint16_t cp1252_enc[65536];  /* cp -> byte+1 for the cp1252/Latin-1 reading, 0 none */
    uint8_t cost[65536];         /* 0 = not in the frequency list */
    uint8_t cls[65536];
} mj_tables;

/* Build the tables (iconv for the codecs, the generated frequency list for
 * costs).  Returns NULL with a message in err on failure. */
mj_tables *mj_tables_new(char *err, size_t errlen);
void mj_tables_free(mj_tables *t);

static inline int mj_is_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3134F);
}

static inline int mj_is_pinyin_vowel(uint32_t cp)
{
    switch (cp) {
    case 0x101: case 0xE1: case 0x1CE: case 0xE0: case 0x113: case 0xE9: case 0x11B:
    case 0xE8: case 0x12B: case 0xED: case 0x1D0: case 0xEC: case 0x14D: case 0xF3:
    case 0x1D2: case 0xF2: case 0x16B: case 0xFA: case 0x1D4: case 0xF9: case 0x1D6:
    case 0x1D8: case 0x1DA: case 0x1DC: case 0xFC:
        return 1;
    default:
        return 0;
    }
}

/* What the model thinks of one character (quarter bits, lower is likelier). */
typedef struct mj_model {
    const mj_tables *t;
    int kana_cost; /* MJ_COST_OTHER, or MJ_COST_KANA_JA in Japanese text */
} mj_model;

int mj_char_cost(const mj_model *m, uint32_t cp);

/* GBK bytes of cps (malloc'd); -1 if a character has no one/two-byte code. */
int mj_encode_gbk(const mj_tables *t, const uint32_t *cps, size_t n,
                  unsigned char **out, size_t *outlen);

/* The BMP code point of a two-byte GBK code, 0 if none. */
static inline uint32_t mj_gbk_pair(const mj_tables *t, unsigned lead, unsigned trail)
{
    if (lead < 0x81 || lead > 0xFE || trail < 0x40 || trail > 0xFE || trail == 0x7F) return 0;
    return t->gbk_dec[(lead - 0x81) * 191 + (trail - 0x40)];
}
/* Characters the misalignment repair never emits (they are its symptoms). */
int mj_forbidden_output(const mj_tables *t, uint32_t cp);

/* UTF-8: decode one code point at s[0..n); returns its length, or 0 for an
 * invalid/truncated sequence (inline: the fast scan calls it once per
 * character).  mj_put_utf8 writes up to 4 bytes. */
static inline size_t mj_get_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) return 0;
    unsigned char c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}
size_t mj_put_utf8(uint32_t cp, char *out);

/* Result of repairing one window. */
typedef struct mj_fix {
    uint32_t *cps; /* repaired text (malloc'd), ncps code points */
    size_t ncps;
    int64_t gain;  /* cost(original) - cost(repair) */
    int dropped;   /* bytes dropped */
    int highbits;  /* high bits restored */
    int marks_restored; /* of them, on a '!' or '?' next to Han: the mark
                           was a lead byte (byte-level evidence) */
} mj_fix;

/* GBK byte misalignment: re-encode cps[0..n) as GBK, search the byte edits
 * (drop a byte, restore a stripped high bit) for the cheapest decoding.
 * marks_are_symptoms: the document is known to be misaligned, so a lone
 * '!' or '?' next to Han earns no bonus for being kept (see mj_misalign.c).
 * Returns 0 (fix filled) or -1 (not encodable / out of memory). */
int mj_misalign_repair(const mj_model *m, const uint32_t *cps, size_t n,
                       int allow_highbit, int marks_are_symptoms, mj_fix *fix);

/* Classic whole-run mojibake.  Each returns 0 with fix filled when the
 * re-decoded text is valid, or -1.  The caller judges the gain. */
int mj_utf8_as_gbk(const mj_model *m, const uint32_t *cps, size_t n, mj_fix *fix);
int mj_legacy_as_latin1(const mj_model *m, const uint32_t *cps, size_t n, mj_fix *fix);
/* Big5 text decoded as GBK (big5_read_as_gbk = 1), or GBK text decoded as
 * Big5 (0): encode with the wrong table, decode with the right one. */
int mj_big5_gbk_swap(const mj_model *m, const uint32_t *cps, size_t n, int big5_read_as_gbk,
                     mj_fix *fix);

int64_t mj_text_cost(const mj_model *m, const uint32_t *cps, size_t n);

#endif
