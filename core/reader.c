/*
 * reader.c - read documents out of one input file.
 *
 * Two layers:
 *   - a byte source: plain file descriptor, gzip (zlib gzread) or zstd
 *     (ZSTD streaming decompression), giving "bytes / end / error";
 *   - a format: plain text (the whole file is one document) or JSONL (one
 *     JSON object per line).  A line goes first through the fast scanner in
 *     json.c (jansson's tree building runs at ~40 MB/s, a fifth of the
 *     target); anything the scanner does not accept, including every
 *     broken line, is parsed by jansson, which also words the error.
 *
 * Nothing is ever silently lost.  A broken JSON line becomes a rejected
 * document holding the raw line; a truncated or corrupt compressed stream
 * ends the file with one rejected document holding the bytes after the last
 * complete document, and the reason gives the compressed byte offset.  gzip
 * is inflated here rather than with gzread(), which silently drops whatever
 * follows a member when it is not another member (trailing garbage, or a
 * member whose header a crash during an append damaged).
 *
 * Memory per document is bounded by [input] max_doc_bytes.  Lines can be
 * hundreds of megabytes (the line buffer grows as needed and lines are
 * parsed in place), but a plain file or a line longer than the bound is
 * never buffered whole: the reader keeps reading it through a streaming
 * xxh3 hash and hands out a reject carrying only its size and hash.  An
 * oversized plain file is read to its end when it is a regular uncompressed
 * file (so the size is exact); anything else (/dev/zero, a FIFO, stdin, a
 * decompression bomb) is not read past the bound, and its size is "at
 * least" what was read.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "io.h"
#include "json_scan.h"

#define READ_CHUNK (1u << 20)

struct dc_reader {
    /* byte source */
    dc_compress comp;
    int fd, own_fd;
    int regular;      /* the descriptor is a regular file */
    uint64_t reg_size; /* its size when opened */
    z_stream gzs;     /* gzip: inflate state (windowBits 15 + 16: gzip members) */
    gz_header gzhdr;  /* .done tells a bad header from bad data */
    unsigned char *gzin;
    int gz_live;      /* gzs initialised */
    int gz_between;   /* a member just ended: what follows must be another one */
    uint64_t gz_read; /* compressed bytes read from fd so far */
    uint64_t gz_member; /* compressed offset where the current member starts */
    uint64_t z_read;  /* zstd: compressed bytes read from fd so far */
    ZSTD_DCtx *zd;
    char *zin;
    ZSTD_inBuffer zib;
    int zeof;
    size_t zlast;     /* last ZSTD_decompressStream result: 0 = frame complete */
    int src_failed;   /* the source reported an error: message in srcerr */
    char srcerr[256];

    /* document layer */
    dc_format fmt;
    char *source, *rel, *text_field;
    uint64_t size_hint;
    char *buf;          /* JSONL: pending bytes [start, end) */
    size_t start, end, cap;
    int eof, done;
    uint64_t line;
    uint64_t abs_base;  /* file offset of buf[0] (uncompressed JSONL)      */
    uint64_t range_end; /* stop at the first line starting here (0: never) */
    int skip_partial;   /* a range starts mid-line: that line is not ours  */
    dc_jscan scan;      /* reused by the fast JSONL path */
    int defer_parse;    /* hand out raw lines (see dc_raw_doc_parse) */
    uint64_t max_doc;   /* [input] max_doc_bytes, 0 = no limit */

    /* fingerprint of the bytes read (see dc_reader_fingerprint) */
    XXH3_state_t *hash; /* NULL: not asked for                          */
    uint64_t hashed;    /* bytes that went through the hash             */
    struct stat st_open;
    int io_failed;      /* read(2) failed: the file was not read whole  */
    int resumed;        /* continued at dc_input_file.resume_offset     */
    char last_byte;     /* last byte the document layer read           */
};

/* ---------------- byte sources ---------------- */

static void src_fail(dc_reader *r, const char *fmt, const char *detail)
{
    r->src_failed = 1;
    snprintf(r->srcerr, sizeof r->srcerr, fmt, detail);
}

static ssize_t read_fd(dc_reader *r, char *dst, size_t n)
{
    for (;;) {
        ssize_t got = read(r->fd, dst, n);
        if (got >= 0) {
            /* Every file reaches the hash here, byte for byte as read
             * (gzip too: it is inflated from this descriptor). */
            if (r->hash) {
                XXH3_128bits_update(r->hash, dst, (size_t)got);
                r->hashed += (uint64_t)got;
            }
            return got;
        }
        if (errno == EINTR) continue;
        r->io_failed = 1;
        src_fail(r, "read error: %s", strerror(errno));
        return -1;
    }
}

#define GZ_IN_CHUNK (256u * 1024)

