/*
 * writer.c - atomic output writers: JSONL, plain text, or a directory of
 * .txt files, optionally compressed by extension (.gz zlib, .zst zstd).
 *
 * Atomicity: everything is written under "<dir>/.<name>.tmp.<pid>" in the
 * destination's own directory (so the final rename cannot cross file
 * systems).  Commit flushes, fsyncs, renames onto the final name and fsyncs
 * the directory, so a reader sees either the previous file or the complete
 * new one, never a torn file - also after a crash.  Abort removes the
 * temporary.  "-" writes to stdout directly (nothing to rename).
 *
 * Records are built in one memory buffer (escaping with dc_json_escape) and
 * handed to the file / compressor once it passes FLUSH_AT bytes.
 */
#define _GNU_SOURCE /* syncfs, nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <xxhash.h>

#include "atomic.h"
#include "buf.h"
#include "io.h"
#include "json_scan.h"

#define FLUSH_AT (1u << 20)

struct dc_writer {
    dc_out_format fmt;
    dc_compress comp;
    char *final_path; /* file or (textdir) directory */
    char *tmp_path;   /* NULL for stdout */
    int fd;
    gzFile gz;
    ZSTD_CCtx *zc;
    char *zout;
    size_t zout_cap;
    dc_buf out;       /* pending uncompressed bytes */
    uint64_t bytes;
    uint64_t ndocs;
    int failed;
    char err[512];
    /* textdir: paths used so far (see td_next_slot) */
    uint64_t *td_keys;
    unsigned *td_vals;
    size_t td_n, td_cap;
};

static void fail(dc_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(dc_writer *w, const char *fmt, ...)
{
    if (w->failed) return; /* keep the first error: it is the cause */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    w->failed = 1;
}

/* ---------------- low-level output ---------------- */

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Feed n bytes to zstd; `end` finishes the frame. */
static int zstd_feed(dc_writer *w, const char *p, size_t n, int end)
{
    ZSTD_inBuffer in = {p, n, 0};
    ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
    for (;;) {
        ZSTD_outBuffer ob = {w->zout, w->zout_cap, 0};
        size_t left = ZSTD_compressStream2(w->zc, &ob, &in, mode);
        if (ZSTD_isError(left)) {
            fail(w, "%s: zstd: %s", w->final_path, ZSTD_getErrorName(left));
            return -1;
        }
        if (ob.pos && write_all(w->fd, w->zout, ob.pos) < 0) {
            fail(w, "%s: write: %s", w->final_path, strerror(errno));
            return -1;
        }
        if (end ? left == 0 : in.pos == in.size) return 0;
    }
}

static int gzip_feed(dc_writer *w, const char *p, size_t n)
{
    while (n) {
        unsigned k = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        if (gzwrite(w->gz, p, k) != (int)k) {
            int errnum;
            const char *msg = gzerror(w->gz, &errnum);
            fail(w, "%s: gzip write: %s", w->final_path,
                 errnum == Z_ERRNO ? strerror(errno) : msg);
            return -1;
        }
        p += k;
        n -= k;
    }
    return 0;
}

/* Hand the pending buffer to the file or the compressor. */
static int flush_out(dc_writer *w)
{
    int rc = 0;
    if (w->failed) return -1;
    if (w->out.len) {
        if (w->comp == DC_COMP_GZIP) rc = gzip_feed(w, w->out.data, w->out.len);
        else if (w->comp == DC_COMP_ZSTD) rc = zstd_feed(w, w->out.data, w->out.len, 0);
        else if (write_all(w->fd, w->out.data, w->out.len) < 0) {
            fail(w, "%s: write: %s", w->final_path, strerror(errno));
            rc = -1;
        }
    }
    w->out.len = 0;
    return rc;
}

static int maybe_flush(dc_writer *w)
{
    return w->out.len >= FLUSH_AT ? flush_out(w) : (w->failed ? -1 : 0);
}

/* ---------------- paths ---------------- */

/* "<dir>/.<name>.tmp.<pid>" next to path. */
static char *temp_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    dc_buf b = {0};
    dc_buf_append(&b, path, dirlen);
    dc_buf_printf(&b, ".%s.tmp.%ld", path + dirlen, (long)getpid());
    return dc_buf_take(&b, NULL);
}

