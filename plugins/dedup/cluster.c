/*
 * cluster.c - the files and reduce tasks of a cluster dedup (cluster.h).
 *
 * Why positions and not document numbers: a single run numbers documents as
 * it indexes them; shards cannot, but every shard knows each document's
 * global position (file index in the full input list, line), and positions
 * sort the same way the numbers would.  Every decision below is therefore a
 * pure function of positions, hashes and sketches, and equals the stream's.
 */
/* Error messages are bounded buffers; a truncated path in a message is fine. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "cluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "minhash.h"

/* ---------------- writing ---------------- */

static void mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0777);
            *p = '/';
        }
}

int dcl_open(dcl_writer *w, const char *dir, const char *rel, const char magic[8], char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    snprintf(w->path, sizeof w->path, "%s/dedup/%s", dir, rel);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp.%ld", w->path, (long)getpid());
    mkdirs(w->tmp);
    w->f = fopen(w->tmp, "wb");
    if (!w->f) {
        snprintf(err, errlen, "cannot create %s: %s", w->tmp, strerror(errno));
        return -1;
    }
    setvbuf(w->f, NULL, _IOFBF, 1 << 20);
    dcl_put(w, magic, 8);
    return 0;
}

void dcl_put(dcl_writer *w, const void *p, size_t n)
{
    if (!n) return;
    if (w->f && fwrite(p, 1, n, w->f) != n) w->failed = errno ? errno : EIO;
    w->bytes += n;
}

void dcl_put_u64(dcl_writer *w, uint64_t v)
{
    dcl_put(w, &v, 8);
}

int dcl_commit(dcl_writer *w, char *err, size_t errlen)
{
    if (!w->f) return 0;
    int bad = w->failed || fflush(w->f) != 0 || fsync(fileno(w->f)) != 0;
    int e = w->failed ? w->failed : errno;
    bad |= fclose(w->f) != 0;
    w->f = NULL;
    if (bad || rename(w->tmp, w->path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", w->path, strerror(e ? e : errno));
        unlink(w->tmp);
        return -1;
    }
    char d[4096];
    snprintf(d, sizeof d, "%s", w->path);
    char *slash = strrchr(d, '/');
    if (slash) *slash = '\0';
    int fd = open(d, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) fsync(fd), close(fd);
    return 0;
}

void dcl_abort(dcl_writer *w)
{
    if (!w->f) return;
    fclose(w->f);
    w->f = NULL;
    unlink(w->tmp);
}

/* ---------------- reading ---------------- */

typedef struct reader {
    FILE *f;
    char path[4096];
    uint64_t bytes;
} reader;

static int rd_open(reader *r, const char *dir, const char *rel, const char magic[8], char *err, size_t errlen)
{
    char m[8];
    snprintf(r->path, sizeof r->path, "%s/dedup/%s", dir, rel);
    r->bytes = 0;
    r->f = fopen(r->path, "rb");
    if (!r->f) {
        snprintf(err, errlen, "cannot open %s: %s (did the earlier phase finish?)", r->path, strerror(errno));
        return -1;
    }
    setvbuf(r->f, NULL, _IOFBF, 1 << 20);
    if (fread(m, 1, 8, r->f) != 8 || memcmp(m, magic, 8) != 0) {
        snprintf(err, errlen, "%s: not a docclean dedup file of this kind or version", r->path);
        fclose(r->f);
        r->f = NULL;
        return -1;
    }
    r->bytes = 8;
    return 0;
}

/* 1 = read, 0 = clean end of file (only when at_start), -1 = truncated. */
static int rd_get(reader *r, void *p, size_t n, int at_start)
{
    size_t got = fread(p, 1, n, r->f);
    r->bytes += got;
    if (got == n) return 1;
    return got == 0 && at_start && feof(r->f) ? 0 : -1;
}

static void rd_close(reader *r)
{
    if (r->f) fclose(r->f);
    r->f = NULL;
}

static int truncated(reader *r, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: truncated or corrupt record at byte %llu", r->path, (unsigned long long)r->bytes);
    rd_close(r);
    return -1;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) abort();
    return p;
}

/* qsort and memcpy must not see NULL, even with nothing to do (C11 7.1.4;
 * UBSan checks it), and empty arrays here are often still NULL. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1) qsort(base, n, size, cmp);
}

static void copy(void *dst, const void *src, size_t n)
{
    if (n) memcpy(dst, src, n);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique_u64(uint64_t *v, size_t n)
{
    if (!n) return 0;
    sort(v, n, sizeof *v, cmp_u64);
    size_t w = 1;
    for (size_t i = 1; i < n; i++)
        if (v[i] != v[w - 1]) v[w++] = v[i];
    return w;
}

/* Index of x in sorted v[n], or (size_t)-1. */
static size_t find_u64(const uint64_t *v, size_t n, uint64_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && v[lo] == x ? lo : (size_t)-1;
}

