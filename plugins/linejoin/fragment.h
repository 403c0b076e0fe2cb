/*
 * fragment.h - text broken into fragments: PDF and PPT extraction can put
 * every text run on its own line ("XX" / "县" / "2023" / "年教育工作总结" /
 * "一年来，在县委、" ...).  There the ordinary join rules (which guard short
 * lines as titles) restore almost nothing, so linejoin first finds the
 * blocks of such lines and joins inside them with the rules below.
 */
#ifndef LJ_FRAGMENT_H
#define LJ_FRAGMENT_H

#include <stddef.h>
#include <stdint.h>

#include "lineclass.h"

typedef struct lj_frag_opts {
    int max_chars;       /* a fragment has at most this many characters    */
    int min_lines;       /* a block has at least this many lines           */
    double min_evidence; /* share of its breaks that must cut a sentence   */
    int max_gap;         /* blank lines allowed between two fragments      */
    int title_max_chars; /* a bare heading/title is at most this long      */
    int protect_indent;
} lj_frag_opts;

/* One block of fragments: lines [first, last] of the document. */
typedef struct lj_block {
    size_t first, last;
    int blank_is_break; /* most breaks have no blank line: a blank line
                           between two fragments is a paragraph end */
    size_t keep_before[2]; /* the date and signature at the end of the
                              block start a line of their own ((size_t)-1 = none) */
} lj_block;

/* Find the fragment blocks of the document's lines v[0..n).  Fills *out
 * (malloc'd, may be NULL when there is none) and returns their count, or
 * (size_t)-1 when out of memory. */
size_t lj_frag_find(const unsigned char *s, const lj_line *v, size_t n, const lj_frag_opts *o,
                    lj_block **out);

/* What the join rules need to know about the logical line ending at a. */
typedef struct lj_frag_logical {
    const lj_line *first;
    int is_doc_first; /* the document's first line: its title          */
    int bare;         /* no clause punctuation so far                   */
    int open_brackets;
    int nchars;
    uint32_t before_a; /* the last character before line a, when line a
                          continues this logical line (else 0) */
} lj_frag_logical;

/* The last code point of a line's content, and the one before it in *before. */
uint32_t lj_last_char(const unsigned char *s, const lj_line *l, uint32_t *before);

/* Is the line bare (no clause punctuation) apart from its heading marker
 * (一、 第二，)? */
int lj_frag_bare(const unsigned char *s, const lj_line *l);

/* How line b (index bi) goes with line a, inside block k: */
enum { LJ_FRAG_KEEP = 0, LJ_FRAG_JOIN = 1, LJ_FRAG_JOIN_SPACE = 2 };
int lj_frag_decide(const unsigned char *s, const lj_frag_opts *o, const lj_block *k,
                   const lj_frag_logical *L, const lj_line *a, const lj_line *b, size_t bi,
                   size_t gap);

#endif