/* Temporaries "<dir>/.<name>.tmp.<pid>" of this same output left by a run
 * that was killed (its pid no longer exists): nothing else will ever
 * remove them.  Only this output's own temporaries are touched. */
static void remove_stale_temps(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? dc_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : dc_xstrdup(".");
    const char *name = slash ? slash + 1 : path;
    dc_buf prefix = {0};
    dc_buf_printf(&prefix, ".%s.tmp.", name);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix.data, prefix.len) != 0) continue;
        char *end = NULL;
        long pid = strtol(e->d_name + prefix.len, &end, 10);
        if (pid <= 0 || *end || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* still running */
        dc_buf p = {0};
        dc_buf_printf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p.data, &st) == 0 && S_ISREG(st.st_mode)) unlink(p.data);
        dc_buf_free(&p);
    }
    if (d) closedir(d);
    dc_buf_free(&prefix);
    free(dir);
}

static int mkdir_p(char *path)
{
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int rc = mkdir(path, 0777);
        *p = '/';
        if (rc != 0 && errno != EEXIST) return -1;
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return -1;
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(p);
    return 0;
}

static void rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---------------- open ---------------- */

static dc_compress compress_of(const char *path)
{
    size_t n = strlen(path);
    if (n >= 3 && !strcasecmp(path + n - 3, ".gz")) return DC_COMP_GZIP;
    if (n >= 4 && !strcasecmp(path + n - 4, ".zst")) return DC_COMP_ZSTD;
    return DC_COMP_NONE;
}

static int open_compressor(dc_writer *w, char *err, size_t errlen)
{
    if (w->comp == DC_COMP_GZIP) {
        int gfd = dup(w->fd); /* gzclose closes its descriptor; we still fsync ours */
        w->gz = gfd >= 0 ? gzdopen(gfd, "wb6") : NULL;
        if (!w->gz) {
            if (gfd >= 0) close(gfd);
            snprintf(err, errlen, "%s: cannot start gzip stream", w->final_path);
            return -1;
        }
        gzbuffer(w->gz, 256 * 1024);
    } else if (w->comp == DC_COMP_ZSTD) {
        w->zc = ZSTD_createCCtx();
        if (!w->zc) {
            snprintf(err, errlen, "%s: cannot create zstd context", w->final_path);
            return -1;
        }
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, 3);
        ZSTD_CCtx_setParameter(w->zc, ZSTD_c_nbWorkers, 0);
        w->zout_cap = ZSTD_CStreamOutSize();
        w->zout = dc_xmalloc(w->zout_cap);
    }
    return 0;
}

static void writer_free(dc_writer *w)
{
    if (w->gz) gzclose(w->gz);
    if (w->zc) ZSTD_freeCCtx(w->zc);
    if (w->fd > 1) close(w->fd);
    free(w->zout);
    free(w->td_keys);
    free(w->td_vals);
    free(w->final_path);
    free(w->tmp_path);
    dc_buf_free(&w->out);
    free(w);
}

dc_writer *dc_writer_open(const char *path, dc_out_format fmt, char *err, size_t errlen)
{
    dc_writer *w = dc_xcalloc(1, sizeof *w);
    w->fmt = fmt;
    w->fd = -1;
    w->final_path = dc_xstrdup(path);
    int is_stdout = !strcmp(path, "-");

    if (fmt == DC_OUT_TEXTDIR) {
        if (is_stdout) {
            snprintf(err, errlen, "textdir output needs a directory, not stdout");
            writer_free(w);
            return NULL;
        }
        size_t n = strlen(w->final_path);
        while (n > 1 && w->final_path[n - 1] == '/') w->final_path[--n] = '\0';
        w->tmp_path = temp_name(w->final_path);
        rm_tree(w->tmp_path); /* leftover of a crashed run with our pid */
        if (mkdir_p(w->tmp_path) != 0) {
            snprintf(err, errlen, "%s: cannot create directory: %s", w->tmp_path, strerror(errno));
            writer_free(w);
            return NULL;
        }
        return w;
    }
    if (is_stdout) {
        w->fd = 1;
        w->comp = DC_COMP_NONE;
        return w;
    }
    w->comp = compress_of(path);
    if (dc_is_special_file(path)) {
        /* /dev/null, a FIFO, a terminal: nothing to rename into place. */
        w->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (w->fd < 0 || open_compressor(w, err, errlen) != 0) {
            if (w->fd < 0) snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
            writer_free(w);
            return NULL;
        }
        return w;
    }
    w->tmp_path = temp_name(path);
    remove_stale_temps(path);
    w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (w->fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", w->tmp_path, strerror(errno));
        writer_free(w);
        return NULL;
    }
    if (open_compressor(w, err, errlen) != 0) {
        unlink(w->tmp_path);
        writer_free(w);
        return NULL;
    }
    return w;
}