/* ---------------- linecount ---------------- */

/* Open addressing u64 -> u64 (the first position of each distinct text). */
typedef struct posmap {
    uint64_t *keys, *vals;
    size_t cap, n;
} posmap;

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33, x *= 0xff51afd7ed558ccdULL, x ^= x >> 33;
    return x;
}

static uint64_t *posmap_slot(posmap *m, uint64_t key, int *fresh)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        posmap o = *m;
        m->cap = o.cap ? o.cap * 2 : 1024;
        m->keys = calloc(m->cap, 8), m->vals = calloc(m->cap, 8);
        if (!m->keys || !m->vals) abort();
        m->n = 0;
        for (size_t i = 0; i < o.cap; i++)
            if (o.keys[i]) {
                int f;
                *posmap_slot(m, o.keys[i], &f) = o.vals[i];
            }
        free(o.keys), free(o.vals);
    }
    size_t j = mix(key) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    *fresh = !m->keys[j];
    if (*fresh) m->keys[j] = key, m->n++;
    return &m->vals[j];
}

/* linewin pass over partition p->task of every shard's lines files: pass 1
 * (out == NULL) finds each text's first position, pass 2 writes the
 * winners' keys to out[key % ntasks]. */
static int lines_pass(const dcl_params *p, posmap *first, dcl_writer *out, dcl_stats *st, char *err, size_t errlen)
{
    uint64_t *keys = NULL;
    size_t cap = 0;
    for (unsigned s = 0; s < p->nshards; s++) {
        reader r;
        char rel[64];
        snprintf(rel, sizeof rel, "lines/%05u.p%04u", s, p->task);
        if (rd_open(&r, p->dir, rel, DCL_MAGIC_LINES, err, errlen)) return free(keys), -1;
        for (;;) {
            uint64_t hp[2];
            uint32_t n;
            int g = rd_get(&r, hp, 16, 1);
            if (g == 0) break;
            if (g < 0 || rd_get(&r, &n, 4, 0) < 0) return free(keys), truncated(&r, err, errlen);
            if (n > cap) keys = xrealloc(keys, (cap = n) * 8);
            if (n && rd_get(&r, keys, (size_t)n * 8, 0) < 0) return free(keys), truncated(&r, err, errlen);
            int fresh;
            uint64_t *best = posmap_slot(first, hp[0], &fresh);
            if (!out) { /* pass 1: the first position of each text */
                if (fresh || hp[1] < *best) *best = hp[1];
                st->records++;
            } else if (*best == hp[1]) { /* pass 2: the first copy's keys, by key partition */
                for (uint32_t i = 0; i < n; i++) dcl_put_u64(&out[keys[i] % p->ntasks], keys[i]);
            }
        }
        if (!out) st->bytes_in += r.bytes;
        rd_close(&r);
    }
    free(keys);
    return 0;
}

int dcl_reduce_linewin(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    posmap first = {0};
    dcl_writer *out = calloc(p->ntasks, sizeof *out);
    if (!out) abort();
    int rc = lines_pass(p, &first, NULL, st, err, errlen);
    for (unsigned u = 0; !rc && u < p->ntasks; u++) {
        char rel[64];
        snprintf(rel, sizeof rel, "linewin/%05u.k%04u", p->task, u);
        rc = dcl_open(&out[u], p->dir, rel, DCL_MAGIC_LWIN, err, errlen);
    }
    if (!rc) rc = lines_pass(p, &first, out, st, err, errlen);
    for (unsigned u = 0; u < p->ntasks; u++) {
        st->bytes_out += out[u].bytes;
        if (!rc) rc = dcl_commit(&out[u], err, errlen);
        else dcl_abort(&out[u]);
    }
    st->docs = first.n;
    free(out), free(first.keys), free(first.vals);
    return rc;
}

int dcl_reduce_linecount(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    u64map counts = {0};
    int rc = 0;
    for (unsigned t = 0; !rc && t < p->ntasks; t++) {
        reader r;
        char rel[64];
        snprintf(rel, sizeof rel, "linewin/%05u.k%04u", t, p->task);
        if ((rc = rd_open(&r, p->dir, rel, DCL_MAGIC_LWIN, err, errlen)) != 0) break;
        for (;;) {
            uint64_t k;
            int g = rd_get(&r, &k, 8, 1);
            if (g == 0) break;
            if (g < 0) {
                rc = truncated(&r, err, errlen);
                break;
            }
            (*u64map_slot(&counts, k))++;
            st->records++;
        }
        st->bytes_in += r.bytes;
        rd_close(&r);
    }
    uint64_t *set = NULL;
    size_t n = 0;
    if (!rc) {
        set = xrealloc(NULL, (counts.n + 1) * 8);
        for (size_t i = 0; i < counts.cap; i++)
            if (counts.keys[i] && counts.vals[i] >= p->line_min_docs) set[n++] = counts.keys[i];
        sort(set, n, 8, cmp_u64);
        dcl_writer w;
        char rel[64];
        snprintf(rel, sizeof rel, "lines.set/%05u.bin", p->task);
        rc = dcl_open(&w, p->dir, rel, DCL_MAGIC_LSET, err, errlen);
        if (!rc) {
            dcl_put_u64(&w, n);
            dcl_put(&w, set, n * 8);
            st->bytes_out = w.bytes;
            rc = dcl_commit(&w, err, errlen);
        }
        st->docs = n;
    }
    free(set);
    u64map_free(&counts);
    return rc;
}

