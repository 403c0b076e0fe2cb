/*
 * commit.h - publish the files of one plain run (output, rejects, stats,
 * .order) together or not at all.
 *
 * Each file is complete and fsynced under a temporary name first
 * (dc_writer_seal).  Then a journal, "<dir>/.<name>.commit" next to the
 * first file, lists (temporary, final, backup) for every file; once it is
 * durable the run is committed.  Every existing final is hard-linked to its
 * backup, the temporaries are renamed onto the finals in order, and the
 * journal and backups are removed.
 *   - a rename that fails (permissions, a directory in the way, EIO) rolls
 *     the group back: backups return over the finals already replaced,
 *     finals that did not exist before are removed, temporaries deleted;
 *     the previous set of outputs stands and the run fails;
 *   - a crash after the journal is rolled forward by the next run that
 *     writes the same first file (dc_commit_recover): every temporary in
 *     the journal is complete, so renaming the rest finishes the set.
 * --state runs do not use this: their ledger transaction is the commit
 * point (state.h).
 */
#ifndef DC_COMMIT_H
#define DC_COMMIT_H

#include <stddef.h>

typedef struct dc_commit_group dc_commit_group;

dc_commit_group *dc_commit_group_new(void);
/* Take a sealed temporary and its final name (both malloc'd; owned now). */
void dc_commit_group_add(dc_commit_group *g, char *tmp, char *final);
/* Publish all (see above).  0, or -1 with err: nothing of the group is
 * visible and the temporaries are gone.  Frees the group. */
int dc_commit_group_publish(dc_commit_group *g, char *err, size_t errlen);
/* Remove the temporaries (a failed run), free. */
void dc_commit_group_abort(dc_commit_group *g);

/* Finish a group commit interrupted by a crash whose first file was
 * `first_final`.  0 (nothing to do, or done) or -1 with err. */
int dc_commit_recover(const char *first_final, char *err, size_t errlen);

#endif