/* ---------------- records ---------------- */

static int skip_key(const char *key, const char *const *skip)
{
    for (; *skip; skip++)
        if (!strcmp(key, *skip)) return 1;
    return 0;
}

static void put_key(dc_buf *b, const char *key)
{
    dc_buf_putc(b, ',');
    dc_json_escape(b, key, strlen(key));
    dc_buf_putc(b, ':');
}

/* One value of docclean's own metadata. */
static void put_value(dc_buf *b, const dc_meta_entry *e)
{
    if (e->type == DC_META_STR) dc_json_escape(b, e->val, e->len);
    else if (e->len) dc_buf_append(b, e->val, e->len);
    else dc_buf_puts(b, "null"); /* never write an empty value */
}

/* Docclean's own entries (plugins, the detected encoding), skipping keys
 * the record already has at this level.  want_clash: 0 = only keys no
 * input field has, 1 = only keys an input field has, -1 = all. */
static void put_meta(dc_buf *b, const dc_meta *m, const char *const *skip, int want_clash)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        const dc_meta_entry *e = &m->v[i];
        if ((e->flags & DC_META_F_INPUT) || skip_key(e->key, skip)) continue;
        if (want_clash >= 0 && (dc_meta_find_input(m, e->key) != NULL) != want_clash) continue;
        put_key(b, e->key);
        put_value(b, e);
    }
}

/* An input field: its own bytes when the reader kept them. */
static void put_input_member(dc_buf *b, const dc_meta_entry *e, int comma)
{
    if (comma) dc_buf_putc(b, ',');
    if (e->raw) {
        dc_buf_append(b, e->raw, e->raw_len);
        return;
    }
    dc_json_escape(b, e->key, strlen(e->key));
    dc_buf_putc(b, ':');
    put_value(b, e);
}

/* The input fields but the text and `except`, in input order; `first`:
 * the first one opens an object (no comma before it). */
static void put_input_fields(dc_buf *b, const dc_meta *m, const dc_meta_entry *except, int first)
{
    for (size_t i = 0; m && i < m->n; i++) {
        const dc_meta_entry *e = &m->v[i];
        if (!(e->flags & DC_META_F_INPUT) || (e->flags & DC_META_F_TEXTSLOT) || e == except) continue;
        put_input_member(b, e, !first);
        first = 0;
    }
}

static int has_input_fields(const dc_meta *m)
{
    for (size_t i = 0; m && i < m->n; i++)
        if ((m->v[i].flags & DC_META_F_INPUT) && !(m->v[i].flags & DC_META_F_TEXTSLOT)) return 1;
    return 0;
}

/* The input value of the id field, written as it was read. */
static void put_input_value(dc_buf *b, const dc_meta_entry *e)
{
    if (e->raw) { /* the value is the member's tail after the colon */
        const char *c = e->raw + 1; /* skip the key: a string, then ':' */
        const char *end = e->raw + e->raw_len;
        while (c < end && *c != '"') c += *c == '\\' ? 2 : 1;
        c++;
        while (c < end && *c != ':') c++;
        c++;
        while (c < end && (*c == ' ' || *c == '\t' || *c == '\r' || *c == '\n')) c++;
        dc_buf_append(b, c, (size_t)(end - c));
        return;
    }
    put_value(b, e);
}

/* Was the input id field used as the document id as it is? */
static int id_is_input(const dc_meta_entry *e, const char *id)
{
    return e && strlen(id) == e->len && !memcmp(e->val, id, e->len);
}

/* The key of docclean's own object: "docclean", or with '_' appended until
 * no input field has that name, so it can never overwrite one. */
