/*
 * progress.h - a one-line progress bar on stderr (only on a terminal).
 */
#ifndef DC_PROGRESS_H
#define DC_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct dc_progress {
    int enabled;
    const char *label;    /* "pass 1/2: prepass (dedup)", or NULL */
    uint64_t total;       /* units of `done` at 100% (0: unknown, no bar) */
    uint64_t t_start, t_last;
} dc_progress;

/* `total` is in the units later given as `done`: input bytes on disk, or
 * documents in a pass whose document count is known. */
void dc_progress_init(dc_progress *p, int enabled, const char *label, uint64_t total);
/* Redraws at most 4 times a second.  `final` draws once more and ends the
 * line: 1 = the pass completed (drawn at 100%), 2 = it stopped early.
 * `bytes` (uncompressed) gives the rate. */
void dc_progress_update(dc_progress *p, uint64_t docs, uint64_t bytes, uint64_t done, int final);
/* The fill line itself, for tests: "[####......] 40%  ..." without \r. */
void dc_progress_format(char *out, size_t len, const char *label, uint64_t docs, uint64_t bytes,
                        uint64_t done, uint64_t total, double secs);

#endif
