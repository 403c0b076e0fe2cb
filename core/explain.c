/*
 * explain.c - `docclean explain -c CONF FILE`: run the pipeline on the
 * documents of one file and show, after each stage, what it removed and
 * inserted and which rule did it.  This is the tool a site-profile author
 * iterates with, so it favours exactness: edits made through the host's
 * edit batches are shown exactly, with their rule names; a stage that
 * replaced the whole text is shown as a line diff.
 */
#include "explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "testkit.h"

typedef struct marks {
    const char *del_on, *del_off, *ins_on, *ins_off, *rule_on, *rule_off, *head_on, *head_off;
} marks;

static const marks colour = {"\033[31;9m", "\033[0m", "\033[32m", "\033[0m", "\033[2;36m",
                             "\033[0m", "\033[1m", "\033[0m"};
static const marks plain = {"[-", "-]", "{+", "+}", "«", "»", "", ""};

static void print_edits(FILE *f, const char *before, size_t blen, const dc_trace *t, const marks *m)
{
    size_t pos = 0;
    for (size_t i = 0; i < t->n; i++) {
        const dc_trace_edit *e = &t->v[i];
        if (e->off < pos || e->off > blen) continue;
        fwrite(before + pos, 1, e->off - pos, f);
        if (e->old_len) fprintf(f, "%s%.*s%s", m->del_on, (int)e->old_len, e->old, m->del_off);
        if (e->rep_len) fprintf(f, "%s%.*s%s", m->ins_on, (int)e->rep_len, e->rep, m->ins_off);
        fprintf(f, "%s%s%s", m->rule_on, e->rule, m->rule_off);
        if (e->old_len && e->old[e->old_len - 1] == '\n') fputc('\n', f);
        pos = e->off + e->old_len;
    }
    if (pos < blen) fwrite(before + pos, 1, blen - pos, f);
}

typedef struct line { const char *p; size_t n; } line;

static line *split_lines(const char *s, size_t n, size_t *count)
{
    line *v = NULL;
    size_t c = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            if (i == n && start == n) break;
            v = dc_xrealloc(v, (c + 1) * sizeof *v);
            v[c].p = s + start;
            v[c++].n = i - start;
            start = i + 1;
        }
    }
    *count = c;
    return v;
}

static int line_eq(line a, line b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* Print a line with control characters made visible (a raw \r would
 * move the terminal cursor and hide what normalize changed). */
static void put_visible(FILE *f, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\r') fputs("\\r", f);
        else if (c < 0x20 && c != '\t') fprintf(f, "\\x%02x", c);
        else fputc(c, f);
    }
}

static void put_marked(FILE *f, const char *on, const line *l, const char *off)
{
    fputs(on, f);
    put_visible(f, l->p, l->n);
    fputs(off, f);
}

static size_t find_line(const line *v, size_t from, size_t n, line x)
{
    for (size_t k = from; k < n && k < from + 50; k++)
        if (line_eq(v[k], x)) return k;
    return n;
}

/* Line diff with a small look-ahead: good for what stages do (drop lines,
 * insert lines, rewrite lines in place). */
static void print_line_diff(FILE *f, const char *a, size_t an, const char *b, size_t bn,
                            const char *rule, const marks *m)
{
    size_t na, nb;
    line *la = split_lines(a, an, &na), *lb = split_lines(b, bn, &nb);
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        if (i < na && j < nb && line_eq(la[i], lb[j])) {
            put_visible(f, la[i].p, la[i].n);
            fputc('\n', f);
            i++, j++;
            continue;
        }
        size_t k = i < na ? find_line(lb, j, nb, la[i]) : nb;
        size_t d = j < nb ? find_line(la, i, na, lb[j]) : na;
        int insert = i >= na || (k < nb && (d == na || k - j <= d - i));
        int remove = !insert && (j >= nb || d < na);
        if (insert) {
            put_marked(f, m->ins_on, &lb[j++], m->ins_off);
        } else if (remove) {
            put_marked(f, m->del_on, &la[i++], m->del_off);
        } else { /* rewritten in place */
            put_marked(f, m->del_on, &la[i++], m->del_off);
            put_marked(f, m->ins_on, &lb[j++], m->ins_off);
        }
        fprintf(f, "%s%s%s\n", m->rule_on, rule, m->rule_off);
    }
    free(la);
    free(lb);
}

