/*
 * shard.c - shard assignment, the .order sidecar and the exact merge.
 */
#include "shard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <unistd.h>
#include <zstd.h>

#include "atomic.h"
#include "buf.h"
#include "core.h"
#include "outpaths.h"

int dc_shard_parse(const char *s, dc_shard_spec *out)
{
    char *end;
    unsigned long i = strtoul(s, &end, 10);
    if (end == s || *end != '/') return -1;
    const char *p = end + 1;
    unsigned long n = strtoul(p, &end, 10);
    if (end == p || *end || n == 0 || i >= n || n > 1000000) return -1;
    out->index = (unsigned)i;
    out->count = (unsigned)n;
    return 0;
}

int dc_shard_from_env(dc_shard_spec *out)
{
    const char *id = getenv("SLURM_ARRAY_TASK_ID"), *cnt = getenv("SLURM_ARRAY_TASK_COUNT");
    const char *min = getenv("SLURM_ARRAY_TASK_MIN");
    if (!id || !cnt) return -1;
    long i = atol(id) - (min ? atol(min) : 0), n = atol(cnt);
    if (n <= 0 || i < 0 || i >= n) return -1;
    out->index = (unsigned)i;
    out->count = (unsigned)n;
    return 0;
}

unsigned dc_shard_of(const char *rel, unsigned count)
{
    return (unsigned)(XXH3_64bits(rel, strlen(rel)) % count);
}

static void add_unit(dc_input_list *out, const dc_input_file *f, uint64_t start, uint64_t end, uint64_t size)
{
    if (out->n == out->cap) out->v = dc_xrealloc(out->v, (out->cap = out->cap ? out->cap * 2 : 64) * sizeof *out->v);
    dc_input_file *u = &out->v[out->n++];
    *u = *f;
    u->path = dc_xstrdup(f->path);
    u->rel = dc_xstrdup(f->rel);
    u->range_start = start, u->range_end = end, u->size = size;
}

void dc_shard_filter(dc_input_list *files, const dc_shard_spec *s, uint32_t **gidx)
{
    dc_input_list out = {0};
    size_t cap = 0;
    *gidx = NULL;
    for (size_t i = 0; i < files->n; i++) {
        dc_input_file *f = &files->v[i];
        uint64_t c = s->chunk_bytes;
        int split = c && f->format == DC_FMT_JSONL && f->compress == DC_COMP_NONE && f->size > c;
        uint64_t nchunks = split ? (f->size + c - 1) / c : 1;
        /* Chunks go round-robin from the file's own shard: each big file
         * spreads evenly over the shards, and the assignment still depends
         * only on the file's path and the chunk's index. */
        unsigned first = s->count ? dc_shard_of(f->rel, s->count) : 0;
        for (uint64_t k = 0; k < nchunks; k++) {
            if (s->count && (unsigned)((first + k) % s->count) != s->index) continue;
            if (out.n == cap) *gidx = dc_xrealloc(*gidx, (cap = cap ? cap * 2 : 64) * sizeof **gidx);
            (*gidx)[out.n] = (uint32_t)i;
            if (!split) add_unit(&out, f, 0, 0, f->size);
            else add_unit(&out, f, k * c, k + 1 < nchunks ? (k + 1) * c : 0,
                          k + 1 < nchunks ? c : f->size - k * c);
        }
        free(f->path);
        free(f->rel);
    }
    free(files->v);
    *files = out;
    if (!*gidx) *gidx = dc_xcalloc(1, sizeof **gidx);
}

int dc_order_write(FILE *f, uint32_t file_index, uint32_t line)
{
    unsigned char b[8];
    for (int i = 0; i < 4; i++) {
        b[i] = (unsigned char)(file_index >> (8 * i));
        b[4 + i] = (unsigned char)(line >> (8 * i));
    }
    return fwrite(b, 1, 8, f) == 8 ? 0 : -1;
}

/* ---------------- merge ---------------- */

/* Line reader over a .jsonl or .jsonl.zst shard output. */
typedef struct shard_in {
    FILE *fp, *order;
    ZSTD_DCtx *z;
    char in[1 << 16];
    ZSTD_inBuffer zin;
    dc_buf pending; /* decompressed bytes not yet consumed */
    size_t pos;
    int eof;
    uint64_t key; /* current record's order key */
    dc_buf line;  /* current record */
    int have;
} shard_in;

