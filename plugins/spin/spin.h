/*
 * spin.h - synonym-spinning detection: the phrase table and the matcher.
 *
 * spin_table.c loads the table (conf/spin/pairs.tsv: spun word, original,
 * contexts, action) and indexes every context phrase by its first two Han
 * characters; spin_match() finds the spun words in a text.  Pure: no host
 * calls, so the unit tests and the bench call it directly.  spin.c is the
 * plugin glue (score, repair, drop).
 */
#ifndef SPIN_H
#define SPIN_H

#include <stddef.h>
#include <stdint.h>

typedef struct spin_phrase {
    char *text;       /* the context with the spun word in place (UTF-8) */
    size_t len;
    size_t word_off;  /* the spun word inside text                       */
    size_t word_len;
    const char *orig; /* what the spun word replaced (owned by the table) */
    size_t orig_len;
    int repair;       /* 1: the context is unambiguous                   */
} spin_phrase;

typedef struct spin_table spin_table;

/* Load a table file; NULL with "FILE:LINE: message" in err on failure. */
spin_table *spin_table_load(const char *path, char *err, size_t errlen);
void spin_table_free(spin_table *t);
size_t spin_table_size(const spin_table *t); /* context phrases */

typedef struct spin_hit {
    size_t off;               /* byte offset of the spun word in the text */
    const spin_phrase *phrase;
} spin_hit;

typedef struct spin_hits {
    spin_hit *v;
    size_t n, cap;
} spin_hits;

/* Spun words of text[0, len): one hit per word occurrence (a repair
 * context wins over a score-only one), in text order, never overlapping.
 * Returns 0, or -1 when memory ran out. */
int spin_match(const spin_table *t, const char *text, size_t len, spin_hits *out);
void spin_hits_free(spin_hits *h);

/* Han characters in text (the score's denominator). */
size_t spin_han_chars(const char *text, size_t len);

#endif
