/*
 * slurm.c - the Slurm launcher: `docclean slurm submit|status|resume`.
 *
 * A run is a chain of stages on a shared filesystem; each stage is one
 * Slurm job array whose tasks are independent, started with
 * --dependency=afterok on the previous stage's array.  Slurm schedules and
 * retries nothing for us, and we run no daemon: the state of a run is
 *   - the completion markers the tasks write last (DIR/shards/NNNNN.done,
 *     DIR/final.done), which say what is finished;
 *   - DIR/slurm/jobs, one line "STAGE JOBID TASKS" per sbatch we made;
 *   - squeue (what Slurm still knows: pending, running, recently ended);
 *   - the per-task logs DIR/logs/dc-STAGE-JOBID_TASK.log.
 * No accounting (sacct) is needed.  A killed task leaves no marker, so
 * `resume` runs it again from scratch; a finished one is never run twice.
 *
 * Stages live in the `stages` table below.  A new stage (the cluster-wide
 * dedup stages of docs/scale-out.md) is one more row: how many tasks, when a
 * task is done, and the shell command that runs task $task.
 */
#include "slurm.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "core.h"
#include "shard.h"
#include "atomic.h"
#include "slurm_util.h"

/* What `submit` was given; saved in DIR/slurm/run.json for status/resume. */
typedef struct run_info {
    char *dir, *config, *docclean;
    char *cwd; /* tasks run here, so inputs keep the paths (and "source") given */
    unsigned tasks;
    char **inputs;
    size_t ninputs;
    const char *partition, *time, *mem;
    unsigned cpus;
    char **extra; /* --sbatch-arg values */
    size_t nextra;
    struct stage_def *stages; /* the plan (`docclean cluster plan`) + merge */
    size_t nstages;
} run_info;

/* ---------------- the stages ----------------
 *
 * The stages are the phases of the run's plan (core/cluster.h: one map
 * phase "shards" for a pipeline without corpus-wide stages; the dedup
 * stage's seven phases otherwise), then the merge.  They are fixed at
 * submit time and kept in run.json. */

typedef enum { K_MAP, K_OUTPUT, K_REDUCE, K_MERGE } stage_kind;
static const char *const kind_names[] = {"map", "output", "reduce", "merge"};

typedef struct stage_def {
    char name[32]; /* job name dc-NAME, script DIR/slurm/K-NAME.sbatch */
    char what[160];
    stage_kind kind;
    unsigned ntasks;
} stage_def;

/* A task is done when its completion marker exists. */
static int stage_done(const run_info *r, const stage_def *s, unsigned task)
{
    char p[PATH_MAX + 128];
    if (s->kind == K_OUTPUT) snprintf(p, sizeof p, "%s/shards/%05u.done", r->dir, task);
    else if (s->kind == K_MERGE) snprintf(p, sizeof p, "%s/final.done", r->dir);
    else snprintf(p, sizeof p, "%s/cluster/%s/%05u.done", r->dir, s->name, task);
    return dc_file_exists(p);
}

/* Shell lines that run task "$task" of stage s.  The shard comes from the
 * array index, never from the environment's task count: a resubmission
 * (--array=2,5) has a different count. */
static void stage_command(dc_buf *b, const run_info *r, const stage_def *s)
{
    dc_shell_quote(b, r->docclean);
    if (s->kind == K_MERGE) {
        dc_buf_puts(b, " slurm finish ");
        dc_shell_quote(b, r->dir);
        dc_buf_puts(b, "\n");
        return;
    }
    if (s->kind == K_REDUCE) {
        dc_buf_printf(b, " cluster %s --task \"$task/%u\" --shards %u -c ", s->name, s->ntasks, r->tasks);
        dc_shell_quote(b, r->config);
        dc_buf_puts(b, " ");
        dc_shell_quote(b, r->dir);
        dc_buf_puts(b, "\n");
        return;
    }
    dc_buf_puts(b, " run -c ");
    dc_shell_quote(b, r->config);
    if (strcmp(s->name, "shards") != 0) dc_buf_printf(b, " --cluster-phase %s", s->name);
    dc_buf_printf(b, " --shard \"$task/%u\" -o ", r->tasks);
    dc_shell_quote(b, r->dir);
    dc_buf_puts(b, " -j \"${SLURM_CPUS_PER_TASK:-1}\" --no-progress --");
    for (size_t i = 0; i < r->ninputs; i++) {
        dc_buf_puts(b, " \\\n    ");
        dc_shell_quote(b, r->inputs[i]);
    }
    dc_buf_puts(b, "\n");
}

static void add_stage(run_info *r, const char *name, const char *what, stage_kind kind, unsigned n)
{
    r->stages = dc_xrealloc(r->stages, (r->nstages + 1) * sizeof *r->stages);
    stage_def *s = &r->stages[r->nstages++];
    snprintf(s->name, sizeof s->name, "%s", name);
    snprintf(s->what, sizeof s->what, "%s", what);
    s->kind = kind;
    s->ntasks = n;
}

