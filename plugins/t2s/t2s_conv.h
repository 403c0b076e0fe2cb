/*
 * t2s_conv.h - one OpenCC conversion config (t2s, tw2s, hk2s) assembled
 * from dictionary groups, and the whole-text conversion.
 *
 * The shape follows OpenCC 1.4's data/config (t2s.json, tw2s.json, hk2s.json):
 *   normalization  CJK_Compatibility_Ideographs over the whole text
 *   segmentation   (tw2s, hk2s) forward longest match on TSPhrases; the
 *                  characters between two phrases form one segment
 *   chain          groups applied one after another to each segment, with
 *                  segment boundaries fixed:
 *                    t2s   [TSPhrases, TSCharactersExt, TSCharacters]
 *                    tw2s  [TWVariantsRevPhrases, TWVariantsRev], then the t2s group
 *                    hk2s  [HKVariantsRevPhrases, HKVariantsRev], then the t2s group
 * t2s needs no segmentation: a segment boundary can only fall where a
 * TSPhrases match ends, which the single group reproduces by itself.
 * Normalization maps one character to one character, so it is folded into
 * the first group and the segmentation lookups instead of being a pass of
 * its own (t2s_group_compose_norm).
 */
#ifndef T2S_CONV_H
#define T2S_CONV_H

#include "t2s_dict.h"

typedef enum t2s_config { T2S_CONFIG_T2S = 0, T2S_CONFIG_TW2S, T2S_CONFIG_HK2S } t2s_config;

typedef struct t2s_conv_opts {
    t2s_config config;
    const char *dict_dir;  /* NULL: built-in tables                          */
    int normalize;         /* use CJK_Compatibility_Ideographs if available  */
    int ext_chars;         /* use TSCharactersExt if available               */
    int ids;               /* copy ideographic description sequences whole   */
    int no_compose;        /* tests: run normalization as a separate pass    */
} t2s_conv_opts;

typedef struct t2s_conv {
    t2s_group norm;        /* valid if has_norm                              */
    int has_norm;
    int norm_composed;     /* norm is folded into stages[0] (and, for tw2s
                              and hk2s, into the segmentation lookups)       */
    t2s_group seg;         /* valid if has_seg                               */
    int has_seg;
    t2s_group stages[2];
    int nstages;
    char what[160];        /* which dictionaries were used, for the log      */
} t2s_conv;

int t2s_conv_init(t2s_conv *c, const t2s_conv_opts *o, char *err, size_t errlen);
void t2s_conv_free(t2s_conv *c);

/* Convert s[0..n) and append the result to out; returns the number of
 * characters changed.  Thread safe (the conv is read-only here). */
size_t t2s_conv_run(const t2s_conv *c, const uint8_t *s, size_t n, t2s_out *out);

/* Counts for only_if_traditional: Han characters and, among them,
 * traditional-only ones (T2S_TRAD in the last stage's cells). */
void t2s_conv_trad_share(const t2s_conv *c, const uint8_t *s, size_t n, size_t *han,
                         size_t *trad);

#endif
