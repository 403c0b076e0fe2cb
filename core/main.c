/*
 * main.c - the docclean command line: parses arguments and dispatches run,
 * explain, check-config, plugins, status, merge, report, cluster and slurm.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cluster.h"
#include "cluster_run.h"
#include "config.h"
#include "atomic.h"
#include "explain.h"
#include "loader.h"
#include "outpaths.h"
#include "report.h"
#include "run.h"
#include "slurm.h"
#include "state.h"
#include "core.h"

static int close_stdout(int rc);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: docclean run [-c CONF] [-o OUT] [--rejects FILE] [--stats FILE] [-j N] INPUT...\n"
            "       docclean explain [-c CONF] [--id ID] [--line N] INPUT...\n"
            "       docclean check-config [-c CONF]\n"
            "       docclean plugins [NAME]\n"
            "       docclean status --state DIR\n"
            "       docclean merge OUT_DIR [-o FILE]   combine --shard outputs in input order\n"
            "       docclean report STATS.json -o FILE.html   the HTML report of a run's --stats\n"
            "       docclean slurm submit|status|resume|report|finish ...   (docs/scale-out.md)\n"
            "       docclean --version | --help\n"
            "\n"
            "explain options (INPUT as for run: files, directories, .gz/.zst, '-' for stdin):\n"
            "      --id ID              show only the document(s) with this id\n"
            "      --line N             show only the document(s) at input line N\n"
            "      --color / --no-color\n"
            "\n"
            "run options:\n"
            "  -c, --config FILE        pipeline config (default: %s/conf/default.ini)\n"
            "  -o, --output OUT         output file ('-' = stdout, the default); .gz/.zst compress\n"
            "      --output-format F    jsonl (default) | text | textdir (a directory of .txt)\n"
            "      --rejects FILE       JSONL of every dropped document with stage and reason\n"
            "                           (default: OUT.rejects.jsonl when OUT is a file; a compressed\n"
            "                           OUT.jsonl.zst gets OUT.rejects.jsonl.zst, likewise .gz)\n"
            "      --stats FILE         run report as JSON\n"
            "      --report FILE.html   run report as one self-contained HTML page (tables, charts,\n"
            "                           examples); `docclean report STATS.json -o FILE.html` later\n"
            "      --rejects-omit-text WHAT   dups,binary: rejects of duplicates / binary files\n"
            "                           without their text (dup_of / the reason tell what they were)\n"
            "  -j, --jobs N             worker threads (default: all cores)\n"
            "      --format F           input format: auto (by extension) | text | jsonl\n"
            "      --compression C      input compression: auto | none | gzip | zstd\n"
            "      --text-field NAME    JSONL text field (default: text)\n"
            "      --encoding ENC       force the input encoding instead of detecting it\n"
            "      --progress / --no-progress   progress bar (default: when stderr is a terminal)\n"
            "  -q, --quiet              only the one-line summary on stderr\n"
            "  -v, --verbose            debug logging\n"
            "\n"
            "unattended (cron) runs:\n"
            "      --state DIR          ledger + lock: process only new or changed inputs, write a\n"
            "                           new OUT/<UTC time>-<run id>.jsonl.zst (+ .rejects, .stats)\n"
            "                           per run; -o must then name a directory\n"
            "      --wait               wait for a running run instead of exiting with status 5\n"
            "      --settle SECONDS     leave files modified more recently than this (default 60)\n"
            "       docclean status --state DIR   recent runs, counts, last error, run in progress\n"
            "\n"
            "sharded runs (cluster job arrays):\n"
            "      --shard I/N          only shard I (0-based) of N, by a stable hash of each file's\n"
            "                           path; default from SLURM_ARRAY_TASK_ID/COUNT; writes\n"
            "                           OUT/shards/NNNNN.{jsonl.zst,rejects.jsonl.zst,stats.json,order,done}\n"
            "      --force              redo a shard that already has its .done marker\n"
            "      --cluster-phase P    with --shard: run map phase P (lines, sign, apply) of the\n"
            "                           cluster-wide stages (docs/scale-out.md)\n"
            "       docclean cluster PHASE --task I/T --shards N [-c CONF] OUT   a reduce task\n"
            "                           (linecount, exact, bands, decide) of a cluster run\n"
            "       docclean cluster plan [-c CONF] --shards N   the phases of a cluster run\n"
            "\n"
            "exit status: 0 ok, 1 runtime error, 2 usage, 3 config error, 4 some inputs unreadable,\n"
            "             5 another run holds the --state lock\n",
            dc_data_dir());
}

/* Core settings a config may carry, declared like a plugin's options so
 * they are validated the same way. */