static void put_own_key(dc_buf *b, const dc_meta *m)
{
    char key[64] = "docclean";
    for (size_t n = 8; n < sizeof key - 1 && m && dc_meta_find_input(m, key); n++) {
        key[n] = '_';
        key[n + 1] = '\0';
    }
    put_key(b, key);
}

/* Rejects: docclean's report first, the record's own fields under "fields". */
static void put_head(dc_buf *b, const dc_doc *doc)
{
    const char *id = doc->id ? doc->id : "";
    const char *src = doc->source ? doc->source : "";
    dc_buf_puts(b, "{\"id\":");
    dc_json_escape(b, id, strlen(id));
    put_key(b, "source");
    dc_json_escape(b, src, strlen(src));
    if (doc->source_line > 0) dc_buf_printf(b, ",\"line\":%" PRIu64, doc->source_line);
}

/* Kept documents: the input record with its text cleaned (every other field
 * as read), then the metadata stages added (dup_of, encoding, ...) under
 * their own names, then docclean's own object (see put_own_key) with the
 * provenance (source, line, the id used when the input's was not usable)
 * and any stage metadata whose name an input field already has.  So no
 * input field is ever overwritten or dropped. */
void dc_format_jsonl_doc(const dc_doc *doc, dc_buf *b)
{
    static const char *const skip[] = {"source", "line", "id", NULL}; /* provenance names */
    static const char *const top_skip[] = {"id", "text", "docclean", NULL};
    const char *id = doc->id ? doc->id : "";
    const char *src = doc->source ? doc->source : "";
    const dc_meta_entry *in_id = doc->meta ? dc_meta_find_input(doc->meta, "id") : NULL;
    const dc_meta_entry *slot = NULL;
    for (size_t i = 0; doc->meta && i < doc->meta->n && !slot; i++)
        if (doc->meta->v[i].flags & DC_META_F_TEXTSLOT) slot = &doc->meta->v[i];
    dc_buf_puts(b, "{\"id\":");
    if (in_id) put_input_value(b, in_id);
    else dc_json_escape(b, id, strlen(id));
    put_key(b, slot ? slot->key : "text");
    dc_json_escape(b, doc->text ? doc->text : "", doc->text ? doc->len : 0);
    put_input_fields(b, doc->meta, in_id, 0);
    put_meta(b, doc->meta, top_skip, 0);
    put_own_key(b, doc->meta);
    dc_buf_puts(b, "{\"source\":");
    dc_json_escape(b, src, strlen(src));
    if (doc->source_line > 0) dc_buf_printf(b, ",\"line\":%" PRIu64, doc->source_line);
    if (in_id && !id_is_input(in_id, id)) {
        put_key(b, "id");
        dc_json_escape(b, id, strlen(id));
    }
    put_meta(b, doc->meta, skip, 1);
    dc_buf_append(b, "}}\n", 3);
}

static void put_jsonl(dc_writer *w, const dc_doc *doc)
{
    dc_format_jsonl_doc(doc, &w->out);
}

int dc_writer_put_formatted(dc_writer *w, const char *rec, size_t len)
{
    if (w->failed) return -1;
    if (w->fmt != DC_OUT_JSONL) return -1;
    dc_buf_append(&w->out, rec, len);
    w->ndocs++;
    w->bytes += len;
    return maybe_flush(w);
}

dc_out_format dc_writer_format(const dc_writer *w)
{
    return w->fmt;
}

static void put_text(dc_writer *w, const dc_doc *doc)
{
    if (w->ndocs) dc_buf_putc(&w->out, '\n');
    if (doc->len) dc_buf_append(&w->out, doc->text, doc->len);
    if (!doc->len || doc->text[doc->len - 1] != '\n') dc_buf_putc(&w->out, '\n');
}

/* ---------------- textdir ---------------- */

