/*
 * spin.c - the `spin` stage: flag, repair or drop synonym-spun text.
 *
 * Template sites run other sites' documents through a synonym spinner
 * (平安 for 安全, 效劳 for 服务, 根底 for 基础 ...).  spin_match() finds the
 * spun words in the contexts the table (conf/spin/pairs.tsv) lists; this
 * file turns them into output:
 *   spin_score   spun words per 1,000 Han characters, always in metadata
 *                (with spin_hits), and spun = true from min_score up;
 *   mode=tag     metadata only, the text is untouched;
 *   mode=repair  the original word is put back where the table marks the
 *                context unambiguous (平安生产 -> 安全生产);
 *   mode=drop    documents scoring drop_score or more go to rejects.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "spin.h"

enum { MODE_TAG, MODE_REPAIR, MODE_DROP };

typedef struct spin {
    const dc_host *host;
    dc_stage *stage;
    spin_table *table;
    int mode;
    double min_score, drop_score;
    int64_t min_hits;
    int ctr_hits, ctr_repaired, ctr_flagged, ctr_dropped;
} spin;

static const dc_option_decl options[] = {
    {"mode", DC_OPT_ENUM, "tag",
     "tag: score only (metadata); repair: restore the original word in unambiguous contexts; "
     "drop: reject documents scoring drop_score or more",
     "tag|repair|drop"},
    {"table", DC_OPT_PATH, NULL,
     "spun/original table (TSV: spun, original, contexts, repair|score); default: the shipped "
     "conf/spin/pairs.tsv",
     NULL},
    {"min_score", DC_OPT_DOUBLE, "3",
     "set spun = true in the metadata from this many spun words per 1000 Han characters", "0.."},
    {"min_hits", DC_OPT_INT, "3",
     "spun and drop need at least this many spun words (one hit in a short text is no evidence)",
     "0.."},
    {"drop_score", DC_OPT_DOUBLE, "5", "mode=drop: reject from this spin_score", "0.."},
    {NULL, 0, NULL, NULL, NULL}};

static void spin_destroy(void *inst)
{
    spin *S = inst;
    if (!S) return;
    spin_table_free(S->table);
    free(S);
}

static void *spin_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                         size_t errlen)
{
    spin *S = calloc(1, sizeof *S);
    if (!S) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    S->host = host;
    S->stage = stage;
    const char *mode = host->opt_str(o, "mode");
    S->mode = strcmp(mode, "repair") == 0 ? MODE_REPAIR : strcmp(mode, "drop") == 0 ? MODE_DROP : MODE_TAG;
    S->min_score = host->opt_double(o, "min_score");
    S->drop_score = host->opt_double(o, "drop_score");
    S->min_hits = host->opt_int(o, "min_hits");
    const char *path = host->opt_str(o, "table");
    char def[PATH_MAX];
    if (!path) {
        snprintf(def, sizeof def, "%s/conf/spin/pairs.tsv", host->data_dir());
        path = def;
    }
    char terr[4400];
    S->table = spin_table_load(path, terr, sizeof terr);
    if (!S->table) {
        snprintf(err, errlen, "table (%s): %s", host->opt_where(o, "table"), terr);
        spin_destroy(S);
        return NULL;
    }
    S->ctr_hits = host->counter_register(stage, "spun_words");
    S->ctr_repaired = host->counter_register(stage, "repaired");
    S->ctr_flagged = host->counter_register(stage, "docs_spun");
    S->ctr_dropped = host->counter_register(stage, "dropped");
    return S;
}

static dc_verdict spin_process(void *inst, dc_doc *doc)
{
    spin *S = inst;
    const dc_host *H = S->host;
    spin_hits h = {0};
    if (spin_match(S->table, doc->text, doc->len, &h) < 0) {
        spin_hits_free(&h);
        H->set_reason(doc, "spin: out of memory");
        return DC_ERROR;
    }
    size_t han = h.n ? spin_han_chars(doc->text, doc->len) : 0;
    double score = han ? (double)h.n * 1000.0 / (double)han : 0;
    H->meta_set_double(doc, "spin_score", score);
    H->meta_set_int(doc, "spin_hits", (int64_t)h.n);
    if (h.n == 0) return DC_KEEP;
    H->counter_add(S->stage, S->ctr_hits, (int64_t)h.n);
    int enough = (int64_t)h.n >= S->min_hits;
    if (enough && score >= S->min_score) {
        H->meta_set_int(doc, "spun", 1);
        H->counter_add(S->stage, S->ctr_flagged, 1);
    }
    if (S->mode == MODE_DROP && enough && score >= S->drop_score) {
        H->counter_add(S->stage, S->ctr_dropped, 1);
        H->set_reason(doc, "spin: spin_score %.2f at or above drop_score %g (%zu spun words in %zu Han characters)",
                      score, S->drop_score, h.n, han);
        spin_hits_free(&h);
        return DC_DROP;
    }
    if (S->mode == MODE_REPAIR) {
        dc_edits *e = H->edits_begin(doc);
        int64_t repaired = 0;
        for (size_t k = 0; k < h.n; k++) {
            const spin_phrase *p = h.v[k].phrase;
            if (!p->repair) continue;
            H->edits_replace(e, h.v[k].off, p->word_len, p->orig, p->orig_len, "spin:repair");
            repaired++;
        }
        if (H->edits_commit(e, NULL) != 0) {
            spin_hits_free(&h);
            H->set_reason(doc, "spin: overlapping edits (bug)");
            return DC_ERROR;
        }
        if (repaired) {
            H->meta_set_int(doc, "spin_repaired", repaired);
            H->counter_add(S->stage, S->ctr_repaired, repaired);
        }
    }
    spin_hits_free(&h);
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "spin",
    .description = "score synonym-spun text (平安 for 安全, 效劳 for 服务) and repair it where the "
                   "context is unambiguous",
    .version = "1.0",
    .options = options,
    .create = spin_create,
    .process = spin_process,
    .destroy = spin_destroy,
};
