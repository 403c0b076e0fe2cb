/*
 * docclean plugin ABI.
 *
 * This header is the whole contract between the docclean core and a stage
 * plugin.  A plugin is a shared object that exports exactly one symbol,
 * DC_PLUGIN_SYMBOL, of type `const dc_plugin`.  Everything a plugin needs
 * from the core (logging, text edits, metadata, counters, option values)
 * reaches it through the `dc_host` table handed to `create`, so a plugin
 * never links against the docclean binary and can be built out of tree
 * with nothing but this header (`pkg-config --cflags docclean`).
 *
 * Versioning (modelled on GStreamer/fluent-bit):
 *   - DC_ABI_MAJOR changes when an existing field changes meaning or
 *     position.  The loader refuses a plugin whose major differs.
 *   - DC_ABI_MINOR grows when fields are appended to dc_plugin or dc_host.
 *     The loader refuses a plugin built against a *newer* minor than the
 *     core (it may rely on host fields the core does not have).  Each struct
 *     records its own size, so the core reads only the fields a plugin's
 *     descriptor actually has and a plugin can check `host->struct_size`
 *     before touching a newer host field.
 *
 * Threading: if `flags & DC_PLUGIN_CONCURRENT`, the core may call `process`
 * from several threads at once on different documents with the same
 * instance; the instance must then be read-only during processing (or do its
 * own locking).  Without the flag, the core calls `process` from one thread,
 * in input order, which is what order-dependent stages (dedup) need.
 *
 * Rules for plugins: never call exit(), never print (use host->log), keep no
 * global mutable state (everything lives in the instance).
 */
#ifndef DOCCLEAN_PLUGIN_H
#define DOCCLEAN_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DC_ABI_MAJOR 1
#define DC_ABI_MINOR 3

/* The one symbol every plugin exports. */
#define DC_PLUGIN_SYMBOL "docclean_plugin"

/* Use in a plugin: `DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {...};`
 * Plugins are built with -fvisibility=hidden so this is the only export. */
#define DC_PLUGIN_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

typedef enum dc_opt_type {
    DC_OPT_STRING = 0, /* any string                                     */
    DC_OPT_INT,        /* signed 64-bit integer                          */
    DC_OPT_DOUBLE,     /* floating point                                 */
    DC_OPT_BOOL,       /* true/false/yes/no/on/off/1/0                   */
    DC_OPT_ENUM,       /* one of `choices`, a '|' separated list         */
    DC_OPT_PATH,       /* a file or directory; relative paths are resolved
                          against the directory of the INI that set them */
    DC_OPT_LIST        /* comma separated strings (may repeat the key)    */
} dc_opt_type;

typedef struct dc_option_decl {
    const char *name;
    dc_opt_type type;
    const char *default_value; /* as it would be written in the INI; NULL = unset */
    const char *help;          /* one line                                      */
    const char *choices;       /* DC_OPT_ENUM: "a|b|c".  DC_OPT_INT/DOUBLE (ABI
                                  1.2): the allowed range "MIN..MAX", either end
                                  may be empty ("0..", "..1"); the core refuses
                                  values outside it with FILE:LINE.  NULL = any
                                  value (doubles: any finite value)           */
} dc_option_decl;

/* Opaque, validated option values of one stage. Read through the host. */
typedef struct dc_options dc_options;

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

typedef struct dc_meta dc_meta; /* opaque ordered key/value store */

typedef struct dc_doc {
    const char *id;          /* stable document id (NUL-terminated)        */
    const char *source;      /* input path the document came from          */
    uint64_t source_line;    /* 1-based line for JSONL input, 0 otherwise  */
    uint64_t seq;            /* global input ordinal (input order)         */
    /* UTF-8 text.  `len` is authoritative: the text may contain NUL bytes
     * and plugins must never rely on a terminator.  (The core does keep a
     * NUL at text[len] as a safety net for careless library calls.)  Change
     * the text only through the host's edit helpers. */
    char *text;
    size_t len;
    dc_meta *meta;
    void *core_private; /* owned by the core; do not touch */
} dc_doc;

