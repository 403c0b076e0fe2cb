/*
 * quality.c - the `quality` stage: document-level scores and gates.
 *
 * qscore() measures the document; this file writes the scores into the
 * metadata (q_han_share, q_han_chars ...) and applies the gates, each an
 * option holding a threshold.  The first gate that trips sends the
 * document to rejects with the score, the threshold and the option name,
 * e.g. "quality: dup_line_frac 0.62 above max_dup_line_frac 0.5".
 *
 * The defaults are tuned to keep short real documents (a notice, a poem,
 * a table) and drop pages that are not documents: navigation lists,
 * keyword stuffing, repeated furniture, number dumps and text that is not
 * Chinese.  docs/plugins/quality.md explains each default against
 * FineWeb-2's cmn_Hani values and ChineseWebText's gates.
 *
 * mode=score only writes the metadata (for tuning the thresholds).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "qscore.h"

/* One threshold gate on one score. */
typedef struct gate_decl {
    const char *option;  /* the threshold's option name                  */
    const char *score;   /* the score's name in reasons and metadata     */
    size_t off;          /* offsetof(qscores, the score)                 */
    int is_max;          /* 1: drop above the threshold; 0: drop below   */
} gate_decl;

#define G(opt, sc, field, mx) {opt, sc, offsetof(qscores, field), mx}
static const gate_decl gates[] = {
    G("max_digit_share", "digit_share", digit_share, 1),
    G("max_symbol_share", "symbol_share", symbol_share, 1),
    G("min_han_share", "han_share", han_share, 0),
    G("max_dup_line_frac", "dup_line_frac", dup_line_frac, 1),
    G("max_dup_line_char_frac", "dup_line_char_frac", dup_line_char_frac, 1),
    G("max_dup_ngram_frac", "dup_ngram_frac", dup_ngram_frac, 1),
    G("max_top_ngram_share", "top_ngram_share", top_ngram_share, 1),
    G("min_stopword_share", "stopword_share", stopword_share, 0),
    G("max_placeholder_density", "placeholder_density", placeholder_density, 1),
};
#undef G
enum { NGATES = sizeof gates / sizeof *gates, GATE_HAN_CHARS = NGATES, GATE_NAV, NCTR };

typedef struct quality {
    const dc_host *host;
    dc_stage *stage;
    int drop;     /* mode=drop (else score only) */
    int metadata;
    double thr[NGATES];
    int64_t min_han_chars, dup_min_lines, ngram_min_han, stopword_min_han;
    double nav_min_end_punct, nav_max_line_len, nav_max_stopword, nav_max_cell_lines;
    int64_t nav_min_lines;
    int ctr[NCTR];
    int ctr_scored;
} quality;