static void gz_fail(dc_reader *r, const char *what, uint64_t off)
{
    r->src_failed = 1;
    snprintf(r->srcerr, sizeof r->srcerr, "truncated or corrupt gzip stream: %s at byte offset %llu", what,
             (unsigned long long)off);
}

/* Inflate gzip members one after the other.  zlib's inflate with
 * windowBits 15+16 parses one member (header, data, trailer) and stops;
 * after it, either the file ends or the next member starts - anything else
 * is reported with the offset where the bad bytes begin. */
static ssize_t read_gzip(dc_reader *r, char *dst, size_t n)
{
    if (r->src_failed) return -1;
    if (n > (1u << 30)) n = 1u << 30;
    r->gzs.next_out = (unsigned char *)dst;
    r->gzs.avail_out = (unsigned)n;
    for (;;) {
        if (r->gzs.avail_in == 0 && !r->zeof) {
            ssize_t got = read_fd(r, (char *)r->gzin, GZ_IN_CHUNK);
            if (got < 0) return -1;
            if (got == 0) r->zeof = 1;
            r->gz_read += (uint64_t)got;
            r->gzs.next_in = r->gzin;
            r->gzs.avail_in = (unsigned)got;
        }
        uint64_t pos = r->gz_read - r->gzs.avail_in; /* compressed offset of next_in */
        if (r->gz_between) {
            if (r->gzs.avail_in == 0) return 0; /* end of file right after a member */
            r->gz_between = 0;
            r->gz_member = pos;
            inflateReset(&r->gzs);
            inflateGetHeader(&r->gzs, &r->gzhdr);
        }
        if (r->gzs.avail_in == 0) { /* end of file inside a member */
            char what[120];
            snprintf(what, sizeof what, "unexpected end of file in the gzip member starting at byte offset %llu",
                     (unsigned long long)r->gz_member);
            gz_fail(r, what, r->gz_read);
            return -1;
        }
        int zr = inflate(&r->gzs, Z_NO_FLUSH);
        size_t produced = n - r->gzs.avail_out;
        if (zr == Z_STREAM_END) {
            r->gz_between = 1;
        } else if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_MEM_ERROR || zr == Z_STREAM_ERROR) {
            char what[200];
            const char *msg = r->gzs.msg ? r->gzs.msg : "corrupt data";
            if (r->gzhdr.done != 1 && r->gz_member) /* garbage, or a damaged header, after a member */
                snprintf(what, sizeof what, "the bytes after the last complete gzip member are not a gzip member (%s)",
                         msg);
            else if (r->gzhdr.done != 1)
                snprintf(what, sizeof what, "not a gzip file (%s)", msg);
            else
                snprintf(what, sizeof what, "%s in the gzip member starting at byte offset %llu", msg,
                         (unsigned long long)r->gz_member);
            gz_fail(r, what, r->gzhdr.done == 1 ? r->gz_read - r->gzs.avail_in : r->gz_member);
            return produced ? (ssize_t)produced : -1; /* the error comes back on the next call */
        }
        if (produced) return (ssize_t)produced;
    }
}

static void zstd_fail(dc_reader *r, const char *what)
{
    r->src_failed = 1;
    snprintf(r->srcerr, sizeof r->srcerr, "truncated or corrupt zstd stream: %s at byte offset %llu", what,
             (unsigned long long)(r->z_read - (r->zib.size - r->zib.pos)));
}

static ssize_t read_zstd(dc_reader *r, char *dst, size_t n)
{
    for (;;) {
        if (r->zib.pos == r->zib.size && !r->zeof) {
            ssize_t got = read_fd(r, r->zin, ZSTD_DStreamInSize());
            if (got < 0) return -1;
            if (got == 0) r->zeof = 1;
            r->z_read += (uint64_t)got;
            r->zib.src = r->zin;
            r->zib.size = (size_t)got;
            r->zib.pos = 0;
        }
        if (r->zeof && r->zib.pos == r->zib.size && r->zlast == 0) return 0; /* frame done */
        ZSTD_outBuffer ob = {dst, n, 0};
        size_t ret = ZSTD_decompressStream(r->zd, &ob, &r->zib);
        if (ZSTD_isError(ret)) {
            zstd_fail(r, ZSTD_getErrorName(ret));
            return -1;
        }
        r->zlast = ret;
        if (ob.pos) return (ssize_t)ob.pos;
        if (r->zeof && r->zib.pos == r->zib.size) {
            if (r->zlast != 0) {
                zstd_fail(r, "unexpected end of file");
                return -1;
            }
            return 0;
        }
    }
}

/* >0 bytes read, 0 end of input, -1 error (message in r->srcerr). */
static ssize_t src_read(dc_reader *r, char *dst, size_t n)
{
    switch (r->comp) {
    case DC_COMP_GZIP: return read_gzip(r, dst, n);
    case DC_COMP_ZSTD: return read_zstd(r, dst, n);
    default: return read_fd(r, dst, n);
    }
}

