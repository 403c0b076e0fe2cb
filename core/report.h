/*
 * report.h - the run report: totals, per-stage statistics and plugin
 * counters, as a short summary on stderr and as JSON (--stats).
 */
#ifndef DC_REPORT_H
#define DC_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "loader.h"
#include "runstats.h"

typedef struct dc_reject_count {
    char *stage;
    uint64_t n;
} dc_reject_count;

typedef struct dc_run_report {
    uint64_t files;
    _Atomic uint64_t files_done;
    _Atomic uint64_t input_errors; /* paths / files that could not be read */
    _Atomic uint64_t docs_in, kept, rejected;
    _Atomic uint64_t bytes_read, bytes_out;
    _Atomic uint64_t input_pos;    /* progress: on-disk input bytes consumed */
    uint64_t prepass_docs;         /* progress of pass 2: documents of pass 1 */
    uint64_t bytes_total;          /* sum of input file sizes              */
    double seconds;
    uint64_t duplicates;           /* rejects by dedup stages              */
    const char *run_id;            /* unattended runs: the ledger's run id */
    const char *failed;            /* why the run failed (NULL: it did not) */
    dc_reject_count *rejects;      /* per stage (main thread only)          */
    size_t nrejects;
    dc_runstats *rs;               /* per stage / rule / site (main thread) */
    /* For the HTML report's summary (set by the run, may be NULL / 0). */
    const char *config_path;
    char *const *inputs;
    size_t ninputs;
    int exit_status;
    int64_t started;               /* UTC seconds                           */
} dc_run_report;

void dc_report_init(dc_run_report *r, const dc_pipeline *p);
void dc_report_reject(dc_run_report *r, const char *stage);
/* The one grep-able line: "docclean: run ID done files=... docs=..."
 * ("run ID FAILED (why) files=..." for a failed run). */
void dc_report_print_line(const dc_run_report *r, FILE *f);
void dc_report_print_summary(const dc_run_report *r, const dc_pipeline *p, FILE *f);
int dc_report_write_json(const dc_run_report *r, const dc_pipeline *p, const char *path);
/* The whole report as JSON (what --stats writes). */
json_t *dc_report_json(const dc_run_report *r, const dc_pipeline *p);
/* --report FILE.html: the HTML report of this run (report_html.c). */
int dc_report_write_html(const dc_run_report *r, const dc_pipeline *p, const char *path);
/* The HTML page of a stats JSON (report_html.c). */
void dc_report_html(json_t *root, dc_buf *out);
int dc_report_html_from_json(const char *json_path, const char *html_path);
/* `docclean report STATS.json -o FILE.html`; a DC_EXIT_* status. */
int dc_cmd_report(int argc, char **argv);
void dc_report_free(dc_run_report *r);

#endif
