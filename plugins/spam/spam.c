/*
 * spam.c - the `spam` stage: take injected ads and SEO text out.
 *
 * Lexicons (conf/spam/NAME.txt: gambling, adult, loans, contact-for-service,
 * hospital ads, plus weak terms; users add their own files) feed
 * spam_line(), which decides per line: delete a whole ad line, cut ad
 * spans out of a real sentence and keep the sentence, or delete a
 * keyword-stuffed line.  mode=keep only counts.  Counts go to the
 * metadata (spam_lines, spam_spans, spam_stuffed) and to per-category
 * counters; a document with nothing left goes to rejects.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "spam.h"

typedef struct spam {
    const dc_host *host;
    dc_stage *stage;
    spam_lex *lex;
    spam_params params;
    int remove, stuffing;
    size_t ncat;
    char (*rule_line)[48], (*rule_span)[48];
    int *ctr_line, *ctr_span;
    int ctr_stuffed, ctr_docs, ctr_emptied;
} spam;

static const dc_option_decl options[] = {
    {"mode", DC_OPT_ENUM, "remove", "remove: delete ad lines and cut ad spans; keep: only count",
     "remove|keep"},
    {"lexicons", DC_OPT_LIST, NULL,
     "lexicon files (one term per line; TERM<TAB>weak for weak terms); default: every shipped "
     "conf/spam/NAME.txt",
     NULL},
    {"extra_lexicons", DC_OPT_LIST, NULL,
     "your own lexicon files, added to `lexicons` (the file name is the category)", NULL},
    {"line_min_han", DC_OPT_INT, "2",
     "a line with an ad is deleted when fewer Han characters than this remain outside the ads",
     "0.."},
    {"stuffing", DC_OPT_BOOL, "true", "delete keyword-stuffed lines", NULL},
    {"stuff_min_tokens", DC_OPT_INT, "5", "keyword stuffing: at least this many separated items",
     "0.."},
    {"stuff_min_share", DC_OPT_DOUBLE, "0.75",
     "keyword stuffing: one Han trigram occurs in at least this share of the items", "0..1"},
    {NULL, 0, NULL, NULL, NULL}};

static void spam_destroy(void *inst)
{
    spam *S = inst;
    if (!S) return;
    spam_lex_free(S->lex);
    free(S->rule_line);
    free(S->rule_span);
    free(S->ctr_line);
    free(S->ctr_span);
    free(S);
}

/* Directory of the INI that set an option ("FILE:LINE"), for relative paths. */
static void where_dir(const char *where, char *dir, size_t n)
{
    dir[0] = 0;
    if (!where || where[0] == '<') return;
    snprintf(dir, n, "%s", where);
    char *colon = strrchr(dir, ':');
    if (colon) *colon = 0;
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, n, ".");
}

static int load_list(spam *S, const dc_options *o, const char *opt, char *err, size_t errlen)
{
    const dc_host *h = S->host;
    char dir[PATH_MAX], path[2 * PATH_MAX];
    where_dir(h->opt_where(o, opt), dir, sizeof dir);
    for (size_t i = 0; i < h->opt_list_len(o, opt); i++) {
        const char *item = h->opt_list_item(o, opt, i);
        if (item[0] == '/' || !dir[0]) snprintf(path, sizeof path, "%s", item);
        else snprintf(path, sizeof path, "%s/%s", dir, item);
        if (spam_lex_load(S->lex, path, err, errlen) < 0) return -1;
    }
    return 0;
}

static int load_lexicons(spam *S, const dc_options *o, char *err, size_t errlen)
{
    if (S->host->opt_list_len(o, "lexicons") == 0) {
        char pat[PATH_MAX];
        snprintf(pat, sizeof pat, "%s/conf/spam/*.txt", S->host->data_dir());
        glob_t g;
        if (glob(pat, 0, NULL, &g) != 0) {
            snprintf(err, errlen, "no shipped lexicons found (%s)", pat);
            return -1;
        }
        int rc = 0;
        for (size_t i = 0; i < g.gl_pathc && rc == 0; i++)
            rc = spam_lex_load(S->lex, g.gl_pathv[i], err, errlen);
        globfree(&g);
        if (rc < 0) return -1;
    } else if (load_list(S, o, "lexicons", err, errlen) < 0) {
        return -1;
    }
    return load_list(S, o, "extra_lexicons", err, errlen);
}