/* The plan of this config over r->tasks shards, from `docclean cluster plan`. */
static int load_plan(run_info *r)
{
    char n[32];
    snprintf(n, sizeof n, "%u", r->tasks);
    char *argv[] = {r->docclean, "cluster", "plan", "-c", r->config, "--shards", n, NULL};
    dc_buf out = {0};
    int rc = dc_spawn(argv, &out);
    char *save = NULL;
    for (char *line = rc == 0 && out.data ? strtok_r(out.data, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char name[32], kind[16], flag[16] = "";
        unsigned tasks;
        if (sscanf(line, "%31s %15s %u %15s", name, kind, &tasks, flag) < 3) continue;
        int reduce = !strcmp(kind, "reduce"), output = !strcmp(flag, "output");
        add_stage(r, name, reduce ? "reduce task" : output ? "the pipeline on shard $task, writing the output"
                                                           : "the pipeline on shard $task (map phase)",
                  reduce ? K_REDUCE : output ? K_OUTPUT : K_MAP, tasks);
    }
    dc_buf_free(&out);
    if (rc != 0 || !r->nstages) {
        fprintf(stderr, "docclean: slurm: cannot get the run's phases (`docclean cluster plan -c %s`)\n", r->config);
        return -1;
    }
    add_stage(r, "merge", "merge the shards into final.jsonl, aggregate report.json", K_MERGE, 1);
    return 0;
}

/* ---------------- run.json ---------------- */

static char *path_in(const char *dir, const char *suffix)
{
    dc_buf b = {0};
    dc_buf_puts(&b, dir);
    dc_buf_puts(&b, suffix);
    return dc_buf_take(&b, NULL);
}

static char *absolute(const char *p)
{
    if (p[0] == '/') return dc_xstrdup(p);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return dc_xstrdup(p);
    while (p[0] == '.' && p[1] == '/') p += 2;
    dc_buf b = {0};
    dc_buf_printf(&b, "%s/%s", cwd, p);
    char *s = dc_buf_take(&b, NULL);
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/') s[--n] = '\0';
    if (n > 2 && !strcmp(s + n - 2, "/.")) s[n - 2] = '\0';
    return s;
}

static json_t *str_array(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
    return a;
}

static int save_run(const run_info *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "tasks", json_integer(r->tasks));
    json_object_set_new(o, "config", json_string(r->config));
    json_object_set_new(o, "docclean", json_string(r->docclean));
    json_object_set_new(o, "cwd", json_string(r->cwd));
    json_object_set_new(o, "inputs", str_array(r->inputs, r->ninputs));
    json_object_set_new(o, "sbatch_args", str_array(r->extra, r->nextra));
    json_t *st = json_array();
    for (size_t i = 0; i < r->nstages; i++)
        json_array_append_new(st, json_pack("{s:s,s:s,s:i,s:s}", "name", r->stages[i].name, "kind",
                                            kind_names[r->stages[i].kind], "tasks", (json_int_t)r->stages[i].ntasks,
                                            "what", r->stages[i].what));
    json_object_set_new(o, "stages", st);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    char *p = path_in(r->dir, "/slurm/run.json");
    int rc = text ? dc_write_file_atomic(p, text, strlen(text)) : -1;
    if (rc != 0) fprintf(stderr, "docclean: slurm: cannot write %s: %s\n", p, strerror(errno));
    free(p);
    free(text);
    return rc;
}

/* Enough of run.json for status/resume/finish: the dir and the task count. */
static int load_run(const char *dir, run_info *r)
{
    memset(r, 0, sizeof *r);
    r->dir = absolute(dir);
    char *p = path_in(r->dir, "/slurm/run.json");
    json_error_t err;
    json_t *o = json_load_file(p, 0, &err);
    json_int_t n = o ? json_integer_value(json_object_get(o, "tasks")) : 0;
    if (!o || n <= 0 || n > 1000000) {
        fprintf(stderr, "docclean: slurm: %s: %s\n", p,
                o ? "no valid \"tasks\"" : "cannot read it (was this DIR made by `docclean slurm submit`?)");
        json_decref(o);
        free(p);
        free(r->dir);
        return -1;
    }
    r->tasks = (unsigned)n;
    json_t *st = json_object_get(o, "stages"), *e;
    size_t i;
    json_array_foreach(st, i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *kind = json_string_value(json_object_get(e, "kind"));
        const char *what = json_string_value(json_object_get(e, "what"));
        json_int_t t = json_integer_value(json_object_get(e, "tasks"));
        int k = -1;
        for (int j = 0; kind && j < 4; j++)
            if (!strcmp(kind, kind_names[j])) k = j;
        if (!name || k < 0 || t < 1 || t > 1000000 || strlen(name) >= 32) {
            r->nstages = 0;
            break;
        }
        add_stage(r, name, what ? what : "", (stage_kind)k, (unsigned)t);
    }
    json_decref(o);
    if (!r->nstages) {
        fprintf(stderr, "docclean: slurm: %s: no valid \"stages\" (made by an older docclean?)\n", p);
        free(p);
        free(r->dir);
        return -1;
    }
    free(p);
    return 0;
}

/* ---------------- the jobs file and squeue ---------------- */

typedef struct job_rec {
    char stage[32];
    unsigned long job;
    char *tasks; /* Slurm array list, e.g. "0-3" or "1,5" */
} job_rec;

typedef struct job_list {
    job_rec *v;
    size_t n;
} job_list;

