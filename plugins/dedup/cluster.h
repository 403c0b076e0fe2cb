/*
 * cluster.h - dedup split over a cluster: the files the map and reduce
 * phases exchange on the shared filesystem, and the reduce tasks.
 *
 * The single-machine stage (dedup.c) decides each document in input order
 * against everything indexed before it.  A cluster run reaches the same
 * decisions in nine phases, with documents named by their global position
 * (host->doc_position), so "earlier" means the same everywhere:
 *
 *   lines     (map, per shard)  each distinct text's eligible line keys,
 *                               split by text hash into T partitions
 *   linewin   (reduce, T tasks) per text hash partition: the first copy of
 *                               each text; its keys, split by key into T
 *   linecount (reduce, T tasks) per key partition: keys in >= line_min_docs
 *                               distinct texts
 *   sign      (map, per shard)  after repeated-line removal: exact hash,
 *                               verification sketch, id, LSH band keys
 *   exact     (reduce, T tasks) for each exact hash, later copies -> first
 *   bands     (reduce, 1 task per band) candidate lists: for every document
 *                               the earlier documents sharing its band key
 *                               (exact copies left out, as they are never
 *                               indexed), capped like the index lookup
 *   verify    (reduce, T tasks) per document-hash range: estimate each
 *                               candidate's similarity from the sketches,
 *                               keep those reaching the threshold
 *   decide    (reduce, 1 task)  in position order, assign clusters exactly
 *                               as the stream would; a drop list per shard
 *                               with dup_of ids
 *   apply     (map, per shard)  remove repeated lines, drop what the list
 *                               says; the shard output is then merged
 *
 * Files live under OUT/dedup/.  Every file starts with an 8-byte magic and
 * is written to a temporary name, fsynced and renamed, so a killed task
 * leaves either nothing or a complete file.  All integers little endian.
 */
#ifndef DEDUP_CLUSTER_H
#define DEDUP_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lines.h"

/* The most candidates one lookup examines (dedup.c and the bands phase). */
#define DCL_MAX_CANDIDATES 4096

typedef struct dcl_writer {
    FILE *f;
    char path[4096], tmp[4200];
    uint64_t bytes;
    int failed;
} dcl_writer;

/* Open OUT/dedup/<rel> for writing (parent directories are created). */
int dcl_open(dcl_writer *w, const char *dir, const char *rel, const char magic[8], char *err, size_t errlen);
void dcl_put(dcl_writer *w, const void *p, size_t n);
void dcl_put_u64(dcl_writer *w, uint64_t v);
/* fflush + fsync + rename into place.  0, or -1 with err. */
int dcl_commit(dcl_writer *w, char *err, size_t errlen);
void dcl_abort(dcl_writer *w);

/* What the reduce tasks need to know of the stage's options. */
typedef struct dcl_params {
    const char *dir;        /* OUT (the files are under OUT/dedup)   */
    unsigned nshards, task, ntasks;
    unsigned reduce_tasks;  /* T: tasks of linewin, linecount, exact, verify */
    int k, bands;
    double threshold;
    uint32_t line_min_docs;
    int do_exact, do_near, do_lines;
} dcl_params;

/* Statistics of a reduce task, for its log line. */
typedef struct dcl_stats {
    uint64_t records, bytes_in, bytes_out, docs, exact, near, candidates;
} dcl_stats;

int dcl_reduce_linewin(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);
int dcl_reduce_linecount(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);
int dcl_reduce_exact(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);
int dcl_reduce_bands(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);
int dcl_reduce_verify(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);
int dcl_reduce_decide(const dcl_params *p, dcl_stats *st, char *err, size_t errlen);

/* The repeated-line keys of the run (OUT/dedup/lines.set/, nparts files)
 * into `set` (value 1).  0, or -1 with err. */
int dcl_load_line_set(const char *dir, unsigned nparts, u64map *set, char *err, size_t errlen);

/* One shard's drop list (OUT/dedup/drop/NNNNN.bin), sorted by position. */
typedef struct dcl_drop {
    uint64_t pos;
    double sim;
    int exact;
    char *id;
    size_t idlen;
} dcl_drop;
typedef struct dcl_drops {
    dcl_drop *v;
    size_t n;
} dcl_drops;
int dcl_load_drops(const char *dir, unsigned shard, dcl_drops *out, char *err, size_t errlen);
const dcl_drop *dcl_drops_find(const dcl_drops *d, uint64_t pos);
void dcl_drops_free(dcl_drops *d);

/* Magics. */
#define DCL_MAGIC_LINES "DCDlin1\n"
#define DCL_MAGIC_LSET "DCDset1\n"
#define DCL_MAGIC_LWIN "DCDlwn1\n"
#define DCL_MAGIC_EXACT "DCDexh1\n"
#define DCL_MAGIC_DOCS "DCDdoc1\n"
#define DCL_MAGIC_BAND "DCDbnd1\n"
#define DCL_MAGIC_XDUP "DCDxdp1\n"
#define DCL_MAGIC_PAIRS "DCDpar1\n"
#define DCL_MAGIC_DROP "DCDdrp1\n"
#define DCL_MAGIC_VERIFIED "DCDvfy1\n"

#endif