static const dc_option_decl run_section_opts[] = {
    {"jobs", DC_OPT_INT, "0", "worker threads (0 = all cores)", "0.."},
    {"output_format", DC_OPT_ENUM, "jsonl", "output format", "jsonl|text|textdir"},
    {"progress", DC_OPT_ENUM, "auto", "progress bar on stderr", "auto|on|off"},
    {"state", DC_OPT_PATH, NULL, "state directory for unattended runs (like --state)", NULL},
    {"settle_seconds", DC_OPT_INT, "60", "unattended runs skip files modified more recently", "0.."},
    {"shard_chunk_bytes", DC_OPT_INT, "67108864",
     "sharded runs cut uncompressed JSONL files bigger than this into chunks of this size (0 = never)", "0.."},
    {NULL, 0, NULL, NULL, NULL},
};
static const dc_option_decl input_section_opts[] = {
    {"format", DC_OPT_ENUM, "auto", "input format", "auto|text|jsonl"},
    {"compression", DC_OPT_ENUM, "auto", "input compression", "auto|none|gzip|zstd"},
    {"text_field", DC_OPT_STRING, "text", "JSONL field holding the text", NULL},
    {"encoding", DC_OPT_STRING, NULL, "force an input encoding (default: detect)", NULL},
    {"max_doc_bytes", DC_OPT_INT, "268435456",
     "a plain file or JSONL line longer than this is rejected with its size and hash (0 = no limit)", NULL},
    {NULL, 0, NULL, NULL, NULL},
};
static const dc_option_decl pipeline_section_opts[] = {
    {"stages", DC_OPT_LIST, NULL, "stage order", NULL},
    {"plugin_path", DC_OPT_LIST, NULL, "extra plugin directories", NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static dc_options *core_section(dc_config *c, const char *name, const dc_option_decl *d,
                                char *err, size_t errlen)
{
    const dc_section *s = dc_config_section(c, name);
    return dc_options_build(d, s ? s->kv : NULL, s ? s->n : 0, name, err, errlen);
}

/* Load every plugin and create the stage instances. */
int dc_cli_build_pipeline(dc_config *cfg, dc_pipeline **pl)
{
    char err[4096];
    dc_failure kind;
    *pl = dc_pipeline_build(cfg, err, sizeof err, &kind);
    if (!*pl) { /* a stage says whether it is the config's fault (plugin.h) */
        fprintf(stderr, "docclean: %s%s\n", kind == DC_FAIL_CONFIG ? "config error: " : "", err);
        return kind == DC_FAIL_LOCKED ? DC_EXIT_LOCKED : kind == DC_FAIL_RUNTIME ? DC_EXIT_RUNTIME
                                                                                : DC_EXIT_CONFIG;
    }
    return DC_EXIT_OK;
}

/* Load the config (and, when pl is not NULL, build the pipeline). */
int dc_cli_setup_config(cli *a, dc_config **cfg, dc_pipeline **pl)
{
    char err[4096];
    char defpath[PATH_MAX + 32];
    if (!a->config) {
        snprintf(defpath, sizeof defpath, "%s/conf/default.ini", dc_data_dir());
        a->config = defpath;
    }
    *cfg = dc_config_load(a->config, err, sizeof err);
    if (!*cfg) {
        fprintf(stderr, "docclean: config error: %s\n", err);
        return DC_EXIT_CONFIG;
    }
    dc_options *ps = core_section(*cfg, "pipeline", pipeline_section_opts, err, sizeof err);
    if (!ps) {
        fprintf(stderr, "docclean: config error: %s\n", err);
        return DC_EXIT_CONFIG;
    }
    dc_options_free(ps);
    a->run_sec = core_section(*cfg, "run", run_section_opts, err, sizeof err);
    if (a->run_sec) a->input_sec = core_section(*cfg, "input", input_section_opts, err, sizeof err);
    if (!a->run_sec || !a->input_sec) {
        fprintf(stderr, "docclean: config error: %s\n", err);
        return DC_EXIT_CONFIG;
    }
    if (!pl) return DC_EXIT_OK; /* the caller builds the pipeline later */
    return dc_cli_build_pipeline(*cfg, pl);
}

static const char *pick(const char *cli_val, const dc_options *sec, const char *key)
{
    return cli_val ? cli_val : dc_host_get()->opt_str(sec, key);
}

static int resolve_options(cli *a)
{
    const dc_host *h = dc_host_get();
    const char *fmt = pick(a->format, a->input_sec, "format");
    a->run.in.format = !strcmp(fmt, "text") ? DC_FMT_TEXT : !strcmp(fmt, "jsonl") ? DC_FMT_JSONL
                       : !strcmp(fmt, "auto") ? DC_FMT_AUTO : (dc_format)-1;
    const char *comp = pick(a->compression, a->input_sec, "compression");
    a->run.in.compress = !strcmp(comp, "none") ? DC_COMP_NONE : !strcmp(comp, "gzip") ? DC_COMP_GZIP
                         : !strcmp(comp, "zstd") ? DC_COMP_ZSTD : !strcmp(comp, "auto") ? DC_COMP_AUTO
                         : (dc_compress)-1;
    if (!a->run.in.text_field) a->run.in.text_field = h->opt_str(a->input_sec, "text_field");
    a->run.in.defer_parse = 1; /* JSON is parsed on the worker threads */
    if (!a->run.in.encoding) a->run.in.encoding = h->opt_str(a->input_sec, "encoding");
    int64_t maxdoc = h->opt_int(a->input_sec, "max_doc_bytes");
    if (maxdoc < 0 || maxdoc > ((int64_t)1 << 50)) {
        const char *w = h->opt_where(a->input_sec, "max_doc_bytes");
        fprintf(stderr, "docclean: config error: %s%s[input] max_doc_bytes: must be 0 (no limit) or 1 .. 2^50\n",
                w ? w : "", w ? ": " : "");
        return DC_EXIT_CONFIG;
    }
    a->run.in.max_doc_bytes = (uint64_t)maxdoc;
    if ((int)a->run.in.format < 0 || (int)a->run.in.compress < 0) {
        fprintf(stderr, "docclean: --format takes auto|text|jsonl, --compression auto|none|gzip|zstd\n");
        return DC_EXIT_USAGE;
    }
    const char *of = a->out_format;
    const char *out = a->run.out_path;
    size_t ol = out ? strlen(out) : 0;
    struct stat st;
    int unattended = a->state_dir || h->opt_str(a->run_sec, "state");
    if (!of && out && strcmp(out, "-") != 0 && !unattended) {
        if ((ol && out[ol - 1] == '/') || (stat(out, &st) == 0 && S_ISDIR(st.st_mode))) of = "textdir";
        else if (strstr(out, ".txt")) of = "text";
    }
    if (!of) of = h->opt_str(a->run_sec, "output_format");
    a->run.out_format = !strcmp(of, "jsonl") ? DC_OUT_JSONL : !strcmp(of, "text") ? DC_OUT_TEXT
                        : !strcmp(of, "textdir") ? DC_OUT_TEXTDIR : (dc_out_format)-1;
    if ((int)a->run.out_format < 0) {
        fprintf(stderr, "docclean: --output-format takes jsonl|text|textdir\n");
        return DC_EXIT_USAGE;
    }
    int jobs = a->jobs > 0 ? a->jobs : (int)h->opt_int(a->run_sec, "jobs");
    if (jobs <= 0) jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    a->run.jobs = jobs > 0 ? (jobs > 256 ? 256 : jobs) : 1;
    const char *pr = a->progress ? a->progress : h->opt_str(a->run_sec, "progress");
    a->run.progress = !strcmp(pr, "on") || (!strcmp(pr, "auto") && isatty(2) && !a->run.quiet);
    return DC_EXIT_OK;
}

enum {
    OPT_REJECTS = 1000, OPT_STATS, OPT_OUTFMT, OPT_FORMAT, OPT_COMPRESS, OPT_TEXTFIELD,
    OPT_ENCODING, OPT_PROGRESS, OPT_NOPROGRESS, OPT_COLOUR, OPT_NOCOLOUR, OPT_STATE, OPT_WAIT,
    OPT_SETTLE, OPT_SHARD, OPT_FORCE, OPT_CLUSTER_PHASE, OPT_EXPLAIN_ID, OPT_EXPLAIN_LINE,
    OPT_REPORT, OPT_REJECTS_OMIT /* run report (report_html.c) */
};

/* "dups", "binary" or "dups,binary" */
static int parse_rejects_omit(const char *s, int *flags)
{
    *flags = 0;
    char *copy = strdup(s), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "dups")) *flags |= DC_REJECTS_OMIT_DUPS;
        else if (!strcmp(t, "binary")) *flags |= DC_REJECTS_OMIT_BINARY;
        else {
            fprintf(stderr, "docclean: --rejects-omit-text takes dups, binary or dups,binary, not '%s'\n", s);
            free(copy);
            return -1;
        }
    }
    free(copy);
    return 0;
}

