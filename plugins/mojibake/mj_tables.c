/*
 * mj_tables.c - the read-only tables of the mojibake stage.
 *
 * The codec tables come from glibc iconv, queried once per code at create
 * time (the two-byte GB18030 and CP950/Big5 codes, 128 cp1252 bytes), so the
 * repair paths never open an iconv handle and the instance stays read-only
 * while documents are processed.  The costs come from the generated
 * frequency list (build/gen/mojibake_freq.c, from jieba's dict.txt).
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mj.h"

typedef struct mj_freq_row { uint32_t cp; uint8_t cost; } mj_freq_row;
extern const mj_freq_row mj_freq_rows[];
extern const size_t mj_freq_nrows;

/* Decode `len` bytes with an open iconv handle into one code point, or 0
 * when they are not exactly one valid character. */
static uint32_t decode_one(iconv_t cd, const unsigned char *bytes, size_t len)
{
    char in[4], out[16];
    memcpy(in, bytes, len);
    char *ip = in, *op = out;
    size_t il = len, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0) return 0;
    if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) return 0;
    if (op - out != 4) return 0;
    uint32_t cp = (uint32_t)(unsigned char)out[0] | (uint32_t)(unsigned char)out[1] << 8 |
                  (uint32_t)(unsigned char)out[2] << 16 | (uint32_t)(unsigned char)out[3] << 24;
    return cp;
}

/* Two-byte codes of a double-byte charset into dec/enc (same layout). */
static int fill_dbcs(const char *charset, uint16_t *dec, uint16_t *enc, char *err, size_t errlen)
{
    iconv_t cd = iconv_open("UTF-32LE", charset);
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "mojibake: iconv cannot convert %s: %s", charset, strerror(errno));
        return -1;
    }
    for (unsigned lead = 0x81; lead <= 0xFE; lead++) {
        for (unsigned trail = 0x40; trail <= 0xFE; trail++) {
            if (trail == 0x7F) continue;
            unsigned char b[2] = {(unsigned char)lead, (unsigned char)trail};
            uint32_t cp = decode_one(cd, b, 2);
            if (cp < 0x80 || cp > 0xFFFF) continue;
            dec[(lead - 0x81) * 191 + (trail - 0x40)] = (uint16_t)cp;
            if (!enc[cp]) enc[cp] = (uint16_t)(lead << 8 | trail);
        }
    }
    iconv_close(cd);
    return 0;
}

/* cp1252 where it defines a byte, Latin-1 (C1 controls) where it does not:
 * both readings occur in the wild and agree on 0xA0..0xFF. */
static int fill_cp1252(mj_tables *t, char *err, size_t errlen)
{
    iconv_t cd = iconv_open("UTF-32LE", "CP1252");
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "mojibake: iconv cannot convert CP1252: %s", strerror(errno));
        return -1;
    }
    for (unsigned b = 0x80; b <= 0xFF; b++) {
        unsigned char c = (unsigned char)b;
        uint32_t cp = decode_one(cd, &c, 1);
        if (cp && cp <= 0xFFFF) t->cp1252_enc[cp] = (uint16_t)(b + 1);
    }
    for (unsigned b = 0x80; b <= 0xFF; b++)
        if (!t->cp1252_enc[b]) t->cp1252_enc[b] = (uint16_t)(b + 1);
    iconv_close(cd);
    return 0;
}

static void fill_costs(mj_tables *t)
{
    for (size_t i = 0; i < mj_freq_nrows; i++)
        if (mj_freq_rows[i].cp <= 0xFFFF) t->cost[mj_freq_rows[i].cp] = mj_freq_rows[i].cost;
}

static void set_range(mj_tables *t, uint32_t lo, uint32_t hi, uint8_t cls)
{
    for (uint32_t c = lo; c <= hi; c++) t->cls[c] = cls;
}