static int fill(shard_in *s)
{
    if (s->pos) {
        memmove(s->pending.data, s->pending.data + s->pos, s->pending.len - s->pos);
        s->pending.len -= s->pos;
        s->pos = 0;
    }
    if (!s->z) {
        char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, s->fp);
        if (n == 0) return -1;
        dc_buf_append(&s->pending, buf, n);
        return 0;
    }
    for (;;) {
        if (s->zin.pos == s->zin.size) {
            size_t n = fread(s->in, 1, sizeof s->in, s->fp);
            if (n == 0) return -1;
            s->zin = (ZSTD_inBuffer){s->in, n, 0};
        }
        dc_buf_reserve(&s->pending, 1 << 17);
        ZSTD_outBuffer out = {s->pending.data + s->pending.len, (1 << 17), 0};
        size_t r = ZSTD_decompressStream(s->z, &out, &s->zin);
        if (ZSTD_isError(r)) return -2;
        s->pending.len += out.pos;
        if (out.pos) return 0;
    }
}

/* Advance to the next record; 0 ok, 1 end, -1 error. */
static int shard_next(shard_in *s)
{
    s->have = 0;
    for (;;) {
        char *nl = s->pending.len > s->pos ? memchr(s->pending.data + s->pos, '\n', s->pending.len - s->pos) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - (s->pending.data + s->pos)) + 1;
            s->line.len = 0;
            dc_buf_append(&s->line, s->pending.data + s->pos, n);
            s->pos += n;
            break;
        }
        int r = fill(s);
        if (r == -2) return -1;
        if (r == -1) return s->pending.len > s->pos ? -1 : 1; /* a partial last line is corruption */
    }
    unsigned char b[8];
    if (fread(b, 1, 8, s->order) != 8) return -1;
    uint32_t fi = 0, ln = 0;
    for (int i = 0; i < 4; i++) {
        fi |= (uint32_t)b[i] << (8 * i);
        ln |= (uint32_t)b[4 + i] << (8 * i);
    }
    s->key = ((uint64_t)fi << 32) | ln;
    s->have = 1;
    return 0;
}

static int read_marker(const char *path, unsigned *idx, unsigned *cnt)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    int ok = fscanf(f, "shard %u of %u", idx, cnt) == 2;
    fclose(f);
    return ok ? 0 : -1;
}

/* The merge's destination.  A regular file is written under a temporary
 * name and renamed into place only when everything was written; stdout, a
 * device or a FIFO is written directly (never replaced by a rename).
 * Every write is checked: a full disk or `> /dev/full` fails the merge. */
typedef struct merge_out {
    FILE *f;
    const char *path; /* as given ("-" = stdout) */
    char tmp[PATH_MAX + 32];
    int direct;       /* no temporary: stdout, device, FIFO */
    int failed;
} merge_out;

static void merge_out_fail(merge_out *m, const char *what)
{
    if (!m->failed)
        fprintf(stderr, "docclean: merge: %s %s: %s\n", what, m->direct ? m->path : m->tmp, strerror(errno));
    m->failed = 1;
}

static int merge_out_open(merge_out *m, const char *path)
{
    memset(m, 0, sizeof *m);
    m->path = path;
    struct stat st;
    if (!strcmp(path, "-")) {
        m->f = stdout;
        m->direct = 1;
        return 0;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            fprintf(stderr, "docclean: merge: -o %s is a directory\n", path);
            return -1;
        }
        m->direct = 1;
        m->f = fopen(path, "wb");
    } else {
        snprintf(m->tmp, sizeof m->tmp, "%s.tmp.%d", path, (int)getpid());
        m->f = fopen(m->tmp, "wb");
    }
    if (!m->f) {
        merge_out_fail(m, "cannot open");
        return -1;
    }
    return 0;
}

static void merge_out_write(merge_out *m, const char *p, size_t n)
{
    if (!m->failed && fwrite(p, 1, n, m->f) != n) merge_out_fail(m, "write error on");
}

