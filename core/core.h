/*
 * core.h - internal structures shared by the core's files: validated option
 * values, configured stages with their counters and statistics, and the
 * private part of a document.
 */
#ifndef DC_CORE_H
#define DC_CORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"
#include "docclean/plugin.h"
#include "meta.h"

/* Exit statuses of the docclean binary (documented in the README). */
enum {
    DC_EXIT_OK = 0,
    DC_EXIT_RUNTIME = 1, /* write failure, plugin finish() failure, internal */
    DC_EXIT_USAGE = 2,   /* bad command line                                */
    DC_EXIT_CONFIG = 3,  /* config / plugin loading / option error          */
    DC_EXIT_INPUT = 4,   /* run completed but some inputs could not be read */
    DC_EXIT_LOCKED = 5   /* another run holds the state directory's lock    */
};

/* ---------------- options ---------------- */

typedef struct dc_opt_value {
    const dc_option_decl *decl;
    int set;       /* 1 if given in the config, 0 = default                 */
    char *str;     /* string / enum / path value (resolved path)            */
    int64_t i;
    double d;
    int b;
    char **list;
    size_t nlist;
    char *where;   /* "FILE:LINE" or "<default>"                           */
} dc_opt_value;

struct dc_options {
    dc_opt_value *v;
    size_t n;
};

/* One raw key=value from a config, before validation. */
typedef struct dc_kv {
    char *key;
    char *val;
    char *file;
    int line;
} dc_kv;

/* Validate raw settings against a declaration table.  `base_dir` resolves
 * relative DC_OPT_PATH values.  On error returns NULL and writes
 * "FILE:LINE: [section] key: message" into err. */
dc_options *dc_options_build(const dc_option_decl *decls, const dc_kv *kv, size_t nkv,
                             const char *section, char *err, size_t errlen);
int dc_parse_bool(const char *s, int *out);

/* ---------------- stages ---------------- */

#define DC_MAX_COUNTERS 256

typedef struct dc_counter {
    char *name;
    _Atomic int64_t value;
} dc_counter;

/* Per-stage run statistics (summed over threads). */
typedef struct dc_stage_stats {
    _Atomic uint64_t docs_in, kept, dropped, errors;
    _Atomic uint64_t bytes_in, bytes_out;
    _Atomic uint64_t nanos;
} dc_stage_stats;

struct dc_stage {
    char *name;              /* section name                                 */
    char *plugin_name;
    char *plugin_file;       /* path of the .so (or "<builtin>")              */
    const dc_plugin *plugin; /* points at `desc` below                        */
    dc_plugin desc;          /* zero-extended copy of the plugin's descriptor */
    void *dl;                /* dlopen handle                                */
    void *instance;
    dc_options *opts;
    char *section_where;     /* "FILE:LINE" of the [section]                  */
    dc_failure failure;      /* what a failed create() said it was (ABI 1.2)  */
    dc_counter counters[DC_MAX_COUNTERS];
    _Atomic int ncounters;
    pthread_mutex_t counter_lock;
    dc_stage_stats stats;
};

/* ---------------- documents ---------------- */

/* One recorded edit, for `docclean explain`. */
typedef struct dc_trace_edit {
    size_t off;    /* offset in the text before this stage ran */
    char *old;     /* removed bytes */
    size_t old_len;
    char *rep;     /* inserted bytes */
    size_t rep_len;
    char *rule;
} dc_trace_edit;

typedef struct dc_trace {
    dc_trace_edit *v;
    size_t n, cap;
    int whole_text_replaced; /* set_text/set_text_buf was used */
    int ncommits;            /* edits_commit calls that changed the text */
    char *whole_rule;
    dc_buf notes;            /* host->note lines, '\n' terminated         */
} dc_trace;

typedef struct dc_doc_priv {
    char *reason;
    char *orig;        /* text as decoded, before any stage (for rejects) */
    size_t orig_len;
    char *id_owned, *source_owned;
    dc_trace *trace;   /* non-NULL only under `docclean explain`           */
    int changed;       /* text changed since the counter was reset           */
    uint64_t position; /* global input position (file index << 32 | line)   */
    struct dc_doclog *log; /* edits per stage and rule, for the run report (runstats.h) */
    const dc_stage *cur_stage; /* the stage running on it: whose edits these are */
} dc_doc_priv;

/* The host table the core hands to plugins (one, immutable). */
const dc_host *dc_host_get(void);
/* Documents.  dc_doc_new copies id and text (for tests, benches and
 * explain); dc_doc_free releases any document. */
dc_doc *dc_doc_new(const char *id, const char *text, size_t len);
void dc_doc_free(dc_doc *doc);
/* Reason set by the last DC_DROP/DC_ERROR (or NULL). */
const char *dc_doc_reason(const dc_doc *doc);
void dc_options_free(dc_options *o);

/* The document's global position (host->doc_position). */
void dc_doc_set_position(dc_doc *doc, uint64_t position);
/* The cluster phase the pipeline about to be built runs (NULL: an ordinary
 * run).  c must outlive the pipeline; set NULL once it is freed.  A global
 * only because host->cluster() has no argument to find a run by; an ABI
 * minor adding a stage-scoped lookup (e.g. cluster_of(const dc_stage *))
 * would let the pipeline own it outright. */
void dc_cluster_set(const dc_cluster_ctx *c);
/* The ledger of a --state run, for host->run_tag/run_committed (ABI 1.3).
 * Set by the CLI before the pipeline is built, NULL after the state is
 * closed. */
struct dc_state;
void dc_host_set_ledger(struct dc_state *s);

/* Create a document taking ownership of `text` (malloc'd, with one spare
 * byte after len for the NUL). */
dc_doc *dc_doc_new_owned(char *id, char *source, uint64_t line, uint64_t seq,
                         char *text, size_t len, dc_meta *meta);
/* The original text kept for rejects. */
const char *dc_doc_orig(const dc_doc *doc, size_t *len);
void dc_doc_set_reason_str(dc_doc *doc, const char *reason);
void dc_trace_free(dc_trace *t);

/* Logging from the core. */
void dc_log_core(dc_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern int dc_log_verbosity; /* messages above this level are not shown */
void dc_stage_init_counters(dc_stage *s);
void dc_stage_destroy_counters(dc_stage *s);

/* Directory holding conf/ (source tree or PREFIX/share/docclean). */
const char *dc_data_dir(void);
/* Directory of the running executable. */
const char *dc_exe_dir(void);

#endif
