/*
 * placeholder.c - the `placeholder` stage: mark where a template site or a
 * censor filter took the real text out.
 *
 * ph_scan() finds the marks (20XX年, ***同志, ××学校, 鼓励.力量 ...) with
 * their type; this file turns them into output:
 *   mode=tag        each mark becomes a typed tag, by default ⟦year⟧;
 *   mode=normalize  each mark becomes one canonical form (XX);
 *   mode=keep       the text is untouched, only counted.
 * Per-type counts go to the metadata (placeholders, placeholder_year ...)
 * and max_density sends heavily templated documents to rejects.
 *
 * The default tag uses ⟦ ⟧ (U+27E6/U+27E7, mathematical white square
 * brackets): they are not in GB2312/GBK/Big5, so no page that was ever
 * encoded in a legacy Chinese charset can contain them, and Chinese
 * typography has its own brackets (【】〔〕「」), so a tag can never be
 * confused with real text and is trivial to find or strip downstream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "docclean/tag.h"
#include "ph.h"

enum { MODE_TAG, MODE_NORMALIZE, MODE_KEEP };

typedef struct placeholder {
    const dc_host *host;
    dc_stage *stage;
    ph_config cfg;
    int mode;
    char *rep[PH_NTYPES]; /* replacement text per type */
    size_t rep_len[PH_NTYPES];
    char rule[PH_NTYPES][32]; /* "placeholder:year" for docclean explain */
    char meta_key[PH_NTYPES][32];
    double max_density; /* per 1000 characters; 0 = off */
    int64_t min_count;
    int metadata;
    int ctr_type[PH_NTYPES];
    int ctr_docs, ctr_dropped;
} placeholder;

/* Option name of each family switch, in ph_family order. */
static const char *const family_options[PH_NFAMILIES] = {
    "latin_x", "fullwidth_x", "roman_x", "asterisks", "crosses",
    "circles", "underscores", "mou_mou", "censor_gaps"};

static const dc_option_decl options[] = {
    {"mode", DC_OPT_ENUM, "tag",
     "tag: replace each placeholder with a typed tag; normalize: with normalize_form; "
     "keep: only count",
     "tag|normalize|keep"},
    {"tag_format", DC_OPT_STRING, "⟦{type}⟧",
     "tag text for mode=tag; {type} becomes year, date, number, name, unknown or gap", NULL},
    {"normalize_form", DC_OPT_STRING, "XX", "what mode=normalize writes for every placeholder",
     NULL},
    {"max_density", DC_OPT_DOUBLE, "0",
     "reject documents with more placeholders per 1000 characters than this (0 = never)", "0.."},
    {"min_count", DC_OPT_INT, "3",
     "max_density only rejects documents with at least this many placeholders", "1.."},
    {"metadata", DC_OPT_BOOL, "true",
     "add placeholder counts (placeholders, placeholder_TYPE) to the document metadata", NULL},
    {"latin_x", DC_OPT_BOOL, "true", "detect X XX xx Xx runs (20XX年, XX市, 张x老师)", NULL},
    {"fullwidth_x", DC_OPT_BOOL, "true", "detect fullwidth Ｘ runs", NULL},
    {"roman_x", DC_OPT_BOOL, "true", "detect ⅩⅩ (Roman ten used as a mark; a lone Ⅹ is kept)",
     NULL},
    {"asterisks", DC_OPT_BOOL, "true", "detect ** *** ＊＊ (markdown **bold** is kept)", NULL},
    {"crosses", DC_OPT_BOOL, "true", "detect ×× ╳╳ □□ (3×4 is kept)", NULL},
    {"circles", DC_OPT_BOOL, "true", "detect ○○ as a name or date (二○一七 is kept)", NULL},
    {"underscores", DC_OPT_BOOL, "true",
     "detect underscore blanks 20__年 ____同志 (identifiers, URLs, e-mails are kept)", NULL},
    {"mou_mou", DC_OPT_BOOL, "false", "also treat 某某 as a placeholder", NULL},
    {"censor_gaps", DC_OPT_BOOL, "true",
     "detect a '.' left between Han characters by a censor filter (鼓励.力量办园)", NULL},
    {NULL, 0, NULL, NULL, NULL}};

static void ph_destroy(void *inst)
{
    placeholder *P = inst;
    if (!P) return;
    for (int t = 0; t < PH_NTYPES; t++) free(P->rep[t]);
    free(P);
}