/* ---------------- open / close ---------------- */

/* A byte range of an uncompressed JSONL file (a shard's chunk): count the
 * lines before it, so documents keep the line numbers (ids, positions) they
 * have in a whole-file read, and start reading at range_start.  Counting
 * reads the file's prefix once, at memchr speed. */
/* The newline count of the last range opened, so that a task's next chunk
 * of the same file counts on from there instead of from the start (a
 * task's chunks of a file come in file order, from one reader thread). */
static pthread_mutex_t range_memo_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    char *path;
    uint64_t off, lines, mtime;
    char last;
} range_memo;

static int open_range(dc_reader *r, const dc_input_file *f, char *err, size_t errlen)
{
    if (r->comp != DC_COMP_NONE || r->fmt != DC_FMT_JSONL || r->fd == 0) {
        snprintf(err, errlen, "%s: only uncompressed JSONL files can be read by byte range", f->path);
        return -1;
    }
    char *b = dc_xmalloc(READ_CHUNK);
    uint64_t off = 0, lines = 0;
    char last = '\n';
    pthread_mutex_lock(&range_memo_lock);
    if (range_memo.path && !strcmp(range_memo.path, f->path) && range_memo.off <= f->range_start &&
        range_memo.mtime == (uint64_t)f->mtime)
        off = range_memo.off, lines = range_memo.lines, last = range_memo.last;
    pthread_mutex_unlock(&range_memo_lock);
    while (off < f->range_start) {
        size_t want = f->range_start - off < READ_CHUNK ? (size_t)(f->range_start - off) : READ_CHUNK;
        ssize_t got = pread(r->fd, b, want, (off_t)off);
        if (got <= 0) {
            snprintf(err, errlen, "cannot read %s: %s", f->path, got < 0 ? strerror(errno) : "shorter than its range");
            free(b);
            return -1;
        }
        for (const char *p = b, *e = b + got; (p = memchr(p, '\n', (size_t)(e - p))); p++) lines++;
        last = b[got - 1];
        off += (uint64_t)got;
    }
    free(b);
    pthread_mutex_lock(&range_memo_lock);
    free(range_memo.path);
    range_memo.path = dc_xstrdup(f->path);
    range_memo.off = off, range_memo.lines = lines, range_memo.last = last;
    range_memo.mtime = (uint64_t)f->mtime;
    pthread_mutex_unlock(&range_memo_lock);
    if (lseek(r->fd, (off_t)f->range_start, SEEK_SET) < 0) {
        snprintf(err, errlen, "cannot seek in %s: %s", f->path, strerror(errno));
        return -1;
    }
    r->line = lines;
    r->abs_base = f->range_start;
    r->range_end = f->range_end;
    r->skip_partial = last != '\n';
    return 0;
}

static int start_tracking(dc_reader *r, const dc_input_file *f, char *err, size_t errlen);