static void job_list_free(job_list *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i].tasks);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void load_jobs(const char *dir, job_list *l)
{
    memset(l, 0, sizeof *l);
    char *p = path_in(dir, "/slurm/jobs");
    FILE *f = fopen(p, "r");
    free(p);
    if (!f) return;
    char *line = NULL, stage[32];
    size_t cap = 0;
    unsigned long job;
    while (getline(&line, &cap, f) > 0) {
        char *tasks = NULL;
        if (sscanf(line, "%31s %lu %ms", stage, &job, &tasks) != 3) {
            free(tasks);
            continue;
        }
        l->v = dc_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
        job_rec *j = &l->v[l->n++];
        snprintf(j->stage, sizeof j->stage, "%s", stage);
        j->job = job;
        j->tasks = tasks;
    }
    free(line);
    fclose(f);
}

static int append_job(const char *dir, const char *stage, unsigned long job, const char *tasks)
{
    char *p = path_in(dir, "/slurm/jobs");
    FILE *f = fopen(p, "a");
    int rc = -1;
    if (f) {
        fprintf(f, "%s %lu %s\n", stage, job, tasks);
        rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
        rc |= fclose(f);
    }
    if (rc != 0)
        fprintf(stderr, "docclean: slurm: cannot record job %lu in %s: %s\n", job, p, strerror(errno));
    free(p);
    return rc;
}

/* Mark the tasks of an array list ("0-3,7", "[0-3%2]") in mark[0..n). */
static void mark_tasks(const char *s, unsigned n, unsigned char *mark)
{
    if (*s == '[') s++;
    while (*s && *s != ']' && *s != '%') {
        char *end;
        unsigned long a = strtoul(s, &end, 10), b = a;
        if (end == s) return;
        s = end;
        if (*s == '-') {
            b = strtoul(s + 1, &end, 10);
            s = end;
        }
        if (*s == ':') { /* a step: we never write one */
            (void)strtoul(s + 1, &end, 10);
            s = end;
        }
        for (unsigned long t = a; t <= b && t < n; t++) mark[t] = 1;
        if (*s == ',') s++;
        else break;
    }
}

typedef struct sq_entry {
    unsigned long job;
    unsigned task;
    char state[32], reason[96];
} sq_entry;

typedef struct sq_list {
    sq_entry *v;
    size_t n;
    int ok; /* squeue answered */
} sq_list;

/* Every job of ours Slurm still remembers (-t all: ended ones too, for
 * MinJobAge), one array task per line. */
static void load_squeue(sq_list *q)
{
    memset(q, 0, sizeof *q);
    char *argv[] = {"squeue", "--me", "-h", "-r", "-t", "all", "-o", "%i|%T|%r", NULL};
    dc_buf out = {0};
    int rc = dc_spawn(argv, &out);
    if (rc != 0) {
        if (rc < 0) fprintf(stderr, "docclean: slurm: cannot run squeue: %s\n", strerror(errno));
        else fprintf(stderr, "docclean: slurm: squeue failed (exit %d)\n", rc);
        dc_buf_free(&out);
        return;
    }
    q->ok = 1;
    char *save = NULL;
    for (char *line = out.data ? strtok_r(out.data, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char *st = strchr(line, '|');
        char *rs = st ? strchr(st + 1, '|') : NULL;
        char *us = strchr(line, '_');
        if (!rs || !us || us > st) continue; /* not an array task */
        *st = *rs = '\0';
        unsigned long job = strtoul(line, NULL, 10);
        unsigned char *mark = NULL;
        unsigned lo = 0, hi = 0;
        if (us[1] == '[') { /* a pending array not split yet */
            hi = 1000000;
            mark = dc_xcalloc(hi, 1);
            mark_tasks(us + 1, hi, mark);
        } else {
            lo = (unsigned)strtoul(us + 1, NULL, 10);
            hi = lo + 1;
        }
        for (unsigned t = lo; t < hi; t++) {
            if (mark && !mark[t]) continue;
            q->v = dc_xrealloc(q->v, (q->n + 1) * sizeof *q->v);
            sq_entry *e = &q->v[q->n++];
            e->job = job;
            e->task = t;
            snprintf(e->state, sizeof e->state, "%s", st + 1);
            snprintf(e->reason, sizeof e->reason, "%s", rs + 1);
        }
        free(mark);
    }
    dc_buf_free(&out);
}

static const sq_entry *sq_find(const sq_list *q, unsigned long job, unsigned task)
{
    for (size_t i = 0; i < q->n; i++)
        if (q->v[i].job == job && q->v[i].task == task) return &q->v[i];
    return NULL;
}

/* States after which Slurm will not run the task again by itself. */
static int state_ended(const char *s)
{
    static const char *const ended[] = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
                                        "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY",
                                        "REVOKED", NULL};
    for (int i = 0; ended[i]; i++)
        if (!strcmp(s, ended[i])) return 1;
    return 0;
}

static int state_running(const char *s)
{
    return !strcmp(s, "RUNNING") || !strcmp(s, "COMPLETING") || !strcmp(s, "CONFIGURING") ||
           !strcmp(s, "SIGNALING") || !strcmp(s, "STAGE_OUT") || !strcmp(s, "SUSPENDED");
}

/* Pending on a dependency that failed: Slurm will never start it. */
static int never_satisfied(const sq_entry *e)
{
    return e && !strcmp(e->reason, "DependencyNeverSatisfied");
}

/* ---------------- the state of each task ---------------- */