static int parse_cli(cli *a, int argc, char **argv)
{
    static const struct option lo[] = {
        {"config", required_argument, 0, 'c'},     {"output", required_argument, 0, 'o'},
        {"jobs", required_argument, 0, 'j'},       {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},          {"help", no_argument, 0, 'h'},
        {"rejects", required_argument, 0, OPT_REJECTS},
        {"stats", required_argument, 0, OPT_STATS},
        {"output-format", required_argument, 0, OPT_OUTFMT},
        {"format", required_argument, 0, OPT_FORMAT},
        {"compression", required_argument, 0, OPT_COMPRESS},
        {"text-field", required_argument, 0, OPT_TEXTFIELD},
        {"encoding", required_argument, 0, OPT_ENCODING},
        {"progress", no_argument, 0, OPT_PROGRESS},
        {"no-progress", no_argument, 0, OPT_NOPROGRESS},
        {"color", no_argument, 0, OPT_COLOUR},
        {"no-color", no_argument, 0, OPT_NOCOLOUR},
        {"state", required_argument, 0, OPT_STATE},
        {"wait", no_argument, 0, OPT_WAIT},
        {"settle", required_argument, 0, OPT_SETTLE},
        {"shard", required_argument, 0, OPT_SHARD},
        {"force", no_argument, 0, OPT_FORCE},
        {"cluster-phase", required_argument, 0, OPT_CLUSTER_PHASE},
        {"id", required_argument, 0, OPT_EXPLAIN_ID},
        {"line", required_argument, 0, OPT_EXPLAIN_LINE},
        {"report", required_argument, 0, OPT_REPORT},
        {"rejects-omit-text", required_argument, 0, OPT_REJECTS_OMIT},
        {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:j:qvh", lo, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'o': a->run.out_path = optarg; break;
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || j < 1) {
                fprintf(stderr, "docclean: -j takes a positive number, not '%s'\n", optarg);
                return -1;
            }
            a->jobs = (int)j;
            break;
        }
        case 'q':
            a->run.quiet = 1;
            if (dc_log_verbosity > DC_LOG_WARN) dc_log_verbosity = DC_LOG_WARN;
            break;
        case 'v': dc_log_verbosity = DC_LOG_DEBUG; break;
        case 'h': usage(stdout); exit(close_stdout(0));
        case OPT_REJECTS: a->run.rejects_path = optarg; break;
        case OPT_STATS: a->run.stats_path = optarg; break;
        case OPT_OUTFMT: a->out_format = optarg; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_COMPRESS: a->compression = optarg; break;
        case OPT_TEXTFIELD: a->run.in.text_field = optarg; break;
        case OPT_ENCODING: a->run.in.encoding = optarg; break;
        case OPT_PROGRESS: a->progress = "on"; break;
        case OPT_NOPROGRESS: a->progress = "off"; break;
        case OPT_COLOUR: break; /* read by explain before parsing */
        case OPT_NOCOLOUR: break;
        case OPT_STATE: a->state_dir = optarg; break;
        case OPT_WAIT: a->wait = 1; break;
        case OPT_SETTLE: a->settle = optarg; break;
        case OPT_SHARD: a->shard = optarg; break;
        case OPT_FORCE: a->force = 1; break;
        case OPT_CLUSTER_PHASE: a->cluster_phase = optarg; break;
        case OPT_EXPLAIN_ID: a->explain.id = optarg; break;
        case OPT_EXPLAIN_LINE: {
            char *end;
            unsigned long long l = strtoull(optarg, &end, 10);
            if (*end || !l || optarg[0] == '-') {
                fprintf(stderr, "docclean: --line takes a line number (1, 2, ...), not '%s'\n", optarg);
                return -1;
            }
            a->explain.line = l;
            break;
        }
        case OPT_REPORT: a->run.report_path = optarg; break;
        case OPT_REJECTS_OMIT:
            if (parse_rejects_omit(optarg, &a->run.rejects_omit) != 0) return -1;
            break;
        default: return -1;
        }
    }
    a->inputs = argv + optind;
    a->ninputs = (size_t)(argc - optind);
    return 0;
}

