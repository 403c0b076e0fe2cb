/*
 * run.c - the run loop.
 *
 * Threads:
 *   reader   walks the inputs in order, numbers every document (seq) and
 *            queues it; it blocks when too many documents or bytes are in
 *            flight, so memory stays bounded whatever the corpus size;
 *   workers  (-j N) decode documents and run the leading stages whose
 *            plugins are DC_PLUGIN_CONCURRENT;
 *   main     takes finished documents back in seq order (a ring indexed by
 *            seq) and runs the remaining stages in order from one thread
 *            (the first non-concurrent stage, e.g. dedup, and everything
 *            after it);
 *   writer   takes the main thread's batches in the same order, writes
 *            output and rejects (formatting, compression) and frees them,
 *            so the main thread does nothing but the ordered stages.
 * Because ordering and every order-dependent decision happen on the main
 * thread in seq order, the output bytes are identical for any -j.
 *
 * A stage with a prepass() gets a first pass over the whole input before
 * the real one (see plugin.h).  That pass reads the input once, runs the
 * stages before the prepass stage, and spools every document as it stands
 * then (text, original, metadata, position, reject) to a temporary zstd
 * file; the main pass reads the spool back and goes on from the prepass
 * stage.  The input is read once (stdin too) and the early stages run once.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <zstd.h>

#include "atomic.h"
#include "commit.h"
#include "progress.h"
#include "report.h"
#include "state.h"
#include "core.h"

typedef struct item {
    uint64_t seq;
    dc_doc *doc;
    const char *reject_stage; /* set when dropped */
    char *reject_stage_owned; /* read back from the spool, not a known stage */
    void *prepared;           /* prepare() result of stage next_stage (a worker's) */
    dc_stage *prepared_by;
    char *reject;
    size_t next_stage;        /* first stage still to run */
    size_t raw_bytes;
    uint32_t file_idx;        /* index into run_state.files */
    int filled;
    dc_buf rec;               /* output record formatted by the worker */
} item;

typedef enum pass_mode { PASS_PREPASS, PASS_MAIN } pass_mode;

typedef struct run_state {
    dc_pipeline *p;
    const dc_run_opts *o;
    dc_input_list files;
    pass_mode mode;
    size_t conc_end;   /* stages [0, conc_end) run on workers           */
    size_t pre_end;    /* prepass: stages [0, pre_end) run with process */
    int use_spool;     /* prepass pass spools its documents for the main pass */
    int spool_fd;
    int spool_bad;     /* reader: the spool could not be read back     */
    uint64_t spool_bytes, prepass_ns; /* for the debug log            */
    /* Batches the main thread is done with, in order, waiting for the
     * writer thread: the main pass's output (formatted, compressed and
     * written there) or the prepass pass's spool blocks. */
    struct batch *wq_head, *wq_tail;
    int wq_done;
    atomic_int spool_write_failed; /* writer thread, prepass pass */
    pthread_cond_t cv_write;

    pthread_mutex_t lock;
    pthread_cond_t cv_work, cv_done, cv_space;
    struct batch **queue; /* FIFO of batches waiting for a worker        */
    size_t qhead, qtail, qcap;
    struct batch **ring;  /* finished batches, slot bseq % window         */
    size_t window;        /* batches in flight at most                    */
    size_t inflight;
    uint64_t inflight_bytes;
    uint64_t produced;    /* batches queued by the reader                 */
    uint64_t doc_seq;     /* reader only: next document number            */
    struct batch *cur;    /* reader only: the batch being filled          */
    int reader_done;
    int stop;

    dc_run_report rep;
    uint64_t t_start;
    uint32_t *file_gidx;      /* sharded: global index of each file */
    FILE *order;              /* sharded: .order sidecar (temporary name) */
    int format_on_workers;    /* JSONL output and no ordered stages: workers format records */
    char *order_tmp;
    /* --state: what was read of each input file (reader thread), for the
     * ledger; a file that changed while read, or could not be read whole
     * after documents of it were already out, stops the run (unstable). */
    dc_read_fingerprint *fps;
    dc_input_opts in;         /* o->in, with fingerprint under --state */
    atomic_int unstable;
    /* SIGINT/SIGTERM/SIGHUP: the signal thread stops the run (interrupted
     * = the signal) so that temporaries are removed on the way out. */
    atomic_int interrupted;
    int stats_done;           /* the stats file was published with the outputs */
    char error[1024];         /* the first error (main thread; reader under lock) */
} run_state;

#define MAX_INFLIGHT_BYTES ((uint64_t)512 << 20)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Log an error of the run and keep the first one: it is what the ledger
 * and the summary line say the run failed of.  Main thread only. */
static void run_error(run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_error(run_state *st, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dc_log_core(DC_LOG_ERROR, "%s", msg);
    if (!st->error[0]) snprintf(st->error, sizeof st->error, "%s", msg);
}

/* ---------------- stages ---------------- */

/* One stage on one document; `prepared` (from the stage's prepare() on a
 * worker) selects process_prepared(). */
static dc_verdict stage_process_with(dc_stage *s, dc_doc *doc, void *prepared)
{
    atomic_fetch_add_explicit(&s->stats.docs_in, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->stats.bytes_in, doc->len, memory_order_relaxed);
    uint64_t t0 = now_ns();
    dc_doclog_stage(doc, s); /* the run report attributes the edits that follow to s */
    dc_verdict v = prepared ? s->desc.process_prepared(s->instance, doc, prepared) : s->desc.process(s->instance, doc);
    atomic_fetch_add_explicit(&s->stats.nanos, now_ns() - t0, memory_order_relaxed);
    if (v == DC_KEEP) {
        atomic_fetch_add_explicit(&s->stats.kept, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&s->stats.bytes_out, doc->len, memory_order_relaxed);
    } else if (v == DC_DROP) {
        atomic_fetch_add_explicit(&s->stats.dropped, 1, memory_order_relaxed);
    } else {
        atomic_fetch_add_explicit(&s->stats.errors, 1, memory_order_relaxed);
        if (v != DC_ERROR) dc_doc_set_reason_str(doc, "plugin returned an invalid verdict");
        v = DC_ERROR;
    }
    return v;
}

/* Stages [from, to), the first of them with its prepared result if any. */
static size_t run_stages_prepared(dc_pipeline *p, size_t from, size_t to, dc_doc *doc, void *prepared,
                                  dc_verdict *verdict)
{
    *verdict = DC_KEEP;
    for (size_t i = from; i < to; i++) {
        dc_verdict v = stage_process_with(p->stages[i], doc, i == from ? prepared : NULL);
        if (v != DC_KEEP) {
            *verdict = v;
            if (!dc_doc_reason(doc))
                dc_doc_set_reason_str(doc, v == DC_DROP ? "dropped (no reason given)"
                                                        : "error (no message given)");
            return i;
        }
    }
    return to;
}

size_t dc_run_stages(dc_pipeline *p, size_t from, size_t to, dc_doc *doc, dc_verdict *verdict)
{
    return run_stages_prepared(p, from, to, doc, NULL, verdict);
}

/* ---------------- raw → doc ---------------- */

static int only_whitespace(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return 0;
    return 1;
}

/* Rejects never carry binary payloads (escaped NULs would make them several
 * times their size): size and xxh3 hash identify the bytes instead. */
static void payload_identity(dc_meta *meta, const char *bytes, size_t len)
{
    char hex[24];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)XXH3_64bits(bytes, len));
    dc_meta_put_int(meta, "input_bytes", (int64_t)len);
    dc_meta_put(meta, "input_xxh3", DC_META_STR, hex, 16);
}

static int is_binary(const char *bytes, size_t len, const dc_input_opts *in)
{
    dc_decoded dec;
    dc_decode(bytes, len, in ? in->encoding : NULL, &dec);
    free(dec.text);
    return dec.binary;
}

/* The bytes of a rejected input document (what was left of a corrupt
 * stream) that are binary: replaced by their size and hash. */
static void replace_payload(dc_raw_doc *raw, dc_meta *meta)
{
    payload_identity(meta, raw->bytes, raw->len);
    free(raw->bytes);
    raw->bytes = dc_xstrdup("");
    raw->len = 0;
}

