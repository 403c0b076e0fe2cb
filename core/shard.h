/*
 * shard.h - splitting one run into N independent shards that combine into
 * exactly the single-machine output.
 *
 * A file belongs to shard hash(relative path) mod N, so adding files never
 * moves an existing file to another shard; a big JSONL file is cut into
 * fixed-size byte chunks assigned the same way, so shards balance by bytes.  Each shard writes, next to its
 * output, a compact `.order` sidecar: for every kept document its global
 * position (index of its file in the full sorted input list, line).  `docclean
 * merge` k-way merges the shard outputs by that key, which is exactly the
 * order a single `docclean run` over all inputs writes.
 */
#ifndef DC_SHARD_H
#define DC_SHARD_H

#include <stdint.h>
#include <stdio.h>

#include "io.h"

typedef struct dc_shard_spec {
    unsigned index, count; /* count == 0: not sharded */
    /* Uncompressed JSONL files bigger than this are split into chunks of
     * this many bytes, each assigned to a shard on its own ([run]
     * shard_chunk_bytes; 0 = never split), so shards balance by bytes. */
    uint64_t chunk_bytes;
} dc_shard_spec;

/* Parse "I/N" (0 <= I < N).  -1 on error. */
int dc_shard_parse(const char *s, dc_shard_spec *out);
/* From SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT (and the array's
 * minimum index), if set.  0 = found. */
int dc_shard_from_env(dc_shard_spec *out);
unsigned dc_shard_of(const char *rel, unsigned count);
/* Keep only this shard's files and chunks of files.  (*gidx)[k] = global
 * index of the file entry k belongs to.  A file goes to shard
 * hash(relative path) mod N; chunk k of a big file to (that + k) mod N. */
void dc_shard_filter(dc_input_list *files, const dc_shard_spec *s, uint32_t **gidx);

/* One .order record: 8 bytes little endian (file index, line). */
int dc_order_write(FILE *f, uint32_t file_index, uint32_t line);

/* `docclean merge OUT_DIR -o FILE`: combine OUT_DIR/shards/ into FILE. */
int dc_merge_shards(const char *dir, const char *out_path);

#endif