dc_reader *dc_reader_open(const dc_input_file *f, const dc_input_opts *opts, char *err,
                          size_t errlen)
{
    int fd = 0, own = 0;
    if (strcmp(f->path, "-") != 0) {
        fd = open(f->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", f->path, strerror(errno));
            return NULL;
        }
        own = 1;
        posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    dc_reader *r = dc_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->own_fd = own;
    r->comp = f->compress;
    r->fmt = f->format == DC_FMT_AUTO ? DC_FMT_TEXT : f->format;
    /* Ids and "source" fields carry the escaped names (see dc_path_display). */
    r->source = dc_path_display(f->path);
    r->rel = dc_path_display(f->rel ? f->rel : f->path);
    struct stat st;
    r->regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    r->reg_size = r->regular ? (uint64_t)st.st_size : 0;
    r->max_doc = opts ? opts->max_doc_bytes : 0;
    r->text_field = dc_xstrdup(opts && opts->text_field ? opts->text_field : "text");
    r->defer_parse = opts && opts->defer_parse;
    r->size_hint = f->size;
    r->last_byte = '\n'; /* an empty stream ends at a line boundary */
    if (own && opts && opts->fingerprint && start_tracking(r, f, err, errlen) != 0) {
        dc_reader_close(r);
        return NULL;
    }

    if (r->comp == DC_COMP_GZIP) {
        r->gzin = dc_xmalloc(GZ_IN_CHUNK);
        if (inflateInit2(&r->gzs, 15 + 16) != Z_OK) {
            snprintf(err, errlen, "cannot open %s: gzip: out of memory", f->path);
            dc_reader_close(r);
            return NULL;
        }
        r->gz_live = 1;
        inflateGetHeader(&r->gzs, &r->gzhdr);
    } else if (f->range_start || f->range_end) {
        if (open_range(r, f, err, errlen) != 0) {
            dc_reader_close(r);
            return NULL;
        }
    } else if (r->comp == DC_COMP_ZSTD) {
        r->zd = ZSTD_createDCtx();
        r->zin = dc_xmalloc(ZSTD_DStreamInSize());
        if (!r->zd) {
            snprintf(err, errlen, "cannot open %s: zstd context", f->path);
            dc_reader_close(r);
            return NULL;
        }
        /* Accept big dumps made with `zstd --long=31` (default limit: 2^27). */
        ZSTD_DCtx_setParameter(r->zd, ZSTD_d_windowLogMax, 31);
    }
    return r;
}

void dc_reader_close(dc_reader *r)
{
    if (!r) return;
    if (r->gz_live) inflateEnd(&r->gzs);
    free(r->gzin);
    if (r->zd) ZSTD_freeDCtx(r->zd);
    free(r->zin);
    if (r->hash) XXH3_freeState(r->hash);
    if (r->own_fd) close(r->fd);
    free(r->source);
    free(r->rel);
    free(r->text_field);
    free(r->buf);
    dc_jscan_free(&r->scan);
    free(r);
}

void dc_raw_doc_free(dc_raw_doc *d)
{
    if (!d) return;
    free(d->id);
    free(d->source);
    free(d->bytes);
    dc_meta_free(d->meta);
    free(d->reject_reason);
    memset(d, 0, sizeof *d);
}

/* ---------------- documents ---------------- */

static void raw_doc_init(dc_reader *r, dc_raw_doc *d, char *id, uint64_t line)
{
    memset(d, 0, sizeof *d);
    d->id = id;
    d->source = dc_xstrdup(r->source);
    d->line = line;
    d->meta = dc_meta_new();
}

static char *line_id(const dc_reader *r, uint64_t line)
{
    dc_buf b = {0};
    dc_buf_printf(&b, "%s:%" PRIu64, r->rel, line);
    return dc_buf_take(&b, NULL);
}

/* Make room for at least `want` more bytes after r->end, compacting first. */
static void buf_make_room(dc_reader *r, size_t want)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->abs_base += r->start;
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end >= want + 1) return;
    size_t cap = r->cap ? r->cap : READ_CHUNK;
    while (cap - r->end < want + 1) cap *= 2;
    /* Doubling must not overshoot the per-document bound by much. */
    size_t bound = r->max_doc ? (size_t)r->max_doc + 2 * READ_CHUNK + 1 : 0;
    if (bound && cap > bound && r->end + want + 1 <= bound) cap = bound;
    r->buf = dc_xrealloc(r->buf, cap);
    r->cap = cap;
}

/* Read one more chunk into the buffer; sets eof on end or error. */
static void fill(dc_reader *r)
{
    buf_make_room(r, READ_CHUNK);
    ssize_t got = src_read(r, r->buf + r->end, r->cap - r->end - 1);
    if (got <= 0) r->eof = 1;
    else r->end += (size_t)got;
    if (got > 0) r->last_byte = r->buf[r->end - 1];
}

/* The stream error document: the bytes after the last complete document. */
static void error_doc(dc_reader *r, dc_raw_doc *out, char *id, uint64_t line)
{
    raw_doc_init(r, out, id, line);
    out->len = r->end - r->start;
    out->bytes = dc_xstrndup(r->buf ? r->buf + r->start : "", out->len);
    out->reject_reason = dc_xstrdup(r->srcerr);
    r->start = r->end;
    r->done = 1;
}

/* The reject of a document over max_doc_bytes: no text (it may be binary
 * and is too big to copy anyway), its size and xxh3 hash in the record. */
static void oversized_doc(dc_reader *r, dc_raw_doc *out, char *id, uint64_t line, uint64_t size,
                          uint64_t hash, int complete)
{
    char reason[300], hex[24];
    raw_doc_init(r, out, id, line);
    out->bytes = dc_xstrdup("");
    out->len = 0;
    snprintf(reason, sizeof reason,
             "document larger than [input] max_doc_bytes (%llu): %s%llu bytes, not kept; its size and "
             "xxh3 hash are in input_bytes and input_xxh3",
             (unsigned long long)r->max_doc, complete ? "" : "at least ", (unsigned long long)size);
    out->reject_reason = dc_xstrdup(reason);
    dc_meta_put_int(out->meta, "input_bytes", (int64_t)size);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)hash);
    dc_meta_put(out->meta, "input_xxh3", DC_META_STR, hex, 16);
    if (!complete) dc_meta_put(out->meta, "input_complete", DC_META_JSON, "false", 5);
}

static int over_bound(const dc_reader *r)
{
    return r->max_doc && r->end - r->start > r->max_doc;
}

/* A plain file over the bound: hash what is buffered and, for a regular
 * uncompressed file, the rest up to its end without keeping it - up to its
 * size when it was opened, so a file that keeps growing cannot hold the
 * run forever. */