/* OUT.rejects.jsonl; a compressed OUT gets rejects compressed the same
 * way under a clean name: out.jsonl.zst -> out.rejects.jsonl.zst. */
static char *default_rejects(const char *out)
{
    if (!out || !strcmp(out, "-")) return NULL;
    if (dc_is_special_file(out)) return NULL; /* -o /dev/null: no "/dev/null.rejects.jsonl" */
    size_t n = strlen(out);
    while (n && out[n - 1] == '/') n--;
    const char *comp = "";
    if (n > 3 && !strncmp(out + n - 3, ".gz", 3)) comp = ".gz";
    else if (n > 4 && !strncmp(out + n - 4, ".zst", 4)) comp = ".zst";
    if (*comp) {
        n -= strlen(comp);
        if (n > 6 && !strncmp(out + n - 6, ".jsonl", 6)) n -= 6;
        else if (n > 4 && !strncmp(out + n - 4, ".txt", 4)) n -= 4;
    }
    char *p = malloc(n + 32);
    snprintf(p, n + 32, "%.*s.rejects.jsonl%s", (int)n, out, comp);
    return p;
}

/* --state: lock, ledger, staged outputs named after the run. */
/* The state lock is taken before any plugin is created: a second run must
 * be refused by the lock (exit 5), not by a plugin's own lock on its index. */