dc_doc *dc_doc_from_raw(dc_raw_doc *raw, uint64_t seq, const dc_input_opts *in,
                        const char **reject_stage, char **reject)
{
    *reject_stage = NULL;
    *reject = NULL;
    char *id = raw->id, *src = raw->source;
    raw->id = raw->source = NULL;
    dc_meta *meta = raw->meta;
    raw->meta = NULL;
    if (raw->reject_reason) {
        if (raw->bytes && raw->len && is_binary(raw->bytes, raw->len, in)) replace_payload(raw, meta);
        char *text = raw->bytes ? raw->bytes : dc_xstrdup("");
        dc_doc *d = dc_doc_new_owned(id, src, raw->line, seq, text, raw->bytes ? raw->len : 0, meta);
        raw->bytes = NULL;
        *reject_stage = "input";
        *reject = raw->reject_reason;
        raw->reject_reason = NULL;
        return d;
    }
    dc_doc *d;
    if (raw->is_utf8_json) {
        d = dc_doc_new_owned(id, src, raw->line, seq, raw->bytes, raw->len, meta);
        raw->bytes = NULL;
    } else {
        dc_decoded dec;
        memset(&dec, 0, sizeof dec);
        dc_decode(raw->bytes, raw->len, in ? in->encoding : NULL, &dec);
        dc_meta_put(meta, "encoding", DC_META_STR, dec.encoding, strlen(dec.encoding));
        if (dec.invalid_bytes) dc_meta_put_int(meta, "invalid_bytes", (int64_t)dec.invalid_bytes);
        if (dec.binary) {
            /* A binary payload is not copied into the rejects (escaped NULs
             * would make it several times its size): its size and xxh3
             * hash identify it. */
            free(dec.text);
            payload_identity(meta, raw->bytes, raw->len);
            d = dc_doc_new_owned(id, src, raw->line, seq, dc_xstrdup(""), 0, meta);
            *reject_stage = "decode";
            size_t n = strlen(dec.binary_reason ? dec.binary_reason : "binary") + 32;
            *reject = dc_xmalloc(n);
            snprintf(*reject, n, "%s", dec.binary_reason ? dec.binary_reason : "binary data");
            return d;
        }
        d = dc_doc_new_owned(id, src, raw->line, seq, dec.text, dec.len, meta);
    }
    if (only_whitespace(d->text, d->len)) {
        *reject_stage = "input";
        *reject = dc_xstrdup(d->len ? "document has only whitespace" : "empty document");
    }
    return d;
}

/* ---------------- batches ---------------- */

/* Items carry the raw doc until a worker turns it into a dc_doc. */
typedef struct raw_item {
    item it;
    dc_raw_doc raw;
} raw_item;

/* Documents travel between threads in batches of consecutive documents:
 * one lock round trip per batch instead of per document keeps the
 * hand-off cost negligible for corpora of many small documents. */
#define BATCH_MAX_DOCS 256
#define BATCH_MAX_BYTES ((uint64_t)1 << 20)

typedef struct batch {
    uint64_t bseq;
    uint64_t bytes;
    size_t n;
    int filled;
    int bad;          /* spool block could not be encoded/decoded       */
    struct batch *wnext; /* main pass: next batch for the writer thread */
    uint64_t input_pos;  /* progress: input bytes consumed when it was queued */
    dc_buf blob;      /* spool block (prepass: written; main: to decode) */
    raw_item *v[BATCH_MAX_DOCS];
} batch;

static void queue_push(run_state *st, batch *b)
{
    if (st->qtail - st->qhead == st->qcap) { /* grow (rare: qcap starts at window) */
        size_t ncap = st->qcap * 2;
        batch **nq = dc_xcalloc(ncap, sizeof *nq);
        for (size_t i = st->qhead; i < st->qtail; i++) nq[i % ncap] = st->queue[i % st->qcap];
        free(st->queue);
        st->queue = nq;
        st->qcap = ncap;
    }
    st->queue[st->qtail++ % st->qcap] = b;
}

static void flush_batch(run_state *st)
{
    batch *b = st->cur;
    if (!b) return;
    st->cur = NULL;
    pthread_mutex_lock(&st->lock);
    while (!st->stop && st->inflight > 0 &&
           (st->inflight >= st->window || st->inflight_bytes > MAX_INFLIGHT_BYTES))
        pthread_cond_wait(&st->cv_space, &st->lock);
    b->bseq = st->produced++;
    b->input_pos = atomic_load(&st->rep.input_pos);
    st->inflight++;
    st->inflight_bytes += b->bytes;
    queue_push(st, b);
    pthread_cond_signal(&st->cv_work);
    pthread_mutex_unlock(&st->lock);
}

static void produce_raw(run_state *st, dc_raw_doc *raw, size_t file_idx)
{
    raw_item *ri = dc_xcalloc(1, sizeof *ri);
    ri->raw = *raw;
    ri->it.file_idx = (uint32_t)file_idx;
    ri->it.raw_bytes = raw->len;
    ri->it.seq = st->doc_seq++;
    memset(raw, 0, sizeof *raw);
    if (!st->cur) st->cur = dc_xcalloc(1, sizeof(batch));
    batch *b = st->cur;
    b->v[b->n++] = ri;
    b->bytes += ri->it.raw_bytes;
    if (b->n == BATCH_MAX_DOCS || b->bytes >= BATCH_MAX_BYTES) flush_batch(st);
}

/* ---------------- the prepass spool ----------------
 *
 * With a prepass stage, the prepass pass runs the stages before it once and
 * writes every document's state (in seq order) to a temporary spool file;
 * the main pass reads the spool back and goes on from stage pre_end instead
 * of reading and processing the input a second time.
 *
 * The spool is a sequence of blocks, one per batch:
 *   header: u32 magic, u32 ndocs, u64 raw_len, u64 comp_len, u64 bytes
 *   comp_len bytes: one zstd frame holding raw_len bytes of records.
 * Blocks are compressed (and decoded again) on the workers; the writer
 * thread only writes and the reader only reads them, so the main thread's
 * share stays the prepass itself.  The spool is streamed (one block per
 * batch in flight), and the file is unlinked as soon as it is created, so
 * it never outlives the run, whatever happens to it. */

#define SPOOL_MAGIC 0x50534344u /* "DCSP" */
#define SPOOL_NULL UINT64_MAX

typedef struct spool_hdr {
    uint32_t magic, ndocs;
    uint64_t raw_len, comp_len, bytes;
} spool_hdr;

typedef struct spool_ctx { /* per thread */
    ZSTD_CCtx *cctx;
    ZSTD_DCtx *dctx;
    dc_buf raw;
} spool_ctx;

static void spool_ctx_free(spool_ctx *c)
{
    ZSTD_freeCCtx(c->cctx);
    ZSTD_freeDCtx(c->dctx);
    dc_buf_free(&c->raw);
}

static void sp_u64(dc_buf *b, uint64_t v) { dc_buf_append(b, &v, sizeof v); }

static void sp_str(dc_buf *b, const char *s, size_t n)
{
    if (!s) {
        sp_u64(b, SPOOL_NULL);
        return;
    }
    sp_u64(b, n);
    dc_buf_append(b, s, n);
}

static const char *const spool_fixed_stages[] = {"input", "decode", "output"};

static void spool_put_item(const run_state *st, dc_buf *b, const item *it)
{
    const dc_doc *d = it->doc;
    const dc_doc_priv *pv = d->core_private;
    sp_u64(b, it->seq);
    sp_u64(b, it->file_idx);
    sp_u64(b, it->raw_bytes);
    sp_u64(b, it->next_stage);
    /* reject stage: 0 none, 1.. fixed names, 16+i stage i, else a string */
    uint64_t code = 0;
    if (it->reject_stage) {
        code = SPOOL_NULL;
        for (size_t i = 0; i < st->p->n && code == SPOOL_NULL; i++)
            if (it->reject_stage == st->p->stages[i]->name) code = 16 + i;
        for (size_t i = 0; i < 3 && code == SPOOL_NULL; i++)
            if (!strcmp(it->reject_stage, spool_fixed_stages[i])) code = 1 + i;
    }
    sp_u64(b, code);
    if (code == SPOOL_NULL) sp_str(b, it->reject_stage, strlen(it->reject_stage));
    sp_str(b, it->reject, it->reject ? strlen(it->reject) : 0);
    sp_str(b, d->id, strlen(d->id));
    sp_str(b, d->source, strlen(d->source));
    sp_u64(b, d->source_line);
    sp_u64(b, pv->position);
    sp_u64(b, (uint64_t)pv->changed);
    sp_str(b, d->text, d->len);
    if (pv->orig == d->text) sp_str(b, NULL, 0);
    else sp_str(b, pv->orig ? pv->orig : "", pv->orig_len);
    sp_str(b, pv->reason, pv->reason ? strlen(pv->reason) : 0);
    sp_u64(b, d->meta->n);
    for (size_t i = 0; i < d->meta->n; i++) {
        const dc_meta_entry *e = &d->meta->v[i];
        sp_str(b, e->key, strlen(e->key));
        sp_u64(b, (uint64_t)e->type | (uint64_t)e->flags << 8); /* meta.h: input fields */
        sp_str(b, e->val, e->len);
        sp_str(b, e->raw, e->raw_len); /* SPOOL_NULL when absent */
    }
}