int dcl_load_line_set(const char *dir, unsigned nparts, u64map *set, char *err, size_t errlen)
{
    for (unsigned u = 0; u < nparts; u++) {
        reader r;
        uint64_t n, k;
        char rel[64];
        snprintf(rel, sizeof rel, "lines.set/%05u.bin", u);
        if (rd_open(&r, dir, rel, DCL_MAGIC_LSET, err, errlen)) return -1;
        if (rd_get(&r, &n, 8, 0) < 0) return truncated(&r, err, errlen);
        for (uint64_t i = 0; i < n; i++) {
            if (rd_get(&r, &k, 8, 0) < 0) return truncated(&r, err, errlen);
            *u64map_slot(set, k) = 1;
        }
        rd_close(&r);
    }
    return 0;
}

/* ---------------- exact ---------------- */

typedef struct exact_rec {
    uint8_t h[16];
    uint64_t pos;
} exact_rec;

static int cmp_exact(const void *a, const void *b)
{
    const exact_rec *x = a, *y = b;
    int c = memcmp(x->h, y->h, 16);
    return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int cmp_pair_first(const void *a, const void *b)
{
    return cmp_u64(a, b);
}

int dcl_reduce_exact(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    exact_rec *v = NULL;
    size_t n = 0, cap = 0;
    for (unsigned s = 0; s < p->nshards && p->do_exact; s++) {
        reader r;
        char rel[64];
        /* the sign phase split each shard's hashes by first 8 bytes mod T */
        snprintf(rel, sizeof rel, "sign/%05u.x%04u", s, p->task);
        if (rd_open(&r, p->dir, rel, DCL_MAGIC_EXACT, err, errlen)) return free(v), -1;
        for (;;) {
            exact_rec e;
            int g = rd_get(&r, e.h, 16, 1);
            if (g == 0) break;
            if (g < 0 || rd_get(&r, &e.pos, 8, 0) < 0) return free(v), truncated(&r, err, errlen);
            st->records++;
            if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 4096) * sizeof *v);
            v[n++] = e;
        }
        st->bytes_in += r.bytes;
        rd_close(&r);
    }
    sort(v, n, sizeof *v, cmp_exact);
    uint64_t *pairs = xrealloc(NULL, (n + 1) * 16);
    size_t np = 0;
    for (size_t g = 0; g < n;) { /* v[g] is the first copy of its text */
        size_t e = g + 1;
        for (; e < n && memcmp(v[e].h, v[g].h, 16) == 0; e++)
            pairs[2 * np] = v[e].pos, pairs[2 * np + 1] = v[g].pos, np++;
        g = e;
    }
    sort(pairs, np, 16, cmp_pair_first);
    st->exact = np;
    dcl_writer w;
    char rel[64];
    snprintf(rel, sizeof rel, "exact/%05u.bin", p->task);
    int rc = dcl_open(&w, p->dir, rel, DCL_MAGIC_XDUP, err, errlen);
    if (!rc) {
        dcl_put(&w, pairs, np * 16);
        st->bytes_out = w.bytes;
        rc = dcl_commit(&w, err, errlen);
    }
    free(v), free(pairs);
    return rc;
}

/* All exact/NNNNN.bin files: (dup, orig) pairs sorted by dup. */
static int load_exact_dups(const char *dir, uint64_t **out, size_t *n, char *err, size_t errlen)
{
    char d[4200];
    snprintf(d, sizeof d, "%s/dedup/exact", dir);
    *out = NULL, *n = 0;
    DIR *dp = opendir(d);
    if (!dp) return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s: %s", d, strerror(errno)), -1);
    size_t cap = 0;
    struct dirent *de;
    int rc = 0;
    while (!rc && (de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l != 9 || strcmp(de->d_name + 5, ".bin") != 0) continue;
        reader r;
        char rel[64];
        snprintf(rel, sizeof rel, "exact/%s", de->d_name);
        if (rd_open(&r, dir, rel, DCL_MAGIC_XDUP, err, errlen)) {
            rc = -1;
            break;
        }
        for (;;) {
            uint64_t pr[2];
            int g = rd_get(&r, pr, 16, 1);
            if (g == 0) break;
            if (g < 0) {
                rc = truncated(&r, err, errlen);
                break;
            }
            if (*n == cap) *out = xrealloc(*out, (cap = cap ? cap * 2 : 4096) * 16);
            (*out)[2 * *n] = pr[0], (*out)[2 * *n + 1] = pr[1], (*n)++;
        }
        rd_close(&r);
    }
    closedir(dp);
    sort(*out, *n, 16, cmp_pair_first);
    return rc;
}