static int run_unattended(cli *a, dc_config *cfg, const char *state_dir)
{
    if (!a->run.out_path || !strcmp(a->run.out_path, "-") || a->run.out_format == DC_OUT_TEXTDIR ||
        a->run.rejects_path || a->run.stats_path) {
        fprintf(stderr, "docclean: --state needs -o DIR (a directory; each run writes its own "
                        "files there) and takes no --rejects/--stats/textdir output\n");
        return DC_EXIT_USAGE;
    }
    dc_state_opts so = {.dir = state_dir, .wait = a->wait};
    char *end = NULL;
    so.settle_seconds = a->settle ? strtoll(a->settle, &end, 10)
                                  : dc_host_get()->opt_int(a->run_sec, "settle_seconds");
    if (a->settle && (*end || so.settle_seconds < 0)) {
        fprintf(stderr, "docclean: --settle takes a number of seconds\n");
        return DC_EXIT_USAGE;
    }
    char err[2048];
    int locked = 0;
    dc_state *st = dc_state_open(&so, a->run.out_path, err, sizeof err, &locked);
    if (!st) {
        fprintf(stderr, "docclean: %s\n", err);
        return locked ? DC_EXIT_LOCKED : DC_EXIT_RUNTIME;
    }
    dc_pipeline *pl = NULL;
    dc_host_set_ledger(st); /* two-phase plugins resolve pending state at create */
    int brc = dc_cli_build_pipeline(cfg, &pl);
    if (brc != DC_EXIT_OK) {
        dc_host_set_ledger(NULL);
        dc_state_close(st);
        return brc;
    }
    char out_name[128], rej_name[128], stats_name[128];
    const char *name = dc_state_run_name(st);
    snprintf(out_name, sizeof out_name, "%s.%s.zst", name,
             a->run.out_format == DC_OUT_TEXT ? "txt" : "jsonl");
    snprintf(rej_name, sizeof rej_name, "%s.rejects.jsonl.zst", name);
    snprintf(stats_name, sizeof stats_name, "%s.stats.json", name);
    const char *outputs[] = {out_name, rej_name, stats_name};
    char *out = dc_state_staging_path(st, out_name), *rej = dc_state_staging_path(st, rej_name),
         *stats = dc_state_staging_path(st, stats_name);
    dc_run_opts ro = a->run;
    ro.out_path = out;
    ro.rejects_path = rej;
    ro.stats_path = stats;
    ro.state = st;
    ro.state_outputs = outputs;
    ro.nstate_outputs = 3;
    int rc = dc_run(pl, a->inputs, a->ninputs, &ro);
    free(out), free(rej), free(stats);
    dc_pipeline_free(pl); /* plugins release their own locks before ours */
    dc_host_set_ledger(NULL);
    dc_state_close(st);
    return rc;
}

