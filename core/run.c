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
 *            seq), runs the remaining stages in order from one thread (the
 *            first non-concurrent stage, e.g. dedup, and everything after
 *            it), and writes output and rejects.
 * Because ordering and every order-dependent decision happen on the main
 * thread in seq order, the output bytes are identical for any -j.
 *
 * A stage with a prepass() gets a first pass over the whole input before
 * the real one (see plugin.h); stdin is spooled to a temporary file first
 * so it can be read twice.
 */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "report.h"
#include "state.h"
#include "testkit.h"

typedef struct item {
    uint64_t seq;
    dc_doc *doc;
    const char *reject_stage; /* set when dropped */
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
} run_state;

#define MAX_INFLIGHT_BYTES ((uint64_t)512 << 20)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---------------- stages ---------------- */

static dc_verdict stage_process(dc_stage *s, dc_doc *doc)
{
    atomic_fetch_add_explicit(&s->stats.docs_in, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->stats.bytes_in, doc->len, memory_order_relaxed);
    uint64_t t0 = now_ns();
    dc_verdict v = s->desc.process(s->instance, doc);
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

size_t dc_run_stages(dc_pipeline *p, size_t from, size_t to, dc_doc *doc, dc_verdict *verdict)
{
    *verdict = DC_KEEP;
    for (size_t i = from; i < to; i++) {
        dc_verdict v = stage_process(p->stages[i], doc);
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

/* ---------------- raw → doc ---------------- */

static int only_whitespace(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') return 0;
    return 1;
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
            /* Keep the raw bytes for the reject record, not a U+FFFD soup. */
            free(dec.text);
            d = dc_doc_new_owned(id, src, raw->line, seq, raw->bytes, raw->len, meta);
            raw->bytes = NULL;
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

static void *reader_main(void *arg)
{
    run_state *st = arg;
    for (size_t f = 0; f < st->files.n && !st->stop; f++) {
        dc_input_file *in = &st->files.v[f];
        char err[1024] = "";
        dc_reader *r = dc_reader_open(in, &st->o->in, err, sizeof err);
        if (!r) {
            dc_raw_doc raw;
            memset(&raw, 0, sizeof raw);
            raw.id = dc_xstrdup(in->rel);
            raw.source = dc_xstrdup(in->path);
            raw.meta = dc_meta_new();
            raw.reject_reason = dc_xstrdup(err[0] ? err : "cannot open input");
            if (st->mode == PASS_MAIN) atomic_fetch_add(&st->rep.input_errors, 1);
            produce_raw(st, &raw, f);
            continue;
        }
        dc_raw_doc raw;
        memset(&raw, 0, sizeof raw);
        while (!st->stop && dc_reader_next(r, &raw) == 1) {
            atomic_fetch_add(&st->rep.bytes_read, raw.len);
            produce_raw(st, &raw, f);
        }
        dc_reader_close(r);
        atomic_fetch_add(&st->rep.files_done, 1);
    }
    flush_batch(st);
    pthread_mutex_lock(&st->lock);
    st->reader_done = 1;
    pthread_cond_broadcast(&st->cv_done);
    pthread_cond_broadcast(&st->cv_work);
    pthread_mutex_unlock(&st->lock);
    return NULL;
}

static void worker_process(run_state *st, raw_item *ri)
{
    item *it = &ri->it;
    if (ri->raw.needs_parse) dc_raw_doc_parse(&ri->raw, st->o->in.text_field);
    it->doc = dc_doc_from_raw(&ri->raw, it->seq, &st->o->in, &it->reject_stage, &it->reject);
    dc_raw_doc_free(&ri->raw);
    uint32_t g = st->file_gidx ? st->file_gidx[it->file_idx] : it->file_idx;
    if (it->doc) dc_doc_set_position(it->doc, (uint64_t)g << 32 | (uint32_t)it->doc->source_line);
    if (it->reject_stage) return;
    size_t end = st->mode == PASS_PREPASS && st->pre_end < st->conc_end ? st->pre_end : st->conc_end;
    dc_verdict v;
    size_t at = dc_run_stages(st->p, 0, end, it->doc, &v);
    it->next_stage = at;
    if (v != DC_KEEP) {
        it->reject_stage = st->p->stages[at]->name;
        it->reject = dc_xstrdup(dc_doc_reason(it->doc));
    } else if (st->format_on_workers && at == st->p->n && !only_whitespace(it->doc->text, it->doc->len)) {
        /* Nothing left for the ordered tail but writing: format the record
         * here, in parallel, so the main thread only copies bytes. */
        dc_format_jsonl_doc(it->doc, &it->rec);
    }
}

static void *worker_main(void *arg)
{
    run_state *st = arg;
    pthread_mutex_lock(&st->lock);
    for (;;) {
        while (!st->stop && st->qhead == st->qtail && !st->reader_done)
            pthread_cond_wait(&st->cv_work, &st->lock);
        if (st->stop || (st->qhead == st->qtail && st->reader_done)) break;
        batch *b = st->queue[st->qhead++ % st->qcap];
        pthread_mutex_unlock(&st->lock);
        for (size_t i = 0; i < b->n; i++) worker_process(st, b->v[i]);
        pthread_mutex_lock(&st->lock);
        b->filled = 1;
        st->ring[b->bseq % st->window] = b;
        pthread_cond_broadcast(&st->cv_done);
    }
    pthread_mutex_unlock(&st->lock);
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
        dc_doc_free(ri->it.doc);
        free(ri->it.reject);
        dc_buf_free(&ri->it.rec);
        free(ri);
    }
    free(b);
}

/* ---------------- the ordered tail ---------------- */

typedef struct sinks {
    dc_writer *out, *rej;
    int failed;
} sinks;

static void finish_main(run_state *st, sinks *k, item *it)
{
    dc_pipeline *p = st->p;
    dc_doc *d = it->doc;
    if (!it->reject_stage) {
        dc_verdict v;
        size_t at = dc_run_stages(p, it->next_stage, p->n, d, &v);
        if (v != DC_KEEP) {
            it->reject_stage = p->stages[at]->name;
            it->reject = dc_xstrdup(dc_doc_reason(d));
        } else if (only_whitespace(d->text, d->len)) {
            it->reject_stage = "output";
            it->reject = dc_xstrdup("nothing left after cleaning");
        }
    }
    if (it->reject_stage) {
        dc_report_reject(&st->rep, it->reject_stage);
        if (k->rej) {
            size_t olen;
            const char *orig = dc_doc_orig(d, &olen);
            if (dc_writer_put_reject(k->rej, d, it->reject_stage, it->reject, orig, olen) != 0)
                k->failed = 1;
        }
        return;
    }
    atomic_fetch_add(&st->rep.kept, 1);
    atomic_fetch_add(&st->rep.bytes_out, d->len);
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
    size_t at = dc_run_stages(p, it->next_stage, st->pre_end, it->doc, &v);
    if (at < st->pre_end) return 0;
    for (size_t i = st->pre_end; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        if (s->desc.prepass && s->desc.prepass(s->instance, it->doc) != 0) {
            dc_log_core(DC_LOG_ERROR, "stage '%s': prepass failed on %s", s->name, it->doc->id);
            return -1;
        }
    }
    return 0;
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
    pthread_create(&rd, NULL, reader_main, st);
    for (int i = 0; i < nw; i++) pthread_create(&w[i], NULL, worker_main, st);
    int rc = 0;
    dc_progress prog;
    dc_progress_init(&prog, st->o->progress && st->mode == PASS_MAIN, st->rep.bytes_total);
    for (uint64_t bseq = 0;; bseq++) {
        batch *b = take_in_order(st, bseq);
        if (!b) break;
        for (size_t i = 0; i < b->n; i++) {
            item *it = &b->v[i]->it;
            if (st->mode == PASS_MAIN) {
                atomic_fetch_add(&st->rep.docs_in, 1);
                finish_main(st, k, it);
            } else if (rc == 0 && finish_prepass(st, it) != 0) {
                rc = -1;
            }
        }
        release_slot(st, b);
        batch_free(b);
        dc_progress_update(&prog, st->rep.docs_in, st->rep.bytes_read, 0);
        if (rc != 0 || (k && k->failed)) {
            pthread_mutex_lock(&st->lock);
            st->stop = 1;
            pthread_cond_broadcast(&st->cv_space);
            pthread_cond_broadcast(&st->cv_work);
            pthread_cond_broadcast(&st->cv_done);
            pthread_mutex_unlock(&st->lock);
            rc = -1;
        }
    }
    dc_progress_update(&prog, st->rep.docs_in, st->rep.bytes_read, 1);
    pthread_join(rd, NULL);
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

static void reset_stage_stats(dc_pipeline *p)
{
    for (size_t i = 0; i < p->n; i++) {
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

static int commit_order(run_state *st)
{
    if (!st->order) return 0;
    int bad = fflush(st->order) != 0 || fsync(fileno(st->order)) != 0;
    bad |= fclose(st->order) != 0;
    st->order = NULL;
    if (bad || rename(st->order_tmp, st->o->order_path) != 0) {
        dc_log_core(DC_LOG_ERROR, "%s: %s", st->o->order_path, strerror(errno));
        unlink(st->order_tmp);
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

/* Unattended mode: the stats file joins the outputs in staging, then one
 * ledger transaction commits the run and the outputs are published. */
static int commit_state(run_state *st, dc_pipeline *p)
{
    st->rep.seconds = (double)(now_ns() - st->t_start) / 1e9;
    st->rep.duplicates = count_duplicates(&st->rep, p);
    if (st->o->stats_path && dc_report_write_json(&st->rep, p, st->o->stats_path) != 0) return -1;
    dc_run_counts c = run_counts(st, p);
    char err[2048];
    if (dc_state_commit(st->o->state, &st->files, &c, st->o->state_outputs,
                        st->o->nstate_outputs, err, sizeof err) != 0) {
        dc_log_core(DC_LOG_ERROR, "committing the run failed: %s", err);
        return -1;
    }
    return 0;
}

/* stdin cannot be read twice: copy it to a temporary file for a prepass. */
static int spool_stdin(dc_input_list *files, char *tmpl)
{
    for (size_t i = 0; i < files->n; i++) {
        if (strcmp(files->v[i].path, "-") != 0) continue;
        int fd = mkstemp(tmpl);
        if (fd < 0) return -1;
        char buf[1 << 16];
        ssize_t n;
        while ((n = read(0, buf, sizeof buf)) > 0)
            if (write(fd, buf, (size_t)n) != n) {
                close(fd);
                return -1;
            }
        close(fd);
        free(files->v[i].path);
        files->v[i].path = dc_xstrdup(tmpl);
        return 1;
    }
    return 0;
}

static int open_sinks(const dc_run_opts *o, sinks *k)
{
    char err[1024];
    memset(k, 0, sizeof *k);
    k->out = dc_writer_open(o->out_path ? o->out_path : "-", o->out_format, err, sizeof err);
    if (!k->out) {
        dc_log_core(DC_LOG_ERROR, "output: %s", err);
        return -1;
    }
    if (o->rejects_path) {
        k->rej = dc_writer_open(o->rejects_path, DC_OUT_JSONL, err, sizeof err);
        if (!k->rej) {
            dc_log_core(DC_LOG_ERROR, "rejects: %s", err);
            dc_writer_abort(k->out);
            return -1;
        }
    }
    return 0;
}

/* Make the output and rejects durable under their final (or, with
 * --state, staged) names. */
static int commit_writers(sinks *k)
{
    char err[1024];
    int rc = 0;
    if (dc_writer_commit(k->out, err, sizeof err) != 0) {
        dc_log_core(DC_LOG_ERROR, "output: %s", err);
        rc = -1;
    }
    if (k->rej && dc_writer_commit(k->rej, err, sizeof err) != 0) {
        dc_log_core(DC_LOG_ERROR, "rejects: %s", err);
        rc = -1;
    }
    return rc;
}

/* Each stage's finish(): commits plugin state such as the dedup index. */
static int finish_stages(dc_pipeline *p)
{
    char err[1024];
    for (size_t i = 0; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        err[0] = '\0';
        if (s->desc.finish && s->desc.finish(s->instance, err, sizeof err) != 0) {
            dc_log_core(DC_LOG_ERROR, "stage '%s': finish failed: %s", s->name,
                        err[0] ? err : "(no message)");
            return -1;
        }
    }
    return 0;
}

/* The order of commits is what makes runs crash safe:
 *  - plain runs: output durable first, then plugin state (an index never
 *    gets ahead of the output it describes);
 *  - --state runs: outputs durable in staging, then the ledger commit (the
 *    commit point) and publishing, then plugin state.  A crash between the
 *    ledger and finish() leaves the dedup index without that run's
 *    documents (later runs may keep a copy of them) but can never lose or
 *    repeat a document; the other order could drop documents as
 *    "duplicates" of themselves when the run is redone. */
static int commit_run(run_state *st, dc_pipeline *p, sinks *k)
{
    if (commit_writers(k) != 0 || commit_order(st) != 0) return -1;
    if (st->o->state && commit_state(st, p) != 0) return -1;
    return finish_stages(p);
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
    dc_input_errors ierr = {0};
    char spool[] = "/tmp/docclean-stdin.XXXXXX";
    int spooled = 0;
    int rc = DC_EXIT_OK;
    dc_inputs_collect(inputs, ninputs, &o->in, &st.files, &ierr);
    dc_report_init(&st.rep, p);
    for (size_t i = 0; i < ierr.n; i++) {
        dc_log_core(DC_LOG_ERROR, "input: %s: %s", ierr.v[i].path, ierr.v[i].reason);
        atomic_fetch_add(&st.rep.input_errors, 1);
    }
    if (o->shard.count) dc_shard_filter(&st.files, &o->shard, &st.file_gidx);
    if (o->order_path && open_order(&st) != 0) {
        rc = DC_EXIT_RUNTIME;
        goto out_quiet;
    }
    if (o->state) {
        size_t unsettled = 0;
        size_t done = dc_state_filter_inputs(o->state, &st.files, &unsettled);
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
    uint64_t t0 = st.t_start = now_ns();
    if (st.pre_end < p->n) {
        spooled = spool_stdin(&st.files, spool);
        if (spooled < 0) {
            dc_log_core(DC_LOG_ERROR, "cannot spool stdin for the prepass: %s", strerror(errno));
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
        st.mode = PASS_PREPASS;
        if (run_pass(&st, NULL) != 0) {
            rc = DC_EXIT_RUNTIME;
            goto out;
        }
        reset_stage_stats(p);
        st.rep.bytes_read = 0;
        st.rep.files_done = 0;
        st.rep.input_errors = ierr.n;
    }
    sinks k;
    if (open_sinks(o, &k) != 0) {
        rc = DC_EXIT_RUNTIME;
        goto out;
    }
    st.mode = PASS_MAIN;
    st.format_on_workers = st.conc_end == p->n && dc_writer_format(k.out) == DC_OUT_JSONL;
    int prc = run_pass(&st, &k);
    if (prc != 0 || k.failed) {
        if (k.failed)
            dc_log_core(DC_LOG_ERROR, "writing output failed: %s",
                        dc_writer_error(k.out) ? dc_writer_error(k.out)
                        : k.rej && dc_writer_error(k.rej) ? dc_writer_error(k.rej) : "?");
        dc_writer_abort(k.out);
        if (k.rej) dc_writer_abort(k.rej);
        rc = DC_EXIT_RUNTIME;
    } else {
        if (commit_run(&st, p, &k) != 0) rc = DC_EXIT_RUNTIME;
        else if (st.rep.input_errors) rc = DC_EXIT_INPUT;
    }
    if (o->state && rc == DC_EXIT_RUNTIME) {
        dc_run_counts c = run_counts(&st, p);
        dc_state_record_failure(o->state, &c, "run failed; see its log");
    }
    if (!o->rejects_path && st.rep.rejected)
        dc_log_core(DC_LOG_WARN, "%llu documents were rejected but not saved (use --rejects FILE)",
                    (unsigned long long)st.rep.rejected);
out:
    st.rep.seconds = (double)(now_ns() - t0) / 1e9;
    if (rc != DC_EXIT_RUNTIME || st.rep.docs_in) {
        st.rep.duplicates = count_duplicates(&st.rep, p);
        st.rep.run_id = o->state ? dc_state_run_id(o->state) : NULL;
        if (!o->quiet) dc_report_print_summary(&st.rep, p, stderr);
        else if (o->state) dc_report_print_line(&st.rep, stderr);
        if (o->stats_path && !o->state && dc_report_write_json(&st.rep, p, o->stats_path) != 0)
            rc = DC_EXIT_RUNTIME;
    }
out_quiet:
    if (st.order) { /* not committed: a failed run leaves no .order */
        fclose(st.order);
        unlink(st.order_tmp);
    }
    free(st.order_tmp);
    free(st.file_gidx);
    if (spooled > 0) unlink(spool);
    dc_report_free(&st.rep);
    dc_input_list_free(&st.files);
    dc_input_errors_free(&ierr);
    pthread_mutex_destroy(&st.lock);
    pthread_cond_destroy(&st.cv_work);
    pthread_cond_destroy(&st.cv_done);
    pthread_cond_destroy(&st.cv_space);
    return rc;
}