/* Serialize and compress a batch into b->blob. 0 or -1. */
static int spool_encode(const run_state *st, spool_ctx *c, batch *b)
{
    c->raw.len = 0;
    for (size_t i = 0; i < b->n; i++) spool_put_item(st, &c->raw, &b->v[i]->it);
    if (!c->cctx) c->cctx = ZSTD_createCCtx();
    size_t bound = ZSTD_compressBound(c->raw.len);
    b->blob.len = 0;
    dc_buf_reserve(&b->blob, sizeof(spool_hdr) + bound);
    size_t n = ZSTD_compressCCtx(c->cctx, b->blob.data + sizeof(spool_hdr), bound,
                                 c->raw.data ? c->raw.data : "", c->raw.len, 1);
    if (ZSTD_isError(n)) return -1;
    spool_hdr h = {SPOOL_MAGIC, (uint32_t)b->n, c->raw.len, n, b->bytes};
    memcpy(b->blob.data, &h, sizeof h);
    b->blob.len = sizeof h + n;
    return 0;
}

typedef struct sp_rd {
    const char *p, *end;
    int bad;
} sp_rd;

static uint64_t rd_u64(sp_rd *r)
{
    uint64_t v = 0;
    if ((size_t)(r->end - r->p) < sizeof v) {
        r->bad = 1;
        return 0;
    }
    memcpy(&v, r->p, sizeof v);
    r->p += sizeof v;
    return v;
}

