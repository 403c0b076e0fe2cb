/*
 * wm.h - shared declarations of the watermark stage: its configuration, the
 * rules it applies and the two detectors (stray marks after 的, ASCII
 * anti-copy noise).
 */
#ifndef WM_H
#define WM_H

#include <stddef.h>
#include <stdint.h>

#define WM_MAX_ANCHORS 16

typedef enum wm_rule {
    WM_DE_BACKTICK = 0, /* 的`供给  -> 的供给   */
    WM_DE_QUOTE,        /* 的'由甲方 -> 的由甲方 */
    WM_DE_DOT,          /* 的.原则  -> 的原则   */
    WM_HAN_BACKTICK,    /* 中`国 (lone backtick between Han) */
    WM_NOISE,           /* i( j( e7 Z2 {! |0 K inside a line */
    WM_NOISE_LINE,      /* a line made only of such noise     */
    WM_NRULES
} wm_rule;

extern const char *const wm_rule_names[WM_NRULES]; /* "watermark:de_backtick", ... */
extern const char *const wm_counter_names[WM_NRULES]; /* "de_backtick", ... */

typedef struct wm_config {
    int rule_on[WM_NRULES];
    uint32_t anchors[WM_MAX_ANCHORS]; /* characters after which marks are stray (的) */
    int nanchors;
    int noise_min_tokens;      /* a junk run has at least this many tokens      */
    int noise_min_punct_kinds; /* ... and this many different punctuation marks */
    double noise_min_cjk_share; /* whole noise lines only in docs this CJK     */
} wm_config;

/* A byte span [off, off+len). */
typedef struct wm_span {
    size_t off, len;
} wm_span;

/* demark.c: is the ASCII byte s[i] (one of ` ' .) a stray mark to delete?
 * [ls, le) is its line.  Returns the rule, or -1 to keep it. */
int wm_stray_mark(const wm_config *c, const unsigned char *s, size_t ls, size_t le, size_t i);

/* noise.c: find the junk inside the ASCII run s[rs, re) (no newline in
 * it).  Writes up to max spans to delete (each a group of junk tokens with
 * the spaces that separated it from its neighbours) and returns how many. */
size_t wm_noise_in_run(const wm_config *c, const unsigned char *s, size_t rs, size_t re,
                       wm_span *out, size_t max);

/* noise.c: are these tokens (spans into s, 1-2 bytes each) anti-copy junk? */
int wm_tokens_are_junk(const wm_config *c, const unsigned char *s, const wm_span *tok, size_t n);

#endif
