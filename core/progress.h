/*
 * progress.h - a one-line progress bar on stderr (only on a terminal).
 */
#ifndef DC_PROGRESS_H
#define DC_PROGRESS_H

#include <stdint.h>

typedef struct dc_progress {
    int enabled;
    uint64_t total_bytes;
    uint64_t t_start, t_last;
} dc_progress;

void dc_progress_init(dc_progress *p, int enabled, uint64_t total_bytes);
/* Redraws at most 4 times a second; `final` draws once more and ends the line. */
void dc_progress_update(dc_progress *p, uint64_t docs, uint64_t bytes, int final);

#endif
