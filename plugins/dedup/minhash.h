/*
 * minhash.h - MinHash signatures over token shingles and their LSH bands.
 *
 * A shingle is `shingle` consecutive tokens (norm.h); its 64-bit hash mixes
 * the token hashes in order.  Permutation i maps a shingle hash x to
 * (a_i * x + b_i) >> 32 (multiply-add-shift, a 2-universal family); the
 * signature keeps the minimum per permutation.  Everything is a pure function
 * of (text, parameters, seed), so signatures can be computed per document
 * anywhere (another thread, another machine) and still agree.
 */
#ifndef DEDUP_MINHASH_H
#define DEDUP_MINHASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct mh_params {
    int shingle;        /* tokens per shingle                 */
    int bands, rows;    /* K = bands * rows permutations      */
    uint64_t seed;
    uint64_t *a, *b;    /* K multipliers (odd) and offsets, padded to 16 */
    uint64_t *xs;       /* scratch: shingle hashes of the current document  */
    size_t xcap, ns;    /* (so one mh_params serves one thread at a time)   */
} mh_params;

int mh_params_init(mh_params *p, int shingle, int bands, int rows, uint64_t seed);
void mh_params_free(mh_params *p);
static inline int mh_k(const mh_params *p) { return p->bands * p->rows; }

/* Number of shingles a token sequence yields. */
static inline size_t mh_nshingles(const mh_params *p, size_t ntok)
{
    return ntok >= (size_t)p->shingle ? ntok - (size_t)p->shingle + 1 : 0;
}

/* sig[K] = MinHash of the shingles of tok[0..ntok). ntok must give >= 1 shingle.
 * Keeps the shingle hashes for mh_sketch(). */
void mh_signature(const mh_params *p, const uint64_t *tok, size_t ntok, uint32_t *sig);

/* 64-bit hash of band j of sig. */
uint64_t mh_band_hash(const mh_params *p, const uint32_t *sig, int j);

/* Verification sketch of the document last passed to mh_signature(): K
 * bytes (2K one-permutation-hashing bins of 4 bits).  This is what the index
 * stores per document to verify candidates. */
void mh_sketch(const mh_params *p, uint8_t *out);

/* Jaccard estimate from two sketches of K bytes. */
double mh_estimate(const uint8_t *x, const uint8_t *y, int k);

#endif
