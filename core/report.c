/*
 * report.c - run report output.  The JSON form is built with jansson; the
 * summary is a few aligned lines meant for a human (and one grep-able
 * `docclean: done` line for logs).
 */
#include "report.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic.h"

void dc_report_init(dc_run_report *r, const dc_pipeline *p)
{
    memset(r, 0, sizeof *r);
    r->rs = dc_runstats_new(p);
    r->started = (int64_t)time(NULL);
}

void dc_report_reject(dc_run_report *r, const char *stage)
{
    atomic_fetch_add(&r->rejected, 1);
    for (size_t i = 0; i < r->nrejects; i++)
        if (strcmp(r->rejects[i].stage, stage) == 0) {
            r->rejects[i].n++;
            return;
        }
    r->rejects = dc_xrealloc(r->rejects, (r->nrejects + 1) * sizeof *r->rejects);
    r->rejects[r->nrejects].stage = dc_xstrdup(stage);
    r->rejects[r->nrejects++].n = 1;
}

void dc_report_free(dc_run_report *r)
{
    for (size_t i = 0; i < r->nrejects; i++) free(r->rejects[i].stage);
    free(r->rejects);
    r->rejects = NULL;
    r->nrejects = 0;
    dc_runstats_free(r->rs);
    r->rs = NULL;
}

static double mb(uint64_t b)
{
    return (double)b / 1e6;
}

void dc_report_print_line(const dc_run_report *r, FILE *f)
{
    double secs = r->seconds > 0 ? r->seconds : 1e-9;
    if (r->failed) fprintf(f, "docclean: %s%s FAILED (%s)", r->run_id ? "run " : "run",
                           r->run_id ? r->run_id : "", r->failed);
    else if (r->run_id) fprintf(f, "docclean: run %s done", r->run_id);
    else fprintf(f, "docclean: done");
    fprintf(f, " files=%llu docs=%llu kept=%llu rejected=%llu duplicates=%llu "
               "input_errors=%llu in=%.1fMB out=%.1fMB seconds=%.2f rate=%.1fMB/s\n",
            (unsigned long long)r->files,
            (unsigned long long)r->docs_in, (unsigned long long)r->kept,
            (unsigned long long)r->rejected, (unsigned long long)r->duplicates,
            (unsigned long long)r->input_errors, mb(r->bytes_read), mb(r->bytes_out), r->seconds,
            mb(r->bytes_read) / secs);
}

void dc_report_print_summary(const dc_run_report *r, const dc_pipeline *p, FILE *f)
{
    dc_report_print_line(r, f);
    /* "changed", "lines -" and "chars -" are measured by the core from the
     * edits each stage made, whatever the plugin counts itself. */
    fprintf(f, "  %-14s %9s %9s %9s %7s %9s %9s %11s %11s %10s %10s %8s\n", "stage", "in", "kept", "dropped",
            "errors", "changed", "lines -", "chars -", "chars +", "MB in", "MB out", "cpu s");
    for (size_t i = 0; i < p->n; i++) {
        const dc_stage_stats *s = &p->stages[i]->stats;
        dc_stage_edits none = {0};
        const dc_stage_edits *e = r->rs ? dc_runstats_stage(r->rs, i) : &none;
        fprintf(f, "  %-14s %9llu %9llu %9llu %7llu %9llu %9llu %11llu %11llu %10.1f %10.1f %8.2f\n",
                p->stages[i]->name, (unsigned long long)s->docs_in, (unsigned long long)s->kept,
                (unsigned long long)s->dropped, (unsigned long long)s->errors,
                (unsigned long long)e->docs_changed, (unsigned long long)e->lines_removed,
                (unsigned long long)e->chars_removed, (unsigned long long)e->chars_added, mb(s->bytes_in), mb(s->bytes_out),
                (double)s->nanos / 1e9);
    }
    for (size_t i = 0; i < r->nrejects; i++)
        fprintf(f, "  rejected at %-10s %llu\n", r->rejects[i].stage,
                (unsigned long long)r->rejects[i].n);
}

