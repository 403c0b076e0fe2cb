/*
 * host.c - the host table: the services the core offers to plugins
 * (logging, option values, counters, metadata, text edits), plus document
 * lifecycle.  Plugins reach all of this through `dc_host`, never by linking
 * against the binary.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "doclog.h"
#include "state.h"

int dc_log_verbosity = DC_LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *const level_names[] = {"error", "warning", "info", "debug"};

static void log_line(const char *who, dc_log_level level, const char *fmt, va_list ap)
{
    if ((int)level > dc_log_verbosity) return;
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    pthread_mutex_lock(&log_lock);
    fprintf(stderr, "docclean: %s%s%s: %s\n", who ? who : "", who ? ": " : "",
            level_names[level < 0 ? 0 : level > 3 ? 3 : level], msg);
    pthread_mutex_unlock(&log_lock);
}

void dc_log_core(dc_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(NULL, level, fmt, ap);
    va_end(ap);
}

static void host_log(dc_stage *stage, dc_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line(stage ? stage->name : NULL, level, fmt, ap);
    va_end(ap);
}

/* ---------------- options ---------------- */

static const dc_opt_value *opt_find(const dc_options *o, const char *name)
{
    if (!o) return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->v[i].decl->name, name) == 0) return &o->v[i];
    return NULL;
}

static const char *host_opt_str(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v ? v->str : NULL;
}

static int64_t host_opt_int(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v ? v->i : 0;
}

static double host_opt_double(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v ? v->d : 0.0;
}

static int host_opt_bool(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v ? v->b : 0;
}

static size_t host_opt_list_len(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v ? v->nlist : 0;
}

static const char *host_opt_list_item(const dc_options *o, const char *name, size_t i)
{
    const dc_opt_value *v = opt_find(o, name);
    return v && i < v->nlist ? v->list[i] : NULL;
}

static const char *host_opt_where(const dc_options *o, const char *name)
{
    const dc_opt_value *v = opt_find(o, name);
    return v && v->where ? v->where : "<default>";
}

/* ---------------- counters ---------------- */

void dc_stage_init_counters(dc_stage *s)
{
    pthread_mutex_init(&s->counter_lock, NULL);
    atomic_store(&s->ncounters, 0);
}

void dc_stage_destroy_counters(dc_stage *s)
{
    int n = atomic_load(&s->ncounters);
    for (int i = 0; i < n; i++) free(s->counters[i].name);
    atomic_store(&s->ncounters, 0);
    pthread_mutex_destroy(&s->counter_lock);
}

/* Registering the same name twice returns the same id, so two instances
 * or a re-created plugin share one line in the report. */
static int host_counter_register(dc_stage *s, const char *name)
{
    if (!s) return -1;
    pthread_mutex_lock(&s->counter_lock);
    int n = atomic_load(&s->ncounters), id = -1;
    for (int i = 0; i < n; i++)
        if (strcmp(s->counters[i].name, name) == 0) id = i;
    if (id < 0 && n < DC_MAX_COUNTERS) {
        s->counters[n].name = dc_xstrdup(name);
        atomic_store(&s->counters[n].value, 0);
        atomic_store(&s->ncounters, n + 1);
        id = n;
    }
    pthread_mutex_unlock(&s->counter_lock);
    return id;
}

static void host_counter_add(dc_stage *s, int id, int64_t delta)
{
    if (!s || id < 0 || id >= atomic_load(&s->ncounters)) return;
    atomic_fetch_add_explicit(&s->counters[id].value, delta, memory_order_relaxed);
}

/* ---------------- metadata ---------------- */

static void host_meta_set_str(dc_doc *d, const char *k, const char *v, size_t n)
{
    dc_meta_put(d->meta, k, DC_META_STR, v, n);
}

static void host_meta_set_int(dc_doc *d, const char *k, int64_t v)
{
    dc_meta_put_int(d->meta, k, v);
}

static void host_meta_set_double(dc_doc *d, const char *k, double v)
{
    dc_meta_put_double(d->meta, k, v);
}

static void host_meta_add_int(dc_doc *d, const char *k, int64_t delta)
{
    dc_meta_add_int(d->meta, k, delta);
}

static const char *host_meta_get(const dc_doc *d, const char *k, size_t *len)
{
    const dc_meta_entry *e = dc_meta_find(d->meta, k);
    if (!e) {
        if (len) *len = 0;
        return NULL;
    }
    if (len) *len = e->len;
    return e->val;
}

/* ---------------- documents ---------------- */

static dc_doc_priv *priv(const dc_doc *d)
{
    return (dc_doc_priv *)d->core_private;
}