typedef enum { T_DONE, T_RUNNING, T_PENDING, T_FAILED, T_UNSUBMITTED } task_state;

typedef struct task_view {
    task_state st;
    unsigned long job; /* the latest submission of this task; 0 = none */
    const sq_entry *sq;
} task_view;

static task_view *view_stage(const run_info *r, const stage_def *s, const job_list *jobs,
                             const sq_list *q, unsigned *ntasks)
{
    unsigned n = s->ntasks;
    task_view *v = dc_xcalloc(n, sizeof *v);
    unsigned char *mark = dc_xcalloc(n, 1);
    for (size_t j = 0; j < jobs->n; j++) {
        if (strcmp(jobs->v[j].stage, s->name) != 0) continue;
        memset(mark, 0, n);
        mark_tasks(jobs->v[j].tasks, n, mark);
        for (unsigned t = 0; t < n; t++)
            if (mark[t]) v[t].job = jobs->v[j].job;
    }
    free(mark);
    for (unsigned t = 0; t < n; t++) {
        v[t].sq = v[t].job ? sq_find(q, v[t].job, t) : NULL;
        if (stage_done(r, s, t)) v[t].st = T_DONE;
        else if (!v[t].job) v[t].st = T_UNSUBMITTED;
        else if (v[t].sq && !state_ended(v[t].sq->state))
            v[t].st = state_running(v[t].sq->state) ? T_RUNNING : T_PENDING;
        else v[t].st = T_FAILED; /* ended without its marker, or forgotten by Slurm */
    }
    *ntasks = n;
    return v;
}

static char *log_path(const run_info *r, const stage_def *s, unsigned long job, unsigned task)
{
    dc_buf b = {0};
    dc_buf_printf(&b, "%s/logs/dc-%s-%lu_%u.log", r->dir, s->name, job, task);
    return dc_buf_take(&b, NULL);
}

/* Task indexes as a Slurm array list: "0-3,7". */
static char *array_list(const unsigned char *want, unsigned n)
{
    dc_buf b = {0};
    for (unsigned t = 0; t < n; t++) {
        if (!want[t]) continue;
        unsigned e = t;
        while (e + 1 < n && want[e + 1]) e++;
        dc_buf_printf(&b, "%s%u", b.len ? "," : "", t);
        if (e > t) dc_buf_printf(&b, "-%u", e);
        t = e;
    }
    return dc_buf_take(&b, NULL);
}

/* ---------------- sbatch ---------------- */

static char *script_path(const run_info *r, size_t k)
{
    dc_buf b = {0};
    dc_buf_printf(&b, "%s/slurm/%zu-%s.sbatch", r->dir, k + 1, r->stages[k].name);
    return dc_buf_take(&b, NULL);
}

static int write_script(const run_info *r, size_t k)
{
    const stage_def *s = &r->stages[k];
    dc_buf b = {0};
    dc_buf_printf(&b, "#!/bin/bash\n# docclean slurm stage %zu of %zu, \"%s\": %s.\n", k + 1,
                  r->nstages, s->name, s->what);
    dc_buf_puts(&b, "# Written by `docclean slurm submit`; `docclean slurm resume` resubmits it with\n"
                    "# --array=<unfinished tasks>.  Each task writes its completion marker last.\n");
    dc_buf_printf(&b, "#SBATCH --job-name=dc-%s\n", s->name);
    dc_buf_printf(&b, "#SBATCH --array=0-%u\n", s->ntasks - 1);
    dc_buf_printf(&b, "#SBATCH --output=%s/logs/%%x-%%A_%%a.log\n", r->dir);
    if (r->partition) dc_buf_printf(&b, "#SBATCH --partition=%s\n", r->partition);
    if (r->time) dc_buf_printf(&b, "#SBATCH --time=%s\n", r->time);
    if (r->mem) dc_buf_printf(&b, "#SBATCH --mem=%s\n", r->mem);
    if (r->cpus && (s->kind == K_MAP || s->kind == K_OUTPUT)) dc_buf_printf(&b, "#SBATCH --cpus-per-task=%u\n", r->cpus);
    for (size_t i = 0; i < r->nextra; i++) dc_buf_printf(&b, "#SBATCH %s\n", r->extra[i]);
    dc_buf_puts(&b, "set -u\n"
                    "task=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch --array}\n");
    dc_buf_printf(&b, "echo \"docclean slurm: stage %s task $task (job ${SLURM_JOB_ID:-?}) on "
                      "$(hostname) at $(date -u +%%FT%%TZ)\"\n", s->name);
    dc_buf_puts(&b, "cd ");
    dc_shell_quote(&b, r->cwd);
    dc_buf_puts(&b, " || exit 1\n");
    stage_command(&b, r, s);
    dc_buf_puts(&b, "rc=$?\n"
                    "echo \"docclean slurm: exit status $rc at $(date -u +%FT%TZ)\"\n"
                    "exit $rc\n");
    char *p = script_path(r, k);
    int rc = dc_write_file_atomic(p, b.data, b.len);
    if (rc == 0) rc = chmod(p, 0755);
    if (rc != 0) fprintf(stderr, "docclean: slurm: cannot write %s: %s\n", p, strerror(errno));
    free(p);
    dc_buf_free(&b);
    return rc;
}