static json_t *stage_json(const dc_stage *st)
{
    const dc_stage_stats *s = &st->stats;
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(st->name));
    json_object_set_new(o, "plugin", json_string(st->plugin_name ? st->plugin_name : ""));
    json_object_set_new(o, "docs_in", json_integer((json_int_t)s->docs_in));
    json_object_set_new(o, "kept", json_integer((json_int_t)s->kept));
    json_object_set_new(o, "dropped", json_integer((json_int_t)s->dropped));
    json_object_set_new(o, "errors", json_integer((json_int_t)s->errors));
    json_object_set_new(o, "bytes_in", json_integer((json_int_t)s->bytes_in));
    json_object_set_new(o, "bytes_out", json_integer((json_int_t)s->bytes_out));
    json_object_set_new(o, "seconds", json_real((double)s->nanos / 1e9));
    json_t *c = json_object();
    int n = atomic_load(&((dc_stage *)st)->ncounters);
    for (int i = 0; i < n; i++)
        json_object_set_new(c, st->counters[i].name,
                            json_integer((json_int_t)atomic_load(&((dc_stage *)st)->counters[i].value)));
    json_object_set_new(o, "counters", c);
    return o;
}

json_t *dc_report_json(const dc_run_report *r, const dc_pipeline *p)
{
    json_t *root = json_object();
    json_t *tot = json_object();
    json_object_set_new(tot, "files", json_integer((json_int_t)r->files));
    json_object_set_new(tot, "input_errors", json_integer((json_int_t)r->input_errors));
    json_object_set_new(tot, "docs_in", json_integer((json_int_t)r->docs_in));
    json_object_set_new(tot, "kept", json_integer((json_int_t)r->kept));
    json_object_set_new(tot, "rejected", json_integer((json_int_t)r->rejected));
    json_object_set_new(tot, "duplicates", json_integer((json_int_t)r->duplicates));
    if (r->run_id) json_object_set_new(root, "run_id", json_string(r->run_id));
    json_object_set_new(tot, "bytes_in", json_integer((json_int_t)r->bytes_read));
    json_object_set_new(tot, "bytes_out", json_integer((json_int_t)r->bytes_out));
    json_object_set_new(tot, "seconds", json_real(r->seconds));
    json_object_set_new(tot, "mb_per_s",
                        json_real(r->seconds > 0 ? mb(r->bytes_read) / r->seconds : 0));
    json_t *rej = json_object();
    for (size_t i = 0; i < r->nrejects; i++)
        json_object_set_new(rej, r->rejects[i].stage, json_integer((json_int_t)r->rejects[i].n));
    json_object_set_new(tot, "rejected_by_stage", rej);
    json_t *stages = json_array();
    for (size_t i = 0; i < p->n; i++) json_array_append_new(stages, stage_json(p->stages[i]));
    json_object_set_new(root, "version", json_string(DC_VERSION));
    json_object_set_new(root, "stages", stages);
    json_object_set_new(root, "totals", tot);
    json_object_set_new(tot, "exit_status", json_integer(r->exit_status));
    json_t *run = json_object();
    if (r->config_path) json_object_set_new(run, "config", json_string(r->config_path));
    json_t *in = json_array();
    for (size_t i = 0; i < r->ninputs && i < 100; i++) json_array_append_new(in, json_string(r->inputs[i]));
    json_object_set_new(run, "inputs", in);
    json_object_set_new(run, "ninputs", json_integer((json_int_t)r->ninputs));
    json_object_set_new(run, "started", json_integer((json_int_t)r->started));
    json_object_set_new(root, "run", run);
    if (r->rs) dc_runstats_to_json(r->rs, root);
    return root;
}

int dc_report_write_json(const dc_run_report *r, const dc_pipeline *p, const char *path)
{
    json_t *root = dc_report_json(r, p);
    /* Written atomically like every other output: a failed write leaves the
     * previous stats, never a truncated file. */
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int rc = text ? dc_write_file_atomic(path, text, strlen(text)) : -1;
    if (rc != 0) dc_log_core(DC_LOG_ERROR, "cannot write stats to %s: %s", path, text ? strerror(errno) : "out of memory");
    free(text);
    json_decref(root);
    return rc;
}
