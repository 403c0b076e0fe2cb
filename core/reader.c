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
 * complete document.  Lines can be hundreds of megabytes: the line buffer
 * grows as needed and lines are parsed in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
    gzFile gz;
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
        if (got >= 0) return got;
        if (errno == EINTR) continue;
        src_fail(r, "read error: %s", strerror(errno));
        return -1;
    }
}

static ssize_t read_gzip(dc_reader *r, char *dst, size_t n)
{
    if (n > (1u << 30)) n = 1u << 30;
    int got = gzread(r->gz, dst, (unsigned)n);
    int errnum = Z_OK;
    const char *msg = gzerror(r->gz, &errnum);
    if (got < 0 || (got == 0 && errnum != Z_OK)) {
        if (errnum == Z_ERRNO) msg = strerror(errno);
        src_fail(r, "truncated or corrupt gzip stream: %s", msg);
        return -1;
    }
    return got;
}

static ssize_t read_zstd(dc_reader *r, char *dst, size_t n)
{
    for (;;) {
        if (r->zib.pos == r->zib.size && !r->zeof) {
            ssize_t got = read_fd(r, r->zin, ZSTD_DStreamInSize());
            if (got < 0) return -1;
            if (got == 0) r->zeof = 1;
            r->zib.src = r->zin;
            r->zib.size = (size_t)got;
            r->zib.pos = 0;
        }
        if (r->zeof && r->zib.pos == r->zib.size && r->zlast == 0) return 0; /* frame done */
        ZSTD_outBuffer ob = {dst, n, 0};
        size_t ret = ZSTD_decompressStream(r->zd, &ob, &r->zib);
        if (ZSTD_isError(ret)) {
            src_fail(r, "truncated or corrupt zstd stream: %s", ZSTD_getErrorName(ret));
            return -1;
        }
        r->zlast = ret;
        if (ob.pos) return (ssize_t)ob.pos;
        if (r->zeof && r->zib.pos == r->zib.size) {
            if (r->zlast != 0) {
                src_fail(r, "truncated or corrupt zstd stream: %s", "unexpected end of file");
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
    r->source = dc_xstrdup(f->path);
    r->rel = dc_xstrdup(f->rel ? f->rel : f->path);
    r->text_field = dc_xstrdup(opts && opts->text_field ? opts->text_field : "text");
    r->defer_parse = opts && opts->defer_parse;
    r->size_hint = f->size;

    if (r->comp == DC_COMP_GZIP) {
        /* gzdopen owns the descriptor it is given; keep ours for close(). */
        int gfd = dup(fd);
        r->gz = gfd >= 0 ? gzdopen(gfd, "rb") : NULL;
        if (!r->gz) {
            snprintf(err, errlen, "cannot open %s: gzip: %s", f->path, strerror(errno));
            if (gfd >= 0) close(gfd);
            dc_reader_close(r);
            return NULL;
        }
        gzbuffer(r->gz, 256 * 1024);
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
    if (r->gz) gzclose(r->gz);
    if (r->zd) ZSTD_freeDCtx(r->zd);
    free(r->zin);
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

/* Plain text: the whole file is one document. */
static int next_text(dc_reader *r, dc_raw_doc *out)
{
    size_t hint = r->comp == DC_COMP_NONE && r->size_hint ? (size_t)r->size_hint : 0;
    r->buf = dc_xmalloc(hint + READ_CHUNK + 1);
    r->cap = hint + READ_CHUNK + 1;
    while (!r->eof) fill(r);
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

/* A JSON number as short text that reads back to the same double. */
static void put_real(dc_meta *m, const char *key, double v)
{
    char tmp[40];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp - 2, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    if (!strpbrk(tmp, ".eEn")) { /* keep it a real: 3 → 3.0 */
        memcpy(tmp + n, ".0", 3);
        n += 2;
    }
    dc_meta_put(m, key, DC_META_JSON, tmp, (size_t)n);
}

static void put_meta_value(dc_meta *m, const char *key, json_t *v)
{
    if (json_is_string(v)) {
        dc_meta_put(m, key, DC_META_STR, json_string_value(v), json_string_length(v));
    } else if (json_is_real(v)) {
        put_real(m, key, json_real_value(v));
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        if (s) dc_meta_put(m, key, DC_META_JSON, s, strlen(s));
        free(s);
    }
}

/* The "id" field as a document id, or NULL when it is not usable. */
static char *id_from_json(json_t *id)
{
    char tmp[64];
    if (json_is_string(id)) return dc_xstrdup(json_string_value(id));
    if (json_is_integer(id)) {
        snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        return dc_xstrdup(tmp);
    }
    if (json_is_real(id)) {
        snprintf(tmp, sizeof tmp, "%.17g", json_real_value(id));
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
            if (v == text || (id && strcmp(key, "id") == 0)) continue;
            put_meta_value(out->meta, key, v);
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

/* The fast path (json.c's scanner): same result as parse_jansson for the
 * records it accepts; -1 sends the line to parse_jansson. */
static int parse_fast(dc_reader *r, dc_raw_doc *out, const char *p, size_t n)
{
    dc_jscan *js = &r->scan;
    if (dc_jsonl_scan(p, n, js) != 0) return -1;
    const dc_jmember *text = NULL, *id = NULL;
    for (size_t i = 0; i < js->n; i++) {
        const dc_jmember *m = &js->v[i];
        if (jm_is(js, m, p, r->text_field)) {
            if (text) return -1; /* duplicate: let jansson pick */
            text = m;
        } else if (jm_is(js, m, p, "id")) {
            if (id) return -1;
            id = m;
        } else if (m->kind == 'r' && !isfinite(strtod(jm_val(js, m, p), NULL))) {
            return -1; /* jansson rejects overflowing reals */
        }
    }
    if (!text || text->kind != 's') return -1;
    if (id && id->kind == 'r') return -1;
    if (id && id->kind != 's' && id->kind != 'i') id = NULL; /* unusable: stays in meta */

    char *idstr = NULL;
    if (id) {
        const char *v = jm_val(js, id, p);
        idstr = dc_xstrndup(v, id->kind == 's' ? strnlen(v, id->vlen) : id->vlen);
    }
    raw_doc_init(r, out, idstr ? idstr : line_id(r, r->line), r->line);
    out->len = text->vlen;
    out->bytes = dc_xstrndup(jm_val(js, text, p), text->vlen);
    out->is_utf8_json = 1;
    for (size_t i = 0; i < js->n; i++) {
        const dc_jmember *m = &js->v[i];
        if (m == text || m == id) continue;
        char *key = dc_xstrndup(jm_key(js, m, p), m->klen);
        const char *v = jm_val(js, m, p);
        if (m->kind == 's') dc_meta_put(out->meta, key, DC_META_STR, v, m->vlen);
        else if (m->kind == 'r') put_real(out->meta, key, strtod(v, NULL));
        else dc_meta_put(out->meta, key, DC_META_JSON, v, m->vlen);
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

/* Progress of a compressed input: the compressed bytes consumed so far (the
 * file offset; gzip reads through a dup of the same descriptor), -1 for an
 * uncompressed one (its caller counts what it got) or stdin. */
int64_t dc_reader_compressed_pos(const dc_reader *r)
{
    if (r->comp == DC_COMP_NONE || r->fd == 0) return -1;
    off_t o = lseek(r->fd, 0, SEEK_CUR);
    return o < 0 ? -1 : (int64_t)o;
}