static void oversized_text(dc_reader *r, dc_raw_doc *out)
{
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    uint64_t total = r->end - r->start;
    XXH3_64bits_update(h, r->buf + r->start, (size_t)total);
    int complete = r->eof && !r->src_failed;
    if (!r->eof && r->regular && r->comp == DC_COMP_NONE) {
        while (total < r->reg_size) {
            uint64_t want = r->reg_size - total < r->cap - 1 ? r->reg_size - total : r->cap - 1;
            ssize_t got = src_read(r, r->buf, (size_t)want);
            if (got <= 0) break;
            XXH3_64bits_update(h, r->buf, (size_t)got);
            total += (uint64_t)got;
        }
        char probe;
        complete = total == r->reg_size && !r->src_failed && read_fd(r, &probe, 1) == 0;
    }
    uint64_t hash = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    oversized_doc(r, out, dc_xstrdup(r->rel), 0, total, hash, complete);
    r->start = r->end = 0;
    r->done = 1;
}

/* Plain text: the whole file is one document. */
static int next_text(dc_reader *r, dc_raw_doc *out)
{
    size_t hint = r->comp == DC_COMP_NONE && r->size_hint ? (size_t)r->size_hint : 0;
    if (r->max_doc && hint > r->max_doc) hint = (size_t)r->max_doc + 1; /* do not preallocate 1 GiB */
    r->buf = dc_xmalloc(hint + READ_CHUNK + 1);
    r->cap = hint + READ_CHUNK + 1;
    while (!r->eof && !over_bound(r)) fill(r);
    if (over_bound(r)) {
        oversized_text(r, out);
        return 1;
    }
    if (r->src_failed) {
        error_doc(r, out, dc_xstrdup(r->rel), 0);
        return 1;
    }
    raw_doc_init(r, out, dc_xstrdup(r->rel), 0);
    out->len = r->end;
    out->bytes = dc_xrealloc(r->buf, r->end + 1); /* hand the buffer over */
    out->bytes[out->len] = '\0';
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
    r->done = 1;
    return 1;
}

/*
 * Fields.  Every member of the record but the text is kept as an input
 * entry of the document's metadata: strings decoded (what plugins read
 * through meta_get), everything else as JSON text, and the member's exact
 * bytes in `raw`, which is what the writer puts back.  The text member is
 * kept as a slot (its key, so the output writes the cleaned text under the
 * same name).  The document id is the "id" field when it is a string
 * without NUL or an integer (its digits as written); for any other id (a
 * real, object, array, bool, null, or a string holding \u0000) the id is
 * REL:LINE and the field itself is still copied verbatim.
 */

/* The jansson path has no raw bytes: values are re-encoded (same value). */
static void put_meta_value(dc_meta *m, const char *key, json_t *v, unsigned flags)
{
    if (json_is_string(v)) {
        dc_meta_put_input(m, key, DC_META_STR, json_string_value(v), json_string_length(v), NULL,
                          0, flags);
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        dc_meta_put_input(m, key, DC_META_JSON, s ? s : "null", s ? strlen(s) : 4, NULL, 0, flags);
        free(s);
    }
}

/* The "id" field as a document id, or NULL when it is not usable. */
static char *id_from_json(json_t *id)
{
    char tmp[64];
    if (json_is_string(id) && !memchr(json_string_value(id), 0, json_string_length(id)))
        return dc_xstrdup(json_string_value(id));
    if (json_is_integer(id)) {
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        return dc_xstrdup(tmp);
    }
    return NULL;
}

static void reject_line(dc_reader *r, dc_raw_doc *out, const char *p, size_t n,
                        const char *reason)
{
    raw_doc_init(r, out, line_id(r, r->line), r->line);
    out->bytes = dc_xstrndup(p, n);
    out->len = n;
    out->reject_reason = dc_xstrdup(reason);
}

/* The slow path: jansson parses the line (and words every error). */
static void parse_jansson(dc_reader *r, dc_raw_doc *out, const char *p, size_t n)
{
    json_error_t jerr;
    char reason[400];
    json_t *root = json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!root) {
        snprintf(reason, sizeof reason, "invalid JSON at line %" PRIu64 ": %s", r->line, jerr.text);
        reject_line(r, out, p, n, reason);
        return;
    }
    json_t *text = json_is_object(root) ? json_object_get(root, r->text_field) : NULL;
    if (!json_is_object(root)) {
        snprintf(reason, sizeof reason, "line %" PRIu64 " is not a JSON object", r->line);
    } else if (!text) {
        snprintf(reason, sizeof reason, "missing text field \"%.100s\" at line %" PRIu64,
                 r->text_field, r->line);
    } else if (!json_is_string(text)) {
        snprintf(reason, sizeof reason, "text field \"%.100s\" is not a string at line %" PRIu64,
                 r->text_field, r->line);
    } else {
        char *id = id_from_json(json_object_get(root, "id"));
        raw_doc_init(r, out, id ? id : line_id(r, r->line), r->line);
        out->len = json_string_length(text);
        out->bytes = dc_xstrndup(json_string_value(text), out->len);
        out->is_utf8_json = 1;
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (v == text) dc_meta_put_input(out->meta, key, DC_META_STR, "", 0, NULL, 0, DC_META_F_TEXTSLOT);
            else put_meta_value(out->meta, key, v, 0);
        }
        json_decref(root);
        return;
    }
    json_decref(root);
    reject_line(r, out, p, n, reason);
}

