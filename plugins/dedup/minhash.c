/*
 * minhash.c - MinHash signatures and LSH band hashes (see minhash.h).
 *
 * The inner loop (every shingle against every permutation) is the hot spot
 * of the whole dedup stage; it is written as a flat loop over K lanes so the
 * compiler can vectorize it, and the .so carries an AVX-512/AVX2 clone picked
 * at load time.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "minhash.h"

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int mh_params_init(mh_params *p, int shingle, int bands, int rows, uint64_t seed)
{
    memset(p, 0, sizeof *p);
    if (shingle < 1 || bands < 1 || rows < 1 || bands * rows > 4096) return -1;
    p->shingle = shingle;
    p->bands = bands;
    p->rows = rows;
    p->seed = seed;
    int k = bands * rows, kpad = (k + 15) / 16 * 16;
    p->a = malloc((size_t)kpad * sizeof *p->a);
    p->b = malloc((size_t)kpad * sizeof *p->b);
    if (!p->a || !p->b) abort();
    uint64_t s = seed;
    for (int i = 0; i < kpad; i++) { /* the padding lanes are computed and ignored */
        p->a[i] = splitmix64(&s) | 1;
        p->b[i] = splitmix64(&s);
    }
    return 0;
}

void mh_params_free(mh_params *p)
{
    free(p->a);
    free(p->b);
    free(p->xs);
    memset(p, 0, sizeof *p);
}

/* Hash of the shingle starting at t: order-sensitive polynomial over the
 * token hashes, then a finalizer. */
static inline uint64_t shingle_hash(const uint64_t *t, int n)
{
    uint64_t h = 0x27d4eb2f165667c5ULL;
    for (int i = 0; i < n; i++) h = (h ^ t[i]) * 0x9E3779B97F4A7C15ULL + (uint64_t)i;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* 16 permutations at a time over all shingles, the running minima held in
 * registers: a fixed-width inner loop the compiler turns into SIMD (AVX-512
 * has a 64-bit multiply; AVX2 and SSE2 emulate it). */
#define LANES 16
#if defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
__attribute__((optimize("O3")))
static void minimize_block(const uint64_t *restrict a, const uint64_t *restrict b, const uint64_t *restrict xs,
                           size_t ns, uint32_t *restrict out)
{
    uint32_t m[LANES];
    for (int j = 0; j < LANES; j++) m[j] = UINT32_MAX;
    for (size_t s = 0; s < ns; s++) {
        uint64_t x = xs[s];
        for (int j = 0; j < LANES; j++) {
            uint32_t v = (uint32_t)((a[j] * x + b[j]) >> 32);
            m[j] = v < m[j] ? v : m[j];
        }
    }
    memcpy(out, m, sizeof m);
}

void mh_signature(const mh_params *p, const uint64_t *tok, size_t ntok, uint32_t *sig)
{
    mh_params *mp = (mh_params *)p; /* scratch only */
    size_t ns = mh_nshingles(p, ntok);
    mp->ns = ns;
    if (ns > mp->xcap) {
        mp->xcap = ns * 2;
        free(mp->xs);
        mp->xs = malloc(mp->xcap * sizeof *mp->xs);
        if (!mp->xs) abort();
    }
    for (size_t s = 0; s < ns; s++) mp->xs[s] = shingle_hash(tok + s, p->shingle);
    int k = mh_k(p);
    for (int i = 0; i < k; i += LANES) {
        uint32_t out[LANES];
        minimize_block(p->a + i, p->b + i, mp->xs, ns, out);
        memcpy(sig + i, out, (size_t)(k - i < LANES ? k - i : LANES) * sizeof *sig);
    }
}

uint64_t mh_band_hash(const mh_params *p, const uint32_t *sig, int j)
{
    return XXH3_64bits_withSeed(sig + (size_t)j * p->rows, (size_t)p->rows * sizeof *sig,
                                (uint64_t)j);
}

/* Verification sketch: one-permutation hashing into V = 2K bins (each
 * shingle lands in one bin, O(1) per shingle), keeping 4 bits of each bin's
 * minimum: 0 = empty bin, else 1 + (min mod 15).  Twice the bins of the
 * K-value signature in the same K bytes: a Jaccard estimate with about 25%
 * less spread than 8-bit values of the signature itself. */
void mh_sketch(const mh_params *p, uint8_t *out)
{
    size_t v = (size_t)mh_k(p) * 2;
    uint32_t mins[8192];
    uint8_t seen[8192];
    memset(seen, 0, v);
    for (size_t i = 0; i < v; i++) mins[i] = UINT32_MAX;
    for (size_t s = 0; s < p->ns; s++) {
        uint64_t h = p->xs[s] ^ 0x5851F42D4C957F2DULL;
        h ^= h >> 33, h *= 0xff51afd7ed558ccdULL, h ^= h >> 33;
        size_t bin = (size_t)(((h >> 32) * v) >> 32);
        uint32_t val = (uint32_t)h;
        seen[bin] = 1;
        if (val < mins[bin]) mins[bin] = val;
    }
    memset(out, 0, v / 2);
    for (size_t i = 0; i < v; i++) {
        uint8_t nib = seen[i] ? (uint8_t)(1 + mins[i] % 15) : 0;
        out[i / 2] |= (uint8_t)(i & 1 ? nib << 4 : nib);
    }
}

double mh_estimate(const uint8_t *x, const uint8_t *y, int k)
{
    size_t used = 0, both = 0, same = 0;
    for (int i = 0; i < k; i++)
        for (int sh = 0; sh < 8; sh += 4) {
            unsigned a = (x[i] >> sh) & 15, b = (y[i] >> sh) & 15;
            if (!a && !b) continue;
            used++;
            if (a && b) both++, same += a == b;
        }
    if (!used) return 0;
    /* two different minima share their 4 bits with probability 1/15 */
    double j = ((double)same - (double)both / 15) / ((double)used * 14 / 15);
    return j < 0 ? 0 : j > 1 ? 1 : j;
}