/* sbatch --parsable --array=LIST [--dependency=DEP] SCRIPT; 0 and *job. */
static int sbatch(const run_info *r, size_t k, const char *list, const char *dep, int dry_run,
                  unsigned long *job)
{
    char *script = script_path(r, k);
    dc_buf arr = {0}, dp = {0};
    dc_buf_printf(&arr, "--array=%s", list);
    if (dep && *dep) dc_buf_printf(&dp, "--dependency=%s", dep);
    char *argv[] = {"sbatch", "--parsable", arr.data, dp.len ? dp.data : script, dp.len ? script : NULL,
                    NULL};
    int rc = 0;
    *job = 0;
    if (dry_run) {
        printf("would run:");
        for (int i = 0; argv[i]; i++) printf(" %s", argv[i]);
        printf("\n");
    } else {
        dc_buf out = {0};
        int st = dc_spawn(argv, &out);
        char *end = NULL;
        unsigned long id = out.data ? strtoul(out.data, &end, 10) : 0;
        if (st != 0 || id == 0 || (end && *end && *end != ';' && *end != '\n')) {
            if (st < 0) fprintf(stderr, "docclean: slurm: cannot run sbatch: %s\n", strerror(errno));
            else fprintf(stderr, "docclean: slurm: sbatch for stage %s failed (exit %d)\n",
                         r->stages[k].name, st);
            rc = -1;
        } else {
            *job = id;
            rc = append_job(r->dir, r->stages[k].name, id, list);
        }
        dc_buf_free(&out);
    }
    free(script);
    dc_buf_free(&arr);
    dc_buf_free(&dp);
    return rc;
}

/* ---------------- submit ---------------- */

static void submit_usage(FILE *f)
{
    fprintf(f, "usage: docclean slurm submit -c CONF --tasks N --out DIR [--partition P] [--time T]\n"
               "           [--mem M] [--cpus-per-task C] [--sbatch-arg ARG]... [--dry-run] INPUT...\n"
               "       docclean slurm status DIR\n"
               "       docclean slurm resume [--dry-run] DIR\n"
               "       docclean slurm report DIR [--shards N] [-o FILE]   (aggregate the shards' stats;\n"
               "                                             --shards N for a run made without submit)\n"
               "       docclean slurm finish DIR             (the merge stage's task)\n"
               "see docs/scale-out.md\n");
}

static int check_config(const char *docclean, const char *config)
{
    char *argv[] = {(char *)docclean, "check-config", "-c", (char *)config, NULL};
    dc_buf out = {0};
    int rc = dc_spawn(argv, &out);
    dc_buf_free(&out);
    if (rc != 0)
        fprintf(stderr, "docclean: slurm: the config %s does not load (see above); fix it before "
                        "submitting\n", config);
    return rc;
}

static char *self_exe(void)
{
    char p[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);
    if (n <= 0) return NULL;
    p[n] = '\0';
    return dc_xstrdup(p);
}

static int bad_value(const char *what, const char *v, const char *chars)
{
    if (!strpbrk(v, chars)) return 0;
    fprintf(stderr, "docclean: slurm: %s '%s' must not contain spaces or newlines (it becomes an "
                    "#SBATCH line)\n", what, v);
    return 1;
}

static void free_run(run_info *r)
{
    free(r->dir), free(r->config), free(r->docclean), free(r->cwd);
    for (size_t i = 0; i < r->ninputs; i++) free(r->inputs[i]);
    free(r->inputs);
    free(r->extra);
    free(r->stages);
}

static int parse_submit(run_info *r, int *dry_run, int argc, char **argv)
{
    enum { O_TASKS = 1000, O_PART, O_TIME, O_MEM, O_CPUS, O_ARG, O_DRY };
    static const struct option lo[] = {
        {"config", required_argument, 0, 'c'}, {"out", required_argument, 0, 'o'},
        {"tasks", required_argument, 0, O_TASKS}, {"partition", required_argument, 0, O_PART},
        {"time", required_argument, 0, O_TIME}, {"mem", required_argument, 0, O_MEM},
        {"cpus-per-task", required_argument, 0, O_CPUS}, {"sbatch-arg", required_argument, 0, O_ARG},
        {"dry-run", no_argument, 0, O_DRY}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *config = NULL, *out = NULL;
    long tasks = 0, cpus = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:h", lo, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'c': config = optarg; break;
        case 'o': out = optarg; break;
        case O_TASKS:
            tasks = strtol(optarg, &end, 10);
            if (*end || tasks < 1 || tasks > 1000000) tasks = -1;
            break;
        case O_PART: r->partition = optarg; break;
        case O_TIME: r->time = optarg; break;
        case O_MEM: r->mem = optarg; break;
        case O_CPUS:
            cpus = strtol(optarg, &end, 10);
            if (*end || cpus < 1) cpus = -1;
            break;
        case O_ARG:
            r->extra = dc_xrealloc(r->extra, (r->nextra + 1) * sizeof *r->extra);
            r->extra[r->nextra++] = optarg;
            if (bad_value("--sbatch-arg", optarg, "\n")) return -1;
            break;
        case O_DRY: *dry_run = 1; break;
        case 'h': submit_usage(stdout); return 1;
        default: return -1;
        }
    }
    if (!config || !out || tasks == 0 || optind >= argc) {
        fprintf(stderr, "docclean: slurm submit needs -c CONF, --tasks N, --out DIR and INPUT...\n");
        return -1;
    }
    if (tasks < 0 || cpus < 0) {
        fprintf(stderr, "docclean: slurm submit: --tasks takes 1..1000000, --cpus-per-task a "
                        "positive number\n");
        return -1;
    }
    const char *ws = " \t\n";
    if (bad_value("--out", out, ws) || (r->partition && bad_value("--partition", r->partition, ws)) ||
        (r->time && bad_value("--time", r->time, ws)) || (r->mem && bad_value("--mem", r->mem, ws)))
        return -1;
    r->tasks = (unsigned)tasks;
    r->cpus = (unsigned)cpus;
    r->dir = absolute(out);
    r->config = absolute(config);
    r->cwd = absolute(".");
    for (int i = optind; i < argc; i++) {
        if (!strcmp(argv[i], "-")) {
            fprintf(stderr, "docclean: slurm submit: stdin ('-') cannot be an input of a cluster run\n");
            return -1;
        }
        r->inputs = dc_xrealloc(r->inputs, (r->ninputs + 1) * sizeof *r->inputs);
        r->inputs[r->ninputs++] = dc_xstrdup(argv[i]);
    }
    return 0;
}

