/*
 * state.h - the state directory of unattended (cron) runs: an exclusive
 * run lock, and a ledger of input files already processed and of past runs.
 *
 * Exactly-once protocol (see state.c for the recovery half):
 *   1. outputs are written and made durable under OUT/.staging/RUN/;
 *   2. one ledger transaction records the run, its files and its outputs:
 *      this is the commit point;
 *   3. outputs are renamed from .staging into OUT and the directory fsynced;
 *   4. plugins without DC_PLUGIN_TWO_PHASE commit their own state.
 * Two-phase plugins (the dedup index) prepare their state before 2, marked
 * with the run's tag; whoever opens it later asks this ledger whether the
 * tag committed (dc_state_run_committed) and rolls it forward or back.
 * A run killed before 2 leaves only staging files: the next run deletes
 * them and processes the same inputs again.  A run killed after 2 is rolled
 * forward by the next run (step 3 is repeated).
 *
 * Staging belongs to one state: OUT/.staging/STATE_ID/RUNNAME, STATE_ID a
 * random id kept in the ledger, so that recovery only ever removes files
 * of runs of its own state (several states may share OUT).
 * The ledger records, per input file, what the run read of it (size, hash
 * of the bytes read, inode, mtime in ns: dc_read_fingerprint), and only
 * for files read whole without a read error and unchanged while read.
 */
#ifndef DC_STATE_H
#define DC_STATE_H

#include <stdint.h>

#include "io.h"

typedef struct dc_state dc_state;

typedef struct dc_state_opts {
    const char *dir;
    int wait;               /* block on the lock instead of failing          */
    int64_t settle_seconds; /* files modified more recently are left for later */
} dc_state_opts;

/* Open (creating) the state dir, take the lock, recover an interrupted run.
 * On failure returns NULL with a message; *locked is set when another run
 * holds the lock. */
dc_state *dc_state_open(const dc_state_opts *o, const char *out_dir, char *err, size_t errlen,
                        int *locked);
void dc_state_close(dc_state *s);
const char *dc_state_run_id(const dc_state *s);
/* "STATE_ID/RUN_ID": this run's name for plugin state (host->run_tag). */
const char *dc_state_run_tag(const dc_state *s);
/* Did this ledger commit the run `tag` (a run_tag)?  1 yes, 0 no, -1 the
 * tag is not of this ledger or the ledger cannot be read. */
int dc_state_run_committed(dc_state *s, const char *tag);
/* "20261123T190102Z-1a2b3c4d": prefix of this run's output names. */
const char *dc_state_run_name(const dc_state *s);

/* Drop inputs that were processed already (same inode, size and mtime as
 * recorded, or same size and content hash), that may still be written
 * (mtime within settle_seconds, or *.part / *.tmp / *.crdownload), and
 * docclean's own files (the state dir, run outputs and staging in OUT).
 * Returns how many were skipped as processed. */
size_t dc_state_filter_inputs(dc_state *s, dc_input_list *files, size_t *unsettled);

/* Staging path for an output file name, and commit of the run (steps 3-4). */
char *dc_state_staging_path(dc_state *s, const char *name);
typedef struct dc_run_counts {
    uint64_t files, docs_in, kept, rejected, duplicates;
    double seconds;
} dc_run_counts;
/* fps[i]: what was read of files->v[i] (only complete, unchanged ones are
 * recorded).  0 = committed and published; -1 = not committed (nothing is
 * published, nothing recorded); 1 = committed but publishing failed (the
 * next run completes it).  err says why. */
int dc_state_commit(dc_state *s, const dc_input_list *files, const dc_read_fingerprint *fps,
                    const dc_run_counts *c, const char *const *outputs, size_t noutputs, char *err,
                    size_t errlen);
/* Record a failed run (best effort). */
void dc_state_record_failure(dc_state *s, const dc_run_counts *c, const char *error);
/* A committed run that failed afterwards (publishing, a plugin's finish):
 * it stays "ok" (its outputs are or will be published) with the error. */
void dc_state_record_late_error(dc_state *s, const dc_run_counts *c, const char *error);
/* dc_state_filter_inputs returns (size_t)-1 when the ledger cannot be read. */

/* `docclean status --state DIR`: print recent runs. Returns an exit status. */
int dc_state_print_status(const char *dir, int limit);

#endif