/* The textdir mapping from an id to a relative file path.  It never fails
 * and always gives a safe path, so one awkward id cannot stop a run:
 *   - the id is split at '/'; empty and "." components are dropped (an
 *     absolute id lands inside the output directory);
 *   - in each component '%', control bytes, DEL, bytes that are not valid
 *     UTF-8 and a leading '.' (so ".." and hidden names) become %XX;
 *   - a directory component ending in ".txt" has its final 't' written
 *     %74, and the file name gets ".txt" unless it ends with it: a file can
 *     never be needed where a directory is, or the other way round
 *     (ids "a" then "a.txt/b");
 *   - a component longer than 200 bytes keeps its first 180 bytes plus
 *     "~" and the xxh3 of the whole component; an escaped path longer than
 *     2048 bytes becomes "%long/<xxh3 of the id>.txt" ('%' never comes
 *     from an id, it is always escaped);
 *   - a path already used in this run gets "~2", "~3", ... before ".txt",
 *     in output order, so the names are deterministic. */
#define TD_MAX_COMPONENT 200
#define TD_MAX_PATH 2048

static void td_escape_component(dc_buf *b, const char *p, size_t n, int is_dir)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t start = b->len, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x80) { /* keep complete valid multibyte characters */
            size_t ok = dc_utf8_valid_prefix(p + i, n - i), k = 0;
            while (k < ok && (unsigned char)p[i + k] >= 0x80) k++;
            if (k) {
                dc_buf_append(b, p + i, k);
                i += k;
                continue;
            }
        }
        if (c < 0x20 || c == 0x7f || c == '%' || c >= 0x80 || (c == '.' && i == 0)) {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            dc_buf_append(b, esc, 3);
        } else {
            dc_buf_putc(b, (char)c);
        }
        i++;
    }
    size_t len = b->len - start;
    if (is_dir && len >= 4 && !memcmp(b->data + b->len - 4, ".txt", 4)) {
        b->len--;
        dc_buf_puts(b, "%74");
        len += 2;
    }
    if (len > TD_MAX_COMPONENT) {
        char h[24];
        snprintf(h, sizeof h, "~%016llx", (unsigned long long)XXH3_64bits(b->data + start, len));
        size_t keep = 180;
        while (keep > 0 && ((unsigned char)b->data[start + keep] & 0xc0) == 0x80) keep--; /* UTF-8 */
        if (keep >= 1 && b->data[start + keep - 1] == '%') keep -= 1; /* not inside %XX */
        else if (keep >= 2 && b->data[start + keep - 2] == '%') keep -= 2;
        b->len = start + keep;
        dc_buf_puts(b, h);
    }
}

/* The path (without ".txt" when has_txt is 0) for an id. */
static void textdir_rel(dc_buf *b, const char *id, int *has_txt)
{
    const char *p = id;
    const char *last = NULL;
    for (;;) { /* find the last non-empty, non-"." component: the file name */
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !(n == 1 && p[0] == '.')) last = p;
        if (!e) break;
        p = e + 1;
    }
    for (p = id; last;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && !(n == 1 && p[0] == '.')) {
            if (b->len) dc_buf_putc(b, '/');
            td_escape_component(b, p, n, p != last);
        }
        if (p == last) break;
        p = e + 1;
    }
    if (!b->len) dc_buf_puts(b, "%empty");
    *has_txt = b->len >= 4 && !memcmp(b->data + b->len - 4, ".txt", 4);
    if (b->len > TD_MAX_PATH) {
        b->len = 0;
        dc_buf_printf(b, "%%long/%016llx", (unsigned long long)XXH3_64bits(id, strlen(id)));
        *has_txt = 0;
    }
}

/* Paths handed out in this run: xxh3 of the base path -> next "~k" to
 * try.  Only a hint (O_EXCL decides), it keeps 1,000 equal ids linear. */
static unsigned *td_next_slot(dc_writer *w, uint64_t key)
{
    if (w->td_n * 2 >= w->td_cap) {
        size_t cap = w->td_cap ? w->td_cap * 2 : 1024;
        uint64_t *keys = dc_xcalloc(cap, sizeof *keys);
        unsigned *vals = dc_xcalloc(cap, sizeof *vals);
        for (size_t i = 0; i < w->td_cap; i++) {
            if (!w->td_vals[i]) continue;
            size_t j = w->td_keys[i] & (cap - 1);
            while (vals[j]) j = (j + 1) & (cap - 1);
            keys[j] = w->td_keys[i], vals[j] = w->td_vals[i];
        }
        free(w->td_keys), free(w->td_vals);
        w->td_keys = keys, w->td_vals = vals, w->td_cap = cap;
    }
    size_t j = key & (w->td_cap - 1);
    while (w->td_vals[j] && w->td_keys[j] != key) j = (j + 1) & (w->td_cap - 1);
    if (!w->td_vals[j]) {
        w->td_keys[j] = key;
        w->td_vals[j] = 1;
        w->td_n++;
    }
    return &w->td_vals[j];
}

