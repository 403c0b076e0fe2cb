/*
 * doclog.h - the per-document log of edits the run report is made from
 * (doclog.c): per stage and rule name, the edits, lines and characters
 * removed and added, and the first example.
 */
#ifndef DC_DOCLOG_H
#define DC_DOCLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

typedef struct dc_log_entry {
    const dc_stage *stage;
    char *rule;
    uint64_t edits, lines, chars_rm, chars_add;
    char *ex_old, *ex_rep; /* the first edit of this rule in the document */
    int old_cut, rep_cut;  /* the example was cut short */
} dc_log_entry;

typedef struct dc_doclog {
    dc_log_entry *v;
    size_t n, cap;
} dc_doclog;

/* The stage whose edits follow (set by the run loop before each stage). */
void dc_doclog_stage(dc_doc *doc, const dc_stage *stage);
/* One applied edit: old_len bytes at `off` of `text` (text_len bytes, the
 * text before the edit) replaced by rep. */
void dc_doclog_edit(dc_doc *doc, const char *text, size_t text_len, size_t off, size_t old_len,
                    const char *rep, size_t rep_len, const char *rule);
/* The whole text replaced (set_text): logged as the one changed span. */
void dc_doclog_whole(dc_doc *doc, const char *old, size_t old_len, const char *neu, size_t new_len,
                     const char *rule);
void dc_doclog_clear(dc_doclog *l);
void dc_doclog_free(dc_doclog *l);

/* UTF-8 code points in s[0, n). */
uint64_t dc_utf8_chars(const char *s, size_t n);
/* A copy of at most 240 bytes of s, not cutting a UTF-8 sequence; *cut
 * tells whether it was cut. */
char *dc_snippet(const char *s, size_t n, int *cut);

#endif