/* A malloc'd, NUL-terminated copy (with the spare byte docs need), or NULL. */
static char *rd_str(sp_rd *r, size_t *len)
{
    uint64_t n = rd_u64(r);
    if (len) *len = 0;
    if (n == SPOOL_NULL || r->bad) return NULL;
    if ((uint64_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    char *s = dc_xmalloc((size_t)n + 1);
    memcpy(s, r->p, (size_t)n);
    s[n] = '\0';
    r->p += n;
    if (len) *len = (size_t)n;
    return s;
}

static int spool_get_item(const run_state *st, sp_rd *r, raw_item *ri)
{
    item *it = &ri->it;
    it->seq = rd_u64(r);
    it->file_idx = (uint32_t)rd_u64(r);
    it->raw_bytes = (size_t)rd_u64(r);
    it->next_stage = (size_t)rd_u64(r);
    uint64_t code = rd_u64(r);
    if (code == SPOOL_NULL) {
        it->reject_stage_owned = rd_str(r, NULL);
        it->reject_stage = it->reject_stage_owned;
    } else if (code >= 16 && code - 16 < st->p->n) {
        it->reject_stage = st->p->stages[code - 16]->name;
    } else if (code >= 1 && code <= 3) {
        it->reject_stage = spool_fixed_stages[code - 1];
    } else if (code != 0) {
        r->bad = 1;
    }
    it->reject = rd_str(r, NULL);
    char *id = rd_str(r, NULL), *src = rd_str(r, NULL);
    uint64_t line = rd_u64(r), pos = rd_u64(r), changed = rd_u64(r);
    size_t len, olen;
    char *text = rd_str(r, &len);
    char *orig = rd_str(r, &olen);
    char *reason = rd_str(r, NULL);
    uint64_t nmeta = rd_u64(r);
    if (!text) r->bad = 1;
    dc_meta *m = dc_meta_new();
    for (uint64_t i = 0; i < nmeta && !r->bad; i++) {
        char *k = rd_str(r, NULL);
        uint64_t type = rd_u64(r);
        size_t vlen, rawlen;
        char *v = rd_str(r, &vlen), *raw = rd_str(r, &rawlen);
        unsigned flags = (unsigned)(type >> 8);
        if (k && v && (flags & DC_META_F_INPUT))
            dc_meta_put_input(m, k, (dc_meta_type)(type & 0xff), v, vlen, raw, rawlen, flags);
        else if (k && v) dc_meta_put(m, k, (dc_meta_type)(type & 0xff), v, vlen);
        else r->bad = 1;
        free(k);
        free(v);
        free(raw);
    }
    if (r->bad || (code == SPOOL_NULL && !it->reject_stage)) {
        free(id), free(src), free(text), free(orig), free(reason);
        dc_meta_free(m);
        return -1;
    }
    dc_doc *d = dc_doc_new_owned(id, src, line, it->seq, text, len, m);
    dc_doc_priv *pv = d->core_private;
    if (orig) {
        pv->orig = orig;
        pv->orig_len = olen;
    }
    pv->reason = reason;
    pv->position = pos;
    pv->changed = (int)changed;
    it->doc = d;
    return 0;
}

/* Worker side of the main pass: turn a spool block back into items. */
static int spool_decode(const run_state *st, spool_ctx *c, batch *b)
{
    spool_hdr h;
    memcpy(&h, b->blob.data, sizeof h);
    if (!c->dctx) c->dctx = ZSTD_createDCtx();
    c->raw.len = 0;
    dc_buf_reserve(&c->raw, h.raw_len + 1);
    size_t n = ZSTD_decompressDCtx(c->dctx, c->raw.data, h.raw_len + 1,
                                   b->blob.data + sizeof h, h.comp_len);
    if (ZSTD_isError(n) || n != h.raw_len) return -1;
    sp_rd r = {c->raw.data, c->raw.data + n, 0};
    for (uint32_t i = 0; i < h.ndocs; i++) {
        raw_item *ri = dc_xcalloc(1, sizeof *ri);
        b->v[b->n++] = ri;
        if (spool_get_item(st, &r, ri) != 0) return -1;
    }
    dc_buf_free(&b->blob);
    return r.p == r.end ? 0 : -1;
}

static int full_write(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* 1 = got n bytes, 0 = clean end of file (nothing read), -1 = error. */
static int full_read(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) return got ? -1 : 0;
        got += (size_t)r;
    }
    return 1;
}

/* Either reader: no more batches will come. */
static void reader_finished(run_state *st)
{
    pthread_mutex_lock(&st->lock);
    st->reader_done = 1;
    pthread_cond_broadcast(&st->cv_done);
    pthread_cond_broadcast(&st->cv_work);
    pthread_mutex_unlock(&st->lock);
}

/* Main-pass reader: hand the spool's blocks to the workers in order. */
static void *spool_reader_main(void *arg)
{
    run_state *st = arg;
    while (!st->stop) {
        spool_hdr h;
        int r = full_read(st->spool_fd, &h, sizeof h);
        if (r == 0) break;
        batch *b = dc_xcalloc(1, sizeof(batch));
        if (r < 0 || h.magic != SPOOL_MAGIC || h.ndocs > BATCH_MAX_DOCS) {
            st->spool_bad = 1;
            free(b);
            break;
        }
        dc_buf_reserve(&b->blob, sizeof h + h.comp_len);
        memcpy(b->blob.data, &h, sizeof h);
        if (full_read(st->spool_fd, b->blob.data + sizeof h, h.comp_len) != 1) {
            st->spool_bad = 1;
            dc_buf_free(&b->blob);
            free(b);
            break;
        }
        b->blob.len = sizeof h + h.comp_len;
        b->bytes = h.bytes;
        atomic_fetch_add(&st->rep.bytes_read, h.bytes);
        st->cur = b;
        flush_batch(st);
    }
    reader_finished(st);
    return NULL;
}

/* A temporary file under $TMPDIR, unlinked at once: it cannot outlive the
 * run, whatever happens to it. */
static int spool_open(void)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    size_t n = strlen(dir) + 32;
    char *path = dc_xmalloc(n);
    snprintf(path, n, "%s/docclean-spool.XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd >= 0) unlink(path);
    free(path);
    return fd;
}

/* The persistent spool of a cluster map phase: written under a temporary
 * name, fsynced and renamed by spool_commit(). */
static int spool_create(const char *path)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    return open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

static int spool_commit(int fd, const char *path)
{
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int bad = fsync(fd) != 0;
    bad |= close(fd) != 0;
    if (bad || dc_atomic_publish(tmp, path) != 0) {
        dc_log_core(DC_LOG_ERROR, "cannot write the spool %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* --state: record what was read of file f.  A file that changed while it
 * was read is one of two versions half and half: none of this run is
 * published (documents already went through dedup and into the staged
 * output, so they cannot be taken back one file at a time), and the next
 * run, once the file has settled, reads it again.  The same for a read
 * error after documents of the file were produced; a read error before
 * any (the file's only document is the error reject) just leaves the file
 * out of the ledger, like a file that could not be opened. */
static void check_read(run_state *st, dc_reader *r, size_t f, uint64_t good)
{
    dc_read_fingerprint *fp = &st->fps[f];
    if (dc_reader_fingerprint(r, fp) == 0 && !fp->changed) return;
    if (!fp->changed && good == 0) {
        atomic_fetch_add(&st->rep.input_errors, 1);
        return;
    }
    char msg[sizeof st->error];
    snprintf(msg, sizeof msg, "input %s %s%s; nothing of this run is published, the next run reads "
             "it again once it has settled", st->files.v[f].path,
             fp->changed ? "" : "could not be read whole after some of its documents were read: ",
             fp->why);
    dc_log_core(DC_LOG_ERROR, "%s", msg);
    fp->complete = 0;
    atomic_store(&st->unstable, 1);
    pthread_mutex_lock(&st->lock);
    if (!st->error[0]) snprintf(st->error, sizeof st->error, "%s", msg);
    st->stop = 1;
    pthread_cond_broadcast(&st->cv_space);
    pthread_cond_broadcast(&st->cv_work);
    pthread_cond_broadcast(&st->cv_done);
    pthread_mutex_unlock(&st->lock);
}

static void *reader_main(void *arg)
{
    run_state *st = arg;
    uint64_t done_bytes = 0; /* progress: sizes of the files read */
    for (size_t f = 0; f < st->files.n && !st->stop; f++) {
        dc_input_file *in = &st->files.v[f];
        char err[1024] = "";
        dc_reader *r = dc_reader_open(in, &st->in, err, sizeof err);
        if (!r) {
            dc_raw_doc raw;
            memset(&raw, 0, sizeof raw);
            raw.id = dc_path_display(in->rel); /* escaped like the reader does */
            raw.source = dc_path_display(in->path);
            raw.meta = dc_meta_new();
            raw.reject_reason = dc_xstrdup(err[0] ? err : "cannot open input");
            if (st->mode == PASS_MAIN || st->use_spool) atomic_fetch_add(&st->rep.input_errors, 1);
            produce_raw(st, &raw, f);
            continue;
        }
        dc_raw_doc raw;
        memset(&raw, 0, sizeof raw);
        uint64_t good = 0, file_bytes = 0;
        while (!st->stop && dc_reader_next(r, &raw) == 1) {
            atomic_fetch_add(&st->rep.bytes_read, raw.len);
            file_bytes += raw.len;
            int64_t cpos = dc_reader_compressed_pos(r); /* a .gz/.zst file's fill */
            atomic_store(&st->rep.input_pos, done_bytes + (cpos >= 0 ? (uint64_t)cpos : file_bytes));
            if (!raw.reject_reason) good++;
            produce_raw(st, &raw, f);
        }
        if (st->fps && !st->stop) check_read(st, r, f, good);
        done_bytes += in->size;
        atomic_store(&st->rep.input_pos, done_bytes);
        dc_reader_close(r);
        atomic_fetch_add(&st->rep.files_done, 1);
    }
    flush_batch(st);
    reader_finished(st);
    return NULL;
}

static void worker_stages(run_state *st, item *it);

static void worker_process(run_state *st, raw_item *ri)
{
    item *it = &ri->it;
    if (ri->raw.needs_parse) dc_raw_doc_parse(&ri->raw, st->o->in.text_field);
    it->doc = dc_doc_from_raw(&ri->raw, it->seq, &st->o->in, &it->reject_stage, &it->reject);
    dc_raw_doc_free(&ri->raw);
    uint32_t g = st->file_gidx ? st->file_gidx[it->file_idx] : it->file_idx;
    if (it->doc) dc_doc_set_position(it->doc, (uint64_t)g << 32 | (uint32_t)it->doc->source_line);
    worker_stages(st, it);
}

/* The ordered stage's order-free half (dedup's hashing) runs here, on all
 * cores, when the document stops at that stage; the ordered thread then
 * does only what needs input order. */
static void prepare_ordered(run_state *st, item *it, size_t at)
{
    /* With one worker the ordered thread is otherwise idle: leave the whole
     * stage there, so the two threads still overlap. */
    if (st->o->jobs < 2) return;
    int pre = st->mode == PASS_PREPASS;
    if (at != (pre ? st->pre_end : st->conc_end) || at >= st->p->n || (pre && at > st->conc_end)) return;
    dc_stage *s = st->p->stages[at];
    if (!s->desc.prepare || (pre ? !s->desc.prepass_prepared : !s->desc.process_prepared)) return;
    uint64_t t0 = now_ns();
    dc_doclog_stage(it->doc, s);
    it->prepared = s->desc.prepare(s->instance, it->doc, pre ? DC_PASS_PREPASS : DC_PASS_MAIN);
    it->prepared_by = s;
    if (!pre) atomic_fetch_add_explicit(&s->stats.nanos, now_ns() - t0, memory_order_relaxed);
}

static void worker_stages(run_state *st, item *it)
{
    if (it->reject_stage) return;
    size_t end = st->mode == PASS_PREPASS && st->pre_end < st->conc_end ? st->pre_end : st->conc_end;
    dc_verdict v = DC_KEEP;
    size_t at = it->next_stage;
    if (at < end) at = dc_run_stages(st->p, at, end, it->doc, &v);
    it->next_stage = at;
    if (v != DC_KEEP) {
        it->reject_stage = st->p->stages[at]->name;
        it->reject = dc_xstrdup(dc_doc_reason(it->doc));
    } else if (st->format_on_workers && at == st->p->n && !only_whitespace(it->doc->text, it->doc->len)) {
        /* Nothing left for the ordered tail but writing: format the record
         * here, in parallel, so the main thread only copies bytes. */
        dc_format_jsonl_doc(it->doc, &it->rec);
    } else {
        prepare_ordered(st, it, at);
    }
}

static void *worker_main(void *arg)
{
    run_state *st = arg;
    spool_ctx sc;
    memset(&sc, 0, sizeof sc);
    pthread_mutex_lock(&st->lock);
    for (;;) {
        while (!st->stop && st->qhead == st->qtail && !st->reader_done)
            pthread_cond_wait(&st->cv_work, &st->lock);
        if (st->stop || (st->qhead == st->qtail && st->reader_done)) break;
        batch *b = st->queue[st->qhead++ % st->qcap];
        pthread_mutex_unlock(&st->lock);
        if (b->blob.data) { /* main pass: a spool block */
            if (spool_decode(st, &sc, b) != 0) b->bad = 1;
            else
                for (size_t i = 0; i < b->n; i++) worker_stages(st, &b->v[i]->it);
        } else {
            for (size_t i = 0; i < b->n; i++) worker_process(st, b->v[i]);
            if (st->mode == PASS_PREPASS && st->use_spool && st->pre_end <= st->conc_end &&
                spool_encode(st, &sc, b) != 0)
                b->bad = 1;
        }
        pthread_mutex_lock(&st->lock);
        b->filled = 1;
        st->ring[b->bseq % st->window] = b;
        pthread_cond_broadcast(&st->cv_done);
    }
    pthread_mutex_unlock(&st->lock);
    spool_ctx_free(&sc);
    return NULL;
}

/* Wait for the batch with sequence number `bseq`; NULL when the input is
 * exhausted or the run was stopped. */
static batch *take_in_order(run_state *st, uint64_t bseq)
{
    pthread_mutex_lock(&st->lock);
    batch *b;
    for (;;) {
        b = st->ring[bseq % st->window];
        if (b && b->bseq == bseq && b->filled) break;
        if (st->stop || (st->reader_done && bseq >= st->produced)) {
            b = NULL;
            break;
        }
        pthread_cond_wait(&st->cv_done, &st->lock);
    }
    if (b && !st->stop) st->ring[bseq % st->window] = NULL;
    else b = NULL;
    pthread_mutex_unlock(&st->lock);
    return b;
}

static void release_slot(run_state *st, const batch *b)
{
    pthread_mutex_lock(&st->lock);
    st->inflight--;
    st->inflight_bytes -= b->bytes;
    pthread_cond_signal(&st->cv_space);
    pthread_mutex_unlock(&st->lock);
}

static void batch_free(batch *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n; i++) {
        raw_item *ri = b->v[i];
        dc_raw_doc_free(&ri->raw);
        if (ri->it.prepared && ri->it.prepared_by->desc.prepared_free) /* the run stopped early */
            ri->it.prepared_by->desc.prepared_free(ri->it.prepared_by->instance, ri->it.prepared);
        dc_doc_free(ri->it.doc);
        free(ri->it.reject);
        free(ri->it.reject_stage_owned);
        dc_buf_free(&ri->it.rec);
        free(ri);
    }
    dc_buf_free(&b->blob);
    free(b);
}

/* ---------------- the ordered tail ---------------- */

typedef struct sinks {
    dc_writer *out, *rej;
    atomic_int failed; /* set by the writer thread */
} sinks;

/* Main thread: run the ordered tail of the pipeline and count the result;
 * emit_main() (writer thread) writes it. */
static void finish_main(run_state *st, item *it)
{
    dc_pipeline *p = st->p;
    dc_doc *d = it->doc;
    if (!it->reject_stage) {
        dc_verdict v;
        size_t at = run_stages_prepared(p, it->next_stage, p->n, d, it->prepared, &v);
        it->prepared = NULL; /* process_prepared() owns it now */
        if (v != DC_KEEP) {
            it->reject_stage = p->stages[at]->name;
            it->reject = dc_xstrdup(dc_doc_reason(d));
        } else if (only_whitespace(d->text, d->len)) {
            it->reject_stage = "output";
            it->reject = dc_xstrdup("nothing left after cleaning");
        }
    }
    dc_runstats_doc(st->rep.rs, d, it->reject_stage, it->reject);
    if (it->reject_stage) {
        dc_report_reject(&st->rep, it->reject_stage);
        return;
    }
    atomic_fetch_add(&st->rep.kept, 1);
    atomic_fetch_add(&st->rep.bytes_out, d->len);
}

/* --rejects-omit-text: why this reject's text is left out, or NULL.  A
 * binary or oversized input never carries its payload (the reader keeps
 * only its size and hash, input_bytes/input_xxh3): say so whatever the
 * option. */
static const char *reject_text_omitted(const dc_run_opts *o, const dc_doc *d, const char *stage)
{
    if (dc_meta_find(d->meta, "input_xxh3")) return strcmp(stage, "decode") ? "oversized" : "binary";
    if ((o->rejects_omit & DC_REJECTS_OMIT_DUPS) && dc_meta_find(d->meta, "dup_of")) return "duplicate";
    if ((o->rejects_omit & DC_REJECTS_OMIT_BINARY) && !strcmp(stage, "decode")) return "binary";
    return NULL;
}

static void emit_main(run_state *st, sinks *k, item *it)
{
    dc_doc *d = it->doc;
    if (it->reject_stage) {
        if (k->rej) {
            size_t olen;
            const char *orig = dc_doc_orig(d, &olen);
            const char *omit = reject_text_omitted(st->o, d, it->reject_stage);
            if (omit) {
                dc_meta_put(d->meta, "text_omitted", DC_META_STR, omit, strlen(omit));
                orig = "", olen = 0;
            }
            if (dc_writer_put_reject(k->rej, d, it->reject_stage, it->reject, orig, olen) != 0)
                k->failed = 1;
        }
        return;
    }
    if (it->rec.len ? dc_writer_put_formatted(k->out, it->rec.data, it->rec.len) != 0
                    : dc_writer_put_doc(k->out, d) != 0)
        k->failed = 1;
    if (st->order) {
        uint32_t g = st->file_gidx ? st->file_gidx[it->file_idx] : it->file_idx;
        if (dc_order_write(st->order, g, (uint32_t)d->source_line) != 0) k->failed = 1;
    }
}

static int finish_prepass(run_state *st, item *it)
{
    if (it->reject_stage) return 0;
    dc_pipeline *p = st->p;
    dc_verdict v;
    size_t at = it->next_stage;
    if (at < st->pre_end) {
        at = dc_run_stages(p, it->next_stage, st->pre_end, it->doc, &v);
        it->next_stage = at;
        if (v != DC_KEEP) { /* what the main pass would have decided */
            it->reject_stage = p->stages[at]->name;
            it->reject = dc_xstrdup(dc_doc_reason(it->doc));
            return 0;
        }
    }
    for (size_t i = st->pre_end; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        uint64_t t0 = now_ns();
        void *prep = i == st->pre_end ? it->prepared : NULL;
        it->prepared = i == st->pre_end ? NULL : it->prepared;
        int prc = prep ? s->desc.prepass_prepared(s->instance, it->doc, prep)
                       : s->desc.prepass ? s->desc.prepass(s->instance, it->doc) : 0;
        st->prepass_ns += now_ns() - t0;
        if (prc != 0) {
            dc_log_core(DC_LOG_ERROR, "stage '%s': prepass failed on %s", s->name, it->doc->id);
            return -1;
        }
    }
    return 0;
}

/* ---------------- the writer thread ---------------- */

typedef struct writer_arg {
    run_state *st;
    sinks *k;
} writer_arg;

static void writer_push(run_state *st, batch *b)
{
    b->wnext = NULL;
    pthread_mutex_lock(&st->lock);
    if (st->wq_tail) st->wq_tail->wnext = b;
    else st->wq_head = b;
    st->wq_tail = b;
    pthread_cond_signal(&st->cv_write);
    pthread_mutex_unlock(&st->lock);
}

/* Writes the batches the main thread is done with, in order, and frees
 * them (after a write error it only frees them: the run is failing). */
static void *writer_main(void *arg)
{
    writer_arg *wa = arg;
    run_state *st = wa->st;
    sinks *k = wa->k;
    for (;;) {
        pthread_mutex_lock(&st->lock);
        while (!st->wq_head && !st->wq_done) pthread_cond_wait(&st->cv_write, &st->lock);
        batch *b = st->wq_head;
        if (b) {
            st->wq_head = b->wnext;
            if (!st->wq_head) st->wq_tail = NULL;
        }
        pthread_mutex_unlock(&st->lock);
        if (!b) break;
        if (!k) { /* prepass pass: a spool block */
            if (!st->spool_write_failed &&
                full_write(st->spool_fd, b->blob.data, b->blob.len) != 0) {
                dc_log_core(DC_LOG_ERROR, "prepass spool: writing failed: %s", strerror(errno));
                st->spool_write_failed = 1;
            }
        } else {
            for (size_t i = 0; i < b->n && !k->failed; i++) emit_main(st, k, &b->v[i]->it);
        }
        release_slot(st, b);
        batch_free(b);
    }
    return NULL;
}

/* The progress line of this pass: which pass it is when there are two, and
 * what 100% is (input bytes on disk, or pass 1's documents in pass 2). */
static const char *pass_label(const run_state *st, char *buf, size_t len, uint64_t *total)
{
    *total = st->rep.bytes_total;
    if (!st->use_spool) return NULL;
    if (st->o->spool_mode != DC_SPOOL_NONE) { /* a cluster map phase: one pass here */
        *total = st->o->spool_mode == DC_SPOOL_READ ? 0 : *total;
        return NULL;
    }
    if (st->mode == PASS_PREPASS) {
        snprintf(buf, len, "pass 1/2: prepass (%s)", st->p->stages[st->pre_end]->name);
        return buf;
    }
    *total = st->rep.prepass_docs;
    snprintf(buf, len, "pass 2/2: cleaning");
    return buf;
}

static uint64_t pass_done(const run_state *st, uint64_t seen, uint64_t input_pos)
{
    return st->mode == PASS_MAIN && st->use_spool ? seen : input_pos;
}

/* Start one of the run's threads.  Under a tight address-space limit
 * (ulimit -v) pthread_create fails; a run without its reader or writer
 * cannot go on, and nothing of it was published yet, so it ends here with
 * a runtime error (its temporaries are removed by the next run). */
static void start_thread(pthread_t *t, void *(*fn)(void *), void *arg, const char *what)
{
    int e = pthread_create(t, NULL, fn, arg);
    if (e == 0) return;
    dc_log_core(DC_LOG_ERROR, "cannot start the %s thread: %s (is the address space limited, ulimit -v?)",
                what, strerror(e));
    _exit(DC_EXIT_RUNTIME);
}

static int run_pass(run_state *st, sinks *k)
{
    st->qcap = st->window;
    st->queue = dc_xcalloc(st->qcap, sizeof *st->queue);
    st->ring = dc_xcalloc(st->window, sizeof *st->ring);
    st->qhead = st->qtail = 0;
    st->produced = 0;
    st->doc_seq = 0;
    st->cur = NULL;
    st->inflight = 0;
    st->inflight_bytes = 0;
    st->reader_done = 0;
    st->stop = 0;
    pthread_t rd;
    int nw = st->o->jobs > 0 ? st->o->jobs : 1;
    pthread_t *w = dc_xcalloc((size_t)nw, sizeof *w);
    spool_ctx sc;
    memset(&sc, 0, sizeof sc);
    start_thread(&rd, st->mode == PASS_MAIN && st->use_spool ? spool_reader_main : reader_main, st, "reader");
    for (int i = 0; i < nw; i++) start_thread(&w[i], worker_main, st, "worker");
    pthread_t wr;
    writer_arg wa = {st, k};
    st->wq_head = st->wq_tail = NULL;
    st->wq_done = 0;
    st->spool_write_failed = 0;
    int use_writer = k || (st->mode == PASS_PREPASS && st->use_spool);
    if (use_writer) start_thread(&wr, writer_main, &wa, "writer");
    int rc = 0;
    dc_progress prog;
    char label[160];
    uint64_t total;
    const char *lab = pass_label(st, label, sizeof label, &total);
    dc_progress_init(&prog, st->o->progress, lab, total);
    uint64_t seen = 0, pos = 0; /* documents and input bytes of this pass */
    for (uint64_t bseq = 0;; bseq++) {
        batch *b = take_in_order(st, bseq);
        if (!b) break;
        if (b->bad) {
            dc_log_core(DC_LOG_ERROR, "prepass spool: %s failed", st->mode == PASS_MAIN
                        ? "reading back" : "compressing");
            rc = -1;
        }
        seen += b->bad ? 0 : b->n;
        pos = b->input_pos; /* what the main thread is done with, not how far the reader is */
        for (size_t i = 0; i < b->n && !b->bad; i++) {
            item *it = &b->v[i]->it;
            if (st->mode == PASS_MAIN) {
                atomic_fetch_add(&st->rep.docs_in, 1);
                finish_main(st, it);
            } else if (rc == 0 && finish_prepass(st, it) != 0) {
                rc = -1;
            } else if (it->doc) {
                dc_runstats_edits(st->rep.rs, it->doc); /* stages run in this pass only */
            }
        }
        if (st->mode == PASS_PREPASS && st->use_spool && rc == 0) {
            if (!b->blob.len && spool_encode(st, &sc, b) != 0) b->bad = 1;
            st->spool_bytes += b->blob.len;
            if (b->bad) {
                dc_log_core(DC_LOG_ERROR, "prepass spool: compression failed");
                rc = -1;
            }
        }
        if (use_writer && rc == 0) {
            writer_push(st, b);
        } else {
            release_slot(st, b);
            batch_free(b);
        }
        dc_progress_update(&prog, seen, st->rep.bytes_read, pass_done(st, seen, pos), 0);
        if (rc != 0 || (k && k->failed) || st->spool_write_failed) {
            pthread_mutex_lock(&st->lock);
            st->stop = 1;
            pthread_cond_broadcast(&st->cv_space);
            pthread_cond_broadcast(&st->cv_work);
            pthread_cond_broadcast(&st->cv_done);
            pthread_mutex_unlock(&st->lock);
            rc = -1;
        }
    }
    if (use_writer) {
        pthread_mutex_lock(&st->lock);
        st->wq_done = 1;
        pthread_cond_signal(&st->cv_write);
        pthread_mutex_unlock(&st->lock);
        pthread_join(wr, NULL);
        if ((k && k->failed) || st->spool_write_failed) rc = -1;
    }
    dc_progress_update(&prog, seen, st->rep.bytes_read, pass_done(st, seen, pos), rc == 0 && !st->stop ? 1 : 2);
    if (st->mode == PASS_PREPASS) st->rep.prepass_docs = seen;
    pthread_join(rd, NULL);
    spool_ctx_free(&sc);
    if (st->spool_bad && rc == 0) {
        dc_log_core(DC_LOG_ERROR, "prepass spool: reading back failed");
        rc = -1;
    }
    for (int i = 0; i < nw; i++) pthread_join(w[i], NULL);
    /* Batches a stopped run never took back. */
    for (size_t i = 0; i < st->window; i++) batch_free(st->ring[i]);
    for (size_t i = st->qhead; i < st->qtail; i++) batch_free(st->queue[i % st->qcap]);
    batch_free(st->cur);
    st->cur = NULL;
    free(w);
    free(st->queue);
    free(st->ring);
    return rc;
}

/* ---------------- setup ---------------- */

static void reset_stage_stats(dc_pipeline *p, size_t from)
{
    for (size_t i = from; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        memset(&s->stats, 0, sizeof s->stats);
        int n = atomic_load(&s->ncounters);
        for (int c = 0; c < n; c++) atomic_store(&s->counters[c].value, 0);
    }
}

static int open_order(run_state *st)
{
    size_t n = strlen(st->o->order_path) + 32;
    st->order_tmp = dc_xmalloc(n);
    snprintf(st->order_tmp, n, "%s.tmp.%d", st->o->order_path, (int)getpid());
    st->order = fopen(st->order_tmp, "wb");
    if (!st->order) {
        dc_log_core(DC_LOG_ERROR, "%s: %s", st->order_tmp, strerror(errno));
        return -1;
    }
    return 0;
}

/* Rejects made by dedup stages are the run's duplicates. */
static uint64_t count_duplicates(const dc_run_report *r, const dc_pipeline *p)
{
    uint64_t n = 0;
    for (size_t i = 0; i < r->nrejects; i++)
        for (size_t j = 0; j < p->n; j++)
            if (!strcmp(r->rejects[i].stage, p->stages[j]->name) && p->stages[j]->plugin_name &&
                !strcmp(p->stages[j]->plugin_name, "dedup"))
                n += r->rejects[i].n;
    return n;
}

static dc_run_counts run_counts(run_state *st, dc_pipeline *p)
{
    dc_run_counts c = {.files = st->files.n, .docs_in = st->rep.docs_in, .kept = st->rep.kept,
                       .rejected = st->rep.rejected,
                       .duplicates = count_duplicates(&st->rep, p),
                       .seconds = (double)(now_ns() - st->t_start) / 1e9};
    return c;
}

/* The stats report, complete and fsynced under "<dir>/.<name>.tmp.<pid>";
 * the caller renames it (with the other outputs).  NULL on failure. */
static char *write_stats_temp(run_state *st, dc_pipeline *p, const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    dc_buf b = {0};
    dc_buf_append(&b, path, dirlen);
    dc_buf_printf(&b, ".%s.tmp.%ld", path + dirlen, (long)getpid());
    char *tmp = dc_buf_take(&b, NULL);
    int fd = -1;
    if (dc_report_write_json(&st->rep, p, tmp) != 0 || (fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 ||
        fsync(fd) != 0) {
        run_error(st, "cannot write stats to %s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    close(fd);
    return tmp;
}

/* Unattended mode: the stats file joins the outputs in staging, then one
 * ledger transaction commits the run and the outputs are published. */
static int commit_state(run_state *st, dc_pipeline *p)
{
    st->rep.seconds = (double)(now_ns() - st->t_start) / 1e9;
    st->rep.duplicates = count_duplicates(&st->rep, p);
    st->rep.exit_status = st->rep.input_errors ? DC_EXIT_INPUT : DC_EXIT_OK; /* if the commit succeeds */
    if (st->o->stats_path) {
        char *tmp = write_stats_temp(st, p, st->o->stats_path);
        if (!tmp) return -1;
        int bad = dc_atomic_publish(tmp, st->o->stats_path) != 0;
        if (bad) run_error(st, "%s: %s", st->o->stats_path, strerror(errno));
        free(tmp);
        if (bad) return -1;
        st->stats_done = 1;
    }
    dc_run_counts c = run_counts(st, p);
    char err[2048];
    int rc = dc_state_commit(st->o->state, &st->files, st->fps, &c, st->o->state_outputs,
                             st->o->nstate_outputs, err, sizeof err);
    if (rc != 0) {
        run_error(st, "committing the run failed: %s", err);
        return rc < 0 ? -1 : -2; /* -2: committed, recorded, publishing left to the next run */
    }
    return 0;
}

static int open_sinks(run_state *st, const dc_run_opts *o, sinks *k)
{
    char err[1024];
    memset(k, 0, sizeof *k);
    k->out = dc_writer_open(o->out_path ? o->out_path : "-", o->out_format, err, sizeof err);
    if (!k->out) {
        run_error(st, "output: %s", err);
        return -1;
    }
    if (o->rejects_path) {
        k->rej = dc_writer_open(o->rejects_path, DC_OUT_JSONL, err, sizeof err);
        if (!k->rej) {
            run_error(st, "rejects: %s", err);
            dc_writer_abort(k->out);
            return -1;
        }
    }
    return 0;
}

/* --state: make the output and rejects durable under their staged names
 * (the ledger commit publishes them). */
static int commit_writers(run_state *st, sinks *k)
{
    char err[1024];
    int rc = 0;
    if (dc_writer_commit(k->out, err, sizeof err) != 0) {
        run_error(st, "output: %s", err);
        rc = -1;
    }
    if (k->rej && dc_writer_commit(k->rej, err, sizeof err) != 0) {
        run_error(st, "rejects: %s", err);
        rc = -1;
    }
    return rc;
}

/* Plain runs: output, rejects, stats and .order become visible together or
 * not at all (commit.h).  Every file is sealed (complete, fsynced) before
 * any is renamed, so a full disk while finishing the rejects leaves the
 * previous outputs as they were. */
static int publish_group(run_state *st, dc_pipeline *p, sinks *k)
{
    char err[2048];
    dc_commit_group *g = dc_commit_group_new();
    /* Rejects first: a textdir output has no single file to rename and is
     * merged into place by its seal, so it goes last, once the others are
     * durable. */
    dc_writer *ws[2] = {k->rej, k->out};
    const char *what[2] = {"rejects", "output"};
    int rc = 0;
    for (int i = 0; i < 2; i++) {
        if (!ws[i]) continue;
        char *tmp, *final;
        if (rc != 0) {
            dc_writer_abort(ws[i]);
            continue;
        }
        if (dc_writer_seal(ws[i], &tmp, &final, err, sizeof err) != 0) {
            run_error(st, "%s: %s", what[i], err);
            rc = -1;
        } else if (tmp) {
            dc_commit_group_add(g, tmp, final);
        } else {
            free(final);
        }
    }
    k->out = k->rej = NULL;
    if (rc == 0 && st->order) {
        int bad = fflush(st->order) != 0 || fsync(fileno(st->order)) != 0;
        bad |= fclose(st->order) != 0;
        st->order = NULL;
        if (bad) {
            run_error(st, "%s: %s", st->o->order_path, strerror(errno));
            unlink(st->order_tmp);
            rc = -1;
        } else {
            dc_commit_group_add(g, st->order_tmp, dc_xstrdup(st->o->order_path));
            st->order_tmp = NULL;
        }
    }
    if (rc == 0 && st->o->stats_path && strcmp(st->o->stats_path, "-") != 0) {
        st->rep.seconds = (double)(now_ns() - st->t_start) / 1e9;
        st->rep.duplicates = count_duplicates(&st->rep, p);
        char *tmp = write_stats_temp(st, p, st->o->stats_path);
        if (tmp) dc_commit_group_add(g, tmp, dc_xstrdup(st->o->stats_path));
        else rc = -1;
    }
    if (rc != 0) {
        dc_commit_group_abort(g);
        return -1;
    }
    if (dc_commit_group_publish(g, err, sizeof err) != 0) {
        run_error(st, "publishing the outputs failed: %s", err);
        return -1;
    }
    st->stats_done = 1;
    return 0;
}

/* Each stage's finish(): commits plugin state such as the dedup index.
 * `which`: FINISH_ALL, or in a --state run the stages that prepare before
 * the ledger commit (DC_PLUGIN_TWO_PHASE) or those that finish after it. */
enum { FINISH_ALL, FINISH_TWO_PHASE, FINISH_AFTER_COMMIT };
static int finish_stages(run_state *st, dc_pipeline *p, int which)
{
    char err[1024];
    for (size_t i = 0; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        int two_phase = (s->desc.flags & DC_PLUGIN_TWO_PHASE) != 0;
        if ((which == FINISH_TWO_PHASE && !two_phase) || (which == FINISH_AFTER_COMMIT && two_phase))
            continue;
        err[0] = '\0';
        if (s->desc.finish && s->desc.finish(s->instance, err, sizeof err) != 0) {
            run_error(st, "stage '%s': finish failed: %s", s->name, err[0] ? err : "(no message)");
            return -1;
        }
    }
    return 0;
}

/* The order of commits is what makes runs crash safe:
 *  - plain runs: outputs durable and published as a group first, then
 *    plugin state (an index never gets ahead of the output it describes);
 *  - --state runs, a two-phase commit with the ledger as the one commit
 *    point:
 *      1. outputs durable in staging;
 *      2. two-phase stages (DC_PLUGIN_TWO_PHASE: the dedup index) PREPARE:
 *         their state for this run is made durable, marked pending under
 *         the run's tag (host->run_tag(): STATE_ID/RUN_ID);
 *      3. the ledger commit (the commit point), then publishing;
 *      4. other stages' finish() (ABI <= 1.2 plugins: as before).
 *    Why no document is lost or published twice, wherever the process dies:
 *    the outputs and the ledger decide what was published (state.h), and a
 *    pending state is resolved by whoever opens it next, in the same
 *    state, by asking the ledger (host->run_committed): committed -> the
 *    state is rolled forward, so it describes exactly the documents the
 *    published outputs hold and a redelivery of them is recognised; not
 *    committed -> it is rolled back, so the redone run sees the state the
 *    previous committed run left and does not drop its own documents as
 *    copies of themselves.  The ledger answers "committed" iff the run's
 *    row was in the COMMIT, so state and outputs always agree.  A failing
 *    prepare (a full index map) fails the run before step 3: nothing is
 *    published and the inputs are taken again.  A state whose pending tag
 *    cannot be resolved (another --state dir, or none) is refused, never
 *    guessed.
 * Returns 0, -1 (nothing published) or -2 (--state: committed, publishing
 * or a non-two-phase finish() failed). */
static int commit_run(run_state *st, dc_pipeline *p, sinks *k)
{
    if (!st->o->state) {
        if (publish_group(st, p, k) != 0) return -1;
        return finish_stages(st, p, FINISH_ALL) != 0 ? -2 : 0;
    }
    if (commit_writers(st, k) != 0) return -1;
    if (finish_stages(st, p, FINISH_TWO_PHASE) != 0) return -1;
    int rc = commit_state(st, p);
    if (rc != 0) return rc;
    return finish_stages(st, p, FINISH_AFTER_COMMIT) != 0 ? -2 : 0;
}

/* ---------------- signals ---------------- */

/* SIGINT, SIGTERM and SIGHUP are blocked in every thread of the run and
 * taken by this thread, which stops the run like a failure: writers remove
 * their temporaries, staging is emptied, and the caller re-raises the
 * signal once everything is cleaned up (dc_run_opts.interrupted). */
typedef struct sig_ctx {
    run_state *st;
    sigset_t set;
    atomic_int done;
    pthread_t thread;
} sig_ctx;

static void *signal_main(void *arg)
{
    sig_ctx *sc = arg;
    for (;;) {
        int sig = 0;
        if (sigwait(&sc->set, &sig) != 0) continue;
        if (atomic_load(&sc->done)) return NULL;
        run_state *st = sc->st;
        if (atomic_load(&st->interrupted)) continue;
        atomic_store(&st->interrupted, sig);
        dc_log_core(DC_LOG_WARN, "%s: stopping; nothing of this run will be published",
                    strsignal(sig));
        pthread_mutex_lock(&st->lock);
        st->stop = 1;
        pthread_cond_broadcast(&st->cv_space);
        pthread_cond_broadcast(&st->cv_work);
        pthread_cond_broadcast(&st->cv_done);
        pthread_mutex_unlock(&st->lock);
    }
}

static void signals_start(sig_ctx *sc, run_state *st, sigset_t *old)
{
    sc->st = st;
    atomic_store(&sc->done, 0);
    sigemptyset(&sc->set);
    sigaddset(&sc->set, SIGINT);
    sigaddset(&sc->set, SIGTERM);
    sigaddset(&sc->set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sc->set, old);
    start_thread(&sc->thread, signal_main, sc, "signal");
}

/* Stop the signal thread; a signal that came and was not acted on stays
 * pending for the caller (it is unblocked with the old mask restored... by
 * the caller, after cleanup). */
static void signals_stop(sig_ctx *sc)
{
    atomic_store(&sc->done, 1);
    pthread_kill(sc->thread, SIGHUP);
    pthread_join(sc->thread, NULL);
}

int dc_run(dc_pipeline *p, char *const *inputs, size_t ninputs, const dc_run_opts *o)
{
    run_state st;
    memset(&st, 0, sizeof st);
    st.p = p;
    st.o = o;
    pthread_mutex_init(&st.lock, NULL);
    pthread_cond_init(&st.cv_work, NULL);
    pthread_cond_init(&st.cv_done, NULL);
    pthread_cond_init(&st.cv_space, NULL);
    pthread_cond_init(&st.cv_write, NULL);
    st.window = (size_t)(o->jobs > 0 ? o->jobs : 1) * 4 + 4; /* batches */
    st.conc_end = 0;
    while (st.conc_end < p->n && (p->stages[st.conc_end]->desc.flags & DC_PLUGIN_CONCURRENT))
        st.conc_end++;
    st.pre_end = p->n;
    /* A cluster phase has the corpus-wide statistics from its reduce tasks:
     * no prepass over this shard alone. */
    for (size_t i = 0; i < p->n && !dc_host_get()->cluster(); i++)
        if (p->stages[i]->desc.prepass) {
            st.pre_end = i;
            break;
        }
    /* A cluster map phase with a spool: the spool holds the documents as
     * they reach the corpus-wide stage. */
    for (size_t i = 0; i < p->n && o->spool_mode; i++)
        if (p->stages[i]->desc.phases) {
            st.pre_end = i;
            break;
        }
    st.spool_fd = -1;
    dc_input_errors ierr = {0};
    int rc = DC_EXIT_OK;
    sig_ctx sigs;
    sigset_t oldmask;
    signals_start(&sigs, &st, &oldmask);
    uint64_t t0 = st.t_start = now_ns();
    int committed = 0; /* --state: the ledger has this run (publishing may be left) */
    if (!o->state) {
        /* A plain run killed while publishing left a journal next to its
         * first output: finish that set before writing a new one. */
        const char *first[] = {o->out_path, o->rejects_path, o->order_path, o->stats_path};
        char err[2048];
        for (size_t i = 0; i < sizeof first / sizeof *first; i++)
            if (first[i] && strcmp(first[i], "-") && dc_commit_recover(first[i], err, sizeof err) != 0) {
                run_error(&st, "%s", err);
                rc = DC_EXIT_RUNTIME;
                goto out_quiet;
            }
    }
    dc_inputs_collect(inputs, ninputs, &o->in, &st.files, &ierr);
    dc_report_init(&st.rep, p);
    st.rep.config_path = o->config_path;
    st.rep.inputs = inputs;
    st.rep.ninputs = ninputs;
    for (size_t i = 0; i < ierr.n; i++) {
        dc_log_core(DC_LOG_ERROR, "input: %s: %s", ierr.v[i].path, ierr.v[i].reason);
        atomic_fetch_add(&st.rep.input_errors, 1);
    }
    if (o->shard.count) dc_shard_filter(&st.files, &o->shard, &st.file_gidx);
    if (o->order_path && open_order(&st) != 0) {
        rc = DC_EXIT_RUNTIME;
        goto out_quiet;
    }
    st.in = o->in;
    if (o->state) {
        st.fps = dc_xcalloc(st.files.n ? st.files.n : 1, sizeof *st.fps);
        st.in.fingerprint = 1;
    }
    if (o->state) {
        size_t unsettled = 0;
        size_t done = dc_state_filter_inputs(o->state, &st.files, &unsettled);
        if (done == (size_t)-1) {
            run_error(&st, "cannot read the ledger: nothing is processed");
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
        dc_log_core(DC_LOG_INFO, "run %s: %zu new or changed file(s), %zu already processed, "
                    "%zu still being written (left for a later run)", dc_state_run_id(o->state),
                    st.files.n, done, unsettled);
        if (st.files.n == 0 && ierr.n == 0) {
            fprintf(stderr, "docclean: run %s done files=0 docs=0 kept=0 rejected=0 duplicates=0 "
                    "seconds=0.00 (nothing new)\n", dc_state_run_id(o->state));
            goto out_quiet;
        }
    }
    for (size_t i = 0; i < st.files.n; i++) st.rep.bytes_total += st.files.v[i].size;
    st.rep.files = st.files.n;
    if (o->spool_mode == DC_SPOOL_READ) {
        st.use_spool = 1;
        st.spool_fd = open(o->spool_path, O_RDONLY | O_CLOEXEC);
        if (st.spool_fd < 0) {
            run_error(&st, "cannot open the spool %s: %s (did the first map phase finish?)",
                      o->spool_path, strerror(errno));
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
    } else if (st.pre_end < p->n) {
        /* The prepass pass reads the input once, runs stages [0, pre_end)
         * and spools the documents; the main pass goes on from the spool.
         * Stages [0, pre_end), files and input errors are counted once, in
         * the prepass pass; bytes_read again as the spool is read back. */
        st.use_spool = 1;
        st.spool_fd = o->spool_mode == DC_SPOOL_WRITE ? spool_create(o->spool_path) : spool_open();
        if (st.spool_fd < 0) {
            run_error(&st, "cannot create the spool %s%s: %s",
                      o->spool_mode == DC_SPOOL_WRITE ? o->spool_path : "in ",
                      o->spool_mode == DC_SPOOL_WRITE ? ".tmp"
                      : getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                      strerror(errno));
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
        st.mode = PASS_PREPASS;
        if (run_pass(&st, NULL) != 0 || st.interrupted || st.unstable) {
            if (!st.interrupted && !st.unstable) run_error(&st, "the prepass failed");
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
        dc_log_core(DC_LOG_DEBUG, "prepass pass: %.2f s (prepass calls %.2f s), spool %.1f MB",
                    (double)(now_ns() - t0) / 1e9, (double)st.prepass_ns / 1e9,
                    (double)st.spool_bytes / 1e6);
        if (o->spool_mode == DC_SPOOL_WRITE) { /* this phase ends here */
            if (spool_commit(st.spool_fd, o->spool_path) != 0 || finish_stages(&st, p, FINISH_ALL) != 0) rc = DC_EXIT_RUNTIME;
            else if (st.rep.input_errors) rc = DC_EXIT_INPUT;
            st.spool_fd = -1;
            goto out;
        }
        reset_stage_stats(p, st.pre_end);
        st.rep.bytes_read = 0;
        if (lseek(st.spool_fd, 0, SEEK_SET) != 0) {
            dc_log_core(DC_LOG_ERROR, "prepass spool: %s", strerror(errno));
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
    }
    sinks k;
    if (open_sinks(&st, o, &k) != 0) {
        rc = DC_EXIT_RUNTIME;
        goto out;
    }
    st.mode = PASS_MAIN;
    st.format_on_workers = st.conc_end == p->n && dc_writer_format(k.out) == DC_OUT_JSONL;
    int prc = run_pass(&st, &k);
    if (prc != 0 || k.failed || st.interrupted || st.unstable) {
        if (k.failed)
            run_error(&st, "writing output failed: %s",
                      dc_writer_error(k.out) ? dc_writer_error(k.out)
                      : k.rej && dc_writer_error(k.rej) ? dc_writer_error(k.rej) : "?");
        dc_writer_abort(k.out);
        if (k.rej) dc_writer_abort(k.rej);
        rc = DC_EXIT_RUNTIME;
    } else {
        int crc = commit_run(&st, p, &k);
        if (crc != 0) rc = DC_EXIT_RUNTIME;
        else if (st.rep.input_errors) rc = DC_EXIT_INPUT;
        committed = o->state && crc != -1;
    }
    if (!o->rejects_path && st.rep.rejected)
        dc_log_core(DC_LOG_WARN, "%llu documents were rejected but not saved (use --rejects FILE)",
                    (unsigned long long)st.rep.rejected);
out:
    if (st.interrupted && !st.error[0])
        snprintf(st.error, sizeof st.error, "interrupted by %s", strsignal(st.interrupted));
    if (rc == DC_EXIT_RUNTIME && !st.error[0]) snprintf(st.error, sizeof st.error, "run failed");
    /* the stats already published with the outputs fixed the run time */
    if (!(st.stats_done && o->stats_path)) st.rep.seconds = (double)(now_ns() - t0) / 1e9;
    if (o->state && rc == DC_EXIT_RUNTIME) {
        dc_run_counts c = run_counts(&st, p);
        if (committed) dc_state_record_late_error(o->state, &c, st.error);
        else dc_state_record_failure(o->state, &c, st.error);
    }
    st.rep.duplicates = count_duplicates(&st.rep, p);
    st.rep.run_id = o->state ? dc_state_run_id(o->state) : NULL;
    st.rep.failed = rc == DC_EXIT_RUNTIME ? st.error : NULL;
    if (rc != DC_EXIT_RUNTIME || st.rep.docs_in || o->state) {
        if (!o->quiet) dc_report_print_summary(&st.rep, p, stderr);
        else dc_report_print_line(&st.rep, stderr); /* -q: the one-line summary (--help) */
    }
    /* Runs that published no outputs as a group (a cluster map phase, a
     * failed run is left without stats: they would describe no output). */
    st.rep.exit_status = rc;
    if (o->stats_path && !o->state && !st.stats_done && rc != DC_EXIT_RUNTIME &&
        dc_report_write_json(&st.rep, p, o->stats_path) != 0)
        rc = DC_EXIT_RUNTIME;
    if (o->report_path && (rc != DC_EXIT_RUNTIME || st.rep.docs_in) &&
        dc_report_write_html(&st.rep, p, o->report_path) != 0)
        rc = DC_EXIT_RUNTIME;
out_quiet:
    if (st.order) { /* not committed: a failed run leaves no .order */
        fclose(st.order);
        unlink(st.order_tmp);
    }
    free(st.order_tmp);
    free(st.fps);
    free(st.file_gidx);
    signals_stop(&sigs);
    if (o->interrupted) *o->interrupted = st.interrupted;
    pthread_sigmask(SIG_SETMASK, &oldmask, NULL);
    if (st.spool_fd >= 0) {
        close(st.spool_fd);
        if (o->spool_mode == DC_SPOOL_WRITE) { /* not committed: no half spool is left */
            char tmp[PATH_MAX + 32];
            snprintf(tmp, sizeof tmp, "%s.tmp", o->spool_path);
            unlink(tmp);
        }
    }
    dc_report_free(&st.rep);
    dc_input_list_free(&st.files);
    dc_input_errors_free(&ierr);
    pthread_mutex_destroy(&st.lock);
    pthread_cond_destroy(&st.cv_work);
    pthread_cond_destroy(&st.cv_done);
    pthread_cond_destroy(&st.cv_space);
    pthread_cond_destroy(&st.cv_write);
    return rc;
}
