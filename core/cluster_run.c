/*
 * cluster_run.c - shard and cluster-phase orchestration: a shard run's
 * outputs and marker, a cluster map task (with its persistent spool), a
 * reduce task of `docclean cluster` (only the corpus-wide stages are built:
 * cfg->stages is reordered for it and restored before it is freed), and
 * `docclean cluster plan`.  Moved out of main.c, which parses arguments and
 * dispatches.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "cluster.h"
#include "cluster_run.h"

static void warn_unsplit_stages(const dc_pipeline *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        if (pl->stages[i]->plugin->phases && pl->stages[i]->plugin->phases[0].name)
            dc_log_core(DC_LOG_WARN, "stage '%s' works across the whole corpus (it declares cluster "
                        "phases), but --shard without its phases runs it on this shard's documents "
                        "only: what it would find across shards (e.g. duplicates) stays in the merged "
                        "output; run the cluster phases instead (docs/scale-out.md)",
                        pl->stages[i]->name);
}

int dc_run_shard(cli *a, dc_pipeline *pl, const dc_shard_spec *sh)
{
    if (!a->run.out_path || !strcmp(a->run.out_path, "-") || a->run.rejects_path ||
        a->run.stats_path) {
        fprintf(stderr, "docclean: --shard needs -o DIR and takes no --rejects/--stats "
                        "(each shard writes DIR/shards/NNNNN.*)\n");
        return DC_EXIT_USAGE;
    }
    if (a->run.report_path) {
        fprintf(stderr, "docclean: --shard takes no --report: `docclean slurm report DIR --shards N` "
                        "writes DIR/report.html from the merged statistics\n");
        return DC_EXIT_USAGE;
    }
    char dir[PATH_MAX], out[PATH_MAX + 64], rej[PATH_MAX + 64], stats[PATH_MAX + 64],
        order[PATH_MAX + 64], done[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/shards", a->run.out_path);
    mkdir(a->run.out_path, 0777);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "docclean: cannot create %s: %s\n", dir, strerror(errno));
        return DC_EXIT_RUNTIME;
    }
    snprintf(out, sizeof out, "%s/%05u.jsonl.zst", dir, sh->index);
    snprintf(rej, sizeof rej, "%s/%05u.rejects.jsonl.zst", dir, sh->index);
    snprintf(stats, sizeof stats, "%s/%05u.stats.json", dir, sh->index);
    snprintf(order, sizeof order, "%s/%05u.order", dir, sh->index);
    snprintf(done, sizeof done, "%s/%05u.done", dir, sh->index);
    if (!a->force && access(done, F_OK) == 0) {
        fprintf(stderr, "docclean: shard %u/%u already complete (%s); --force to redo it\n",
                sh->index, sh->count, done);
        return DC_EXIT_OK;
    }
    unlink(done);
    warn_unsplit_stages(pl);
    dc_run_opts ro = a->run;
    ro.out_path = out;
    ro.out_format = DC_OUT_JSONL;
    ro.rejects_path = rej;
    ro.stats_path = stats;
    ro.order_path = order;
    ro.shard = *sh;
    int rc = dc_run(pl, a->inputs, a->ninputs, &ro);
    if ((rc == DC_EXIT_OK || rc == DC_EXIT_INPUT) && dc_write_marker(done, "shard %u of %u\n", sh->index, sh->count) != 0) {
        fprintf(stderr, "docclean: cannot write %s: %s\n", done, strerror(errno));
        return DC_EXIT_RUNTIME;
    }
    return rc;
}

/* The completion marker and stats of one task of a cluster phase:
 * OUT/cluster/PHASE/NNNNN.{done,stats.json}. */
static int cluster_paths(const char *out, const char *phase, unsigned task, char *done, char *stats, size_t len)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/cluster", out);
    mkdir(out, 0777);
    mkdir(dir, 0777);
    snprintf(dir, sizeof dir, "%s/cluster/%s", out, phase);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "docclean: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    snprintf(done, len, "%s/%05u.done", dir, task);
    if (stats) snprintf(stats, len, "%s/%05u.stats.json", dir, task);
    return 0;
}

/* --cluster-phase lines|sign with --shard: the stream of this shard goes
 * through the stages only for what the corpus-wide stages write under OUT;
 * the documents themselves are not kept (the apply phase writes them). */
static int run_cluster_map(cli *a, dc_pipeline *pl, const dc_shard_spec *sh)
{
    char done[PATH_MAX + 64], stats[PATH_MAX + 64];
    if (cluster_paths(a->run.out_path, a->cluster_phase, sh->index, done, stats, sizeof done) != 0)
        return DC_EXIT_RUNTIME;
    if (!a->force && access(done, F_OK) == 0) {
        fprintf(stderr, "docclean: %s shard %u/%u already complete (%s); --force to redo it\n",
                a->cluster_phase, sh->index, sh->count, done);
        return DC_EXIT_OK;
    }
    unlink(done);
    dc_run_opts ro = a->run;
    ro.out_path = "/dev/null";
    ro.out_format = DC_OUT_JSONL;
    ro.rejects_path = "/dev/null";
    ro.stats_path = stats;
    ro.shard = *sh;
    int rc = dc_run(pl, a->inputs, a->ninputs, &ro);
    if ((rc == DC_EXIT_OK || rc == DC_EXIT_INPUT) && dc_write_marker(done, "%s %u of %u\n", a->cluster_phase, sh->index, sh->count) != 0) {
        fprintf(stderr, "docclean: cannot write %s: %s\n", done, strerror(errno));
        return DC_EXIT_RUNTIME;
    }
    return rc;
}

