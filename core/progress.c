/*
 * progress.c - docs, MB, MB/s and ETA on one redrawn stderr line.
 *
 * The total is the sum of input file sizes; with compressed inputs the
 * bytes read exceed it, so the ETA is hidden rather than wrong.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void dc_progress_init(dc_progress *p, int enabled, uint64_t total_bytes)
{
    p->enabled = enabled;
    p->total_bytes = total_bytes;
    p->t_start = p->t_last = mono_ns();
}

void dc_progress_update(dc_progress *p, uint64_t docs, uint64_t bytes, int final)
{
    if (!p->enabled) return;
    uint64_t now = mono_ns();
    if (!final && now - p->t_last < 250000000ull) return;
    p->t_last = now;
    double secs = (double)(now - p->t_start) / 1e9;
    double mbs = secs > 0 ? (double)bytes / 1e6 / secs : 0;
    char bar[32] = "", eta[32] = "";
    if (p->total_bytes && bytes <= p->total_bytes) {
        double frac = (double)bytes / (double)p->total_bytes;
        int fill = (int)(frac * 20);
        for (int i = 0; i < 20; i++) bar[i] = i < fill ? '#' : '.';
        bar[20] = '\0';
        if (mbs > 0) {
            double left = (double)(p->total_bytes - bytes) / 1e6 / mbs;
            snprintf(eta, sizeof eta, "ETA %02d:%02d", (int)left / 60, (int)left % 60);
        }
    }
    fprintf(stderr, "\r\033[K[%s] %llu docs  %.1f MB  %.1f MB/s  %s", bar,
            (unsigned long long)docs, (double)bytes / 1e6, mbs, eta);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}