dc_doc *dc_doc_new_owned(char *id, char *source, uint64_t line, uint64_t seq, char *text,
                         size_t len, dc_meta *meta)
{
    dc_doc *d = dc_xcalloc(1, sizeof *d);
    dc_doc_priv *p = dc_xcalloc(1, sizeof *p);
    p->id_owned = id;
    p->source_owned = source;
    d->id = id ? id : "";
    d->source = source ? source : "";
    d->source_line = line;
    d->seq = seq;
    d->text = text;
    d->len = len;
    d->text[len] = '\0';
    d->meta = meta ? meta : dc_meta_new();
    p->orig = text;
    p->orig_len = len;
    d->core_private = p;
    return d;
}

dc_doc *dc_doc_new(const char *id, const char *text, size_t len)
{
    return dc_doc_new_owned(dc_xstrdup(id ? id : "doc"), dc_xstrdup("<memory>"), 0, 0,
                            dc_xstrndup(text, len), len, NULL);
}

void dc_trace_free(dc_trace *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].old);
        free(t->v[i].rep);
        free(t->v[i].rule);
    }
    free(t->v);
    free(t->whole_rule);
    dc_buf_free(&t->notes);
    free(t);
}

void dc_doc_free(dc_doc *d)
{
    if (!d) return;
    dc_doc_priv *p = priv(d);
    if (p->orig != d->text) free(p->orig);
    free(d->text);
    free(p->reason);
    free(p->id_owned);
    free(p->source_owned);
    dc_trace_free(p->trace);
    dc_doclog_free(p->log);
    dc_meta_free(d->meta);
    free(p);
    free(d);
}

const char *dc_doc_orig(const dc_doc *d, size_t *len)
{
    *len = priv(d)->orig_len;
    return priv(d)->orig;
}

const char *dc_doc_reason(const dc_doc *d)
{
    return priv(d)->reason;
}

void dc_doc_set_reason_str(dc_doc *d, const char *reason)
{
    free(priv(d)->reason);
    priv(d)->reason = reason ? dc_xstrdup(reason) : NULL;
}

static void host_set_reason(dc_doc *d, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dc_doc_set_reason_str(d, msg);
}

/* Replace the text buffer; the original stays alive for rejects. */
static void doc_swap_text(dc_doc *d, char *text, size_t len)
{
    dc_doc_priv *p = priv(d);
    if (d->text != p->orig) free(d->text);
    d->text = text;
    d->len = len;
    d->text[len] = '\0';
    p->changed = 1;
}

static void trace_add(dc_doc *d, size_t off, const char *old, size_t old_len,
                      const char *rep, size_t rep_len, const char *rule)
{
    dc_trace *t = priv(d)->trace;
    if (!t) return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = dc_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    dc_trace_edit *e = &t->v[t->n++];
    e->off = off;
    e->old = dc_xstrndup(old, old_len);
    e->old_len = old_len;
    e->rep = dc_xstrndup(rep ? rep : "", rep_len);
    e->rep_len = rep_len;
    e->rule = dc_xstrdup(rule ? rule : "?");
}

static void mark_whole_replace(dc_doc *d, const char *rule)
{
    dc_trace *t = priv(d)->trace;
    if (!t) return;
    t->whole_text_replaced = 1;
    if (rule && !t->whole_rule) t->whole_rule = dc_xstrdup(rule);
}

static void host_set_text(dc_doc *d, const char *text, size_t len)
{
    mark_whole_replace(d, NULL);
    dc_doclog_whole(d, d->text, d->len, text, len, NULL);
    doc_swap_text(d, dc_xstrndup(text, len), len);
}

static void host_set_text_buf(dc_doc *d, dc_buf *b, const char *rule)
{
    size_t len;
    char *t = dc_buf_take(b, &len);
    mark_whole_replace(d, rule);
    dc_doclog_whole(d, d->text, d->len, t, len, rule);
    doc_swap_text(d, t, len);
}

static void host_buf_append(dc_buf *b, const void *p, size_t n)
{
    dc_buf_append(b, p, n);
}

static void host_buf_free(dc_buf *b)
{
    dc_buf_free(b);
}

/* ---------------- edits ---------------- */

typedef struct dc_edit {
    size_t off, len;
    char *rep;
    size_t rep_len;
    const char *rule;
} dc_edit;

struct dc_edits {
    dc_doc *doc;
    dc_edit *v;
    size_t n, cap;
    int bad; /* an out-of-range edit was added */
};

static dc_edits *host_edits_begin(dc_doc *d)
{
    dc_edits *e = dc_xcalloc(1, sizeof *e);
    e->doc = d;
    return e;
}

