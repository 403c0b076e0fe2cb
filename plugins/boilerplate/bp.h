/*
 * bp.h - shared types of the boilerplate stage: site profiles compiled into
 * one rule set, the literal prefilter that keeps per-line cost independent
 * of the number of rules, and the per-document engine.
 *
 * Data flow:  profile INI files --bp_profile.c--> bp_set (rules + patterns)
 *             bp_set + document --boilerplate.c--> line verdicts --> host edits
 *             kept lines --bp_features.c--> feature rows --bp_score.c--> scored removals
 */
#ifndef BP_H
#define BP_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "docclean/plugin.h"

typedef enum { BP_EXACT = 0, BP_PREFIX, BP_SUBSTRING, BP_REGEX } bp_kind;
typedef enum { BP_ZONE_ANY = 0, BP_ZONE_HEADER, BP_ZONE_FOOTER } bp_zone;
typedef enum { BP_DROP_LINE = 0, BP_CUT_TO_END, BP_INLINE, BP_BLOCK } bp_action;

/* One `match` value of a rule.  Patterns are stored in rule order, so a
 * lower pattern index always means an earlier (higher priority) rule. */
typedef struct bp_pattern {
    int rule;          /* index into bp_set.rules                        */
    char *text;        /* literal (exact/prefix/substring) or regex text */
    size_t len;
    pcre2_code *re;    /* BP_REGEX only, JIT compiled                    */
    char *where;       /* "FILE:LINE" it came from, for messages         */
} bp_pattern;

typedef struct bp_rule {
    char *name;        /* "profile/rule": counter name and explain label */
    int profile;       /* index into bp_set.profiles                     */
    bp_kind kind;
    bp_zone zone;
    int zone_lines;    /* 0 = the profile's header_lines/footer_lines    */
    bp_action action;
    int min_chars, max_chars; /* line length bounds in characters; 0 = none */
    int enabled;
    int counter;       /* host counter id                                */
    char *where;       /* "FILE:LINE" of the section, for messages       */
    char **needs;      /* regex rules: prefilter literals (any of them)  */
    size_t nneeds;
} bp_rule;

typedef struct bp_profile {
    char *name;
    char *path;
    char **hosts;      /* glob patterns against the url host             */
    size_t nhosts;
    char **signatures; /* literal substrings that identify the site      */
    size_t nsignatures;
    int header_lines, footer_lines;
    int title_window;  /* repeated-title rule: 0 = off                   */
    int title_rule;    /* rule index of the repeated-title rule, or -1   */
    int tags_rule;     /* rule index of the title-tags rule, or -1       */
    int teaser_rule;   /* rule index of the teaser rule, or -1           */
} bp_profile;

/* Multi-literal prefilter (bp_prefilter.c). */
typedef struct bp_prefilter bp_prefilter;

bp_prefilter *bp_prefilter_new(void);
void bp_prefilter_free(bp_prefilter *pf);
/* Register literal `lit` for pattern `id`.  Returns -1 when the literal is
 * empty: the caller then checks that pattern on every line. */
int bp_prefilter_add(bp_prefilter *pf, const char *lit, size_t len, int id);
int bp_prefilter_build(bp_prefilter *pf);
/* Scan s[0..n) once; call hit(ctx, id) for every pattern id whose literal
 * occurs (possibly more than once per id). */
void bp_prefilter_scan(const bp_prefilter *pf, const char *s, size_t n,
                       void (*hit)(void *ctx, int id), void *ctx);

/* The compiled rule set of all configured profiles. */
typedef struct bp_set {
    bp_profile *profiles;
    size_t nprofiles;
    bp_rule *rules;
    size_t nrules;
    bp_pattern *pats;
    size_t npats;
    bp_prefilter *pf;
    int *always;       /* patterns without an indexable literal          */
    size_t nalways;
    uint32_t max_capture; /* for sizing match data                      */
    size_t max_bound;  /* largest min_chars/max_chars of any rule        */
} bp_set;

/* Defaults a profile inherits unless it sets its own. */
typedef struct bp_defaults {
    int header_lines, footer_lines;
} bp_defaults;

/* bp_profile.c: load one profile file and append it to the set.  On error
 * returns -1 with "FILE:LINE: key: message" in err. */
int bp_set_load_profile(bp_set *set, const char *path, const bp_defaults *d,
                        char *err, size_t errlen);
/* Order site profiles before generic ones, index literals. */
int bp_set_finish(bp_set *set, char *err, size_t errlen);
void bp_set_free(bp_set *set);

/* Helpers shared by the profile loader and the stage (bp_compile.c). */
size_t bp_utf8_chars(const char *s, size_t n);
/* The same, but stops counting at `cap` (returns at most cap). */
size_t bp_utf8_chars_upto(const char *s, size_t n, size_t cap);
/* Trim ASCII whitespace, U+3000 and U+00A0 from both ends. */
void bp_trim(const char *s, size_t n, size_t *start, size_t *end);
int bp_is_generic(const bp_profile *p);

/* ---- scored detector (bp_features.c, bp_score.c, bp_model.h) ---- */

#define BP_NKINDS 13      /* furniture kinds of the cue vocabulary          */
#define BP_FEAT_KIND0 31  /* first kind feature                             */
#define BP_NFEAT (BP_FEAT_KIND0 + BP_NKINDS)
#define BP_NFEAT2 6       /* second stage: own score and the neighbours'    */

extern const char *const bp_kind_names[BP_NKINDS];
extern const char *const bp_feature_names[BP_NFEAT];

/* The cue vocabulary compiled into one Hyperscan literal database; safe to
 * use from several threads at once (a pool of scratch spaces inside). */
typedef struct bp_cues bp_cues;
bp_cues *bp_cues_new(char *err, size_t errlen);
void bp_cues_free(bp_cues *c);
size_t bp_cues_count(void);
/* Distinct cues of each kind that occur in s[0..n).  Thread-safe. */
void bp_cues_scan(bp_cues *c, const char *s, size_t n, unsigned char count[BP_NKINDS]);

/* Shape counts of one trimmed line. */
typedef struct bp_shape {
    int chars, han, digits, latin, symbols, sentences, commas, separators;
    int ends_sentence, ends_colon, bullet;
    int label_colon;  /* a ':' among the first few characters        */
    int spaced;       /* runs of blanks between tokens               */
    int rich; /* sentence-rich: 15+ Han characters and a sentence end or two commas */
} bp_shape;
void bp_line_shape(const char *s, size_t n, bp_shape *sh);

/* One non-empty line of a document as the detector sees it. */
typedef struct bp_lineref {
    const char *s;  /* trimmed text */
    size_t n;
    int removed;    /* already removed by a profile rule */
} bp_lineref;

/* Fill X (n rows of BP_NFEAT) for the n non-empty lines of a document. */
void bp_features_doc(bp_cues *c, const bp_lineref *lines, size_t n, float *X);

/* Probability that each line is junk (lines removed by rules count as
 * junk for their neighbours).  f2 (n rows of BP_NFEAT2) may be NULL. */
void bp_score_doc(const float *X, const bp_lineref *lines, size_t n, double *p, float *f2);
/* "login+short+in-junk-run": the largest positive terms of one line. */
void bp_score_evidence(const float *x, const float *f2, char *out, size_t cap);
/* The fitted threshold of bp_model.h. */
double bp_score_default_threshold(void);

#endif
