/*
 * norm.h - text normalization shared by every dedup decision.
 *
 * One pass over the UTF-8 text produces both the normalized bytes (hashed for
 * exact duplicates) and one 64-bit hash per token (shingled for MinHash).
 * Rules (NORM_VERSION, recorded in the index because hashes depend on them):
 *   fullwidth -> ASCII, ASCII lowercase, every digit -> '0',
 *   punctuation, symbols and whitespace removed,
 *   traditional -> simplified when a fold table is loaded.
 * Tokens: each ASCII alphanumeric run is one token, every other kept code
 * point (CJK, kana, Hangul, accented Latin ...) is one token by itself.
 */
#ifndef DEDUP_NORM_H
#define DEDUP_NORM_H

#include <stddef.h>
#include <stdint.h>

#define NORM_VERSION "norm1"

/* A traditional -> simplified single code point map (sorted by `from`). */
typedef struct norm_fold {
    uint32_t *from, *to;
    size_t n;
    uint32_t *bmp;   /* from -> to for the BMP, 0 = unchanged (a direct map) */
    uint64_t digest; /* identifies the table's content, recorded in the index */
} norm_fold;

/* Load an OpenCC TSCharacters.txt style file ("繁<TAB>简 [alternatives]").
 * Returns 0, or -1 with a message in err. */
int norm_fold_load(norm_fold *f, const char *path, char *err, size_t errlen);
void norm_fold_free(norm_fold *f);
uint32_t norm_fold_cp(const norm_fold *f, uint32_t cp);

/* Reusable output of norm_text(). */
typedef struct norm_out {
    char *text;      /* normalized bytes (not NUL terminated) */
    size_t len, cap;
    uint64_t *tok;   /* one hash per token */
    size_t ntok, tcap;
    size_t nchars;   /* code points in text */
} norm_out;

void norm_out_free(norm_out *o);

/* Normalize `len` bytes of `s` into `o` (o is reset first). fold may be NULL. */
void norm_text(const char *s, size_t len, const norm_fold *fold, norm_out *o);

/* Decode one code point at s[*i] (advancing *i).  Invalid bytes come back as
 * 0xDC00 + byte, one byte at a time, so nothing is ever read out of bounds. */
uint32_t norm_next_cp(const unsigned char *s, size_t len, size_t *i);

/* Map one code point through the normalization rules: returns 0 when the code
 * point is removed (punctuation, whitespace, symbols), else the mapped one. */
uint32_t norm_map_cp(uint32_t cp, const norm_fold *fold);

/* 64-bit finalizer (MurmurHash3 fmix64): spreads a value over all bits. */
static inline uint64_t norm_mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
