/*
 * spam.h - injected-advertising detection: lexicon and line analysis.
 *
 * spam_lex.c loads the lexicons (conf/spam/NAME.txt plus the user's own) and
 * finds their terms in a line; spam_line.c decides what to do with a line
 * (delete it, cut the ad spans out of it, or leave it) and recognises
 * keyword-stuffed lines.  Pure: no host calls, so unit tests and the bench
 * call them directly.  spam.c is the plugin glue.
 */
#ifndef SPAM_H
#define SPAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct spam_term {
    char *text;   /* lower-cased ASCII, UTF-8 otherwise */
    size_t len;
    int weak;     /* only removed next to a trigger      */
    int category; /* index into the lexicon's categories */
} spam_term;

typedef struct spam_lex spam_lex;

spam_lex *spam_lex_new(void);
/* Add every term of a file; the category is the file name without its
 * directory and extension.  -1 with "FILE:LINE: message" in err. */
int spam_lex_load(spam_lex *lx, const char *path, char *err, size_t errlen);
/* Build the index after the last load. */
int spam_lex_finish(spam_lex *lx);
void spam_lex_free(spam_lex *lx);
size_t spam_lex_size(const spam_lex *lx);
size_t spam_lex_ncategories(const spam_lex *lx);
const char *spam_lex_category(const spam_lex *lx, int c);

typedef struct spam_hit {
    size_t off, len;
    const spam_term *term;
} spam_hit;

typedef struct spam_hits {
    spam_hit *v;
    size_t n, cap;
} spam_hits;

/* Leftmost-longest, non-overlapping terms of s[0, len) (appended). */
int spam_lex_match(const spam_lex *lx, const char *s, size_t len, size_t base, spam_hits *out);
void spam_hits_free(spam_hits *h);

/* ---- spam_line.c ---- */

typedef struct spam_params {
    int64_t line_min_han;     /* fewer Han left after the cut: delete the line */
    int64_t stuff_min_tokens; /* keyword stuffing: at least this many items    */
    double stuff_min_share;   /* ... sharing one Han trigram in this share     */
} spam_params;

enum { SPAM_LINE_KEEP, SPAM_LINE_CUT, SPAM_LINE_DELETE, SPAM_LINE_STUFFED };

typedef struct spam_span {
    size_t off, len;
    int category;
} spam_span;

typedef struct spam_line_result {
    int action;         /* SPAM_LINE_* */
    int category;       /* of the first trigger (-1 for stuffing) */
    spam_span *spans;   /* SPAM_LINE_CUT: what to cut (offsets in the text) */
    size_t nspans, cap;
} spam_line_result;

/* Analyse the line text[off, off+len) (no '\n').  `hits` is scratch. */
int spam_line(const spam_lex *lx, const spam_params *p, const char *text, size_t off, size_t len,
              spam_hits *hits, spam_line_result *r);
void spam_line_result_free(spam_line_result *r);

#endif
