/*
 * slurm_util.h - helpers of the Slurm launcher (core/slurm.c): running the
 * Slurm commands without a shell, reading small files, quoting for the
 * generated sbatch scripts, and the report aggregated from shard stats.
 */
#ifndef DC_SLURM_UTIL_H
#define DC_SLURM_UTIL_H

#include <stddef.h>

#include "buf.h"

/* Run argv[0] (looked up in PATH) with the argument array argv: no shell,
 * so no string is ever interpreted.  stdout goes to *out when out is not
 * NULL (stderr is inherited).  Returns the exit status, 128+signal for a
 * killed child, or -1 (errno set) when it could not be started. */
int dc_spawn(char *const argv[], dc_buf *out);

/* Append s to b as one single-quoted POSIX shell word. */
void dc_shell_quote(dc_buf *b, const char *s);

/* Read a whole (small) file; NULL when missing.  NUL-terminated. */
char *dc_read_small_file(const char *path);

/* Sum DIR/shards/NNNNN.stats.json for shards 0..count-1 into one report of
 * the same shape as a single run's --stats (plus "shards" and the slowest
 * shard's seconds), written atomically to out_path.  0, or -1 with a message
 * on stderr. */
int dc_slurm_write_report(const char *dir, unsigned count, const char *out_path);

#endif