static int put_textdir(dc_writer *w, const dc_doc *doc)
{
    dc_buf rel = {0}, path = {0};
    int has_txt;
    textdir_rel(&rel, doc->id ? doc->id : "", &has_txt);
    size_t rl = has_txt ? rel.len - 4 : rel.len;
    unsigned *next = td_next_slot(w, XXH3_64bits(rel.data, rl));
    int fd = -1, rc = -1, mk = 0;
    for (unsigned k = *next; fd < 0; k++) {
        path.len = 0;
        dc_buf_printf(&path, "%s/%.*s", w->tmp_path, (int)rl, rel.data);
        if (k > 1) dc_buf_printf(&path, "~%u", k); /* a path used before */
        dc_buf_puts(&path, ".txt");
        char *slash = strrchr(path.data, '/');
        *slash = '\0';
        mk = mkdir_p(path.data);
        *slash = '/';
        if (mk != 0) break;
        fd = open(path.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
        *next = k + 1;
    }
    if (fd < 0) {
        fail(w, "%s: cannot create: %s", path.data, strerror(errno));
    } else if (write_all(fd, doc->text, doc->len) != 0) {
        fail(w, "%s: write: %s", path.data, strerror(errno));
    } else {
        rc = 0;
    }
    if (fd >= 0 && close(fd) != 0 && rc == 0) {
        fail(w, "%s: close: %s", path.data, strerror(errno));
        rc = -1;
    }
    dc_buf_free(&rel);
    dc_buf_free(&path);
    return rc;
}

/* Move the files of the temporary tree into an existing final directory. */
static int merge_tree(dc_writer *w, const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d) {
        fail(w, "%s: %s", from, strerror(errno));
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        dc_buf a = {0}, b = {0};
        dc_buf_printf(&a, "%s/%s", from, de->d_name);
        dc_buf_printf(&b, "%s/%s", to, de->d_name);
        struct stat st;
        if (lstat(a.data, &st) == 0 && S_ISDIR(st.st_mode)) {
            if (mkdir(b.data, 0777) != 0 && errno != EEXIST) {
                fail(w, "%s: cannot create directory: %s", b.data, strerror(errno));
                rc = -1;
            } else {
                rc = merge_tree(w, a.data, b.data);
            }
        } else if (dc_atomic_rename(a.data, b.data) != 0) {
            fail(w, "rename %s -> %s: %s", a.data, b.data, strerror(errno));
            rc = -1;
        }
        dc_buf_free(&a);
        dc_buf_free(&b);
    }
    closedir(d);
    if (rc == 0 && dc_fsync_dir_of(to) != 0) { /* best effort */ }
    return rc;
}

static int commit_textdir(dc_writer *w)
{
    int dfd = open(w->tmp_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        syncfs(dfd); /* one call instead of an fsync per document file */
        close(dfd);
    }
    if (rename(w->tmp_path, w->final_path) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) {
            fail(w, "rename %s -> %s: %s", w->tmp_path, w->final_path, strerror(errno));
            return -1;
        }
        if (merge_tree(w, w->tmp_path, w->final_path) != 0) return -1;
        rm_tree(w->tmp_path);
    }
    dc_fsync_dir_of(w->final_path);
    return 0;
}

/* ---------------- public API ---------------- */

int dc_writer_put_doc(dc_writer *w, const dc_doc *doc)
{
    if (w->failed) return -1;
    size_t before = w->out.len;
    if (w->fmt == DC_OUT_TEXTDIR) {
        w->ndocs++;
        w->bytes += doc->len;
        return put_textdir(w, doc);
    }
    if (w->fmt == DC_OUT_TEXT) put_text(w, doc); /* reads ndocs: separator before all but the first */
    else put_jsonl(w, doc);
    w->ndocs++;
    w->bytes += w->out.len - before;
    return maybe_flush(w);
}

