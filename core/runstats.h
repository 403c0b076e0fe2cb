/*
 * runstats.h - what the stages did, measured by the core: per stage
 * (documents changed, lines and characters removed), per rule (the rule
 * names plugins give their edits), per reject reason and per site, with a
 * few sampled examples each, plus length / removed-share / cluster-size /
 * score histograms.  Everything here is derived from the edits the core
 * applies and from the documents' fate; no plugin is asked or named.
 *
 * The per-document log (doclog.h) is filled by the host's edit helpers on
 * whatever thread runs the stage; the run's aggregate here is fed one
 * document at a time on the ordered main thread, so tables and samples are
 * the same for any -j.
 *
 * Samples are "bottom-k" reservoirs: each candidate gets a priority hashed
 * from a fixed seed and the document's global input position, and the k
 * smallest are kept.  That is a uniform sample without replacement, bounded
 * by k, independent of -j, and two shards' samples merge exactly (the k
 * smallest of the union), so a sharded run's report shows the examples the
 * unsharded run would have shown.
 */
#ifndef DC_RUNSTATS_H
#define DC_RUNSTATS_H

#include <jansson.h>
#include <stdint.h>

#include "doclog.h"
#include "loader.h"

/* ---------------- the run (ordered main thread) ---------------- */

typedef struct dc_runstats dc_runstats;

dc_runstats *dc_runstats_new(const dc_pipeline *p);
void dc_runstats_free(dc_runstats *rs);
/* Account (and clear) the document's logged edits: the prepass pass calls
 * this for the stages it ran; dc_runstats_doc() does it too. */
void dc_runstats_edits(dc_runstats *rs, dc_doc *doc);
/* The document's final fate: kept (reject_stage NULL) or rejected. */
void dc_runstats_doc(dc_runstats *rs, dc_doc *doc, const char *reject_stage, const char *reason);
/* The stage with this name dropped a document of `chars` characters. */
/* Per-stage numbers for the terminal table and the JSON. */
typedef struct dc_stage_edits {
    uint64_t docs_changed, edits, lines_removed, chars_removed, chars_added, chars_dropped;
} dc_stage_edits;
const dc_stage_edits *dc_runstats_stage(const dc_runstats *rs, size_t stage_index);
/* Add the sections "rules", "rejects", "sites", "histograms", "scores" to
 * the stats JSON root, and each stage's edit numbers to root.stages[i]. */
void dc_runstats_to_json(const dc_runstats *rs, json_t *root);

/* Merging per-shard stats: merge every sampled "examples" array of `one`
 * into `acc` (bottom-k by "sample_key") and drop them from `one`, so that
 * the caller's generic key-by-key sum adds up only the counts (likewise
 * the run description and the exit status, which are not sums). */
void dc_runstats_merge_samples(json_t *acc, json_t *one);

#endif
