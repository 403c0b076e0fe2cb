/*
 * pii.c - the `pii` stage: take personal data out of the corpus.
 *
 * pii_scan() finds validated personal data (phone numbers, ID and bank
 * card numbers, QQ/WeChat ids after a cue, e-mail addresses); this file
 * turns them into output:
 *   mode=tag   each datum becomes a typed tag, by default ⟦mobile⟧, in the
 *              placeholder stage's style (⟦ ⟧ never occur in real text);
 *   mode=mask  its letters and digits become mask_char, except the first
 *              mask_head and the last mask_tail (138****5678);
 *   mode=keep  the text is untouched, only counted.
 * Per-type counts go to the metadata (pii, pii_mobile ...) and counters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "docclean/tag.h"
#include "pii.h"

enum { MODE_TAG, MODE_MASK, MODE_KEEP };

typedef struct pii {
    const dc_host *host;
    dc_stage *stage;
    int mode;
    unsigned types;
    char *tag[PII_NTYPES];
    size_t tag_len[PII_NTYPES];
    char rule[PII_NTYPES][24];    /* "pii:mobile" for docclean explain */
    char meta_key[PII_NTYPES][24];
    char mask_char[8];
    size_t mask_char_len;
    int64_t mask_head, mask_tail;
    int metadata;
    int ctr_type[PII_NTYPES];
    int ctr_docs;
} pii;

static const dc_option_decl options[] = {
    {"mode", DC_OPT_ENUM, "tag",
     "tag: replace each datum with a typed tag; mask: overwrite its digits and letters; "
     "keep: only count",
     "tag|mask|keep"},
    {"tag_format", DC_OPT_STRING, "⟦{type}⟧",
     "tag text for mode=tag; {type} becomes mobile, landline, idcard, bankcard, qq, wechat or "
     "email",
     NULL},
    {"mask_char", DC_OPT_STRING, "*", "mode=mask: what each masked digit or letter becomes", NULL},
    {"mask_head", DC_OPT_INT, "3", "mode=mask: leading digits/letters left visible", "0.."},
    {"mask_tail", DC_OPT_INT, "2", "mode=mask: trailing digits/letters left visible", "0.."},
    {"metadata", DC_OPT_BOOL, "true", "add counts (pii, pii_TYPE) to the document metadata", NULL},
    {"mobile", DC_OPT_BOOL, "true", "mainland mobile numbers (1[3-9] + 9 digits, +86)", NULL},
    {"landline", DC_OPT_BOOL, "true", "landlines with an area code (010-12345678, (0755)1234567)",
     NULL},
    {"idcard", DC_OPT_BOOL, "true",
     "18-digit resident ID numbers with a valid checksum and birth date", NULL},
    {"bankcard", DC_OPT_BOOL, "true", "16-19 digit card numbers passing the Luhn check", NULL},
    {"qq", DC_OPT_BOOL, "true", "QQ numbers after a cue (QQ, 企鹅, 扣扣, 加Q)", NULL},
    {"wechat", DC_OPT_BOOL, "true", "WeChat ids after a cue (微信, VX, 加V, wx)", NULL},
    {"email", DC_OPT_BOOL, "true", "e-mail addresses", NULL},
    {NULL, 0, NULL, NULL, NULL}};

static void pii_destroy(void *inst)
{
    pii *P = inst;
    if (!P) return;
    for (int t = 0; t < PII_NTYPES; t++) free(P->tag[t]);
    free(P);
}