/* What `process` decided about a document. */
typedef enum dc_verdict {
    DC_KEEP = 0,  /* pass the (possibly edited) document on            */
    DC_DROP = 1,  /* send to rejects; set the reason with host->set_reason */
    DC_ERROR = 2  /* processing failed; the document goes to rejects with
                     the message set by host->set_reason, the run goes on */
} dc_verdict;

/* A batch of text edits against one document.  Edits are spans of the
 * *current* text; they may be added in any order but must not overlap.
 * Commit applies them in one pass.  `rule` names what made the edit; it
 * shows up in `docclean explain` and may be NULL. */
typedef struct dc_edits dc_edits;

/* A growable byte buffer for building new text from pieces. */
typedef struct dc_buf {
    char *data;
    size_t len;
    size_t cap;
} dc_buf;

/* Handle of one configured stage: passed back to the host for logging and
 * counters. */
typedef struct dc_stage dc_stage;

/* Why create() failed (ABI 1.2, see dc_host.set_failure).  Decides the
 * exit status and whether the message points at the configuration. */
typedef enum dc_failure {
    DC_FAIL_CONFIG = 0,  /* the options are wrong (the default): exit 3     */
    DC_FAIL_RUNTIME = 1, /* a resource failed: memory, mmap, I/O: exit 1     */
    DC_FAIL_LOCKED = 2   /* a resource is held by another process: exit 5    */
} dc_failure;

typedef enum dc_log_level {
    DC_LOG_ERROR = 0,
    DC_LOG_WARN = 1,
    DC_LOG_INFO = 2,
    DC_LOG_DEBUG = 3
} dc_log_level;

/* ------------------------------------------------------------------ */
/* Host services                                                       */
/* ------------------------------------------------------------------ */

/* One phase of a cluster run, as `docclean run --cluster-phase` or
 * `docclean cluster` were asked to do it.  Map phases (the document stream
 * of one shard) call process() as usual; reduce phases call the plugin's
 * reduce() once, with no documents. */
typedef struct dc_cluster_ctx {
    const char *phase;   /* e.g. "lines", "sign", "apply", or a reduce phase */
    const char *dir;     /* the run directory shared by all tasks (OUT)       */
    unsigned shard;      /* map phases: this shard; reduce: this task         */
    unsigned nshards;    /* shards of the run (N)                             */
    unsigned task, ntasks; /* reduce phases: task index and count            */
} dc_cluster_ctx;