static void *ph_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                       size_t errlen)
{
    placeholder *P = calloc(1, sizeof *P);
    if (!P) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    P->host = host;
    P->stage = stage;
    const char *mode = host->opt_str(o, "mode");
    P->mode = strcmp(mode, "keep") == 0        ? MODE_KEEP
              : strcmp(mode, "normalize") == 0 ? MODE_NORMALIZE
                                               : MODE_TAG;
    P->max_density = host->opt_double(o, "max_density");
    P->min_count = host->opt_int(o, "min_count");
    P->metadata = host->opt_bool(o, "metadata");
    if (P->max_density < 0) {
        snprintf(err, errlen, "max_density must be >= 0 (%s)", host->opt_where(o, "max_density"));
        ph_destroy(P);
        return NULL;
    }
    unsigned families = 0;
    for (int f = 0; f < PH_NFAMILIES; f++)
        if (host->opt_bool(o, family_options[f])) families |= 1u << f;
    ph_config_init(&P->cfg, families);

    const char *tag = host->opt_str(o, "tag_format");
    const char *norm = host->opt_str(o, "normalize_form");
    for (int t = 0; t < PH_NTYPES; t++) {
        const char *name = ph_type_name((ph_type)t);
        P->rep[t] = dc_tag_format(P->mode == MODE_NORMALIZE ? (norm ? norm : "") : (tag ? tag : ""),
                               P->mode == MODE_NORMALIZE ? "" : name, &P->rep_len[t]);
        if (!P->rep[t]) {
            snprintf(err, errlen, "out of memory");
            ph_destroy(P);
            return NULL;
        }
        snprintf(P->rule[t], sizeof P->rule[t], "placeholder:%s", name);
        snprintf(P->meta_key[t], sizeof P->meta_key[t], "placeholder_%s", name);
        P->ctr_type[t] = host->counter_register(stage, name);
    }
    P->ctr_docs = host->counter_register(stage, "docs_with_placeholders");
    P->ctr_dropped = host->counter_register(stage, "dropped_density");
    return P;
}

/* Characters (code points) of the text: continuation bytes don't count. */
static size_t count_chars(const char *t, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((uint8_t)t[i] & 0xC0) != 0x80;
    return n;
}

static dc_verdict ph_process(void *inst, dc_doc *doc)
{
    placeholder *P = inst;
    const dc_host *H = P->host;
    ph_hits h = {0};
    if (ph_scan(&P->cfg, doc->text, doc->len, &h) < 0) {
        ph_hits_free(&h);
        H->set_reason(doc, "placeholder: out of memory");
        return DC_ERROR;
    }
    if (h.n == 0) {
        ph_hits_free(&h); /* rejected gap candidates may have allocated */
        return DC_KEEP;
    }

    int64_t per_type[PH_NTYPES] = {0};
    for (size_t k = 0; k < h.n; k++) per_type[h.v[k].type]++;
    for (int t = 0; t < PH_NTYPES; t++)
        if (per_type[t]) H->counter_add(P->stage, P->ctr_type[t], per_type[t]);
    H->counter_add(P->stage, P->ctr_docs, 1);
    if (P->metadata) {
        H->meta_set_int(doc, "placeholders", (int64_t)h.n);
        for (int t = 0; t < PH_NTYPES; t++)
            if (per_type[t]) H->meta_set_int(doc, P->meta_key[t], per_type[t]);
    }

    if (P->max_density > 0 && (int64_t)h.n >= P->min_count) {
        size_t chars = count_chars(doc->text, doc->len);
        double density = chars ? (double)h.n * 1000.0 / (double)chars : 0;
        if (density > P->max_density) {
            H->counter_add(P->stage, P->ctr_dropped, 1);
            H->set_reason(doc,
                          "placeholder density %.2f per 1000 chars above max_density %g "
                          "(%zu placeholders in %zu chars)",
                          density, P->max_density, h.n, chars);
            ph_hits_free(&h);
            return DC_DROP;
        }
    }

    if (P->mode != MODE_KEEP) {
        dc_edits *e = H->edits_begin(doc);
        for (size_t k = 0; k < h.n; k++) {
            const ph_hit *x = &h.v[k];
            H->edits_replace(e, x->off, x->len, P->rep[x->type], P->rep_len[x->type],
                             P->rule[x->type]);
        }
        if (H->edits_commit(e, NULL) != 0) {
            ph_hits_free(&h);
            H->set_reason(doc, "placeholder: overlapping edits (bug)");
            return DC_ERROR;
        }
    }
    ph_hits_free(&h);
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "placeholder",
    .description = "tag anonymisation marks (20XX年 ***同志 ××学校) and censor gaps with typed tags",
    .version = "1.0",
    .options = options,
    .create = ph_create,
    .process = ph_process,
    .finish = NULL,
    .destroy = ph_destroy,
};