static void *pii_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                        size_t errlen)
{
    pii *P = calloc(1, sizeof *P);
    if (!P) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    P->host = host;
    P->stage = stage;
    const char *mode = host->opt_str(o, "mode");
    P->mode = strcmp(mode, "keep") == 0 ? MODE_KEEP : strcmp(mode, "mask") == 0 ? MODE_MASK : MODE_TAG;
    P->metadata = host->opt_bool(o, "metadata");
    P->mask_head = host->opt_int(o, "mask_head");
    P->mask_tail = host->opt_int(o, "mask_tail");
    const char *mc = host->opt_str(o, "mask_char");
    if (!mc || !*mc || strlen(mc) >= sizeof P->mask_char || P->mask_head < 0 || P->mask_tail < 0) {
        snprintf(err, errlen, "mask_char must be 1-7 bytes and mask_head/mask_tail >= 0 (%s)",
                 host->opt_where(o, "mask_char"));
        pii_destroy(P);
        return NULL;
    }
    snprintf(P->mask_char, sizeof P->mask_char, "%s", mc);
    P->mask_char_len = strlen(P->mask_char);
    const char *fmt = host->opt_str(o, "tag_format");
    for (int t = 0; t < PII_NTYPES; t++) {
        const char *name = pii_type_name((pii_type)t);
        if (host->opt_bool(o, name)) P->types |= 1u << t;
        P->tag[t] = dc_tag_format(fmt ? fmt : "", name, &P->tag_len[t]);
        if (!P->tag[t]) {
            snprintf(err, errlen, "out of memory");
            pii_destroy(P);
            return NULL;
        }
        snprintf(P->rule[t], sizeof P->rule[t], "pii:%s", name);
        snprintf(P->meta_key[t], sizeof P->meta_key[t], "pii_%s", name);
        P->ctr_type[t] = host->counter_register(stage, name);
    }
    P->ctr_docs = host->counter_register(stage, "docs_with_pii");
    return P;
}

static int ascii_alnum(int c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* The span with its digits and letters masked, except head and tail. */
static void mask_span(const pii *P, const char *s, size_t n, dc_buf *b)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++) total += ascii_alnum((unsigned char)s[i]);
    for (size_t i = 0; i < n; i++) {
        if (!ascii_alnum((unsigned char)s[i])) {
            P->host->buf_append(b, s + i, 1);
            continue;
        }
        int visible = (int64_t)k < P->mask_head || (int64_t)(total - k) <= P->mask_tail;
        if (visible) P->host->buf_append(b, s + i, 1);
        else P->host->buf_append(b, P->mask_char, P->mask_char_len);
        k++;
    }
}

static dc_verdict pii_process(void *inst, dc_doc *doc)
{
    pii *P = inst;
    const dc_host *H = P->host;
    pii_hits h = {0};
    if (pii_scan(P->types, doc->text, doc->len, &h) < 0) {
        pii_hits_free(&h);
        H->set_reason(doc, "pii: out of memory");
        return DC_ERROR;
    }
    if (h.n == 0) {
        pii_hits_free(&h);
        return DC_KEEP;
    }
    int64_t per_type[PII_NTYPES] = {0};
    for (size_t k = 0; k < h.n; k++) per_type[h.v[k].type]++;
    for (int t = 0; t < PII_NTYPES; t++)
        if (per_type[t]) H->counter_add(P->stage, P->ctr_type[t], per_type[t]);
    H->counter_add(P->stage, P->ctr_docs, 1);
    if (P->metadata) {
        H->meta_set_int(doc, "pii", (int64_t)h.n);
        for (int t = 0; t < PII_NTYPES; t++)
            if (per_type[t]) H->meta_set_int(doc, P->meta_key[t], per_type[t]);
    }
    if (P->mode != MODE_KEEP) {
        dc_edits *e = H->edits_begin(doc);
        dc_buf b = {0};
        for (size_t k = 0; k < h.n; k++) {
            const pii_hit *x = &h.v[k];
            if (P->mode == MODE_TAG) {
                H->edits_replace(e, x->off, x->len, P->tag[x->type], P->tag_len[x->type],
                                 P->rule[x->type]);
            } else {
                b.len = 0;
                mask_span(P, doc->text + x->off, x->len, &b);
                H->edits_replace(e, x->off, x->len, b.data, b.len, P->rule[x->type]);
            }
        }
        H->buf_free(&b);
        if (H->edits_commit(e, NULL) != 0) {
            pii_hits_free(&h);
            H->set_reason(doc, "pii: overlapping edits (bug)");
            return DC_ERROR;
        }
    }
    pii_hits_free(&h);
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "pii",
    .description = "tag or mask phone, ID and bank card numbers, QQ/WeChat ids and e-mail "
                   "addresses (validated)",
    .version = "1.0",
    .options = options,
    .create = pii_create,
    .process = pii_process,
    .destroy = pii_destroy,
};
