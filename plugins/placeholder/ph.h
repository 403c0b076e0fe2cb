/*
 * ph.h - placeholder detection: the scanner's types and entry points.
 *
 * The scanner (ph_scan.c) finds anonymisation marks (20XX, ***, ××, ○○,
 * ____ ...) and censor gaps (a '.' left where a filter deleted a word) in
 * UTF-8 text and returns them as typed spans.  Typing from the surrounding
 * words lives in ph_type.c.  The plugin glue (placeholder.c) turns the
 * spans into tags, metadata and a drop decision.  Everything here is pure
 * (no host calls), so unit tests and the bench drive it directly.
 */
#ifndef PH_H
#define PH_H

#include <stddef.h>
#include <stdint.h>

/* What the real text probably was. */
typedef enum ph_type {
    PH_YEAR = 0, /* 20XX年, 20xx-20xx            */
    PH_DATE,     /* xx月xx日                      */
    PH_NUMBER,   /* xx元, xx%, 第xx, 5XX          */
    PH_NAME,     /* ***同志, 张x老师, XX市        */
    PH_UNKNOWN,  /* a mark with no telling context */
    PH_GAP,      /* censor gap: a deleted word     */
    PH_NTYPES
} ph_type;

/* How the mark is written; each family can be switched off. */
typedef enum ph_family {
    PH_F_LATIN_X = 0, /* X XX xx Xx                   */
    PH_F_FULLWIDTH_X, /* Ｘ ｘ                         */
    PH_F_ROMAN_X,     /* ⅩⅩ (Roman numeral ten)       */
    PH_F_ASTERISK,    /* ** *** ＊＊ "* * *"           */
    PH_F_CROSS,       /* ×× ╳╳ □□                     */
    PH_F_CIRCLE,      /* ○○ 〇〇 used as a name/date   */
    PH_F_UNDERSCORE,  /* 20__年 ____同志              */
    PH_F_MOU,         /* 某某 (off by default)        */
    PH_F_GAP,         /* censor gap '.'               */
    PH_NFAMILIES
} ph_family;

typedef struct ph_hit {
    size_t off, len; /* byte span replaced by the tag   */
    uint8_t type;    /* ph_type                        */
    uint8_t family;  /* ph_family                      */
} ph_hit;

typedef struct ph_hits {
    ph_hit *v;
    size_t n, cap;
} ph_hits;

/* Immutable after ph_config_init: shared by all threads. */
typedef struct ph_config {
    unsigned families;  /* bit (1u << ph_family) = enabled */
    uint8_t lead[256];  /* non-zero: a byte that may start a mark */
} ph_config;

void ph_config_init(ph_config *c, unsigned families);

/* Find every placeholder in text[0, len).  Hits come out in text order and
 * never overlap.  Returns 0, or -1 when memory ran out (hits so far kept). */
int ph_scan(const ph_config *c, const char *text, size_t len, ph_hits *out);
void ph_hits_free(ph_hits *h);

const char *ph_type_name(ph_type t);
const char *ph_family_name(ph_family f);

/* ---- shared with ph_type.c ---- */

/* Decode the code point at p[i] (i < len); *n gets its length.  Invalid
 * UTF-8 yields -1 with *n = 1, so callers always make progress. */
int32_t ph_cp_at(const uint8_t *p, size_t len, size_t i, size_t *n);
/* The code point ending just before p[i]; -1 at i == 0 or when invalid. */
int32_t ph_cp_before(const uint8_t *p, size_t i, size_t *n);

int ph_is_han(int32_t c);
int ph_is_surname(int32_t c);
/* An ASCII unit (kg, km, MB ...) starting at p[i] and ending a word. */
int ph_ascii_unit_at(const uint8_t *p, size_t len, size_t i);
/* Type given by the table word (同志, 市, 元 ...) starting at p[i], or -1. */
int ph_word_after(const uint8_t *p, size_t len, size_t i);

/* Past up to two spaces (ASCII, U+00A0, U+3000) at p[i] when a non-ASCII
 * character follows them; else i. */
size_t ph_skip_spaces_to_cjk(const uint8_t *p, size_t len, size_t i);

/* Type of the mark spanning [s, e) whose marks proper are [ms, me) (the
 * rest are glued digits). */
ph_type ph_classify(const uint8_t *p, size_t len, size_t s, size_t e, size_t ms,
                    size_t me, ph_family f);

#endif
