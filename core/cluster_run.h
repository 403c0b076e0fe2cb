/*
 * cluster_run.h - running one shard or one cluster phase of a corpus (the
 * orchestration behind `docclean run --shard/--cluster-phase` and
 * `docclean cluster`); main.c only parses arguments and calls these.
 */
#ifndef DC_CLUSTER_RUN_H
#define DC_CLUSTER_RUN_H

#include "cli.h"
#include "shard.h"

/* `docclean run --shard I/N -o DIR`: this shard's outputs under DIR/shards. */
int dc_run_shard(cli *a, dc_pipeline *pl, const dc_shard_spec *sh);
/* Is --cluster-phase usable with this shard spec and -o?  0, or -1 with a
 * message on stderr. */
int dc_check_cluster_phase(const dc_shard_spec *sh, const char *out);
/* `docclean run --cluster-phase PHASE --shard I/N -o DIR`: one map task. */
int dc_run_cluster_phase(cli *a, dc_pipeline *pl, const dc_shard_spec *sh);
/* `docclean cluster PHASE|plan ...` (argv[0] is "cluster"). */
int dc_cmd_cluster(int argc, char **argv);

#endif
