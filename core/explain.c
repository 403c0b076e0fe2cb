/*
 * explain.c - `docclean explain -c CONF [--id ID] [--line N] INPUT...`: run
 * the pipeline on documents and show, after each stage, what it removed
 * and inserted and which rule did it.  This is the tool a site-profile
 * author iterates with, so it favours exactness:
 *   - inputs are read by the same code as `run` (files, directories, .gz,
 *     .zst, stdin; JSONL records parsed with their metadata, so url-based
 *     site profiles apply as in `run`);
 *   - every document goes through the pipeline in input order, as in a
 *     one-thread `run`, with the prepass first when a stage has one, so
 *     order- and corpus-dependent stages (dedup) decide as they do in
 *     `run`; only the selected documents are printed;
 *   - the result is the exact text `run` writes;
 *   - edits made through the host's edit batches are shown exactly, with
 *     their rule names; a stage that replaced the whole text is shown as a
 *     line diff; lines a stage gave through host->note (which site
 *     profiles applied and why) are shown under the stage.
 */
#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "core.h"

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

/* Print through a memory stream so we know how the block ended: the next
 * header must start on a line of its own whatever the block printed. */
static void end_line(FILE *f, const char *block, size_t n)
{
    fwrite(block, 1, n, f);
    if (n && block[n - 1] != '\n') fputc('\n', f);
}

static void explain_doc(dc_pipeline *p, dc_doc *d, FILE *f, const marks *m)
{
    dc_doc_priv *pv = d->core_private;
    fprintf(f, "%s=== document %s (%zu bytes)%s\n", m->head_on, d->id, d->len, m->head_off);
    size_t ulen;
    const char *url = dc_host_get()->meta_get(d, "url", &ulen);
    if (url) {
        fputs("url: ", f);
        put_visible(f, url, ulen);
        fputc('\n', f);
    }
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
        for (const char *n = t->notes.data, *e = n + t->notes.len; n && n < e;) {
            const char *nl = memchr(n, '\n', (size_t)(e - n));
            fputs("  ", f);
            put_visible(f, n, (size_t)(nl - n));
            fputc('\n', f);
            n = nl + 1;
        }
        if (changed) {
            char *blk = NULL;
            size_t bn = 0;
            FILE *mf = open_memstream(&blk, &bn);
            if (!t->whole_text_replaced && t->ncommits == 1) print_edits(mf, before, blen, t, m);
            else print_line_diff(mf, before, blen, d->text, d->len,
                                 t->whole_rule ? t->whole_rule : s->name, m);
            fclose(mf);
            end_line(f, blk, bn);
            free(blk);
        }
        dc_trace_free(t);
        pv->trace = NULL;
        free(before);
        if (v != DC_KEEP) return;
    }
    /* Exactly the text `run` writes: a text without a final newline gets
     * diff's marker rather than a newline it does not have. */
    fprintf(f, "%s=== result%s\n", m->head_on, m->head_off);
    fwrite(d->text, 1, d->len, f);
    if (d->len && d->text[d->len - 1] != '\n') fputs("\n\\ no newline at end of text\n", f);
}

static int selected(const dc_explain_opts *eo, const dc_doc *d)
{
    return (!eo->id || !strcmp(d->id, eo->id)) && (!eo->line || d->source_line == eo->line);
}

/* stdin can be read only once, and explain reads its input twice when a
 * stage has a prepass: keep it in a temporary file, read as "-". */
static int stdin_to_file(char *path, size_t n)
{
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, n, "%s/docclean-explain.XXXXXX", tmp);
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path); /* gone with the process; read through /proc/self/fd */
    char buf[1 << 16];
    ssize_t got;
    while ((got = read(0, buf, sizeof buf)) > 0)
        if (write(fd, buf, (size_t)got) != got) got = -1;
    if (got < 0) {
        close(fd);
        return -1;
    }
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

typedef struct explain_state {
    dc_pipeline *p;
    const dc_input_opts *in;
    const dc_explain_opts *eo;
    const marks *m;
    size_t pre;      /* first stage with a prepass (p->n: none)       */
    int pass;        /* 1 = prepass, 2 = main                         */
    uint64_t seq, shown;
    int failed;
} explain_state;

