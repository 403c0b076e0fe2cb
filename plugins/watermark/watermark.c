/*
 * watermark.c - the `watermark` stage: remove stray marks that sites insert
 * into running text (的`供给, 的'由, 的.原则; demark.c) and the random ASCII
 * fragments forums append to lines against copying (noise.c).
 *
 * One pass over the text finds every ASCII run inside each line (clean
 * Chinese text has few and short ones, which is the fast path); a run of
 * one mark character is checked against the stray-mark rules, a longer run
 * against the noise test.  Every removal is an edit named after its rule
 * ("watermark:de_backtick", ...) and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "wm.h"
#include "docclean/utf8.h"

const char *const wm_rule_names[WM_NRULES] = {
    "watermark:de_backtick", "watermark:de_quote", "watermark:de_dot",
    "watermark:han_backtick", "watermark:noise", "watermark:noise_line"};
const char *const wm_counter_names[WM_NRULES] = {"de_backtick", "de_quote", "de_dot",
                                                 "han_backtick", "noise_runs", "noise_lines"};
/* option that switches each rule */
static const char *const rule_options[WM_NRULES] = {"de_backtick", "de_quote", "de_dot",
                                                    "han_backtick", "noise", "noise_lines"};

typedef struct watermark {
    const dc_host *host;
    dc_stage *stage;
    wm_config cfg;
    int c_rule[WM_NRULES];
    int c_docs, c_bytes;
} watermark;

static const dc_option_decl watermark_options[] = {
    {"de_backtick", DC_OPT_BOOL, "true", "remove a backtick after 的 before Chinese text (的`供给)", NULL},
    {"de_quote", DC_OPT_BOOL, "true",
     "remove an apostrophe after 的 before Han unless it opens a quotation (的'由甲方)", NULL},
    {"de_dot", DC_OPT_BOOL, "true",
     "remove a full stop after 的 before Han (的.原则); other dots between Han are censor gaps "
     "for the placeholder stage", NULL},
    {"anchors", DC_OPT_STRING, "的", "characters after which ` ' . are stray marks", NULL},
    {"han_backtick", DC_OPT_BOOL, "true",
     "remove a lone backtick between two Han characters (no other backtick on the line)", NULL},
    {"noise", DC_OPT_BOOL, "true",
     "remove runs of random ASCII fragments (i( j( e7 Z2 {! |0 K) from lines with CJK text", NULL},
    {"noise_lines", DC_OPT_BOOL, "true",
     "delete lines made only of such noise (in documents that are mostly CJK)", NULL},
    {"noise_min_tokens", DC_OPT_INT, "5", "fewest space separated fragments in a noise run", "1.."},
    {"noise_min_punct_kinds", DC_OPT_INT, "2",
     "fewest different punctuation characters in a noise run", "0.."},
    {"noise_min_cjk_share", DC_OPT_DOUBLE, "0.3",
     "noise lines are deleted only when this share of the document's bytes is non-ASCII", "0..1"},
    {NULL, 0, NULL, NULL, NULL}};

static int parse_anchors(const char *txt, wm_config *c, char *err, size_t errlen)
{
    const unsigned char *s = (const unsigned char *)(txt ? txt : "");
    size_t n = strlen((const char *)s), l;
    c->nanchors = 0;
    for (size_t i = 0; i < n; i += l) {
        uint32_t cp = dc_utf8_decode(s, n, i, &l);
        if (cp == ',' || dc_is_space(cp)) continue;
        if (cp == DC_UTF8_BAD || cp < 0x80 || c->nanchors == WM_MAX_ANCHORS) {
            snprintf(err, errlen, "watermark: anchors must be up to %d non-ASCII characters",
                     WM_MAX_ANCHORS);
            return -1;
        }
        c->anchors[c->nanchors++] = cp;
    }
    return 0;
}

static void *watermark_create(const dc_host *host, dc_stage *stage, const dc_options *o,
                              char *err, size_t errlen)
{
    watermark *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->host = host;
    w->stage = stage;
    for (int r = 0; r < WM_NRULES; r++) w->cfg.rule_on[r] = host->opt_bool(o, rule_options[r]);
    if (!w->cfg.rule_on[WM_NOISE]) w->cfg.rule_on[WM_NOISE_LINE] = 0;
    w->cfg.noise_min_tokens = (int)host->opt_int(o, "noise_min_tokens");
    w->cfg.noise_min_punct_kinds = (int)host->opt_int(o, "noise_min_punct_kinds");
    w->cfg.noise_min_cjk_share = host->opt_double(o, "noise_min_cjk_share");
    if (w->cfg.noise_min_tokens < 2) w->cfg.noise_min_tokens = 2;
    if (parse_anchors(host->opt_str(o, "anchors"), &w->cfg, err, errlen) != 0) {
        free(w);
        return NULL;
    }
    for (int r = 0; r < WM_NRULES; r++)
        w->c_rule[r] = host->counter_register(stage, wm_counter_names[r]);
    w->c_bytes = host->counter_register(stage, "bytes_removed");
    w->c_docs = host->counter_register(stage, "docs_changed");
    return w;
}

