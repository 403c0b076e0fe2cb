/*
 * qscore.h - document-level quality scores, computed in one pass.
 *
 * qscore.c measures a document (Han share, length, line shape, symbol and
 * digit shares, repetition, placeholder tags, stopwords); quality.c turns
 * the scores into metadata and gate decisions.  Pure: no host calls, so
 * the unit tests and the bench call it directly.
 */
#ifndef QSCORE_H
#define QSCORE_H

#include <stddef.h>
#include <stdint.h>

/* n-gram sizes, in Han characters (Chinese has no word spaces: FineWeb-2's
 * word n-grams of 2 and 10 words are roughly 3 and 8 Han characters at the
 * 1.5 characters of an average Chinese word). */
#define QS_TOP_N 3
#define QS_DUP_N 8

typedef struct qscores {
    size_t chars;          /* code points that are not whitespace          */
    size_t han;            /* Han characters                               */
    size_t lines;          /* non-blank lines                              */
    double han_share;      /* han / chars                                  */
    double mean_line_len;  /* chars / lines                                */
    double end_punct_share;/* lines ending in 。！？；…：” etc. / lines    */
    double symbol_share;   /* not Han, letter, digit or punctuation / chars */
    double digit_share;    /* ASCII and fullwidth digits / chars           */
    double dup_line_frac;  /* repeated non-blank lines (after the first) / lines */
    double dup_line_char_frac; /* their characters / chars (a repeated "—" weighs little) */
    double dup_ngram_frac; /* Han chars in repeated QS_DUP_N-grams / han   */
    double top_ngram_share;/* the most frequent QS_TOP_N-gram's chars / han */
    double placeholder_density; /* ⟦ tags per 1000 chars                   */
    double stopword_share; /* FineWeb-2 cmn_Hani stopwords / han           */
    double cell_line_share;/* lines with whitespace between words (table rows) / lines */
} qscores;

/* Scratch memory reused between documents of one thread. */
typedef struct qscratch {
    uint32_t *cp;      /* Han code points of the document */
    size_t cp_cap;
    uint64_t *keys;    /* open-addressing table           */
    uint32_t *counts;
    size_t tab_cap;
} qscratch;

/* Score text[0, len).  Returns 0, or -1 when memory ran out. */
int qscore(const char *text, size_t len, qscratch *s, qscores *out);
void qscratch_free(qscratch *s);

#endif