static const dc_option_decl options[] = {
    {"mode", DC_OPT_ENUM, "drop",
     "drop: documents failing a gate go to rejects; score: only write the scores", "drop|score"},
    {"metadata", DC_OPT_BOOL, "true", "write the scores (q_*) into the document metadata", NULL},
    {"min_han_chars", DC_OPT_INT, "0", "drop documents with fewer Han characters (0 = off)", "0.."},
    {"min_han_share", DC_OPT_DOUBLE, "0.2",
     "drop documents whose share of Han characters (of non-space characters) is below", "0..1"},
    {"max_digit_share", DC_OPT_DOUBLE, "0.4", "drop number dumps: digit share above (1 = off)",
     "0..1"},
    {"max_symbol_share", DC_OPT_DOUBLE, "0.2",
     "drop documents whose share of symbols (not Han, letters, digits or punctuation) is above",
     "0..1"},
    {"max_dup_line_frac", DC_OPT_DOUBLE, "1",
     "drop documents whose repeated lines (copies after the first) exceed this share of lines "
     "(1 = off)",
     "0..1"},
    {"max_dup_line_char_frac", DC_OPT_DOUBLE, "0.4",
     "drop documents whose repeated lines hold more than this share of the characters", "0..1"},
    {"dup_min_lines", DC_OPT_INT, "4", "the duplicate-line gates apply from this many lines", "0.."},
    {"max_dup_ngram_frac", DC_OPT_DOUBLE, "0.6",
     "drop documents whose Han characters in repeated 8-grams exceed this share", "0..1"},
    {"max_top_ngram_share", DC_OPT_DOUBLE, "0.3",
     "drop keyword stuffing: the most frequent Han 3-gram covers more than this share", "0..1"},
    {"ngram_min_han", DC_OPT_INT, "30",
     "the n-gram gates apply from this many Han characters (short texts repeat by chance)", "0.."},
    {"min_stopword_share", DC_OPT_DOUBLE, "0",
     "drop documents with fewer stopwords (的 是 在 ...) per Han character (0 = off)", "0..1"},
    {"stopword_min_han", DC_OPT_INT, "200", "min_stopword_share applies from this many Han characters",
     "0.."},
    {"max_placeholder_density", DC_OPT_DOUBLE, "0",
     "drop documents with more ⟦tags⟧ per 1000 characters (0 = off)", "0.."},
    {"nav_min_end_punct", DC_OPT_DOUBLE, "0.1",
     "navigation gate: drop when fewer lines than this share end a sentence and the next four "
     "hold (0 = off)",
     "0..1"},
    {"nav_max_line_len", DC_OPT_DOUBLE, "10", "navigation gate: mean line length at most this",
     "0.."},
    {"nav_min_lines", DC_OPT_INT, "5", "navigation gate: at least this many lines", "0.."},
    {"nav_max_stopword", DC_OPT_DOUBLE, "0.1", "navigation gate: stopword share below this",
     "0..1"},
    {"nav_max_cell_lines", DC_OPT_DOUBLE, "0.5",
     "navigation gate: share of lines with several whitespace-separated cells (table rows) below "
     "this",
     "0..1"},
    {NULL, 0, NULL, NULL, NULL}};

static void quality_destroy(void *inst)
{
    free(inst);
}

static void *quality_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                            size_t errlen)
{
    quality *Q = calloc(1, sizeof *Q);
    if (!Q) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    Q->host = host;
    Q->stage = stage;
    Q->drop = strcmp(host->opt_str(o, "mode"), "drop") == 0;
    Q->metadata = host->opt_bool(o, "metadata");
    for (int g = 0; g < NGATES; g++) {
        Q->thr[g] = host->opt_double(o, gates[g].option);
        if (Q->thr[g] < 0) {
            snprintf(err, errlen, "%s must be >= 0 (%s)", gates[g].option,
                     host->opt_where(o, gates[g].option));
            quality_destroy(Q);
            return NULL;
        }
        char name[64];
        snprintf(name, sizeof name, "dropped_%s", gates[g].score);
        Q->ctr[g] = host->counter_register(stage, name);
    }
    Q->min_han_chars = host->opt_int(o, "min_han_chars");
    Q->dup_min_lines = host->opt_int(o, "dup_min_lines");
    Q->ngram_min_han = host->opt_int(o, "ngram_min_han");
    Q->stopword_min_han = host->opt_int(o, "stopword_min_han");
    Q->nav_min_end_punct = host->opt_double(o, "nav_min_end_punct");
    Q->nav_max_line_len = host->opt_double(o, "nav_max_line_len");
    Q->nav_min_lines = host->opt_int(o, "nav_min_lines");
    Q->nav_max_stopword = host->opt_double(o, "nav_max_stopword");
    Q->nav_max_cell_lines = host->opt_double(o, "nav_max_cell_lines");
    Q->ctr[GATE_HAN_CHARS] = host->counter_register(stage, "dropped_han_chars");
    Q->ctr[GATE_NAV] = host->counter_register(stage, "dropped_navigation");
    Q->ctr_scored = host->counter_register(stage, "docs_scored");
    return Q;
}

static void write_metadata(const quality *Q, dc_doc *doc, const qscores *s)
{
    const dc_host *H = Q->host;
    H->meta_set_int(doc, "q_han_chars", (int64_t)s->han);
    H->meta_set_double(doc, "q_han_share", s->han_share);
    H->meta_set_double(doc, "q_mean_line_len", s->mean_line_len);
    H->meta_set_double(doc, "q_end_punct_share", s->end_punct_share);
    H->meta_set_double(doc, "q_symbol_share", s->symbol_share);
    H->meta_set_double(doc, "q_digit_share", s->digit_share);
    H->meta_set_double(doc, "q_dup_line_frac", s->dup_line_frac);
    H->meta_set_double(doc, "q_dup_line_char_frac", s->dup_line_char_frac);
    H->meta_set_double(doc, "q_dup_ngram_frac", s->dup_ngram_frac);
    H->meta_set_double(doc, "q_top_ngram_share", s->top_ngram_share);
    H->meta_set_double(doc, "q_placeholder_density", s->placeholder_density);
    H->meta_set_double(doc, "q_stopword_share", s->stopword_share);
    H->meta_set_double(doc, "q_cell_line_share", s->cell_line_share);
}