static void watermark_destroy(void *inst) { free(inst); }

/* Share of non-ASCII bytes among the non-space bytes of the document. */
static double cjk_share(const unsigned char *s, size_t n)
{
    size_t hi = 0, vis = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 0x80) { hi++; vis++; }
        else if (s[i] > 0x20) vis++;
    }
    return vis ? (double)hi / (double)vis : 0.0;
}

/* Per-document state of one pass. */
typedef struct pass {
    watermark *w;
    dc_doc *doc;
    dc_edits *e;
    int64_t count[WM_NRULES];
    int64_t bytes;
    double share; /* < 0 until computed */
} pass;

static void add_edit(pass *p, size_t off, size_t len, int rule)
{
    const dc_host *h = p->w->host;
    if (!p->e) p->e = h->edits_begin(p->doc);
    int rc = h->edits_replace(p->e, off, len, "", 0, wm_rule_names[rule]);
    if (rc == 0) {
        p->count[rule]++;
        p->bytes += (int64_t)len;
    }
}

/* Judge one ASCII run s[rs, re) of the line [ls, le). */
static void check_run(pass *p, const unsigned char *s, size_t ls, size_t le, size_t rs, size_t re)
{
    const wm_config *c = &p->w->cfg;
    if (re - rs == 1 && (s[rs] == '`' || s[rs] == '\'' || s[rs] == '.')) {
        int r = wm_stray_mark(c, s, ls, le, rs);
        if (r >= 0) add_edit(p, rs, 1, r);
        return;
    }
    if (!c->rule_on[WM_NOISE] || re - rs < (size_t)(2 * c->noise_min_tokens - 1)) return;
    wm_span sp[64];
    size_t ns = wm_noise_in_run(c, s, rs, re, sp, 64);
    int whole_line = rs == ls && re == le;
    for (size_t k = 0; k < ns; k++) {
        if (!whole_line) {
            add_edit(p, sp[k].off, sp[k].len, WM_NOISE);
        } else if (ns == 1 && sp[k].off == rs && sp[k].len == re - rs && c->rule_on[WM_NOISE_LINE]) {
            if (p->share < 0) p->share = cjk_share((const unsigned char *)p->doc->text, p->doc->len);
            /* the whole line with its line break (CR LF or LF), if it has one */
            size_t end = re, n = p->doc->len;
            if (end < n && s[end] == '\r') end++;
            if (end < n && s[end] == '\n') end++;
            if (p->share >= c->noise_min_cjk_share) add_edit(p, rs, end - rs, WM_NOISE_LINE);
        }
    }
}

static dc_verdict watermark_process(void *inst, dc_doc *doc)
{
    watermark *w = inst;
    const dc_host *h = w->host;
    const unsigned char *s = (const unsigned char *)doc->text;
    size_t n = doc->len;
    pass p = {.w = w, .doc = doc, .share = -1};

    for (size_t ls = 0; ls < n;) {
        const unsigned char *nl = memchr(s + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - s) : n;
        size_t ce = le > ls && s[le - 1] == '\r' ? le - 1 : le;
        for (size_t i = ls; i < ce;) {
            if (s[i] >= 0x80) { i++; continue; }
            size_t rs = i;
            while (i < ce && s[i] < 0x80) i++;
            check_run(&p, s, ls, ce, rs, i);
        }
        ls = le + 1;
    }
    if (!p.e) return DC_KEEP;
    size_t applied = 0;
    if (h->edits_commit(p.e, &applied) != 0) {
        h->set_reason(doc, "watermark: edit commit failed");
        return DC_ERROR;
    }
    for (int r = 0; r < WM_NRULES; r++)
        if (p.count[r]) h->counter_add(w->stage, w->c_rule[r], p.count[r]);
    h->counter_add(w->stage, w->c_bytes, p.bytes);
    if (applied) h->counter_add(w->stage, w->c_docs, 1);
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "watermark",
    .description = "remove stray marks after 的 (的` 的' 的.) and ASCII anti-copy noise",
    .version = "1.0",
    .options = watermark_options,
    .create = watermark_create,
    .process = watermark_process,
    .finish = NULL,
    .destroy = watermark_destroy,
};