static void one_doc(explain_state *x, dc_raw_doc *raw)
{
    const char *rs;
    char *reason;
    dc_raw_doc_parse(raw, x->in->text_field);
    dc_doc *d = dc_doc_from_raw(raw, x->seq++, x->in, &rs, &reason);
    int show = x->pass == 2 && selected(x->eo, d);
    if (rs) {
        if (show) {
            printf("%s=== document %s (%zu bytes)%s\n", x->m->head_on, d->id, d->len, x->m->head_off);
            printf("=== rejected at %s: %s\n", rs, reason);
            x->shown++;
        }
    } else if (x->pass == 1) { /* as run's prepass pass: stages before it, then prepass() */
        dc_verdict v;
        dc_stage *s = x->p->stages[x->pre];
        dc_run_stages(x->p, 0, x->pre, d, &v);
        if (v == DC_KEEP && s->desc.prepass && s->desc.prepass(s->instance, d) != 0) {
            dc_log_core(DC_LOG_ERROR, "stage '%s': prepass failed on %s", s->name, d->id);
            x->failed = 1;
        }
    } else if (show) {
        explain_doc(x->p, d, stdout, x->m);
        x->shown++;
    } else {
        dc_verdict v;
        dc_run_stages(x->p, 0, x->p->n, d, &v); /* earlier documents still count (dedup) */
    }
    free(reason);
    dc_doc_free(d);
}

static int read_all(explain_state *x, dc_input_list *files, const char *stdin_path)
{
    int rc = DC_EXIT_OK;
    for (size_t fi = 0; fi < files->n && !x->failed; fi++) {
        char err[1024];
        dc_input_file f = files->v[fi];
        if (stdin_path && !strcmp(f.path, "-")) f.path = (char *)stdin_path;
        dc_reader *r = dc_reader_open(&f, x->in, err, sizeof err);
        if (!r) {
            if (x->pass == 2) dc_log_core(DC_LOG_ERROR, "input: %s", err);
            rc = DC_EXIT_INPUT;
            continue;
        }
        dc_raw_doc raw;
        memset(&raw, 0, sizeof raw);
        while (dc_reader_next(r, &raw) == 1) {
            if (f.path != files->v[fi].path) { /* stdin: the name run gives it */
                free(raw.source);
                raw.source = dc_xstrdup("-");
            }
            one_doc(x, &raw);
            dc_raw_doc_free(&raw);
        }
        dc_reader_close(r);
    }
    return rc;
}

int dc_explain(dc_pipeline *p, char *const *inputs, size_t ninputs, const dc_input_opts *in,
               const dc_explain_opts *eo)
{
    explain_state x = {.p = p, .in = in, .eo = eo, .m = eo->colour ? &colour : &plain, .pre = p->n};
    dc_input_list files = {0};
    dc_input_errors errs = {0};
    dc_inputs_collect(inputs, ninputs, in, &files, &errs);
    int rc = errs.n ? DC_EXIT_INPUT : DC_EXIT_OK;
    for (size_t i = 0; i < errs.n; i++)
        dc_log_core(DC_LOG_ERROR, "input: %s: %s", errs.v[i].path, errs.v[i].reason);
    for (size_t i = 0; i < p->n && x.pre == p->n; i++)
        if (p->stages[i]->desc.prepass) x.pre = i;
    char stdin_path[64];
    int stdin_fd = -1;
    for (size_t i = 0; i < files.n && x.pre < p->n && stdin_fd < 0; i++)
        if (!strcmp(files.v[i].path, "-") && (stdin_fd = stdin_to_file(stdin_path, sizeof stdin_path)) < 0) {
            dc_log_core(DC_LOG_ERROR, "cannot keep stdin for the prepass: %s", strerror(errno));
            rc = DC_EXIT_RUNTIME;
        }
    if (rc != DC_EXIT_RUNTIME && x.pre < p->n) {
        x.pass = 1;
        read_all(&x, &files, stdin_fd >= 0 ? stdin_path : NULL);
    }
    x.pass = 2;
    x.seq = 0;
    if (rc != DC_EXIT_RUNTIME && !x.failed) {
        int rrc = read_all(&x, &files, stdin_fd >= 0 ? stdin_path : NULL);
        if (rc == DC_EXIT_OK) rc = rrc;
    }
    if (x.failed) rc = DC_EXIT_RUNTIME;
    if (rc == DC_EXIT_OK && !x.shown && (eo->id || eo->line)) {
        char at[32] = "";
        if (eo->line) snprintf(at, sizeof at, " at line %llu", (unsigned long long)eo->line);
        dc_log_core(DC_LOG_ERROR, "explain: no document%s%s%s in the input", eo->id ? " with id " : "",
                    eo->id ? eo->id : "", at);
        rc = DC_EXIT_RUNTIME;
    }
    if (stdin_fd >= 0) close(stdin_fd);
    dc_input_list_free(&files);
    dc_input_errors_free(&errs);
    return rc;
}