static const char *jm_key(const dc_jscan *js, const dc_jmember *m, const char *line)
{
    return m->key_scratch ? js->scratch.data + m->koff : line + m->koff;
}

static const char *jm_val(const dc_jscan *js, const dc_jmember *m, const char *line)
{
    return m->val_scratch ? js->scratch.data + m->voff : line + m->voff;
}

static int jm_is(const dc_jscan *js, const dc_jmember *m, const char *line, const char *key)
{
    size_t k = strlen(key);
    return m->klen == k && memcmp(jm_key(js, m, line), key, k) == 0;
}

static int jm_same_key(const dc_jscan *js, const dc_jmember *a, const dc_jmember *b, const char *line)
{
    return a->klen == b->klen && memcmp(jm_key(js, a, line), jm_key(js, b, line), a->klen) == 0;
}

/* The fast path (json.c's scanner): same document as parse_jansson for the
 * records jansson accepts, but every field keeps its bytes; -1 sends the
 * line to parse_jansson. */
static int parse_fast(dc_reader *r, dc_raw_doc *out, const char *p, size_t n)
{
    dc_jscan *js = &r->scan;
    if (dc_jsonl_scan(p, n, js) != 0) return -1;
    const dc_jmember *text = NULL, *id = NULL;
    for (size_t i = 0; i < js->n; i++) {
        const dc_jmember *m = &js->v[i];
        for (size_t k = 0; k < i; k++)
            if (jm_same_key(js, &js->v[k], m, p)) {
                /* jansson would keep the last value and lose the others:
                 * reject the record whole instead (nothing lost). */
                char reason[400];
                snprintf(reason, sizeof reason, "duplicate key \"%.*s\" at line %" PRIu64
                         " (a record's fields must be unique)", (int)(m->klen < 100 ? m->klen : 100),
                         jm_key(js, m, p), r->line);
                reject_line(r, out, p, n, reason);
                return 0;
            }
        if (jm_is(js, m, p, r->text_field)) text = m;
        else if (jm_is(js, m, p, "id")) id = m;
    }
    if (!text || text->kind != 's') return -1; /* jansson words the error */
    const char *idv = id ? jm_val(js, id, p) : NULL;
    char *idstr = NULL;
    if (id && ((id->kind == 's' && !memchr(idv, 0, id->vlen)) || id->kind == 'i'))
        idstr = dc_xstrndup(idv, id->vlen);
    raw_doc_init(r, out, idstr ? idstr : line_id(r, r->line), r->line);
    out->len = text->vlen;
    out->bytes = dc_xstrndup(jm_val(js, text, p), text->vlen);
    out->is_utf8_json = 1;
    for (size_t i = 0; i < js->n; i++) {
        const dc_jmember *m = &js->v[i];
        char *key = dc_xstrndup(jm_key(js, m, p), m->klen);
        const char *v = jm_val(js, m, p);
        if (m == text) /* only its name: the text itself is the document's */
            dc_meta_put_input(out->meta, key, DC_META_STR, "", 0, NULL, 0, DC_META_F_TEXTSLOT);
        else
            dc_meta_put_input(out->meta, key, m->kind == 's' ? DC_META_STR : DC_META_JSON, v,
                              m->vlen, p + m->moff, m->mlen, 0);
        free(key);
    }
    return 0;
}

/* Turn one JSONL line into a document (always produces one). */
static void parse_line(dc_reader *r, dc_raw_doc *out, const char *p, size_t n)
{
    if (parse_fast(r, out, p, n) != 0) parse_jansson(r, out, p, n);
}

/* For tests: parse one line with the fast path (fast = 1; returns -1 when
 * it declines) or with jansson (fast = 0). */
int dc_reader_parse_line_for_test(const char *text_field, const char *p, size_t n, int fast,
                                  dc_raw_doc *out);
int dc_reader_parse_line_for_test(const char *text_field, const char *p, size_t n, int fast,
                                  dc_raw_doc *out)
{
    dc_reader r;
    memset(&r, 0, sizeof r);
    r.source = "test";
    r.rel = "test";
    r.text_field = (char *)text_field;
    r.line = 1;
    int rc = 0;
    if (fast) rc = parse_fast(&r, out, p, n);
    else parse_jansson(&r, out, p, n);
    dc_jscan_free(&r.scan);
    return rc;
}