static int make_dirs(const run_info *r)
{
    const char *sub[] = {"", "/slurm", "/logs", "/shards"};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        char *p = path_in(r->dir, sub[i]);
        int bad = mkdir(p, 0777) != 0 && errno != EEXIST;
        if (bad) fprintf(stderr, "docclean: slurm: cannot create %s: %s\n", p, strerror(errno));
        free(p);
        if (bad) return -1;
    }
    return 0;
}

static int cmd_submit(int argc, char **argv)
{
    run_info r;
    memset(&r, 0, sizeof r);
    int dry_run = 0;
    int prc = parse_submit(&r, &dry_run, argc, argv);
    if (prc != 0) {
        if (prc < 0) submit_usage(stderr);
        free_run(&r);
        return prc > 0 ? DC_EXIT_OK : DC_EXIT_USAGE;
    }
    int rc = DC_EXIT_OK;
    char *jobs = path_in(r.dir, "/slurm/jobs");
    r.docclean = self_exe();
    if (!r.docclean) {
        fprintf(stderr, "docclean: slurm: cannot find my own binary (/proc/self/exe)\n");
        rc = DC_EXIT_RUNTIME;
    } else if (dc_file_exists(jobs)) {
        fprintf(stderr, "docclean: slurm: %s was already submitted (%s exists): use "
                        "`docclean slurm status|resume %s`, or another --out\n", r.dir, jobs, r.dir);
        rc = DC_EXIT_USAGE;
    } else if (check_config(r.docclean, r.config) != 0 || load_plan(&r) != 0) {
        rc = DC_EXIT_CONFIG;
    } else if (make_dirs(&r) != 0 || save_run(&r) != 0) {
        rc = DC_EXIT_RUNTIME;
    }
    for (size_t k = 0; k < r.nstages && rc == DC_EXIT_OK; k++)
        if (write_script(&r, k) != 0) rc = DC_EXIT_RUNTIME;
    /* Submit the chain: each stage waits for every task of the previous. */
    unsigned long prev = 0;
    for (size_t k = 0; k < r.nstages && rc == DC_EXIT_OK; k++) {
        unsigned n = r.stages[k].ntasks;
        char list[32], dep[64] = "";
        if (n > 1) snprintf(list, sizeof list, "0-%u", n - 1);
        else snprintf(list, sizeof list, "0");
        if (prev) snprintf(dep, sizeof dep, "afterok:%lu", prev);
        if (sbatch(&r, k, list, dep, dry_run, &prev) != 0) {
            if (k > 0) fprintf(stderr, "docclean: slurm: the earlier stages are submitted; "
                                       "`docclean slurm resume %s` submits the rest\n", r.dir);
            rc = DC_EXIT_RUNTIME;
        } else if (!dry_run) {
            printf("stage %zu %s: job %lu (tasks %s)\n", k + 1, r.stages[k].name, prev, list);
        }
    }
    if (rc == DC_EXIT_OK && dry_run) printf("dry run: scripts in %s/slurm/, nothing submitted\n", r.dir);
    else if (rc == DC_EXIT_OK) printf("logs: %s/logs/  status: docclean slurm status %s\n", r.dir, r.dir);
    fflush(stdout);
    free(jobs);
    free_run(&r);
    return rc;
}

/* ---------------- status ---------------- */

static const char *failure_hint(const task_view *v)
{
    if (!v->sq) return "ended without its completion marker";
    if (!strcmp(v->sq->state, "COMPLETED")) return "COMPLETED but left no completion marker";
    return v->sq->state;
}