static void explain_doc(dc_pipeline *p, dc_doc *d, FILE *f, const marks *m)
{
    dc_doc_priv *pv = d->core_private;
    fprintf(f, "%s=== document %s (%zu bytes)%s\n", m->head_on, d->id, d->len, m->head_off);
    for (size_t i = 0; i < p->n; i++) {
        dc_stage *s = p->stages[i];
        char *before = dc_xstrndup(d->text, d->len);
        size_t blen = d->len;
        pv->trace = dc_xcalloc(1, sizeof(dc_trace));
        dc_verdict v;
        dc_run_stages(p, i, i + 1, d, &v);
        dc_trace *t = pv->trace;
        int changed = blen != d->len || memcmp(before, d->text, blen) != 0;
        fprintf(f, "%s--- stage %s (plugin %s): %s%s", m->head_on, s->name, s->plugin_name,
                v == DC_KEEP ? (changed ? "changed" : "unchanged")
                             : v == DC_DROP ? "DROPPED" : "ERROR",
                m->head_off);
        if (v != DC_KEEP) fprintf(f, ": %s\n", dc_doc_reason(d) ? dc_doc_reason(d) : "");
        else fprintf(f, "\n");
        if (changed) {
            if (!t->whole_text_replaced && t->ncommits == 1) print_edits(f, before, blen, t, m);
            else print_line_diff(f, before, blen, d->text, d->len,
                                 t->whole_rule ? t->whole_rule : s->name, m);
            if (d->len && d->text[d->len - 1] != '\n') fputc('\n', f);
        }
        dc_trace_free(t);
        pv->trace = NULL;
        free(before);
        if (v != DC_KEEP) return;
    }
    fprintf(f, "%s=== result%s\n", m->head_on, m->head_off);
    fwrite(d->text, 1, d->len, f);
    if (d->len && d->text[d->len - 1] != '\n') fputc('\n', f);
}

int dc_explain(dc_pipeline *p, const char *path, const dc_input_opts *in, int use_colour)
{
    const marks *m = use_colour ? &colour : &plain;
    char *const args[] = {(char *)path};
    dc_input_list files = {0};
    dc_input_errors errs = {0};
    dc_inputs_collect(args, 1, in, &files, &errs);
    int rc = errs.n ? DC_EXIT_INPUT : DC_EXIT_OK;
    for (size_t i = 0; i < errs.n; i++)
        dc_log_core(DC_LOG_ERROR, "input: %s: %s", errs.v[i].path, errs.v[i].reason);
    uint64_t seq = 0;
    for (size_t fi = 0; fi < files.n; fi++) {
        char err[1024];
        dc_reader *r = dc_reader_open(&files.v[fi], in, err, sizeof err);
        if (!r) {
            dc_log_core(DC_LOG_ERROR, "input: %s", err);
            rc = DC_EXIT_INPUT;
            continue;
        }
        dc_raw_doc raw;
        memset(&raw, 0, sizeof raw);
        while (dc_reader_next(r, &raw) == 1) {
            const char *rs;
            char *reason;
            dc_doc *d = dc_doc_from_raw(&raw, seq++, in, &rs, &reason);
            dc_raw_doc_free(&raw);
            if (rs) printf("=== document %s: rejected at %s: %s\n", d->id, rs, reason);
            else explain_doc(p, d, stdout, m);
            free(reason);
            dc_doc_free(d);
        }
        dc_reader_close(r);
    }
    dc_input_list_free(&files);
    dc_input_errors_free(&errs);
    return rc;
}