void dc_raw_doc_parse(dc_raw_doc *d, const char *text_field)
{
    if (!d->needs_parse) return;
    /* d->id is the default id "REL:LINE"; the parser rebuilds it from REL. */
    char *colon = strrchr(d->id, ':');
    char *rel = dc_xstrndup(d->id, colon ? (size_t)(colon - d->id) : strlen(d->id));
    dc_reader r;
    memset(&r, 0, sizeof r);
    r.source = d->source;
    r.rel = rel;
    r.text_field = (char *)(text_field ? text_field : "text");
    r.line = d->line;
    dc_raw_doc parsed;
    parse_line(&r, &parsed, d->bytes, d->len);
    dc_jscan_free(&r.scan);
    free(rel);
    dc_raw_doc_free(d);
    *d = parsed;
}

static int blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r') return 0;
    return 1;
}

/* JSONL: the line at r->start is longer than max_doc_bytes and not yet
 * complete.  Read on to its newline through a hash, discarding as we go.
 * 1: a reject in *out; 0: the line belongs to the next range; -1: the line
 * was the tail of the previous range's last line (skipped). */
static int long_line(dc_reader *r, dc_raw_doc *out)
{
    if (r->range_end && r->abs_base + r->start >= r->range_end) {
        r->done = 1;
        return 0;
    }
    r->line++;
    int ours = !r->skip_partial;
    r->skip_partial = 0;
    XXH3_state_t *h = XXH3_createState();
    XXH3_64bits_reset(h);
    uint64_t total = 0;
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
        XXH3_64bits_update(h, r->buf + r->start, n);
        total += n;
        r->start += n;
        if (nl) {
            r->start++;
            break;
        }
        if (r->eof) break;
        r->abs_base += r->end; /* drop what is hashed: memory stays bounded */
        r->start = r->end = 0;
        fill(r);
    }
    uint64_t hash = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    if (!ours) return -1;
    oversized_doc(r, out, line_id(r, r->line), r->line, total, hash, !r->src_failed);
    return 1;
}

/* JSONL: the next non-blank line, or the stream error document. */
static int next_jsonl(dc_reader *r, dc_raw_doc *out)
{
    size_t scan = r->start;
    for (;;) {
        char *nl = r->end > scan ? memchr(r->buf + scan, '\n', r->end - scan) : NULL;
        size_t lstart = r->start, lend;
        if (nl) {
            lend = (size_t)(nl - r->buf);
            r->start = scan = lend + 1;
        } else if (!r->eof) {
            if (over_bound(r)) {
                int lr = long_line(r, out);
                if (lr >= 0) return lr;
                scan = r->start;
                continue;
            }
            size_t seen = r->end - r->start;
            fill(r);
            scan = r->start + seen; /* fill() may have moved the data */
            continue;
        } else if (r->src_failed) {
            error_doc(r, out, line_id(r, r->line + 1), r->line + 1);
            return 1;
        } else if (r->start < r->end) {
            lend = r->end; /* last line without a newline */
            r->start = scan = r->end;
        } else {
            r->done = 1;
            return 0;
        }
        if (r->range_end && r->abs_base + lstart >= r->range_end) { /* the next chunk's line */
            r->done = 1;
            return 0;
        }
        r->line++;
        if (r->skip_partial) { /* the tail of the previous chunk's last line */
            r->skip_partial = 0;
            continue;
        }
        const char *p = r->buf + lstart;
        size_t n = lend - lstart;
        if (n && p[n - 1] == '\r') n--;
        if (r->line == 1 && n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) p += 3, n -= 3;
        if (r->max_doc && n > r->max_doc) {
            oversized_doc(r, out, line_id(r, r->line), r->line, n, XXH3_64bits(p, n), 1);
            return 1;
        }
        if (blank(p, n)) continue;
        if (r->defer_parse) {
            raw_doc_init(r, out, line_id(r, r->line), r->line);
            out->bytes = dc_xstrndup(p, n);
            out->len = n;
            out->needs_parse = 1;
            return 1;
        }
        parse_line(r, out, p, n);
        return 1;
    }
}

int dc_reader_next(dc_reader *r, dc_raw_doc *out)
{
    if (r->done) return 0;
    return r->fmt == DC_FMT_JSONL ? next_jsonl(r, out) : next_text(r, out);
}

/* ---------------- what was read ---------------- */

/* Hash from the first byte; a file to be continued (resume_offset) has
 * its first resume_offset bytes hashed here, and is continued there only
 * if they are still the bytes recorded: otherwise it is read whole.  This
 * runs before any decoder is set up, so gzip and zstd start at the offset
 * too (a new member / frame: the previous read ended at the stream's end). */