/* ---------------- bands ---------------- */

typedef struct band_rec {
    uint64_t key; /* the band key (top 32 bits of the band hash) */
    uint64_t pos;
} band_rec;

static int cmp_band(const void *a, const void *b)
{
    const band_rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

typedef struct cand_list {
    uint64_t j;
    size_t start, n; /* earlier members: recs[start, start + n) */
} cand_list;

static int cmp_cand(const void *a, const void *b)
{
    const cand_list *x = a, *y = b;
    return x->j < y->j ? -1 : x->j > y->j;
}

static int one_band(const dcl_params *p, int band, const uint64_t *xd, size_t nxd, dcl_stats *st, char *err,
                    size_t errlen)
{
    band_rec *v = NULL;
    size_t n = 0, cap = 0;
    for (unsigned s = 0; s < p->nshards; s++) {
        reader r;
        char rel[64];
        snprintf(rel, sizeof rel, "sign/%05u.b%03d", s, band);
        if (rd_open(&r, p->dir, rel, DCL_MAGIC_BAND, err, errlen)) return free(v), -1;
        for (;;) {
            unsigned char rec[12];
            int g = rd_get(&r, rec, 12, 1);
            if (g == 0) break;
            if (g < 0) return free(v), truncated(&r, err, errlen);
            band_rec b;
            uint32_t k;
            memcpy(&k, rec, 4), memcpy(&b.pos, rec + 4, 8);
            b.key = k;
            st->records++;
            /* exact copies are never indexed, so never anyone's candidate */
            if (nxd && find_u64(xd, nxd, b.pos) != (size_t)-1) continue;
            if (n == cap) v = xrealloc(v, (cap = cap ? cap * 2 : 4096) * sizeof *v);
            v[n++] = b;
        }
        st->bytes_in += r.bytes;
        rd_close(&r);
    }
    sort(v, n, sizeof *v, cmp_band);
    cand_list *cl = NULL;
    size_t ncl = 0, clcap = 0;
    for (size_t g0 = 0; g0 < n;) {
        size_t g1 = g0 + 1;
        while (g1 < n && v[g1].key == v[g0].key) g1++;
        for (size_t r = 1; r < g1 - g0; r++) {
            if (ncl == clcap) cl = xrealloc(cl, (clcap = clcap ? clcap * 2 : 4096) * sizeof *cl);
            /* the index lookup sees a band's entries in document order and
             * stops at DCL_MAX_CANDIDATES */
            cl[ncl++] = (cand_list){v[g0 + r].pos, g0, r < DCL_MAX_CANDIDATES ? r : DCL_MAX_CANDIDATES};
        }
        g0 = g1;
    }
    sort(cl, ncl, sizeof *cl, cmp_cand);
    dcl_writer w;
    char rel[64];
    snprintf(rel, sizeof rel, "pairs/%03d.bin", band);
    int rc = dcl_open(&w, p->dir, rel, DCL_MAGIC_PAIRS, err, errlen);
    for (size_t i = 0; !rc && i < ncl; i++) {
        uint32_t cnt = (uint32_t)cl[i].n;
        dcl_put_u64(&w, cl[i].j);
        dcl_put(&w, &cnt, 4);
        for (size_t k = 0; k < cl[i].n; k++) dcl_put_u64(&w, v[cl[i].start + k].pos);
        st->candidates += cl[i].n;
    }
    st->bytes_out += w.bytes;
    if (!rc) rc = dcl_commit(&w, err, errlen);
    free(v), free(cl);
    return rc;
}

int dcl_reduce_bands(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    uint64_t *xp;
    size_t nx;
    if (load_exact_dups(p->dir, &xp, &nx, err, errlen)) return -1;
    uint64_t *xd = xrealloc(NULL, (nx + 1) * 8);
    for (size_t i = 0; i < nx; i++) xd[i] = xp[2 * i];
    free(xp);
    int rc = 0;
    for (int b = (int)p->task; !rc && b < p->bands; b += (int)p->ntasks) rc = one_band(p, b, xd, nx, st, err, errlen);
    free(xd);
    return rc;
}

/* ---------------- decide ---------------- */

typedef struct pair_reader {
    reader r;
    int live;
    uint64_t j;
    uint32_t n, cap;
    uint64_t *list;
} pair_reader;

static int pair_next(pair_reader *pr, char *err, size_t errlen)
{
    int g = rd_get(&pr->r, &pr->j, 8, 1);
    if (g == 0) {
        pr->live = 0;
        rd_close(&pr->r);
        return 0;
    }
    if (g < 0 || rd_get(&pr->r, &pr->n, 4, 0) < 0) return pr->live = 0, truncated(&pr->r, err, errlen);
    if (pr->n > pr->cap) pr->list = xrealloc(pr->list, (pr->cap = pr->n) * 8);
    if (pr->n && rd_get(&pr->r, pr->list, (size_t)pr->n * 8, 0) < 0) return pr->live = 0, truncated(&pr->r, err, errlen);
    pr->live = 1;
    return 0;
}

static int pairs_open(const dcl_params *p, pair_reader *prs, char *err, size_t errlen)
{
    for (int b = 0; b < p->bands; b++) {
        char rel[64];
        snprintf(rel, sizeof rel, "pairs/%03d.bin", b);
        if (rd_open(&prs[b].r, p->dir, rel, DCL_MAGIC_PAIRS, err, errlen) || pair_next(&prs[b], err, errlen)) return -1;
    }
    return 0;
}

static void pairs_close(const dcl_params *p, pair_reader *prs)
{
    for (int b = 0; b < p->bands; b++) rd_close(&prs[b].r), free(prs[b].list), prs[b].list = NULL, prs[b].cap = 0;
}

/* Read the candidate lists of the next document (all bands, band order, at
 * most DCL_MAX_CANDIDATES in all, as the index lookup gathers them). */
static int pairs_take(const dcl_params *p, pair_reader *prs, uint64_t *j, uint64_t *c, size_t *nc, int *more,
                      char *err, size_t errlen)
{
    *more = 0;
    for (int b = 0; b < p->bands; b++)
        if (prs[b].live && (!*more || prs[b].j < *j)) *j = prs[b].j, *more = 1;
    if (!*more) return 0;
    *nc = 0;
    for (int b = 0; b < p->bands; b++) {
        if (!prs[b].live || prs[b].j != *j) continue;
        for (uint32_t k = 0; k < prs[b].n && *nc < DCL_MAX_CANDIDATES; k++) c[(*nc)++] = prs[b].list[k];
        if (pair_next(&prs[b], err, errlen)) return -1;
    }
    return 0;
}

/* ---------------- verify ---------------- */

/* Verification task t owns the documents whose position hashes to t. */
static int verify_owns(const dcl_params *p, uint64_t j)
{
    return mix(j) % p->ntasks == p->task;
}

/* One record of a shard's .docs file (sign phase): position, sketch (when
 * the document was long enough for MinHash) and id. */
typedef struct docs_rec {
    uint64_t pos;
    int has_sketch;
    uint8_t *sketch; /* K bytes, caller's buffer */
    uint16_t idlen;
    char id[65536];
} docs_rec;

/* 1 = a record, 0 = end of file, -1 = truncated (err set, reader closed). */
static int docs_next(reader *r, int k, docs_rec *d, char *err, size_t errlen)
{
    uint8_t flags;
    int g = rd_get(r, &d->pos, 8, 1);
    if (g == 0) return 0;
    if (g < 0 || rd_get(r, &flags, 1, 0) < 0 || ((flags & 1) && rd_get(r, d->sketch, (size_t)k, 0) < 0) ||
        rd_get(r, &d->idlen, 2, 0) < 0 || (d->idlen && rd_get(r, d->id, d->idlen, 0) < 0))
        return truncated(r, err, errlen);
    d->has_sketch = flags & 1;
    return 1;
}

static int docs_open(const dcl_params *p, unsigned shard, reader *r, char *err, size_t errlen)
{
    char rel[64];
    snprintf(rel, sizeof rel, "sign/%05u.docs", shard);
    return rd_open(r, p->dir, rel, DCL_MAGIC_DOCS, err, errlen);
}

/* Sketches of the positions P[0..nP) from every shard's .docs file. */
static int sketch_pass(const dcl_params *p, const uint64_t *P, size_t nP, uint8_t *sk, dcl_stats *st, char *err,
                       size_t errlen)
{
    docs_rec *d = xrealloc(NULL, sizeof *d);
    d->sketch = xrealloc(NULL, (size_t)p->k);
    int rc = 0;
    for (unsigned s = 0; !rc && s < p->nshards; s++) {
        reader r;
        if ((rc = docs_open(p, s, &r, err, errlen)) != 0) break;
        while ((rc = docs_next(&r, p->k, d, err, errlen)) == 1) {
            size_t i = d->has_sketch ? find_u64(P, nP, d->pos) : (size_t)-1;
            if (i != (size_t)-1) memcpy(sk + i * (size_t)p->k, d->sketch, (size_t)p->k);
        }
        if (rc == 0) {
            st->bytes_in += r.bytes;
            rd_close(&r);
        }
    }
    free(d->sketch), free(d);
    return rc;
}

typedef struct jlist {
    uint64_t j;
    size_t off, n; /* candidates cand[off, off + n), sorted, unique */
} jlist;

/* Verify the candidates of this task's documents: for each, the earlier
 * documents whose sketch estimate reaches the threshold, with it. */
int dcl_reduce_verify(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    pair_reader *prs = calloc((size_t)p->bands + 1, sizeof *prs);
    uint64_t *c = xrealloc(NULL, 2 * DCL_MAX_CANDIDATES * 8), *cand = NULL, *P = NULL, j = 0;
    jlist *jl = NULL;
    size_t nc, ncand = 0, ccap = 0, nj = 0, jcap = 0, nP = 0;
    int more = p->do_near, rc = p->do_near ? pairs_open(p, prs, err, errlen) : 0;
    while (!rc && more) {
        if ((rc = pairs_take(p, prs, &j, c, &nc, &more, err, errlen)) != 0 || !more) break;
        if (!verify_owns(p, j)) continue;
        nc = sort_unique_u64(c, nc);
        if (ncand + nc > ccap) cand = xrealloc(cand, (ccap = (ncand + nc) * 2) * 8);
        copy(cand + ncand, c, nc * 8);
        if (nj == jcap) jl = xrealloc(jl, (jcap = jcap ? jcap * 2 : 1024) * sizeof *jl);
        jl[nj++] = (jlist){j, ncand, nc};
        ncand += nc;
    }
    if (p->do_near) pairs_close(p, prs);
    if (!rc) {
        P = xrealloc(NULL, (ncand + nj + 1) * 8);
        copy(P, cand, ncand * 8);
        for (size_t i = 0; i < nj; i++) P[ncand + i] = jl[i].j;
        nP = sort_unique_u64(P, ncand + nj);
        st->records = nj;
    }
    uint8_t *sk = rc ? NULL : xrealloc(NULL, (nP + 1) * (size_t)p->k);
    if (!rc && nj) rc = sketch_pass(p, P, nP, sk, st, err, errlen);
    dcl_writer w;
    char rel[64];
    snprintf(rel, sizeof rel, "verified/%05u.bin", p->task);
    if (!rc) rc = dcl_open(&w, p->dir, rel, DCL_MAGIC_VERIFIED, err, errlen);
    for (size_t x = 0; !rc && x < nj; x++) {
        const uint8_t *sj = sk + find_u64(P, nP, jl[x].j) * (size_t)p->k;
        uint32_t nv = 0;
        for (size_t y = 0; y < jl[x].n; y++) { /* c[] reused for the verified ones */
            double e = mh_estimate(sk + find_u64(P, nP, cand[jl[x].off + y]) * (size_t)p->k, sj, p->k);
            st->candidates++;
            if (e >= p->threshold) {
                c[2 * nv] = cand[jl[x].off + y];
                memcpy(&c[2 * nv + 1], &e, 8);
                nv++;
                
            }
        }
        if (!nv) continue;
        st->near++;
        dcl_put_u64(&w, jl[x].j);
        dcl_put(&w, &nv, 4);
        dcl_put(&w, c, (size_t)nv * 16);
    }
    if (!rc) {
        st->bytes_out = w.bytes;
        rc = dcl_commit(&w, err, errlen);
    }
    free(prs), free(c), free(cand), free(P), free(jl), free(sk);
    return rc;
}

/* ---------------- decide ---------------- */

typedef struct drop_rec {
    uint64_t pos, root;
    double sim;
    int exact;
    unsigned shard;
} drop_rec;

typedef struct decide_state {
    uint64_t *D;       /* positions of the dropped documents (sorted) */
    unsigned *Dshard;  /* the shard each was read by */
    size_t nD;
    uint64_t *R;       /* root positions whose ids are needed (sorted) */
    size_t nR;
    char **rid;        /* their ids */
    uint32_t *ridlen;
    drop_rec *d;       /* near duplicates first (in position order), then exact copies */
    size_t nd, dcap, nnear;
    uint64_t docs;
} decide_state;

/* One pass over every shard's .docs: which shard holds each dropped
 * document (not each file: a big file is split over several shards), and
 * the ids of the roots in R. */
static int ids_pass(const dcl_params *p, decide_state *ds, dcl_stats *st, char *err, size_t errlen)
{
    docs_rec *d = xrealloc(NULL, sizeof *d);
    d->sketch = xrealloc(NULL, (size_t)p->k);
    int rc = 0;
    for (unsigned s = 0; !rc && s < p->nshards; s++) {
        reader r;
        if ((rc = docs_open(p, s, &r, err, errlen)) != 0) break;
        while ((rc = docs_next(&r, p->k, d, err, errlen)) == 1) {
            ds->docs++;
            size_t di = find_u64(ds->D, ds->nD, d->pos);
            if (di != (size_t)-1) ds->Dshard[di] = s + 1;
            size_t i = find_u64(ds->R, ds->nR, d->pos);
            if (i != (size_t)-1) {
                ds->rid[i] = xrealloc(NULL, d->idlen + 1u);
                copy(ds->rid[i], d->id, d->idlen);
                ds->ridlen[i] = d->idlen;
            }
        }
        if (rc == 0) {
            st->bytes_in += r.bytes;
            rd_close(&r);
        }
    }
    free(d->sketch), free(d);
    return rc;
}

static void add_drop(decide_state *ds, uint64_t pos, uint64_t root, double sim, int exact)
{
    if (ds->nd == ds->dcap) ds->d = xrealloc(ds->d, (ds->dcap = ds->dcap ? ds->dcap * 2 : 1024) * sizeof *ds->d);
    ds->d[ds->nd++] = (drop_rec){pos, root, sim, exact, 0};
}

/* The cluster root of an earlier document: its own position unless it was
 * dropped as a near duplicate (near drops are added in position order). */
static uint64_t root_of(const decide_state *ds, uint64_t pos)
{
    size_t lo = 0, hi = ds->nnear;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->d[mid].pos < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo < ds->nnear && ds->d[lo].pos == pos ? ds->d[lo].root : pos;
}

/* The stream's near-duplicate rule in position order (dedup.c find_near):
 * join the cluster with the smallest root among the verified candidates,
 * the most similar one on a tie. */
static int decide_near(const dcl_params *p, decide_state *ds, dcl_stats *st, char *err, size_t errlen)
{
    reader *r = calloc(p->reduce_tasks + 1, sizeof *r);
    uint64_t *j = calloc(p->reduce_tasks + 1, 8), *v = NULL;
    uint32_t *n = calloc(p->reduce_tasks + 1, 4);
    int *live = calloc(p->reduce_tasks + 1, sizeof *live), rc = 0;
    size_t vcap = 0;
    if (!r || !j || !n || !live) abort();
    for (unsigned t = 0; !rc && t < p->reduce_tasks; t++) {
        char rel[64];
        snprintf(rel, sizeof rel, "verified/%05u.bin", t);
        rc = rd_open(&r[t], p->dir, rel, DCL_MAGIC_VERIFIED, err, errlen);
        live[t] = 1;
    }
    for (;;) {
        int best = -1;
        for (unsigned t = 0; !rc && t < p->reduce_tasks; t++) {
            if (live[t] == 1) { /* read the next record's head */
                int g = rd_get(&r[t], &j[t], 8, 1);
                if (g == 0) live[t] = 0;
                else if (g < 0 || rd_get(&r[t], &n[t], 4, 0) < 0) rc = truncated(&r[t], err, errlen);
                else live[t] = 2;
            }
            if (live[t] == 2 && (best < 0 || j[t] < j[best])) best = (int)t;
        }
        if (rc || best < 0) break;
        if (2 * (size_t)n[best] > vcap) v = xrealloc(v, (vcap = 2 * (size_t)n[best]) * 8);
        if (rd_get(&r[best], v, (size_t)n[best] * 16, 0) < 0) {
            rc = truncated(&r[best], err, errlen);
            break;
        }
        live[best] = 1;
        uint64_t root = 0;
        double sim = 0;
        for (uint32_t k = 0; k < n[best]; k++) {
            uint64_t rt = root_of(ds, v[2 * k]);
            double e;
            memcpy(&e, &v[2 * k + 1], 8);
            if (k == 0 || rt < root || (rt == root && e > sim)) root = rt, sim = e;
        }
        add_drop(ds, j[best], root, sim, 0);
        ds->nnear++;
        st->near++;
    }
    for (unsigned t = 0; t < p->reduce_tasks; t++) {
        st->bytes_in += r[t].bytes;
        rd_close(&r[t]);
    }
    free(r), free(j), free(n), free(live), free(v);
    return rc;
}

static int cmp_drop_shard(const void *a, const void *b)
{
    const drop_rec *x = a, *y = b;
    if (x->shard != y->shard) return x->shard < y->shard ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int write_drops(const dcl_params *p, decide_state *ds, dcl_stats *st, char *err, size_t errlen)
{
    for (size_t i = 0; i < ds->nd; i++) {
        size_t di = find_u64(ds->D, ds->nD, ds->d[i].pos);
        unsigned s = di == (size_t)-1 ? 0 : ds->Dshard[di];
        if (!s || s > p->nshards) {
            snprintf(err, errlen, "decide: position %llu belongs to no shard's .docs file",
                     (unsigned long long)ds->d[i].pos);
            return -1;
        }
        ds->d[i].shard = s - 1;
    }
    sort(ds->d, ds->nd, sizeof *ds->d, cmp_drop_shard);
    size_t i = 0;
    for (unsigned s = 0; s < p->nshards; s++) {
        dcl_writer w;
        char rel[64];
        snprintf(rel, sizeof rel, "drop/%05u.bin", s);
        if (dcl_open(&w, p->dir, rel, DCL_MAGIC_DROP, err, errlen)) return -1;
        for (; i < ds->nd && ds->d[i].shard == s; i++) {
            size_t ri = find_u64(ds->R, ds->nR, ds->d[i].root);
            uint16_t l = (uint16_t)ds->ridlen[ri];
            uint8_t ex = (uint8_t)ds->d[i].exact;
            dcl_put_u64(&w, ds->d[i].pos);
            dcl_put(&w, &ds->d[i].sim, 8);
            dcl_put(&w, &ex, 1);
            dcl_put(&w, &l, 2);
            dcl_put(&w, ds->rid[ri] ? ds->rid[ri] : "", l);
        }
        st->bytes_out += w.bytes;
        if (dcl_commit(&w, err, errlen)) return -1;
    }
    return 0;
}

static void decide_free(decide_state *ds)
{
    for (size_t i = 0; i < ds->nR; i++) free(ds->rid ? ds->rid[i] : NULL);
    free(ds->R), free(ds->rid), free(ds->ridlen), free(ds->d), free(ds->D), free(ds->Dshard);
}

int dcl_reduce_decide(const dcl_params *p, dcl_stats *st, char *err, size_t errlen)
{
    decide_state ds = {0};
    uint64_t *xp = NULL;
    size_t nx = 0;
    int rc = p->do_near ? decide_near(p, &ds, st, err, errlen) : 0;
    if (!rc) rc = load_exact_dups(p->dir, &xp, &nx, err, errlen);
    if (!rc) {
        /* an exact copy goes to the cluster its first copy joined */
        for (size_t i = 0; i < nx; i++) add_drop(&ds, xp[2 * i], root_of(&ds, xp[2 * i + 1]), 1.0, 1);
        st->exact = nx;
        ds.R = xrealloc(NULL, (ds.nd + 1) * 8);
        for (size_t i = 0; i < ds.nd; i++) ds.R[i] = ds.d[i].root;
        ds.nR = sort_unique_u64(ds.R, ds.nd);
        ds.D = xrealloc(NULL, (ds.nd + 1) * 8);
        for (size_t i = 0; i < ds.nd; i++) ds.D[i] = ds.d[i].pos;
        ds.nD = sort_unique_u64(ds.D, ds.nd);
        ds.Dshard = calloc(ds.nD + 1, sizeof *ds.Dshard);
        ds.rid = calloc(ds.nR + 1, sizeof *ds.rid);
        ds.ridlen = calloc(ds.nR + 1, sizeof *ds.ridlen);
        if (!ds.rid || !ds.ridlen || !ds.Dshard) abort();
        rc = ids_pass(p, &ds, st, err, errlen);
    }
    if (!rc) rc = write_drops(p, &ds, st, err, errlen);
    st->docs = ds.docs;
    free(xp);
    decide_free(&ds);
    return rc;
}

/* ---------------- apply ---------------- */

int dcl_load_drops(const char *dir, unsigned shard, dcl_drops *out, char *err, size_t errlen)
{
    reader r;
    char rel[64];
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    snprintf(rel, sizeof rel, "drop/%05u.bin", shard);
    if (rd_open(&r, dir, rel, DCL_MAGIC_DROP, err, errlen)) return -1;
    for (;;) {
        dcl_drop d;
        uint8_t ex;
        uint16_t l;
        int g = rd_get(&r, &d.pos, 8, 1);
        if (g == 0) break;
        if (g < 0 || rd_get(&r, &d.sim, 8, 0) < 0 || rd_get(&r, &ex, 1, 0) < 0 || rd_get(&r, &l, 2, 0) < 0)
            return dcl_drops_free(out), truncated(&r, err, errlen);
        d.id = xrealloc(NULL, l + 1u);
        d.idlen = l;
        d.exact = ex;
        if (l && rd_get(&r, d.id, l, 0) < 0) return free(d.id), dcl_drops_free(out), truncated(&r, err, errlen);
        d.id[l] = '\0';
        if (out->n == cap) out->v = xrealloc(out->v, (cap = cap ? cap * 2 : 256) * sizeof *out->v);
        out->v[out->n++] = d;
    }
    rd_close(&r);
    return 0;
}

const dcl_drop *dcl_drops_find(const dcl_drops *d, uint64_t pos)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->v[mid].pos < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo < d->n && d->v[lo].pos == pos ? &d->v[lo] : NULL;
}

void dcl_drops_free(dcl_drops *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->v[i].id);
    free(d->v);
    memset(d, 0, sizeof *d);
}