int dc_writer_put_reject(dc_writer *w, const dc_doc *doc, const char *stage, const char *reason,
                         const char *orig, size_t orig_len)
{
    static const char *const skip[] = {"id", "text", "source", "line", "stage", "reason", "fields", NULL};
    if (w->failed) return -1;
    dc_buf *b = &w->out;
    size_t before = b->len;
    if (!orig) {
        orig = doc->text ? doc->text : "";
        orig_len = doc->text ? doc->len : 0;
    }
    put_head(b, doc);
    put_key(b, "stage");
    dc_json_escape(b, stage ? stage : "", stage ? strlen(stage) : 0);
    put_key(b, "reason");
    dc_json_escape(b, reason ? reason : "", reason ? strlen(reason) : 0);
    put_key(b, "text");
    dc_json_escape(b, orig, orig_len);
    put_meta(b, doc->meta, skip, -1);
    if (has_input_fields(doc->meta)) { /* the record's own fields, as read */
        put_key(b, "fields");
        dc_buf_putc(b, '{');
        put_input_fields(b, doc->meta, NULL, 1);
        dc_buf_putc(b, '}');
    }
    dc_buf_append(b, "}\n", 2);
    w->ndocs++;
    w->bytes += b->len - before;
    return maybe_flush(w);
}

static int finish_stream(dc_writer *w)
{
    if (flush_out(w) != 0) return -1;
    if (w->zc && zstd_feed(w, "", 0, 1) != 0) return -1;
    if (w->gz) {
        int rc = gzclose(w->gz);
        w->gz = NULL;
        if (rc != Z_OK) {
            fail(w, "%s: gzip close failed (%d)", w->final_path, rc);
            return -1;
        }
    }
    return 0;
}

int dc_writer_commit(dc_writer *w, char *err, size_t errlen)
{
    int rc = 0;
    if (w->fmt == DC_OUT_TEXTDIR) {
        if (!w->failed) commit_textdir(w);
        if (w->failed) rm_tree(w->tmp_path);
    } else if (!w->tmp_path) { /* stdout */
        finish_stream(w);
    } else {
        if (finish_stream(w) == 0) {
            if (fsync(w->fd) != 0) fail(w, "%s: fsync: %s", w->tmp_path, strerror(errno));
            else if (close(w->fd) != 0) fail(w, "%s: close: %s", w->tmp_path, strerror(errno));
            w->fd = -1;
        }
        if (!w->failed && dc_atomic_publish(w->tmp_path, w->final_path) != 0)
            fail(w, "rename %s -> %s: %s", w->tmp_path, w->final_path, strerror(errno));
        if (w->failed) unlink(w->tmp_path);
    }
    if (w->failed) {
        snprintf(err, errlen, "%s", w->err);
        rc = -1;
    }
    writer_free(w);
    return rc;
}

int dc_writer_seal(dc_writer *w, char **tmp, char **final, char *err, size_t errlen)
{
    *tmp = *final = NULL;
    if (w->fmt == DC_OUT_TEXTDIR || !w->tmp_path) return dc_writer_commit(w, err, errlen);
    if (finish_stream(w) == 0) {
        if (fsync(w->fd) != 0) fail(w, "%s: fsync: %s", w->tmp_path, strerror(errno));
        else if (close(w->fd) != 0) fail(w, "%s: close: %s", w->tmp_path, strerror(errno));
        w->fd = -1;
    }
    if (w->failed) {
        snprintf(err, errlen, "%s", w->err);
        unlink(w->tmp_path);
        writer_free(w);
        return -1;
    }
    *tmp = w->tmp_path;
    w->tmp_path = NULL;
    *final = dc_xstrdup(w->final_path);
    writer_free(w);
    return 0;
}

void dc_writer_abort(dc_writer *w)
{
    if (!w) return;
    if (w->tmp_path) {
        if (w->fmt == DC_OUT_TEXTDIR) rm_tree(w->tmp_path);
        else unlink(w->tmp_path);
    }
    writer_free(w);
}

/* The first error, NULL when there was none. */
const char *dc_writer_error(const dc_writer *w)
{
    return w->failed ? w->err : NULL;
}

uint64_t dc_writer_bytes(const dc_writer *w)
{
    return w->bytes;
}