static int host_edits_replace(dc_edits *e, size_t off, size_t len, const char *rep,
                              size_t rep_len, const char *rule)
{
    if (off > e->doc->len || len > e->doc->len - off) {
        e->bad = 1;
        return -1;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->v = dc_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    dc_edit *x = &e->v[e->n++];
    x->off = off;
    x->len = len;
    x->rep = rep_len ? dc_xstrndup(rep, rep_len) : NULL;
    x->rep_len = rep_len;
    x->rule = rule;
    return 0;
}

static int host_edits_delete_line(dc_edits *e, size_t off, const char *rule)
{
    const char *t = e->doc->text;
    size_t n = e->doc->len;
    if (off > n) {
        e->bad = 1;
        return -1;
    }
    size_t s = off, end = off;
    while (s > 0 && t[s - 1] != '\n') s--;
    while (end < n && t[end] != '\n') end++;
    /* The newline goes with the line.  The last line has none, and taking
     * the one before it instead would make deleting the last two lines an
     * overlapping pair of edits. */
    if (end < n) end++;
    return host_edits_replace(e, s, end - s, NULL, 0, rule);
}

static void edits_free(dc_edits *e)
{
    for (size_t i = 0; i < e->n; i++) free(e->v[i].rep);
    free(e->v);
    free(e);
}

static void host_edits_abort(dc_edits *e)
{
    if (e) edits_free(e);
}

static int edit_cmp(const void *a, const void *b)
{
    const dc_edit *x = a, *y = b;
    if (x->off != y->off) return x->off < y->off ? -1 : 1;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    return 0;
}

/* Deleting two adjacent lines, or the same line twice by two rules, is a
 * normal thing for a plugin to ask for; identical spans are merged, real
 * overlaps reject the whole batch. */
static int host_edits_commit(dc_edits *e, size_t *n_applied)
{
    if (n_applied) *n_applied = 0;
    if (e->bad) {
        edits_free(e);
        return -1;
    }
    if (e->n == 0) {
        edits_free(e);
        return 0;
    }
    qsort(e->v, e->n, sizeof *e->v, edit_cmp);
    size_t w = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (w > 0 && e->v[i].off == e->v[w - 1].off && e->v[i].len == e->v[w - 1].len &&
            e->v[i].len > 0 && e->v[i].rep_len == 0 && e->v[w - 1].rep_len == 0) {
            free(e->v[i].rep);
            continue; /* duplicate deletion */
        }
        if (w > 0 && e->v[i].off < e->v[w - 1].off + e->v[w - 1].len) {
            edits_free(e);
            return -1;
        }
        e->v[w++] = e->v[i];
    }
    e->n = w;
    dc_doc *d = e->doc;
    dc_buf out = {0};
    dc_buf_reserve(&out, d->len);
    size_t pos = 0;
    for (size_t i = 0; i < e->n; i++) {
        dc_edit *x = &e->v[i];
        dc_buf_append(&out, d->text + pos, x->off - pos);
        dc_buf_append(&out, x->rep, x->rep_len);
        trace_add(d, x->off, d->text + x->off, x->len, x->rep, x->rep_len, x->rule);
        dc_doclog_edit(d, d->text, d->len, x->off, x->len, x->rep, x->rep_len, x->rule);
        pos = x->off + x->len;
    }
    dc_buf_append(&out, d->text + pos, d->len - pos);
    if (n_applied) *n_applied = e->n;
    if (priv(d)->trace) priv(d)->trace->ncommits++;
    size_t len;
    char *t = dc_buf_take(&out, &len);
    doc_swap_text(d, t, len);
    edits_free(e);
    return 0;
}

/* ---------------- data dir ---------------- */

static char exe_dir_buf[PATH_MAX];
static char data_dir_buf[PATH_MAX];
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;

static int dir_has_conf(const char *dir)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/conf/default.ini", dir);
    return access(p, R_OK) == 0;
}

/* Running from the build tree (build/docclean), conf/ is one level up;
 * installed, it is PREFIX/share/docclean.  $DOCCLEAN_DATA_DIR overrides. */
static void dirs_init(void)
{
    ssize_t n = readlink("/proc/self/exe", exe_dir_buf, sizeof exe_dir_buf - 1);
    if (n <= 0) n = 0;
    exe_dir_buf[n] = '\0';
    char *slash = strrchr(exe_dir_buf, '/');
    if (slash) *slash = '\0';
    else snprintf(exe_dir_buf, sizeof exe_dir_buf, ".");
    const char *env = getenv("DOCCLEAN_DATA_DIR");
    char cand[PATH_MAX + 64];
    if (env && *env) {
        snprintf(data_dir_buf, sizeof data_dir_buf, "%s", env);
        return;
    }
    const char *ups[] = {"/..", "/../..", "/../share/docclean", ""};
    for (size_t i = 0; i < sizeof ups / sizeof *ups; i++) {
        snprintf(cand, sizeof cand, "%s%s", exe_dir_buf, ups[i]);
        char real[PATH_MAX];
        if (realpath(cand, real) && dir_has_conf(real)) {
            snprintf(data_dir_buf, sizeof data_dir_buf, "%s", real);
            return;
        }
    }
    snprintf(data_dir_buf, sizeof data_dir_buf, "%s/share/docclean", DC_PREFIX);
}