/* --shard I/N: this task's files only; outputs in OUT/shards/NNNNN.*; the
 * .done marker is written last, after everything else is durable. */
/* A stage that declares cluster phases works corpus-wide (dedup: each
 * document against all earlier ones).  Run on one shard's documents alone,
 * it cannot see the other shards: say so, since the merged output then
 * keeps cross-shard duplicates without any other sign. */

static int cmd_merge(int argc, char **argv)
{
    const char *out = "-", *dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!dir) dir = argv[i];
        else dir = NULL, i = argc;
    }
    if (!dir) {
        fprintf(stderr, "usage: docclean merge OUT_DIR [-o FILE]\n");
        return DC_EXIT_USAGE;
    }
    return dc_merge_shards(dir, out);
}

static int cmd_status(int argc, char **argv)
{
    const char *dir = NULL;
    int limit = 20;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--state") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) limit = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: docclean status --state DIR [-n RUNS]\n");
            return DC_EXIT_USAGE;
        }
    }
    if (!dir) {
        fprintf(stderr, "usage: docclean status --state DIR [-n RUNS]\n");
        return DC_EXIT_USAGE;
    }
    return dc_state_print_status(dir, limit > 0 ? limit : 20);
}

/* Every output location is checked before anything is read (outpaths.c):
 * with --state or --shard, -o is a directory. */
static int check_outputs(const cli *a, int out_is_dir)
{
    dc_outpath outs[] = {
        {"-o", a->run.out_path ? a->run.out_path : "-", out_is_dir || a->run.out_format == DC_OUT_TEXTDIR},
        {"--rejects", a->run.rejects_path, 0},
        {"--stats", a->run.stats_path, 0},
        {"--report", a->run.report_path, 0},
    };
    char err[PATH_MAX * 3];
    if (dc_outpaths_check(outs, 4, a->inputs, a->ninputs, err, sizeof err) != 0) {
        fprintf(stderr, "docclean: %s; nothing was read\n", err);
        return DC_EXIT_USAGE;
    }
    return DC_EXIT_OK;
}