int dc_check_cluster_phase(const dc_shard_spec *sh, const char *out)
{
    if (!sh->count || !out || !strcmp(out, "-")) {
        fprintf(stderr, "docclean: --cluster-phase needs --shard I/N (or a Slurm array) and -o DIR\n");
        return -1;
    }
    return 0;
}

/* --cluster-phase P: P must be a map phase of this pipeline's plan; the
 * output phase writes OUT/shards/ like a plain --shard run. */
int dc_run_cluster_phase(cli *a, dc_pipeline *pl, const dc_shard_spec *sh)
{
    dc_phase *v;
    size_t n;
    char err[1024];
    if (dc_cluster_plan(pl, sh->count, &v, &n, err, sizeof err) != 0) {
        fprintf(stderr, "docclean: config error: %s\n", err);
        return DC_EXIT_CONFIG;
    }
    const dc_phase *ph = dc_cluster_find(v, n, a->cluster_phase);
    int rc;
    /* The first map phase keeps the documents as they reach the corpus-wide
     * stage in OUT/spool/NNNNN.spool; the later ones read them from there. */
    const dc_phase *first_map = NULL;
    for (size_t i = 0; i < n && !first_map; i++)
        if (!v[i].reduce) first_map = &v[i];
    char spool[PATH_MAX + 64], sdir[PATH_MAX + 16];
    snprintf(sdir, sizeof sdir, "%s/spool", a->run.out_path);
    snprintf(spool, sizeof spool, "%s/%05u.spool", sdir, sh->index);
    if (ph && !ph->reduce && ph->stage[0]) {
        a->run.spool_path = spool;
        a->run.spool_mode = ph == first_map ? DC_SPOOL_WRITE : DC_SPOOL_READ;
        if (ph == first_map && mkdir(sdir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "docclean: cannot create %s: %s\n", sdir, strerror(errno));
            free(v);
            return DC_EXIT_RUNTIME;
        }
    }
    if (!ph || ph->reduce || !ph->stage[0]) {
        fprintf(stderr, "docclean: '%s' is not a map phase of this pipeline; its phases:", a->cluster_phase);
        for (size_t i = 0; i < n; i++) fprintf(stderr, " %s (%s)", v[i].name, v[i].reduce ? "reduce" : "map");
        fprintf(stderr, "\n");
        rc = DC_EXIT_USAGE;
    } else {
        rc = ph->output ? dc_run_shard(a, pl, sh) : run_cluster_map(a, pl, sh);
    }
    free(v);
    return rc;
}

