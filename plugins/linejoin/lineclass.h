/*
 * lineclass.h - what linejoin knows about one physical line: where its
 * content is, how it starts and ends, and whether it has a structure
 * (heading, list item, table row) that must never be glued to a neighbour.
 */
#ifndef LJ_LINECLASS_H
#define LJ_LINECLASS_H

#include <stddef.h>
#include <stdint.h>

/* How a line's content ends, as far as joining goes. */
typedef enum lj_tail {
    LJ_TAIL_END = 0, /* ends a sentence or ends in something we do not join
                        after (digits, Latin, closing brackets, 。；：…) */
    LJ_TAIL_MID,     /* ends in a Han character (or a ** mask after one):
                        the break may fall inside a word */
    LJ_TAIL_CONT     /* ends in ， 、 or an opening bracket/quote: the
                        sentence certainly goes on */
} lj_tail;

/* How a line's content starts. */
typedef enum lj_head {
    LJ_HEAD_NO = 0, /* Latin, symbols...: never the second half of a join */
    LJ_HEAD_TEXT,   /* Han, digit, opening bracket/quote                  */
    LJ_HEAD_CLOSE   /* ， 。 ） ” ...: the tail of a sentence cut before its
                       punctuation (only after a LJ_TAIL_MID line)         */
} lj_head;

typedef struct lj_line {
    size_t start, end;   /* the line's bytes, '\n' excluded              */
    size_t cstart, cend; /* content: leading/trailing white space removed */
    int blank;           /* nothing but white space                       */
    int indented;        /* content does not start at the line start      */
    int nchars;          /* code points of content that are not space     */
    int bare;            /* no clause punctuation (，。、；！？) anywhere  */
    int open_brackets;   /* opening minus closing brackets/quotes         */
    int structural;      /* heading, list item, table row, quote, fence   */
    int table;           /* of those: a table row                         */
    int record;          /* starts with a date or a "label:": an entry of
                            its own, never the tail of a join             */
    lj_tail tail;
    lj_head head;
} lj_line;

/* Classify only the end of a line (the cheap test of the fast path). */
lj_tail lj_tail_of(const unsigned char *s, size_t start, size_t end);

/* Fill every field of *l for the line s[start, end). */
void lj_line_classify(const unsigned char *s, size_t start, size_t end, lj_line *l);

/* Does the content s[cstart, cend) start like a heading or list item
 * (一、 (二) 1. ① 第三条 【标题】 # - * ...)? */
int lj_starts_structural(const unsigned char *s, size_t cstart, size_t cend);

/* Does the content start like a record of its own: a date (2011年…,
 * 2020-05-01, 5月15日) or a short label and colon (关键词：)? */
int lj_starts_record(const unsigned char *s, size_t cstart, size_t cend);

/* Does the content look like a table row (| or tab separated, or columns
 * separated by runs of spaces)? */
int lj_looks_like_table(const unsigned char *s, size_t cstart, size_t cend);

#endif
