/*
 * doclog.c - the per-document log of edits for the run report: which stage
 * made which named edit, how many lines and characters it took out or put
 * in, and the first example of each.  Filled by the host's edit helpers on
 * whatever thread runs the stage; read (and cleared) on the ordered thread
 * by runstats.c.
 */
#define _GNU_SOURCE /* memrchr */
#include "doclog.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET 240 /* bytes of removed / inserted text in an example */

static dc_doclog *doclog(dc_doc *d)
{
    dc_doc_priv *p = d->core_private;
    if (!p->log) p->log = dc_xcalloc(1, sizeof *p->log);
    return p->log;
}

void dc_doclog_stage(dc_doc *doc, const dc_stage *stage)
{
    ((dc_doc_priv *)doc->core_private)->cur_stage = stage; /* the log itself comes with the first edit */
}

void dc_doclog_clear(dc_doclog *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i].rule), free(l->v[i].ex_old), free(l->v[i].ex_rep);
    l->n = 0;
}

void dc_doclog_free(dc_doclog *l)
{
    if (!l) return;
    dc_doclog_clear(l);
    free(l->v);
    free(l);
}

/* Bytes that do not continue a sequence (10xxxxxx), eight at a time: this
 * runs over every document twice on the ordered thread. */
uint64_t dc_utf8_chars(const char *s, size_t n)
{
    uint64_t cont = 0;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        cont += (uint64_t)__builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ull);
    }
    for (; i < n; i++) cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    return n - cont;
}

static uint64_t count_nl(const char *s, size_t n)
{
    uint64_t c = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))); s++) c++;
    return c;
}

/* Whole lines the edit took out.  A deletion counts the lines it covers
 * from their start to their end (so joining two lines by deleting the
 * newline between them removes none); a replacement counts the net drop in
 * the number of lines. */
static uint64_t lines_removed(const char *text, size_t len, size_t off, size_t old_len, const char *rep,
                              size_t rep_len)
{
    if (!old_len) return 0;
    const char *old = text + off;
    uint64_t nl = count_nl(old, old_len);
    if (rep_len) {
        uint64_t rn = count_nl(rep, rep_len);
        return nl > rn ? nl - rn : 0;
    }
    int starts_line = off == 0 || text[off - 1] == '\n';
    uint64_t n = nl;
    if (!starts_line && nl) n--; /* the first newline ends a line that began before the span */
    /* a last line without a newline, deleted from its start to the end */
    if (off + old_len == len && old[old_len - 1] != '\n') {
        const char *last = memrchr(old, '\n', old_len);
        if (last || starts_line) n++;
    }
    return n;
}

/* Copy at most SNIPPET bytes, not cutting a UTF-8 sequence. */
char *dc_snippet(const char *s, size_t n, int *cut)
{
    *cut = n > SNIPPET;
    if (n > SNIPPET) {
        n = SNIPPET;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    }
    return dc_xstrndup(s ? s : "", n);
}

static dc_log_entry *dc_log_entry_for(dc_doc *doc, const char *rule)
{
    dc_doclog *l = doclog(doc);
    const dc_stage *cur = ((dc_doc_priv *)doc->core_private)->cur_stage;
    const char *r = rule ? rule : "(unnamed)";
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].stage == cur && !strcmp(l->v[i].rule, r)) return &l->v[i];
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->v = dc_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    dc_log_entry *e = &l->v[l->n++];
    memset(e, 0, sizeof *e);
    e->stage = cur;
    e->rule = dc_xstrdup(r);
    return e;
}

void dc_doclog_edit(dc_doc *doc, const char *text, size_t text_len, size_t off, size_t old_len,
                    const char *rep, size_t rep_len, const char *rule)
{
    if (!old_len && !rep_len) return;
    if (old_len == rep_len && !memcmp(text + off, rep, old_len)) return; /* no change */
    dc_log_entry *e = dc_log_entry_for(doc, rule);
    e->edits++;
    e->lines += lines_removed(text, text_len, off, old_len, rep, rep_len);
    e->chars_rm += dc_utf8_chars(text + off, old_len);
    e->chars_add += dc_utf8_chars(rep, rep_len);
    if (!e->ex_old) {
        e->ex_old = dc_snippet(text + off, old_len, &e->old_cut);
        e->ex_rep = dc_snippet(rep, rep_len, &e->rep_cut);
    }
}

void dc_doclog_whole(dc_doc *doc, const char *old, size_t old_len, const char *neu, size_t new_len,
                     const char *rule)
{
    /* The changed span between the common prefix and the common suffix. */
    size_t pre = 0, max = old_len < new_len ? old_len : new_len;
    while (pre < max && old[pre] == neu[pre]) pre++;
    while (pre > 0 && ((unsigned char)old[pre] & 0xC0) == 0x80) pre--;
    size_t suf = 0;
    while (suf < max - pre && old[old_len - 1 - suf] == neu[new_len - 1 - suf]) suf++;
    while (suf > 0 && ((unsigned char)old[old_len - suf] & 0xC0) == 0x80) suf--;
    dc_doclog_edit(doc, old, old_len, pre, old_len - pre - suf, neu + pre, new_len - pre - suf,
                   rule ? rule : "(whole text)");
}