static int cmd_run(int argc, char **argv)
{
    cli a;
    memset(&a, 0, sizeof a);
    if (parse_cli(&a, argc, argv) != 0) return DC_EXIT_USAGE;
    a.run.interrupted = &a.interrupted;
    if (a.ninputs == 0) {
        fprintf(stderr, "docclean: run: no INPUT given (use '-' for stdin)\n");
        usage(stderr);
        return DC_EXIT_USAGE;
    }
    dc_config *cfg = NULL;
    dc_pipeline *pl = NULL;
    a.run.config_path = a.config; /* before dc_cli_setup_config() points it at the default */
    int rc = dc_cli_setup_config(&a, &cfg, NULL);
    char *rej = NULL;
    if (rc == DC_EXIT_OK) rc = resolve_options(&a);
    const char *state_dir = a.state_dir;
    if (rc == DC_EXIT_OK && !state_dir) state_dir = dc_host_get()->opt_str(a.run_sec, "state");
    dc_shard_spec shard = {0, 0, 0};
    if (rc == DC_EXIT_OK && a.shard && dc_shard_parse(a.shard, &shard) != 0) {
        fprintf(stderr, "docclean: --shard takes I/N with 0 <= I < N, not '%s'\n", a.shard);
        rc = DC_EXIT_USAGE;
    } else if (rc == DC_EXIT_OK && !a.shard) {
        dc_shard_from_env(&shard); /* a Slurm job array task */
    }
    if (rc == DC_EXIT_OK && shard.count) {
        int64_t cb = dc_host_get()->opt_int(a.run_sec, "shard_chunk_bytes");
        if (cb < 0 || (cb > 0 && cb < 4096)) {
            const char *w = dc_host_get()->opt_where(a.run_sec, "shard_chunk_bytes");
            fprintf(stderr, "docclean: config error: %s%s[run] shard_chunk_bytes: must be 0 or at least 4096\n",
                    w ? w : "", w ? ": " : "");
            rc = DC_EXIT_CONFIG;
        }
        shard.chunk_bytes = (uint64_t)(cb > 0 ? cb : 0);
    }
    dc_cluster_ctx cctx; /* this run's phase: outlives its pipeline (freed below) */
    if (rc == DC_EXIT_OK && a.cluster_phase) {
        if (dc_check_cluster_phase(&shard, a.run.out_path) != 0) {
            rc = DC_EXIT_USAGE;
        } else {
            cctx = (dc_cluster_ctx){a.cluster_phase, a.run.out_path, shard.index, shard.count, 0, 0};
            dc_cluster_set(&cctx);
        }
    }
    if (rc == DC_EXIT_OK && !state_dir && !shard.count && !a.run.rejects_path)
        a.run.rejects_path = rej = default_rejects(a.run.out_path);
    if (rc == DC_EXIT_OK) rc = check_outputs(&a, state_dir || shard.count);
    if (rc == DC_EXIT_OK && shard.count && state_dir) {
        fprintf(stderr, "docclean: --shard and --state do not combine\n");
        rc = DC_EXIT_USAGE;
    } else if (rc == DC_EXIT_OK && state_dir) {
        rc = run_unattended(&a, cfg, state_dir);
    } else if (rc == DC_EXIT_OK && (rc = dc_cli_build_pipeline(cfg, &pl)) == DC_EXIT_OK) {
        if (a.cluster_phase) {
            rc = dc_run_cluster_phase(&a, pl, &shard);
        } else if (shard.count) {
            rc = dc_run_shard(&a, pl, &shard);
        } else {
            rc = dc_run(pl, a.inputs, a.ninputs, &a.run);
        }
    }
    free(rej);
    dc_pipeline_free(pl);
    dc_cluster_set(NULL); /* cctx dies with this frame */
    dc_options_free(a.run_sec);
    dc_options_free(a.input_sec);
    dc_config_free(cfg);
    if (a.interrupted) { /* cleaned up: now die of the signal, as the caller expects */
        signal(a.interrupted, SIG_DFL);
        raise(a.interrupted);
    }
    return rc;
}

static int cmd_explain(int argc, char **argv)
{
    cli a;
    memset(&a, 0, sizeof a);
    int colour = isatty(1);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--color")) colour = 1;
        if (!strcmp(argv[i], "--no-color")) colour = 0;
    }
    if (parse_cli(&a, argc, argv) != 0) return DC_EXIT_USAGE;
    if (a.ninputs == 0) {
        fprintf(stderr, "docclean: explain takes INPUT... (files, directories, '-' for stdin)\n");
        return DC_EXIT_USAGE;
    }
    dc_config *cfg = NULL;
    dc_pipeline *pl = NULL;
    int rc = dc_cli_setup_config(&a, &cfg, &pl);
    if (rc == DC_EXIT_OK) rc = resolve_options(&a);
    a.explain.colour = colour;
    if (rc == DC_EXIT_OK) rc = dc_explain(pl, a.inputs, a.ninputs, &a.run.in, &a.explain);
    dc_pipeline_free(pl);
    dc_options_free(a.run_sec);
    dc_options_free(a.input_sec);
    dc_config_free(cfg);
    return rc;
}

static const char *type_name(dc_opt_type t)
{
    static const char *const n[] = {"string", "int", "double", "bool", "enum", "path", "list"};
    return (unsigned)t < 7 ? n[t] : "?";
}

static void print_options(const dc_options *o)
{
    for (size_t i = 0; i < o->n; i++) {
        const dc_opt_value *v = &o->v[i];
        printf("    %-22s = ", v->decl->name);
        switch (v->decl->type) {
        case DC_OPT_INT: printf("%lld", (long long)v->i); break;
        case DC_OPT_DOUBLE: printf("%g", v->d); break;
        case DC_OPT_BOOL: printf("%s", v->b ? "true" : "false"); break;
        case DC_OPT_LIST:
            for (size_t j = 0; j < v->nlist; j++) printf("%s%s", j ? ", " : "", v->list[j]);
            break;
        default: printf("%s", v->str ? v->str : ""); break;
        }
        printf("    (%s)\n", v->where);
    }
}

