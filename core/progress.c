/*
 * progress.c - docs, MB, MB/s, fill and ETA on one redrawn stderr line.
 *
 * The fill is measured in what is known in advance: the input files' sizes
 * on disk against the bytes consumed from them (for compressed inputs the
 * compressed bytes, so .gz / .zst inputs get a true fill and ETA), or, in
 * the second pass of a run with a prepass, the documents of the first pass.
 * The ETA comes from the fill rate so far.  The last draw of a completed
 * pass says 100%.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

#define BAR 20

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void dc_progress_init(dc_progress *p, int enabled, const char *label, uint64_t total)
{
    p->enabled = enabled;
    p->label = label;
    p->total = total;
    p->t_start = p->t_last = mono_ns();
}

void dc_progress_format(char *out, size_t len, const char *label, uint64_t docs, uint64_t bytes,
                        uint64_t done, uint64_t total, double secs)
{
    double mbs = secs > 0 ? (double)bytes / 1e6 / secs : 0;
    char bar[BAR + 1] = "", pct[16] = "", eta[32] = "";
    if (total) {
        double frac = done >= total ? 1.0 : (double)done / (double)total;
        int fill = (int)(frac * BAR);
        for (int i = 0; i < BAR; i++) bar[i] = i < fill ? '#' : '.';
        bar[BAR] = '\0';
        snprintf(pct, sizeof pct, " %3d%%", (int)(frac * 100));
        if (frac > 0 && frac < 1 && secs > 1) {
            double left = secs * (1 - frac) / frac;
            snprintf(eta, sizeof eta, "  ETA %02d:%02d", (int)left / 60, (int)left % 60);
        }
    }
    const char *sep = label ? "  " : "";
    if (total)
        snprintf(out, len, "%s%s[%s]%s  %llu docs  %.1f MB  %.1f MB/s%s", label ? label : "", sep, bar, pct,
                 (unsigned long long)docs, (double)bytes / 1e6, mbs, eta);
    else
        snprintf(out, len, "%s%s%llu docs  %.1f MB  %.1f MB/s", label ? label : "", sep, (unsigned long long)docs,
                 (double)bytes / 1e6, mbs);
}

void dc_progress_update(dc_progress *p, uint64_t docs, uint64_t bytes, uint64_t done, int final)
{
    if (!p->enabled) return;
    uint64_t now = mono_ns();
    if (!final && now - p->t_last < 250000000ull) return;
    p->t_last = now;
    char line[256];
    dc_progress_format(line, sizeof line, p->label, docs, bytes, final == 1 ? p->total : done, p->total,
                       (double)(now - p->t_start) / 1e9);
    fprintf(stderr, "\r\033[K%s", line);
    if (final) fputc('\n', stderr);
    fflush(stderr);
}