const char *dc_exe_dir(void)
{
    pthread_once(&dirs_once, dirs_init);
    return exe_dir_buf;
}

const char *dc_data_dir(void)
{
    pthread_once(&dirs_once, dirs_init);
    return data_dir_buf;
}

/* ---------------- sharded and cluster runs ---------------- */

static uint64_t host_doc_position(const dc_doc *d)
{
    return priv(d)->position;
}

void dc_doc_set_position(dc_doc *d, uint64_t position)
{
    priv(d)->position = position;
}

/* The one process-wide pointer left in the core, and why: host->cluster()
 * takes no argument (ABI 1.1), the host table is one immutable table shared
 * by every stage, and plugins call it from create() and keep the pointer, so
 * nothing in the call identifies a run to look the phase up in.  The phase
 * itself is owned by the command that runs it (main.c's cmd_run and
 * cluster_run.c's dc_cmd_cluster keep it in their frame, set it before the
 * pipeline is built and clear it after the pipeline is freed); only this
 * pointer is global.
 * Removing it needs an ABI slot that names the stage (see dc_cluster_set in
 * core.h). */
static const dc_cluster_ctx *cluster_ctx;

void dc_cluster_set(const dc_cluster_ctx *c)
{
    cluster_ctx = c;
}

/* ---------------- ABI 1.2 ---------------- */

static void host_set_failure(dc_stage *s, dc_failure kind)
{
    if (s && (unsigned)kind <= DC_FAIL_LOCKED) s->failure = kind;
}

static int host_explaining(const dc_doc *d)
{
    return d && d->core_private && priv(d)->trace != NULL;
}

static void host_note(dc_doc *d, const char *fmt, ...)
{
    if (!host_explaining(d)) return;
    va_list ap;
    va_start(ap, fmt);
    char line[1024];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    dc_buf *b = &priv(d)->trace->notes;
    dc_buf_append(b, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    dc_buf_putc(b, '\n');
}

static const dc_cluster_ctx *host_cluster(void)
{
    return cluster_ctx;
}

/* ---------------- ABI 1.3: the ledger's commit point ---------------- */

/* Set once by the CLI around a --state run, like cluster_ctx. */
static dc_state *ledger;

void dc_host_set_ledger(dc_state *s)
{
    ledger = s;
}

static const char *host_run_tag(void)
{
    return ledger ? dc_state_run_tag(ledger) : NULL;
}

static int host_run_committed(const char *tag)
{
    return ledger && tag ? dc_state_run_committed(ledger, tag) : -1;
}

/* ---------------- the table ---------------- */

static const dc_host host_table = {
    .abi_major = DC_ABI_MAJOR,
    .abi_minor = DC_ABI_MINOR,
    .struct_size = sizeof(dc_host),
    .log = host_log,
    .opt_str = host_opt_str,
    .opt_int = host_opt_int,
    .opt_double = host_opt_double,
    .opt_bool = host_opt_bool,
    .opt_list_len = host_opt_list_len,
    .opt_list_item = host_opt_list_item,
    .opt_where = host_opt_where,
    .counter_register = host_counter_register,
    .counter_add = host_counter_add,
    .meta_set_str = host_meta_set_str,
    .meta_set_int = host_meta_set_int,
    .meta_set_double = host_meta_set_double,
    .meta_add_int = host_meta_add_int,
    .meta_get = host_meta_get,
    .set_reason = host_set_reason,
    .edits_begin = host_edits_begin,
    .edits_replace = host_edits_replace,
    .edits_delete_line = host_edits_delete_line,
    .edits_commit = host_edits_commit,
    .edits_abort = host_edits_abort,
    .set_text = host_set_text,
    .buf_append = host_buf_append,
    .buf_free = host_buf_free,
    .set_text_buf = host_set_text_buf,
    .data_dir = dc_data_dir,
    .doc_position = host_doc_position,
    .cluster = host_cluster,
    .set_failure = host_set_failure,
    .explaining = host_explaining,
    .note = host_note,
    .run_tag = host_run_tag,
    .run_committed = host_run_committed,
};

const dc_host *dc_host_get(void)
{
    return &host_table;
}