static int cmd_check_config(int argc, char **argv)
{
    cli a;
    memset(&a, 0, sizeof a);
    if (parse_cli(&a, argc, argv) != 0) return DC_EXIT_USAGE;
    dc_config *cfg = NULL;
    dc_pipeline *pl = NULL;
    int rc = dc_cli_setup_config(&a, &cfg, &pl);
    if (rc == DC_EXIT_OK) {
        printf("config %s: OK, %zu stages\n", a.config, pl->n);
        for (size_t i = 0; i < pl->n; i++) {
            dc_stage *s = pl->stages[i];
            printf("%zu. [%s] plugin %s %s (%s)%s\n", i + 1, s->name, s->plugin_name,
                   s->desc.version ? s->desc.version : "", s->plugin_file,
                   s->desc.flags & DC_PLUGIN_CONCURRENT ? "" : " [ordered, single thread]");
            print_options(s->opts);
        }
    }
    dc_pipeline_free(pl);
    dc_options_free(a.run_sec);
    dc_options_free(a.input_sec);
    dc_config_free(cfg);
    return rc;
}

static int cmd_plugins(int argc, char **argv)
{
    dc_plugin_dirs dirs;
    dc_plugin_dirs_init(&dirs, NULL);
    size_t n;
    char **names = dc_plugin_list(&dirs, &n);
    int rc = DC_EXIT_OK, found = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && strcmp(argv[1], names[i]) != 0) continue;
        found = 1;
        dc_stage *s = calloc(1, sizeof *s);
        dc_stage_init_counters(s);
        char err[2048];
        if (dc_plugin_load(s, names[i], &dirs, err, sizeof err) != 0) {
            fprintf(stderr, "docclean: %s\n", err);
            rc = DC_EXIT_CONFIG;
        } else if (argc > 1) {
            printf("%s %s - %s\n  file: %s\n  concurrent: %s\n  options:\n", s->desc.name,
                   s->desc.version ? s->desc.version : "", s->desc.description, s->plugin_file,
                   s->desc.flags & DC_PLUGIN_CONCURRENT ? "yes" : "no (runs in input order)");
            for (const dc_option_decl *d = s->desc.options; d && d->name; d++) {
                /* default and help are separated by two spaces (scripts parse this) */
                printf("    %-22s %-7s default: %s  %s", d->name, type_name(d->type),
                       d->default_value ? d->default_value : "(unset)", d->help ? d->help : "");
                if (d->type == DC_OPT_ENUM && d->choices) printf(" [%s]", d->choices);
                if ((d->type == DC_OPT_INT || d->type == DC_OPT_DOUBLE) && d->choices)
                    printf(" [%s]", d->choices); /* the allowed range, MIN..MAX */
                printf("\n");
            }
        } else {
            printf("%-14s %s\n", s->desc.name, s->desc.description ? s->desc.description : "");
        }
        dc_stage_unload(s);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    dc_plugin_dirs_free(&dirs);
    if (argc > 1 && !found) {
        fprintf(stderr, "docclean: no plugin named '%s'\n", argv[1]);
        return DC_EXIT_CONFIG;
    }
    return rc;
}

/* Whatever a command printed on stdout must have arrived: `docclean explain
 * ... > /dev/full` or a full disk is a failure, not exit 0. */
static int close_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "docclean: write error on standard output: %s\n", strerror(errno));
        return rc == DC_EXIT_OK ? DC_EXIT_RUNTIME : rc;
    }
    return rc;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    return close_stdout(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("docclean %s (plugin ABI %d.%d)\n", DC_VERSION, DC_ABI_MAJOR, DC_ABI_MINOR);
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "explain")) return cmd_explain(argc - 1, argv + 1);
    if (!strcmp(cmd, "check-config")) return cmd_check_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "plugins")) return cmd_plugins(argc - 1, argv + 1);
    if (!strcmp(cmd, "status")) return cmd_status(argc - 1, argv + 1);
    if (!strcmp(cmd, "merge")) return cmd_merge(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return dc_cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "cluster")) return dc_cmd_cluster(argc - 1, argv + 1);
    if (!strcmp(cmd, "slurm")) return dc_cmd_slurm(argc - 1, argv + 1);
    fprintf(stderr, "docclean: unknown command '%s'\n", cmd);
    usage(stderr);
    return DC_EXIT_USAGE;
}
