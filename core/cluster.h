/*
 * cluster.h - the phases of a run split over a cluster.
 *
 * A plain sharded run is one map phase (every shard runs the pipeline) and a
 * merge.  A pipeline with a corpus-wide stage (one that declares `phases`,
 * e.g. dedup) runs that stage's phases instead: map phases stream each
 * shard's documents through the pipeline, reduce phases are a few tasks
 * that read and write files under OUT.  The last map phase writes the shard
 * outputs that `docclean merge` combines.  Every task of every phase marks
 * its completion with a file, so any scheduler (Slurm, GNU parallel, a
 * shell loop) can run, retry and resume them.
 */
#ifndef DC_CLUSTER_H
#define DC_CLUSTER_H

#include <stddef.h>

#include "loader.h"

typedef struct dc_phase {
    char name[32];
    int reduce;      /* 0 map, 1 reduce */
    int output;      /* the last map phase: writes OUT/shards/ */
    unsigned tasks;  /* map: the shard count */
    char what[160];
    char stage[64];  /* the stage that declared it ("" for the plain map) */
} dc_phase;

/* The phases of a run of p over nshards shards.  Without a corpus-wide
 * stage: one map phase named "shards" with output = 1.  -1 + err when the
 * pipeline cannot be split (two corpus-wide stages, a bad declaration). */
int dc_cluster_plan(const dc_pipeline *p, unsigned nshards, dc_phase **out, size_t *n, char *err, size_t errlen);

/* Is `name` a map phase of the plan (and is it the output one)? */
const dc_phase *dc_cluster_find(const dc_phase *v, size_t n, const char *name);

#endif