static void fill_classes(mj_tables *t)
{
    for (uint32_t c = 0; c <= 0xFFFF; c++) {
        if (!mj_is_han(c)) continue;
        unsigned cost = t->cost[c];
        t->cls[c] = (cost == 0 || cost >= MJ_COST_RARE) ? MJ_C_RARE : MJ_C_HAN;
    }
    set_range(t, 0x3000, 0x303F, MJ_C_CJKPUNCT);
    set_range(t, 0xFF00, 0xFFEF, MJ_C_CJKPUNCT);
    set_range(t, 0x3040, 0x30FF, MJ_C_KANA);
    set_range(t, 0x2500, 0x257F, MJ_C_BOXBOPO);
    set_range(t, 0x3100, 0x312F, MJ_C_BOXBOPO);
    set_range(t, 0x31A0, 0x31BF, MJ_C_BOXBOPO);
    set_range(t, 0xE000, 0xF8FF, MJ_C_STRONG);
    set_range(t, 0x2FF0, 0x2FFF, MJ_C_STRONG);
    t->cls[0xFFFD] = MJ_C_STRONG;
    /* Latin-1 letters and symbols, and the cp1252 extras (€ ‚ ƒ „ ...). */
    for (uint32_t c = 0x80; c <= 0xFFFF; c++)
        if (t->cp1252_enc[c] && t->cls[c] == MJ_C_PLAIN) t->cls[c] = MJ_C_LATIN;
}

mj_tables *mj_tables_new(char *err, size_t errlen)
{
    mj_tables *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "mojibake: out of memory");
        return NULL;
    }
    if (fill_dbcs("GB18030", t->gbk_dec, t->gbk_enc, err, errlen) != 0 ||
        fill_dbcs("CP950", t->big5_dec, t->big5_enc, err, errlen) != 0 ||
        fill_cp1252(t, err, errlen) != 0) {
        free(t);
        return NULL;
    }
    fill_costs(t);
    fill_classes(t);
    return t;
}

void mj_tables_free(mj_tables *t)
{
    free(t);
}

/* GBK bytes of cps; -1 if some character has no one/two-byte GBK code. */
int mj_encode_gbk(const mj_tables *t, const uint32_t *cps, size_t n,
                      unsigned char **out, size_t *outlen)
{
    unsigned char *b = malloc(2 * n + 1);
    if (!b) return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c < 0x80) { b[k++] = (unsigned char)c; continue; }
        uint16_t g = c <= 0xFFFF ? t->gbk_enc[c] : 0;
        if (!g) { free(b); return -1; }
        b[k++] = (unsigned char)(g >> 8);
        b[k++] = (unsigned char)(g & 0xFF);
    }
    *out = b;
    *outlen = k;
    return 0;
}


int mj_char_cost(const mj_model *m, uint32_t cp)
{
    if (cp < 0x80) return (cp == ' ' || cp == '\t') ? MJ_COST_SPACE : MJ_COST_ASCII;
    if (mj_is_pinyin_vowel(cp)) return MJ_COST_ASCII;
    if (cp > 0xFFFF) return mj_is_han(cp) ? MJ_COST_UNK_HAN : MJ_COST_OTHER;
    switch (m->t->cls[cp]) {
    case MJ_C_STRONG:
    case MJ_C_BOXBOPO:
        return MJ_COST_BAD;
    case MJ_C_KANA:
        return m->kana_cost;
    case MJ_C_CJKPUNCT:
        return MJ_COST_PUNCT;
    default:
        break;
    }
    if (m->t->cost[cp]) return m->t->cost[cp];
    if (mj_is_han(cp)) return MJ_COST_UNK_HAN;
    if (cp >= 0x2010 && cp <= 0x206F) return MJ_COST_PUNCT;
    return MJ_COST_OTHER;
}

int mj_forbidden_output(const mj_tables *t, uint32_t cp)
{
    if (cp > 0xFFFF) return 0;
    return t->cls[cp] == MJ_C_STRONG || t->cls[cp] == MJ_C_BOXBOPO;
}

size_t mj_put_utf8(uint32_t cp, char *o)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
