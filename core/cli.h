/*
 * cli.h - what the command line asked for (filled by main.c's parse_cli),
 * and the config and pipeline setup shared by the commands that main.c
 * dispatches and the cluster commands in cluster_run.c.
 */
#ifndef DC_CLI_H
#define DC_CLI_H

#include "config.h"
#include "core.h"
#include "explain.h"
#include "loader.h"
#include "run.h"

typedef struct cli {
    const char *config;
    dc_run_opts run;
    const char *format, *compression, *out_format, *progress;
    const char *state_dir, *settle, *shard, *cluster_phase;
    int wait, force;
    int jobs;
    char **inputs;
    size_t ninputs;
    dc_options *run_sec, *input_sec;
    int interrupted; /* the signal that stopped the run (see dc_run_opts) */
    dc_explain_opts explain; /* explain --id/--line */
} cli;

/* Load the config (and, when pl is not NULL, build the pipeline).  A
 * DC_EXIT_* status; errors are printed. */
int dc_cli_setup_config(cli *a, dc_config **cfg, dc_pipeline **pl);
/* Load every plugin and create the stage instances.  A DC_EXIT_* status. */
int dc_cli_build_pipeline(dc_config *cfg, dc_pipeline **pl);

#endif