/* Does gate g apply to a document with these scores at all?  Short texts
 * are exempt from the statistics that need a sample to mean anything. */
static int gate_applies(const quality *Q, int g, const qscores *s)
{
    const char *opt = gates[g].option;
    if (Q->thr[g] == 0 && !gates[g].is_max) return 0; /* min_* = 0: off */
    if (Q->thr[g] == 0 && strcmp(opt, "max_placeholder_density") == 0) return 0;
    if (strncmp(opt, "max_dup_line_", 13) == 0) return (int64_t)s->lines >= Q->dup_min_lines;
    if (strcmp(opt, "max_dup_ngram_frac") == 0 || strcmp(opt, "max_top_ngram_share") == 0)
        return (int64_t)s->han >= Q->ngram_min_han;
    if (strcmp(opt, "min_stopword_share") == 0) return (int64_t)s->han >= Q->stopword_min_han;
    return 1;
}

/* The first gate that trips: its counter index and the reason; -1 if none. */
static int first_failing_gate(const quality *Q, const qscores *s, char *why, size_t n)
{
    if (Q->min_han_chars > 0 && (int64_t)s->han < Q->min_han_chars) {
        snprintf(why, n, "han_chars %zu below min_han_chars %lld", s->han,
                 (long long)Q->min_han_chars);
        return GATE_HAN_CHARS;
    }
    for (int g = 0; g < NGATES; g++) {
        if (!gate_applies(Q, g, s)) continue;
        double v = *(const double *)((const char *)s + gates[g].off);
        int bad = gates[g].is_max ? v > Q->thr[g] : v < Q->thr[g];
        if (bad) {
            snprintf(why, n, "%s %.3f %s %s %g", gates[g].score, v,
                     gates[g].is_max ? "above" : "below", gates[g].option, Q->thr[g]);
            return g;
        }
    }
    if (Q->nav_min_end_punct > 0 && (int64_t)s->lines >= Q->nav_min_lines &&
        s->end_punct_share < Q->nav_min_end_punct && s->mean_line_len <= Q->nav_max_line_len &&
        s->stopword_share < Q->nav_max_stopword && s->cell_line_share < Q->nav_max_cell_lines) {
        snprintf(why, n,
                 "navigation list: end_punct_share %.3f below nav_min_end_punct %g with %zu lines "
                 "of mean length %.1f (nav_max_line_len %g) and stopword_share %.3f "
                 "(nav_max_stopword %g)",
                 s->end_punct_share, Q->nav_min_end_punct, s->lines, s->mean_line_len,
                 Q->nav_max_line_len, s->stopword_share, Q->nav_max_stopword);
        return GATE_NAV;
    }
    return -1;
}

static dc_verdict quality_process(void *inst, dc_doc *doc)
{
    quality *Q = inst;
    const dc_host *H = Q->host;
    qscratch scratch = {0};
    qscores s;
    int rc = qscore(doc->text, doc->len, &scratch, &s);
    qscratch_free(&scratch);
    if (rc < 0) {
        H->set_reason(doc, "quality: out of memory");
        return DC_ERROR;
    }
    H->counter_add(Q->stage, Q->ctr_scored, 1);
    if (Q->metadata) write_metadata(Q, doc, &s);
    if (!Q->drop || s.chars == 0) return DC_KEEP;
    char why[512];
    int g = first_failing_gate(Q, &s, why, sizeof why);
    if (g < 0) return DC_KEEP;
    H->counter_add(Q->stage, Q->ctr[g], 1);
    H->set_reason(doc, "quality: %s", why);
    return DC_DROP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "quality",
    .description = "document quality scores (Han share, line shape, repetition, stopwords) and "
                   "gates that drop non-documents",
    .version = "1.0",
    .options = options,
    .create = quality_create,
    .process = quality_process,
    .destroy = quality_destroy,
};