typedef struct dc_host {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t struct_size; /* sizeof(dc_host) of the running core */

    /* Logging: one line, no trailing newline needed. */
    void (*log)(dc_stage *stage, dc_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /* Options (values already validated against the declared table). */
    const char *(*opt_str)(const dc_options *o, const char *name); /* NULL if unset */
    int64_t (*opt_int)(const dc_options *o, const char *name);
    double (*opt_double)(const dc_options *o, const char *name);
    int (*opt_bool)(const dc_options *o, const char *name);
    /* DC_OPT_LIST: number of items and item i. */
    size_t (*opt_list_len)(const dc_options *o, const char *name);
    const char *(*opt_list_item)(const dc_options *o, const char *name, size_t i);
    /* "FILE:LINE" where the option was set (or "<default>"), for error text. */
    const char *(*opt_where)(const dc_options *o, const char *name);

    /* Counters: register at create time (returns an id), add from process.
     * Thread safe.  Counters appear per stage in the run report. */
    int (*counter_register)(dc_stage *stage, const char *name);
    void (*counter_add)(dc_stage *stage, int counter_id, int64_t delta);

    /* Document metadata.  Keys are copied.  Values set here are written
     * into the output record (and rejects record). */
    void (*meta_set_str)(dc_doc *doc, const char *key, const char *val, size_t len);
    void (*meta_set_int)(dc_doc *doc, const char *key, int64_t val);
    void (*meta_set_double)(dc_doc *doc, const char *key, double val);
    void (*meta_add_int)(dc_doc *doc, const char *key, int64_t delta); /* counter */
    /* Returns the string value (or NULL); *len gets its length. Integers
     * and doubles are returned formatted. Valid until the key is set again. */
    const char *(*meta_get)(const dc_doc *doc, const char *key, size_t *len);

    /* Reason for DC_DROP / DC_ERROR (copied; printf style). */
    void (*set_reason)(dc_doc *doc, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

    /* Text edits. */
    dc_edits *(*edits_begin)(dc_doc *doc);
    int (*edits_replace)(dc_edits *e, size_t off, size_t len, const char *rep,
                         size_t rep_len, const char *rule);
    /* Delete the whole line containing byte `off`, including its '\n'. */
    int (*edits_delete_line)(dc_edits *e, size_t off, const char *rule);
    /* Apply and free. Returns 0, or -1 on overlapping/out-of-range edits
     * (the text is then left unchanged). Number of edits applied in *n. */
    int (*edits_commit)(dc_edits *e, size_t *n_applied);
    void (*edits_abort)(dc_edits *e);

    /* Replace the whole text (takes a copy). */
    void (*set_text)(dc_doc *doc, const char *text, size_t len);

    /* Buffers. */
    void (*buf_append)(dc_buf *b, const void *data, size_t len);
    void (*buf_free)(dc_buf *b);
    /* Hand the buffer to the document as its new text (buffer is emptied). */
    void (*set_text_buf)(dc_doc *doc, dc_buf *b, const char *rule);

    /* Directory holding shipped data (conf/, tables), for plugins that load
     * data files by default.  Never NULL. */
    const char *(*data_dir)(void);

    /* ---- ABI 1.1: runs split into shards and cluster phases ---- */

    /* The document's position in the whole, unsharded input: the index of
     * its file in the full sorted input list << 32 | its line (0 for a text
     * file).  The same in a single run and in any shard of it, so shards can
     * agree on "earlier" without talking to each other. */
    uint64_t (*doc_position)(const dc_doc *doc);
    /* Non-NULL when this process runs one phase of a corpus-wide stage split
     * over a cluster (see dc_cluster_ctx and docs/scale-out.md). */
    const dc_cluster_ctx *(*cluster)(void);

    /* ---- ABI 1.2 (check host->struct_size before use) ---- */

    /* Called by create() before it returns NULL: what kind of failure it
     * is.  Without it a failed create() is a configuration error (exit 3,
     * "FILE:LINE: [stage] ..."); a runtime failure (exit 1) or a busy
     * resource (exit 5) is reported without pointing at the config. */
    void (*set_failure)(dc_stage *stage, dc_failure kind);
    /* `docclean explain` support: explaining() is non-zero while the
     * document is being explained; note() then adds one line to what
     * explain prints under the current stage (which site profile applied
     * and why the others did not, ...).  note() is a no-op otherwise. */
    int (*explaining)(const dc_doc *doc);
    void (*note)(dc_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

    /* ---- ABI 1.3 (check host->struct_size before use) ---- */

    /* Two-phase commit of plugin state with the run's ledger (`--state`
     * runs; see DC_PLUGIN_TWO_PHASE).  run_tag() names this run in its
     * ledger ("STATE_ID/RUN_ID", unique across state dirs), or is NULL when
     * the run has no ledger.  run_committed(tag) says whether the ledger of
     * THIS run committed the run `tag`: 1 committed, 0 not committed (the
     * tag is of this ledger and the run never reached its commit point, or
     * failed before it), -1 cannot tell (no ledger, or another ledger's
     * tag).  Both may be called from create() on. */
    const char *(*run_tag)(void);
    int (*run_committed)(const char *tag);
} dc_host;


/* ------------------------------------------------------------------ */
/* The descriptor                                                      */
/* ------------------------------------------------------------------ */

enum {
    DC_PLUGIN_CONCURRENT = 1u << 0, /* process() may run on several threads */
    /* ABI 1.3: in a run with a ledger (host->run_tag() != NULL) finish()
     * PREPARES: it makes the plugin's state durable but marked as pending
     * for run_tag(), and the core calls it BEFORE the ledger commit (the
     * run's single commit point), so a failing finish() fails the run with
     * nothing published.  Whoever opens the state later resolves a pending
     * tag with host->run_committed(): roll it forward (1) or discard it
     * (0).  Without the flag finish() runs after the commit point. */
    DC_PLUGIN_TWO_PHASE = 1u << 1
};

/* Which pass prepare() prepares for (ABI 1.1). */
enum { DC_PASS_PREPASS = 1, DC_PASS_MAIN = 2 };

/* One phase of a corpus-wide stage split over a cluster (ABI 1.1). */
typedef struct dc_phase_decl {
    const char *name;  /* [a-z]+, unique in the run                        */
    int reduce;        /* 0: map phase: each shard's documents go through
                          process() under host->cluster(); 1: reduce tasks,
                          each one call of reduce()                         */
    const char *tasks; /* reduce: how many tasks: a number, or the name of an
                          integer option of the stage (e.g. "bands")        */
    const char *what;  /* one line for the docs and `docclean slurm status` */
} dc_phase_decl;

typedef struct dc_plugin {
    uint32_t abi_major;   /* = DC_ABI_MAJOR at build time */
    uint32_t abi_minor;   /* = DC_ABI_MINOR at build time */
    uint32_t struct_size; /* = sizeof(dc_plugin) at build time */
    uint32_t flags;       /* DC_PLUGIN_* */

    const char *name;        /* stage plugin name, [a-z0-9_]+ */
    const char *description; /* one line */
    const char *version;     /* plugin's own version string */

    const dc_option_decl *options; /* terminated by an entry with name == NULL */

    /* Build an instance from validated options.  On failure return NULL and
     * write a one-line message into err (errlen bytes). */
    void *(*create)(const dc_host *host, dc_stage *stage, const dc_options *opts,
                    char *err, size_t errlen);
    /* Process one document. */
    dc_verdict (*process)(void *instance, dc_doc *doc);
    /* End-of-run work (flush an index ...). May be NULL. 0 on success.
     * With DC_PLUGIN_TWO_PHASE and a ledger: the prepare half (see there). */
    int (*finish)(void *instance, char *err, size_t errlen);
    /* Free the instance. May be NULL. */
    void (*destroy)(void *instance);

    /* Optional corpus-wide first pass.  When set, the core first runs the
     * stages before this one over the whole input and calls prepass() on each
     * surviving document, in input order, from one thread, before any
     * process() call of this stage.  For statistics that need the whole corpus
     * (repeated-line counts).  Return 0, or -1 to abort the run. */
    int (*prepass)(void *instance, const dc_doc *doc);

    /* ---- ABI 1.1 ---- */
    /* Optional reduce task of a cluster run (`docclean cluster PHASE`):
     * called once on an instance created with the run's options, with
     * host->cluster() describing the phase and task.  It reads the files
     * the map phases wrote under the run directory and writes its own,
     * durably (fsync, rename), before returning 0.  -1 + err on failure. */
    int (*reduce)(void *instance, char *err, size_t errlen);
    /* How this corpus-wide stage splits over a cluster: its phases in
     * order, terminated by an entry with name == NULL (NULL: the stage
     * needs nothing corpus-wide, or cannot be split).  The last map phase
     * is the one whose shard outputs make the run's output. */
    const struct dc_phase_decl *phases;

    /* Optional split of an ordered stage (one without DC_PLUGIN_CONCURRENT)
     * into an order-free half and an ordered half.  When every stage before
     * it is concurrent, the core calls prepare() on the worker threads,
     * concurrently, for each document that reached the stage, and hands the
     * result to the ordered half on the ordered thread: process_prepared()
     * in the main pass (pass = DC_PASS_MAIN) instead of process(),
     * prepass_prepared() in the prepass (DC_PASS_PREPASS) instead of
     * prepass().  prepare() may edit the document only in the main pass and
     * must otherwise treat the instance as read-only; NULL means "nothing
     * prepared" (process()/prepass() are called).  prepared_free() releases a
     * result that was never consumed (the run stopped).  dedup uses this to
     * normalize and hash on all cores. */
    void *(*prepare)(void *instance, dc_doc *doc, int pass);
    dc_verdict (*process_prepared)(void *instance, dc_doc *doc, void *prepared);
    int (*prepass_prepared)(void *instance, const dc_doc *doc, void *prepared);
    void (*prepared_free)(void *instance, void *prepared);
} dc_plugin;

/* Convenience for plugins: fill the version fields. */
#define DC_PLUGIN_HEADER(flags_) \
    .abi_major = DC_ABI_MAJOR, .abi_minor = DC_ABI_MINOR, \
    .struct_size = (uint32_t)sizeof(dc_plugin), .flags = (flags_)

#ifdef __cplusplus
}
#endif
#endif /* DOCCLEAN_PLUGIN_H */
