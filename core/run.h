/*
 * run.h - `docclean run`: stream every input document through the stages
 * with a pool of worker threads, and write kept documents and rejects in
 * input order.
 */
#ifndef DC_RUN_H
#define DC_RUN_H

#include "io.h"
#include "loader.h"
#include "shard.h"

typedef struct dc_run_opts {
    const char *out_path;     /* NULL or "-" = stdout                        */
    dc_out_format out_format;
    const char *rejects_path; /* NULL = none (a warning if anything is dropped) */
    const char *stats_path;   /* JSON run report, NULL = none                */
    const char *report_path;  /* HTML run report (--report), NULL = none     */
    const char *config_path;  /* for the report; NULL = the default config   */
    int rejects_omit;         /* DC_REJECTS_OMIT_*: rejects without their text */
    int jobs;                 /* worker threads (>= 1)                       */
    int progress;             /* 1 = draw a progress bar on stderr           */
    int quiet;                /* no summary on stderr                        */
    dc_input_opts in;
    /* Unattended mode (--state): outputs are written into the state's
     * staging dir under these names and published by the ledger commit. */
    struct dc_state *state;
    /* Sharded runs (--shard I/N): only this shard's files, and the .order
     * sidecar that `docclean merge` needs. */
    dc_shard_spec shard;
    const char *order_path;
    const char *const *state_outputs;
    size_t nstate_outputs;
    /* Cluster map phases: the first one runs the stages before the
     * corpus-wide stage once and keeps the documents in a persistent spool
     * (DC_SPOOL_WRITE: the run stops there); later phases continue from it
     * (DC_SPOOL_READ) instead of reading and cleaning the input again. */
    const char *spool_path;
    int spool_mode;
    /* Set to the signal (SIGINT, SIGTERM, SIGHUP) that stopped the run, 0
     * if none; the caller re-raises it once its own cleanup is done.  The
     * run itself removes its temporaries before returning. */
    int *interrupted;
} dc_run_opts;

enum { DC_SPOOL_NONE = 0, DC_SPOOL_WRITE = 1, DC_SPOOL_READ = 2 };
/* --rejects-omit-text: leave out the text of duplicates (dup_of says what
 * they duplicate) and/or of binary files. */
enum { DC_REJECTS_OMIT_DUPS = 1, DC_REJECTS_OMIT_BINARY = 2 };

/* Returns a DC_EXIT_* status. */
int dc_run(dc_pipeline *p, char *const *inputs, size_t ninputs, const dc_run_opts *o);

/* Run the stages over one document in the calling thread.  Returns the
 * index of the stage that dropped it (or p->n if kept) and the verdict in
 * *verdict.  Used by run and explain. */
size_t dc_run_stages(dc_pipeline *p, size_t from, size_t to, dc_doc *doc, dc_verdict *verdict);

/* Turn a raw document into a dc_doc (decoding when needed).  If the raw
 * document cannot be used, returns the doc with *reject_stage and *reject set. */
dc_doc *dc_doc_from_raw(dc_raw_doc *raw, uint64_t seq, const dc_input_opts *in,
                        const char **reject_stage, char **reject);

#endif