/* Flush and publish (ok) or discard (!ok).  0 when the output is complete. */
static int merge_out_close(merge_out *m, int ok)
{
    if (!m->f) return -1;
    if (fflush(m->f) != 0) merge_out_fail(m, "write error on");
    if (!m->failed && !m->direct && fsync(fileno(m->f)) != 0) merge_out_fail(m, "fsync");
    if (m->f != stdout && fclose(m->f) != 0) merge_out_fail(m, "close");
    m->f = NULL;
    if (!m->direct) {
        if (ok && !m->failed && dc_atomic_publish(m->tmp, m->path) != 0) {
            fprintf(stderr, "docclean: merge: rename %s -> %s: %s\n", m->tmp, m->path, strerror(errno));
            m->failed = 1;
        }
        if (!ok || m->failed) unlink(m->tmp);
    }
    return m->failed ? -1 : 0;
}

int dc_merge_shards(const char *dir, const char *out_path)
{
    char p[PATH_MAX + 64];
    unsigned count = 0, idx;
    dc_outpath o = {"-o", out_path, 0};
    char err[PATH_MAX * 2];
    if (dc_outpaths_check(&o, 1, NULL, 0, err, sizeof err) != 0) {
        fprintf(stderr, "docclean: merge: %s; nothing was merged\n", err);
        return DC_EXIT_USAGE;
    }
    snprintf(p, sizeof p, "%s/shards/00000.done", dir);
    if (read_marker(p, &idx, &count) != 0) {
        fprintf(stderr, "docclean: merge: %s missing: shard 0 is not complete\n", p);
        return DC_EXIT_INPUT;
    }
    shard_in *in = dc_xcalloc(count, sizeof *in);
    int rc = DC_EXIT_OK;
    for (unsigned i = 0; i < count && rc == DC_EXIT_OK; i++) {
        unsigned ii, cc;
        snprintf(p, sizeof p, "%s/shards/%05u.done", dir, i);
        if (read_marker(p, &ii, &cc) != 0 || cc != count) {
            fprintf(stderr, "docclean: merge: shard %u of %u is not complete (%s)\n", i, count, p);
            rc = DC_EXIT_INPUT;
            break;
        }
        snprintf(p, sizeof p, "%s/shards/%05u.jsonl.zst", dir, i);
        in[i].fp = fopen(p, "rb");
        in[i].z = ZSTD_createDCtx();
        if (in[i].fp) {
            snprintf(p, sizeof p, "%s/shards/%05u.order", dir, i);
            in[i].order = fopen(p, "rb");
        }
        if (!in[i].fp || !in[i].order) { /* p names the file that failed */
            fprintf(stderr, "docclean: merge: shard %u: %s: %s\n", i, p, strerror(errno));
            rc = DC_EXIT_INPUT;
            break;
        }
        if (shard_next(&in[i]) < 0) {
            fprintf(stderr, "docclean: merge: shard %u output or .order is corrupt\n", i);
            rc = DC_EXIT_INPUT;
        }
    }
    merge_out out;
    int opened = 0;
    if (rc == DC_EXIT_OK) {
        if (merge_out_open(&out, out_path) != 0) rc = DC_EXIT_RUNTIME;
        else opened = 1;
    }
    /* N is small (tasks, not documents): a linear pick is fine. */
    while (rc == DC_EXIT_OK) {
        int best = -1;
        for (unsigned i = 0; i < count; i++)
            if (in[i].have && (best < 0 || in[i].key < in[best].key)) best = (int)i;
        if (best < 0) break;
        merge_out_write(&out, in[best].line.data, in[best].line.len);
        if (out.failed) {
            rc = DC_EXIT_RUNTIME;
            break;
        }
        if (shard_next(&in[best]) < 0) {
            fprintf(stderr, "docclean: merge: shard %d output or .order is corrupt\n", best);
            rc = DC_EXIT_INPUT;
        }
    }
    if (opened && merge_out_close(&out, rc == DC_EXIT_OK) != 0 && rc == DC_EXIT_OK) rc = DC_EXIT_RUNTIME;
    for (unsigned i = 0; i < count; i++) {
        if (in[i].fp) fclose(in[i].fp);
        if (in[i].order) fclose(in[i].order);
        if (in[i].z) ZSTD_freeDCtx(in[i].z);
        dc_buf_free(&in[i].pending);
        dc_buf_free(&in[i].line);
    }
    free(in);
    return rc;
}