static int start_tracking(dc_reader *r, const dc_input_file *f, char *err, size_t errlen)
{
    if (fstat(r->fd, &r->st_open) != 0) {
        snprintf(err, errlen, "cannot open %s: fstat: %s", f->path, strerror(errno));
        return -1;
    }
    r->hash = XXH3_createState();
    XXH3_128bits_reset(r->hash);
    if (!f->resume_offset || f->resume_offset > (uint64_t)r->st_open.st_size ||
        r->fmt != DC_FMT_JSONL)
        return 0;
    char *b = dc_xmalloc(READ_CHUNK);
    uint64_t off = 0;
    while (off < f->resume_offset) {
        size_t want = f->resume_offset - off < READ_CHUNK ? (size_t)(f->resume_offset - off) : READ_CHUNK;
        ssize_t got = pread(r->fd, b, want, (off_t)off);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        XXH3_128bits_update(r->hash, b, (size_t)got);
        off += (uint64_t)got;
    }
    free(b);
    XXH128_hash_t h = XXH3_128bits_digest(r->hash);
    char hex[33];
    snprintf(hex, sizeof hex, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    if (off == f->resume_offset && !strcmp(hex, f->resume_hash) &&
        lseek(r->fd, (off_t)off, SEEK_SET) == (off_t)off) {
        r->hashed = off;
        r->line = f->resume_line;
        r->resumed = 1;
    } else { /* not the file that was read: all of it */
        XXH3_128bits_reset(r->hash);
    }
    return 0;
}

/* Feed the rest of the descriptor (from `off`, or from the current offset
 * when off < 0) to the hash: what the document layer did not need (a
 * corrupt stream's tail) is still part of the file the ledger describes. */
static int hash_rest(dc_reader *r, off_t off)
{
    char *b = dc_xmalloc(READ_CHUNK);
    int rc = 0;
    for (;;) {
        ssize_t got = off < 0 ? read(r->fd, b, READ_CHUNK) : pread(r->fd, b, READ_CHUNK, off);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            r->io_failed = 1;
            snprintf(r->srcerr, sizeof r->srcerr, "read error: %s", strerror(errno));
            rc = -1;
            break;
        }
        if (got == 0) break;
        XXH3_128bits_update(r->hash, b, (size_t)got);
        r->hashed += (uint64_t)got;
        if (off >= 0) off += got;
    }
    free(b);
    return rc;
}

static int same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int dc_reader_fingerprint(dc_reader *r, dc_read_fingerprint *fp)
{
    memset(fp, 0, sizeof *fp);
    if (!r->hash) {
        snprintf(fp->why, sizeof fp->why, "not tracked");
        return -1;
    }
    fp->resumed = r->resumed;
    fp->lines = r->line;
    fp->resumable = r->fmt == DC_FMT_JSONL && r->last_byte == '\n';
    if (!r->io_failed) hash_rest(r, -1);
    if (r->io_failed) {
        snprintf(fp->why, sizeof fp->why, "%s", r->srcerr);
        return -1;
    }
    struct stat now;
    if (fstat(r->fd, &now) != 0) {
        snprintf(fp->why, sizeof fp->why, "fstat: %s", strerror(errno));
        return -1;
    }
    fp->complete = 1;
    fp->size = r->hashed;
    fp->dev = (uint64_t)now.st_dev;
    fp->ino = (uint64_t)now.st_ino;
    fp->mtime_ns = (int64_t)now.st_mtim.tv_sec * 1000000000 + now.st_mtim.tv_nsec;
    XXH128_hash_t h = XXH3_128bits_digest(r->hash);
    snprintf(fp->hash, sizeof fp->hash, "%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
    /* The bytes read are one version of the file only if nothing wrote to
     * it from open to the end of reading: same size and modification time,
     * and every byte it has now went through the hash. */
    if (now.st_size != r->st_open.st_size || !same_time(&now.st_mtim, &r->st_open.st_mtim) ||
        (uint64_t)now.st_size != r->hashed) {
        fp->changed = 1;
        snprintf(fp->why, sizeof fp->why,
                 "changed while it was read (size %lld -> %lld, %llu bytes read, mtime %s)",
                 (long long)r->st_open.st_size, (long long)now.st_size,
                 (unsigned long long)r->hashed,
                 same_time(&now.st_mtim, &r->st_open.st_mtim) ? "unchanged" : "changed");
    }
    return 0;
}

/* Progress of a compressed input: the compressed bytes consumed so far (the
 * file offset: gzip and zstd are both read from this descriptor), -1 for an
 * uncompressed one (its caller counts what it got) or stdin. */
int64_t dc_reader_compressed_pos(const dc_reader *r)
{
    if (r->comp == DC_COMP_NONE || r->fd == 0) return -1;
    off_t o = lseek(r->fd, 0, SEEK_CUR);
    return o < 0 ? -1 : (int64_t)o;
}