static void *spam_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                         size_t errlen)
{
    spam *S = calloc(1, sizeof *S);
    if (!S || !(S->lex = spam_lex_new())) {
        free(S);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    S->host = host;
    S->stage = stage;
    S->remove = strcmp(host->opt_str(o, "mode"), "remove") == 0;
    S->stuffing = host->opt_bool(o, "stuffing");
    S->params.line_min_han = host->opt_int(o, "line_min_han");
    S->params.stuff_min_tokens = host->opt_int(o, "stuff_min_tokens");
    S->params.stuff_min_share = host->opt_double(o, "stuff_min_share");
    if (!S->stuffing) S->params.stuff_min_tokens = INT64_MAX; /* no line has that many items */
    char lerr[4400];
    if (load_lexicons(S, o, lerr, sizeof lerr) < 0 || spam_lex_finish(S->lex) < 0) {
        snprintf(err, errlen, "lexicons (%s): %s", host->opt_where(o, "lexicons"), lerr);
        spam_destroy(S);
        return NULL;
    }
    S->ncat = spam_lex_ncategories(S->lex);
    S->rule_line = calloc(S->ncat + 1, sizeof *S->rule_line);
    S->rule_span = calloc(S->ncat + 1, sizeof *S->rule_span);
    S->ctr_line = calloc(S->ncat + 1, sizeof *S->ctr_line);
    S->ctr_span = calloc(S->ncat + 1, sizeof *S->ctr_span);
    if (!S->rule_line || !S->rule_span || !S->ctr_line || !S->ctr_span) {
        snprintf(err, errlen, "out of memory");
        spam_destroy(S);
        return NULL;
    }
    for (size_t c = 0; c < S->ncat; c++) {
        const char *name = spam_lex_category(S->lex, (int)c);
        char ctr[64];
        snprintf(S->rule_line[c], sizeof S->rule_line[c], "spam:%.30s:line", name);
        snprintf(S->rule_span[c], sizeof S->rule_span[c], "spam:%.30s:span", name);
        snprintf(ctr, sizeof ctr, "%.30s_lines", name);
        S->ctr_line[c] = host->counter_register(stage, ctr);
        snprintf(ctr, sizeof ctr, "%.30s_spans", name);
        S->ctr_span[c] = host->counter_register(stage, ctr);
    }
    S->ctr_stuffed = host->counter_register(stage, "stuffed_lines");
    S->ctr_docs = host->counter_register(stage, "docs_with_spam");
    S->ctr_emptied = host->counter_register(stage, "dropped_empty");
    return S;
}

typedef struct tally {
    int64_t lines, spans, stuffed, han_deleted;
} tally;

/* Record what spam_line() decided for one line as edits. */
static void apply_line(spam *S, dc_edits *e, size_t off, const spam_line_result *r, tally *t)
{
    const dc_host *H = S->host;
    int c = r->category;
    if (r->action == SPAM_LINE_STUFFED) {
        t->stuffed++;
        H->counter_add(S->stage, S->ctr_stuffed, 1);
        if (S->remove) H->edits_delete_line(e, off, "spam:stuffing");
    } else if (r->action == SPAM_LINE_DELETE) {
        t->lines++;
        H->counter_add(S->stage, S->ctr_line[c], 1);
        if (S->remove) H->edits_delete_line(e, off, S->rule_line[c]);
    } else if (r->action == SPAM_LINE_CUT) {
        for (size_t k = 0; k < r->nspans; k++) {
            const spam_span *sp = &r->spans[k];
            t->spans++;
            H->counter_add(S->stage, S->ctr_span[sp->category], 1);
            if (S->remove) H->edits_replace(e, sp->off, sp->len, "", 0, S->rule_span[sp->category]);
        }
    }
}

static int only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

static dc_verdict spam_process(void *inst, dc_doc *doc)
{
    spam *S = inst;
    const dc_host *H = S->host;
    spam_hits hits = {0};
    spam_line_result r = {0};
    tally t = {0};
    dc_edits *e = H->edits_begin(doc);
    int rc = 0;
    for (size_t start = 0; start < doc->len && rc == 0;) {
        const char *nl = memchr(doc->text + start, '\n', doc->len - start);
        size_t end = nl ? (size_t)(nl - doc->text) : doc->len;
        rc = spam_line(S->lex, &S->params, doc->text, start, end - start, &hits, &r);
        if (rc == 0 && r.action != SPAM_LINE_KEEP) apply_line(S, e, start, &r, &t);
        start = end + 1;
    }
    spam_hits_free(&hits);
    spam_line_result_free(&r);
    if (rc < 0) {
        H->edits_abort(e);
        H->set_reason(doc, "spam: out of memory");
        return DC_ERROR;
    }
    if (H->edits_commit(e, NULL) != 0) {
        H->set_reason(doc, "spam: overlapping edits (bug)");
        return DC_ERROR;
    }
    if (t.lines + t.spans + t.stuffed == 0) return DC_KEEP;
    H->counter_add(S->stage, S->ctr_docs, 1);
    if (t.lines) H->meta_set_int(doc, "spam_lines", t.lines);
    if (t.spans) H->meta_set_int(doc, "spam_spans", t.spans);
    if (t.stuffed) H->meta_set_int(doc, "spam_stuffed", t.stuffed);
    if (S->remove && only_space(doc->text, doc->len)) {
        H->counter_add(S->stage, S->ctr_emptied, 1);
        H->set_reason(doc, "spam: nothing left after removing %lld ad lines and %lld stuffed lines",
                      (long long)t.lines, (long long)t.stuffed);
        return DC_DROP;
    }
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "spam",
    .description = "remove injected ads (gambling, adult, loans, contact-for-service) as lines or "
                   "spliced spans, and keyword-stuffed lines",
    .version = "1.0",
    .options = options,
    .create = spam_create,
    .process = spam_process,
    .destroy = spam_destroy,
};