static int cmd_status(int argc, char **argv)
{
    if (argc != 2) {
        submit_usage(stderr);
        return DC_EXIT_USAGE;
    }
    run_info r;
    if (load_run(argv[1], &r) != 0) return DC_EXIT_USAGE;
    job_list jobs;
    load_jobs(r.dir, &jobs);
    sq_list q;
    load_squeue(&q);
    if (!q.ok) printf("(squeue unavailable: running and pending tasks show as failed)\n");
    int all_done = 1, any_failed = 0, stuck = 0;
    for (size_t k = 0; k < r.nstages; k++) {
        unsigned n, c[5] = {0};
        const stage_def *sd = &r.stages[k];
        task_view *v = view_stage(&r, sd, &jobs, &q, &n);
        for (unsigned t = 0; t < n; t++) c[v[t].st]++;
        printf("stage %zu %s: %u/%u done, %u running, %u failed, %u pending", k + 1, sd->name,
               c[T_DONE], n, c[T_RUNNING], c[T_FAILED], c[T_PENDING]);
        if (c[T_UNSUBMITTED]) printf(", %u not submitted", c[T_UNSUBMITTED]);
        printf("\n");
        for (unsigned t = 0; t < n; t++) {
            if (v[t].st == T_FAILED) {
                char *lp = log_path(&r, sd, v[t].job, t);
                printf("  task %u failed (job %lu_%u, %s): log %s%s\n", t, v[t].job, t, failure_hint(&v[t]),
                       lp, dc_file_exists(lp) ? "" : " (none: it never started)");
                free(lp);
            } else if (v[t].st == T_PENDING && never_satisfied(v[t].sq)) {
                printf("  task %u pending (job %lu_%u): DependencyNeverSatisfied: an earlier stage failed; "
                       "it will not start\n", t, v[t].job, t);
                stuck = 1;
            } else if (v[t].st == T_DONE && v[t].sq && strcmp(v[t].sq->state, "COMPLETED") != 0 &&
                       state_ended(v[t].sq->state)) {
                /* e.g. exit 4: finished, but some inputs could not be read */
                char *lp = log_path(&r, sd, v[t].job, t);
                printf("  task %u done but ended %s (job %lu_%u): see %s\n", t, v[t].sq->state,
                       v[t].job, t, lp);
                free(lp);
            }
        }
        all_done &= c[T_DONE] == n;
        any_failed |= c[T_FAILED] > 0 || c[T_UNSUBMITTED] > 0;
        free(v);
    }
    if (all_done) printf("run: complete: %s/final.jsonl, report %s/report.json\n", r.dir, r.dir);
    else if (any_failed || stuck)
        printf("run: incomplete: fix the failures, then `docclean slurm resume %s`\n", r.dir);
    else printf("run: in progress\n");
    free(q.v);
    job_list_free(&jobs);
    free(r.dir), free(r.stages);
    return DC_EXIT_OK;
}

/* ---------------- resume ---------------- */

static int scancel(char **ids, size_t n)
{
    if (!n) return 0;
    char **argv = dc_xcalloc(n + 2, sizeof *argv);
    argv[0] = "scancel";
    memcpy(argv + 1, ids, n * sizeof *ids);
    int rc = dc_spawn(argv, NULL);
    free(argv);
    if (rc != 0) fprintf(stderr, "docclean: slurm: scancel failed (exit %d)\n", rc);
    return rc;
}

/* One stage of resume: cancel what can never run, resubmit what is not
 * done and not active, chained after *dep; leave in *dep what the next
 * stage must wait for.  *broken: an earlier stage was resubmitted, so this
 * stage's pending tasks wait for jobs that will never succeed. */
static int resume_stage(const run_info *r, size_t k, const job_list *jobs, const sq_list *q, dc_buf *dep,
                        int *broken, int dry_run)
{
    unsigned n;
    task_view *v = view_stage(r, &r->stages[k], jobs, q, &n);
    unsigned char *want = dc_xcalloc(n, 1);
    char **cancel = dc_xcalloc(n + 1, sizeof *cancel);
    size_t ncancel = 0, nwant = 0;
    dc_buf next = {0};
    for (unsigned t = 0; t < n; t++) {
        int stuck = v[t].st == T_PENDING && (*broken || never_satisfied(v[t].sq));
        if (stuck) {
            dc_buf id = {0};
            dc_buf_printf(&id, "%lu_%u", v[t].job, t);
            cancel[ncancel++] = dc_buf_take(&id, NULL);
        }
        if (stuck || v[t].st == T_FAILED || v[t].st == T_UNSUBMITTED) want[t] = 1, nwant++;
        else if (v[t].st == T_RUNNING || v[t].st == T_PENDING)
            dc_buf_printf(&next, "%s%lu_%u", next.len ? ":" : "afterok:", v[t].job, t);
    }
    int rc = 0;
    if (ncancel && dry_run) {
        printf("would run: scancel");
        for (size_t i = 0; i < ncancel; i++) printf(" %s", cancel[i]);
        printf("\n");
    } else if (ncancel) {
        printf("stage %zu %s: cancelling %zu task(s) that wait for failed work\n", k + 1,
               r->stages[k].name, ncancel);
        rc = scancel(cancel, ncancel);
    }
    if (rc == 0 && nwant) {
        char *list = array_list(want, n);
        unsigned long job;
        rc = sbatch(r, k, list, dep->data, dry_run, &job);
        if (rc == 0 && !dry_run)
            printf("stage %zu %s: job %lu (tasks %s)%s%s\n", k + 1, r->stages[k].name, job, list,
                   dep->len ? " after " : "", dep->len ? dep->data + 8 : "");
        if (rc == 0) {
            if (!dry_run) dc_buf_printf(&next, "%s%lu", next.len ? ":" : "afterok:", job);
            else dc_buf_printf(&next, "%s<stage %zu>", next.len ? ":" : "afterok:", k + 1);
        }
        *broken = 1;
        free(list);
    } else if (rc == 0) {
        printf("stage %zu %s: nothing to resubmit (%u task(s) done or still queued)\n", k + 1,
               r->stages[k].name, n);
    }
    dc_buf_free(dep);
    *dep = next;
    for (size_t i = 0; i < ncancel; i++) free(cancel[i]);
    free(cancel);
    free(want);
    free(v);
    return rc;
}