static int print_plan(const char *conf, long nshards)
{
    cli a;
    memset(&a, 0, sizeof a);
    a.config = conf;
    dc_config *cfg = NULL;
    dc_pipeline *pl = NULL;
    int rc = dc_cli_setup_config(&a, &cfg, &pl);
    dc_phase *v = NULL;
    size_t n = 0;
    char err[1024];
    if (rc == DC_EXIT_OK && dc_cluster_plan(pl, (unsigned)nshards, &v, &n, err, sizeof err) != 0) {
        fprintf(stderr, "docclean: config error: %s\n", err);
        rc = DC_EXIT_CONFIG;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s %s %u%s\n", v[i].name, v[i].reduce ? "reduce" : "map", v[i].tasks, v[i].output ? " output" : "");
    free(v);
    dc_pipeline_free(pl);
    dc_options_free(a.run_sec);
    dc_options_free(a.input_sec);
    dc_config_free(cfg);
    return rc;
}

/* Keep in cfg->stages only the stages whose plugin declares cluster phases
 * (the others move past cfg->nstages, still owned by cfg).  Plugins are only
 * opened here, not created. */
static void only_phased_stages(dc_config *cfg)
{
    dc_plugin_dirs dirs;
    dc_plugin_dirs_init(&dirs, cfg);
    size_t keep = 0;
    for (size_t i = 0; i < cfg->nstages; i++) {
        const dc_kv *kv = dc_config_get(cfg, cfg->stages[i], "plugin");
        dc_stage *s = calloc(1, sizeof *s);
        char err[2048];
        dc_stage_init_counters(s);
        int phased = dc_plugin_load(s, kv ? kv->val : cfg->stages[i], &dirs, err, sizeof err) != 0 ||
                     s->desc.phases; /* a load error is reported by the real build */
        dc_stage_unload(s);
        if (phased) {
            char *t = cfg->stages[keep];
            cfg->stages[keep++] = cfg->stages[i];
            cfg->stages[i] = t;
        }
    }
    if (keep) cfg->nstages = keep; /* none: the build says what is wrong, or nothing to do */
    dc_plugin_dirs_free(&dirs);
}

/* `docclean cluster PHASE --task I/T --shards N [-c CONF] [--force] OUT`:
 * one reduce task of the corpus-wide stages. */
int dc_cmd_cluster(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : NULL, *task = NULL, *out = NULL, *conf = NULL;
    long nshards = 0;
    int force = 0, bad = !phase || phase[0] == '-';
    if (phase && !strcmp(phase, "plan")) { /* docclean cluster plan [-c CONF] --shards N */
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--shards") && i + 1 < argc) nshards = atol(argv[++i]);
            else if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) conf = argv[++i];
            else nshards = -1, i = argc;
        }
        if (nshards < 1 || nshards > 1000000) {
            fprintf(stderr, "usage: docclean cluster plan [-c CONF] --shards N\n");
            return DC_EXIT_USAGE;
        }
        return print_plan(conf, nshards);
    }
    for (int i = 2; i < argc && !bad; i++) {
        if (!strcmp(argv[i], "--task") && i + 1 < argc) task = argv[++i];
        else if (!strcmp(argv[i], "--shards") && i + 1 < argc) nshards = atol(argv[++i]);
        else if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) conf = argv[++i];
        else if (!strcmp(argv[i], "--force")) force = 1;
        else if (!strcmp(argv[i], "-q")) dc_log_verbosity = DC_LOG_WARN;
        else if (!out && argv[i][0] != '-') out = argv[i];
        else bad = 1;
    }
    dc_shard_spec t = {0, 0, 0};
    if (bad || !out || !task || dc_shard_parse(task, &t) != 0 || nshards < 1 || nshards > 1000000) {
        fprintf(stderr, "usage: docclean cluster PHASE --task I/T --shards N [-c CONF] [--force] OUT\n"
                        "       docclean cluster plan [-c CONF] --shards N   (the phases, one per line)\n"
                        "  PHASE: a reduce phase of the plan, e.g. linecount, exact, bands, decide\n");
        return DC_EXIT_USAGE;
    }
    char done[PATH_MAX + 64], stats[PATH_MAX + 64];
    if (cluster_paths(out, phase, t.index, done, stats, sizeof done) != 0) return DC_EXIT_RUNTIME;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (!force && access(done, F_OK) == 0) {
        fprintf(stderr, "docclean: %s task %u/%u already complete (%s); --force to redo it\n", phase, t.index,
                t.count, done);
        return DC_EXIT_OK;
    }
    unlink(done);
    /* Owned by this call, which outlives the pipeline built below: the
     * host points at it until the pipeline is freed (see host.c). */
    dc_cluster_ctx ctx = {phase, out, t.index, (unsigned)nshards, t.index, t.count};
    dc_cluster_set(&ctx);
    cli a;
    memset(&a, 0, sizeof a);
    a.config = conf;
    dc_config *cfg = NULL;
    dc_pipeline *pl = NULL;
    int rc = dc_cli_setup_config(&a, &cfg, NULL), ran = 0;
    size_t all_stages = cfg ? cfg->nstages : 0;
    if (rc == DC_EXIT_OK) {
        only_phased_stages(cfg); /* a reduce task needs no t2s tables or regexes */
        rc = dc_cli_build_pipeline(cfg, &pl);
    }
    for (size_t i = 0; rc == DC_EXIT_OK && i < pl->n; i++) {
        dc_stage *s = pl->stages[i];
        if (!s->desc.reduce) continue;
        char err[4096] = "";
        ran++;
        if (s->desc.reduce(s->instance, err, sizeof err) != 0) {
            fprintf(stderr, "docclean: stage '%s': %s task %u/%u failed: %s\n", s->name, phase, t.index, t.count, err);
            rc = DC_EXIT_RUNTIME;
        }
    }
    if (rc == DC_EXIT_OK && !ran) dc_log_core(DC_LOG_INFO, "no stage of %s has reduce tasks: nothing to do", a.config);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char js[256];
    int jl = snprintf(js, sizeof js, "{\"phase\": \"%s\", \"task\": %u, \"tasks\": %u, \"seconds\": %.3f}\n", phase,
                      t.index, t.count, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (rc == DC_EXIT_OK && dc_write_file_atomic(stats, js, (size_t)jl) != 0) rc = DC_EXIT_RUNTIME;
    if (rc == DC_EXIT_OK && dc_write_marker(done, "%s %u of %u\n", phase, t.index, t.count) != 0) {
        fprintf(stderr, "docclean: cannot write %s: %s\n", done, strerror(errno));
        rc = DC_EXIT_RUNTIME;
    }
    dc_pipeline_free(pl);
    dc_cluster_set(NULL); /* ctx dies with this frame */
    dc_options_free(a.run_sec);
    dc_options_free(a.input_sec);
    if (cfg) cfg->nstages = all_stages; /* the stages moved to the tail are freed too */
    dc_config_free(cfg);
    return rc;
}