static int cmd_resume(int argc, char **argv)
{
    int dry_run = 0;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dry-run")) dry_run = 1;
        else if (!dir) dir = argv[i];
        else dir = NULL, i = argc;
    }
    if (!dir) {
        submit_usage(stderr);
        return DC_EXIT_USAGE;
    }
    run_info r;
    if (load_run(dir, &r) != 0) return DC_EXIT_USAGE;
    job_list jobs;
    load_jobs(r.dir, &jobs);
    sq_list q;
    load_squeue(&q);
    int rc = DC_EXIT_OK;
    if (!q.ok) {
        /* Without squeue we cannot tell a running task from a dead one, and
         * running a shard twice at once would have two writers on its files. */
        fprintf(stderr, "docclean: slurm: resume needs squeue to see which tasks are still queued\n");
        rc = DC_EXIT_RUNTIME;
    }
    dc_buf dep = {0};
    int broken = 0;
    for (size_t k = 0; k < r.nstages && rc == DC_EXIT_OK; k++)
        if (resume_stage(&r, k, &jobs, &q, &dep, &broken, dry_run) != 0) rc = DC_EXIT_RUNTIME;
    if (rc == DC_EXIT_OK && !broken) printf("run: nothing resubmitted\n");
    dc_buf_free(&dep);
    free(q.v);
    job_list_free(&jobs);
    free(r.dir), free(r.stages);
    return rc;
}

/* ---------------- the merge stage ---------------- */

static void remove_spool(const char *dir)
{
    char *sd = path_in(dir, "/spool");
    DIR *d = opendir(sd);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 6 || strcmp(e->d_name + l - 6, ".spool") != 0) continue;
        dc_buf b = {0};
        dc_buf_printf(&b, "%s/%s", sd, e->d_name);
        unlink(b.data);
        dc_buf_free(&b);
    }
    if (d) closedir(d);
    rmdir(sd);
    free(sd);
}

/* `docclean slurm finish DIR`: merge the shards into DIR/final.jsonl (the
 * single-machine output, byte for byte), aggregate DIR/report.json, then
 * write DIR/final.done last. */
static int cmd_finish(int argc, char **argv)
{
    if (argc != 2) {
        submit_usage(stderr);
        return DC_EXIT_USAGE;
    }
    run_info r;
    if (load_run(argv[1], &r) != 0) return DC_EXIT_USAGE;
    char *final = path_in(r.dir, "/final.jsonl"), *report = path_in(r.dir, "/report.json"),
         *done = path_in(r.dir, "/final.done");
    unlink(done);
    int rc = dc_merge_shards(r.dir, final);
    if (rc == DC_EXIT_OK && dc_slurm_write_report(r.dir, r.tasks, report) != 0) rc = DC_EXIT_RUNTIME;
    if (rc == DC_EXIT_OK && dc_write_marker(done, "final.jsonl and report.json complete\n") != 0) {
        fprintf(stderr, "docclean: slurm: cannot write %s: %s\n", done, strerror(errno));
        rc = DC_EXIT_RUNTIME;
    }
    if (rc == DC_EXIT_OK) {
        fprintf(stderr, "docclean: slurm: wrote %s and %s\n", final, report);
        remove_spool(r.dir); /* the map phases' spools are not needed any more */
    }
    free(final), free(report), free(done);
    free(r.dir), free(r.stages);
    return rc;
}

static int cmd_report(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    long shards = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--shards") && i + 1 < argc) shards = atol(argv[++i]);
        else if (!dir) dir = argv[i];
        else dir = NULL, i = argc;
    }
    if (!dir || shards < 0) {
        submit_usage(stderr);
        return DC_EXIT_USAGE;
    }
    run_info r;
    memset(&r, 0, sizeof r);
    if (shards) { /* a run without `slurm submit` (scripts/cluster-run.sh, GNU parallel) */
        r.dir = absolute(dir);
        r.tasks = (unsigned)shards;
    } else if (load_run(dir, &r) != 0) {
        return DC_EXIT_USAGE;
    }
    char *def = path_in(r.dir, "/report.json");
    int rc = dc_slurm_write_report(r.dir, r.tasks, out ? out : def) == 0 ? DC_EXIT_OK : DC_EXIT_INPUT;
    free(def);
    free(r.dir), free(r.stages);
    return rc;
}

int dc_cmd_slurm(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : "";
    if (!strcmp(sub, "submit")) return cmd_submit(argc - 1, argv + 1);
    if (!strcmp(sub, "status")) return cmd_status(argc - 1, argv + 1);
    if (!strcmp(sub, "resume")) return cmd_resume(argc - 1, argv + 1);
    if (!strcmp(sub, "finish")) return cmd_finish(argc - 1, argv + 1);
    if (!strcmp(sub, "report")) return cmd_report(argc - 1, argv + 1);
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
        submit_usage(stdout);
        return DC_EXIT_OK;
    }
    submit_usage(stderr);
    return DC_EXIT_USAGE;
}
