/*
 * boilerplate.c - the `boilerplate` stage: remove the junk that document
 * sharing and template sites wrap around a document (upload notices,
 * download prompts, page counters, related-article lists, 小编 intros ...).
 *
 * What to remove is data, not code: site profiles (conf/sites/ *.ini, format
 * in bp_profile.c and docs/plugins/boilerplate.md) hold whole-line rules,
 * cut-to-end rules, inline span rules and the repeated-title rule.  This
 * file holds the plugin descriptor and the per-document engine:
 *
 *   1. split the text into lines, find the non-empty ones (zones count them);
 *   2. decide which profiles apply (url host glob, signature in the text,
 *      or generic);
 *   3. per line: one prefilter scan gives candidate patterns, checked in
 *      rule order; the first drop_line/cut_to_end match wins, inline
 *      matches collect spans;
 *      a cut_to_end match cuts only within the guard rails (cut_refusal),
 *      a block match also takes the short title lines under it;
 *   4. drop later copies of the title;
 *   5. the scored detector (bp_features.c, bp_score.c) scores the lines the
 *      rules kept and removes furniture, labelled "score:P EVIDENCE";
 *   6. emit named edits (the rule name shows in `docclean explain`).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "bp.h"

typedef struct bp_instance {
    const dc_host *host;
    dc_stage *stage;
    bp_set set;
    int drop_empty;
    int ignore_pinyin;
    int collapse_blank;
    uint64_t *always_bits;  /* patterns without a prefilter literal */
    int c_lines, c_spans, c_docs, c_emptied, c_blank; /* summary counters */
    bp_cues *cues;          /* cue vocabulary of the scored detector */
    int scored, dump_features;
    double threshold;
    double cut_max_share;
    int c_scored, c_cut_refused;
} bp_instance;

/* ---- options ---- */

static const dc_option_decl bp_options[] = {
    {"profiles", DC_OPT_LIST, NULL,
     "site profile files or globs, applied in this order (default: DATA_DIR/conf/sites/*.ini)", NULL},
    {"header_lines", DC_OPT_INT, "12", "default size of a profile's header zone (non-empty lines)", "0.."},
    {"footer_lines", DC_OPT_INT, "12", "default size of a profile's footer zone (non-empty lines)", "0.."},
    {"disable", DC_OPT_LIST, NULL, "rule names or globs to switch off, e.g. generic-docsite/inline-*", NULL},
    {"drop_line", DC_OPT_BOOL, "true", "apply drop_line rules", NULL},
    {"cut_to_end", DC_OPT_BOOL, "true", "apply cut_to_end rules", NULL},
    {"inline", DC_OPT_BOOL, "true", "apply inline (span) rules", NULL},
    {"repeated_title", DC_OPT_BOOL, "true", "drop copies of the title, keyword tags above it and teaser lines", NULL},
    {"ignore_pinyin", DC_OPT_BOOL, "true",
     "match rules as if pinyin annotations such as 區(qū) were not there", NULL},
    {"collapse_blank_lines", DC_OPT_BOOL, "true",
     "where lines were removed, keep at most one blank line (none at the start/end)", NULL},
    {"drop_empty_after", DC_OPT_BOOL, "true",
     "drop a document left with no text (reason 'boilerplate: nothing left')", NULL},
    {"scored", DC_OPT_BOOL, "true",
     "after the profile rules, remove lines the fitted line model scores as site furniture", NULL},
    {"threshold", DC_OPT_DOUBLE, "0",
     "junk probability at or above which the scored detector removes a line (0 = the model's fitted value)",
     NULL},
    {"cut_max_share", DC_OPT_DOUBLE, "0.34",
     "a cut_to_end rule never cuts more than this share of the document's sentence-rich lines", NULL},
    {"dump_features", DC_OPT_BOOL, "false",
     "log every line's feature row at debug level (input of scripts/fit-bp-model.py)", NULL},
    {NULL, 0, NULL, NULL, NULL}};

/* ---- loading ---- */

/* Directory of the INI that set an option ("FILE:LINE" -> FILE's dir). */
static void where_dir(const char *where, char *out, size_t cap) {
    out[0] = '\0';
    if (!where || where[0] == '<') return;
    snprintf(out, cap, "%s", where);
    char *colon = strrchr(out, ':');
    if (colon) *colon = '\0';
    char *slash = strrchr(out, '/');
    if (slash) *slash = '\0';
    else snprintf(out, cap, ".");
}

static int load_glob(bp_set *set, const char *pattern, const bp_defaults *d, char *err,
                     size_t errlen) {
    glob_t g;
    int rc = glob(pattern, 0, NULL, &g);
    if (rc == GLOB_NOMATCH) {
        snprintf(err, errlen, "profiles: no file matches %s", pattern);
        return -1;
    }
    if (rc != 0) {
        snprintf(err, errlen, "profiles: cannot expand %s", pattern);
        return -1;
    }
    for (size_t i = 0; i < g.gl_pathc; i++)
        if (bp_set_load_profile(set, g.gl_pathv[i], d, err, errlen) < 0) {
            globfree(&g);
            return -1;
        }
    globfree(&g);
    return 0;
}

static int load_profiles(bp_instance *bp, const dc_options *o, char *err, size_t errlen) {
    const dc_host *h = bp->host;
    bp_defaults d = {(int)h->opt_int(o, "header_lines"), (int)h->opt_int(o, "footer_lines")};
    size_t n = h->opt_list_len(o, "profiles");
    char path[8192], dir[4096];
    if (n == 0) {
        snprintf(path, sizeof path, "%s/conf/sites/*.ini", h->data_dir());
        return load_glob(&bp->set, path, &d, err, errlen);
    }
    where_dir(h->opt_where(o, "profiles"), dir, sizeof dir);
    for (size_t i = 0; i < n; i++) {
        const char *item = h->opt_list_item(o, "profiles", i);
        if (item[0] == '/' || !dir[0]) snprintf(path, sizeof path, "%s", item);
        else snprintf(path, sizeof path, "%s/%s", dir, item);
        if (load_glob(&bp->set, path, &d, err, errlen) < 0) return -1;
    }
    return 0;
}

/* Apply the per-family switches and the disable list; register counters. */
static void configure_rules(bp_instance *bp, const dc_options *o) {
    const dc_host *h = bp->host;
    int fam_drop = h->opt_bool(o, "drop_line"), fam_cut = h->opt_bool(o, "cut_to_end");
    int fam_inline = h->opt_bool(o, "inline"), fam_title = h->opt_bool(o, "repeated_title");
    size_t ndis = h->opt_list_len(o, "disable");
    for (size_t r = 0; r < bp->set.nrules; r++) {
        bp_rule *R = &bp->set.rules[r];
        int is_title = bp->set.profiles[R->profile].title_rule == (int)r ||
                       bp->set.profiles[R->profile].tags_rule == (int)r ||
                       bp->set.profiles[R->profile].teaser_rule == (int)r;
        if (is_title) R->enabled = fam_title;
        else if (R->action == BP_DROP_LINE || R->action == BP_BLOCK) R->enabled = fam_drop;
        else if (R->action == BP_CUT_TO_END) R->enabled = fam_cut;
        else R->enabled = fam_inline;
        for (size_t k = 0; k < ndis; k++)
            if (fnmatch(h->opt_list_item(o, "disable", k), R->name, 0) == 0) R->enabled = 0;
        R->counter = h->counter_register(bp->stage, R->name);
    }
    bp->c_lines = h->counter_register(bp->stage, "lines_removed");
    bp->c_spans = h->counter_register(bp->stage, "spans_removed");
    bp->c_docs = h->counter_register(bp->stage, "docs_changed");
    bp->c_emptied = h->counter_register(bp->stage, "docs_emptied");
    bp->c_blank = h->counter_register(bp->stage, "blank_lines_removed");
    bp->c_scored = h->counter_register(bp->stage, "scored_lines_removed");
    bp->c_cut_refused = h->counter_register(bp->stage, "cuts_refused");
}

static void bp_destroy(void *inst) {
    bp_instance *bp = inst;
    if (!bp) return;
    bp_set_free(&bp->set);
    bp_cues_free(bp->cues);
    free(bp->always_bits);
    free(bp);
}

static void *bp_create(const dc_host *host, dc_stage *stage, const dc_options *o, char *err,
                       size_t errlen) {
    bp_instance *bp = calloc(1, sizeof *bp);
    if (!bp) return snprintf(err, errlen, "out of memory"), NULL;
    bp->host = host;
    bp->stage = stage;
    bp->drop_empty = host->opt_bool(o, "drop_empty_after");
    bp->ignore_pinyin = host->opt_bool(o, "ignore_pinyin");
    bp->collapse_blank = host->opt_bool(o, "collapse_blank_lines");
    bp->scored = host->opt_bool(o, "scored");
    bp->dump_features = host->opt_bool(o, "dump_features");
    bp->threshold = host->opt_double(o, "threshold");
    if (bp->threshold <= 0) bp->threshold = bp_score_default_threshold();
    bp->cut_max_share = host->opt_double(o, "cut_max_share");
    if ((bp->scored || bp->dump_features) && !(bp->cues = bp_cues_new(err, errlen))) {
        bp_destroy(bp);
        return NULL;
    }
    if (load_profiles(bp, o, err, errlen) < 0 || bp_set_finish(&bp->set, err, errlen) < 0) {
        bp_destroy(bp);
        return NULL;
    }
    configure_rules(bp, o);
    bp->always_bits = calloc((bp->set.npats + 63) / 64 + 1, sizeof(uint64_t));
    for (size_t k = 0; k < bp->set.nalways; k++)
        bp->always_bits[bp->set.always[k] >> 6] |= 1ull << (bp->set.always[k] & 63);
    host->log(stage, DC_LOG_DEBUG, "%zu profiles, %zu rules, %zu patterns (%zu without a prefilter literal)",
              bp->set.nprofiles, bp->set.nrules, bp->set.npats, bp->set.nalways);
    for (size_t k = 0; k < bp->set.nalways; k++) { /* tried on every line: worth a `need` */
        const bp_pattern *P = &bp->set.pats[bp->set.always[k]];
        host->log(stage, DC_LOG_DEBUG, "%s: %s: no prefilter literal: %s", P->where,
                  bp->set.rules[P->rule].name, P->text);
    }
    return bp;
}

/* ---- per-document engine ---- */

typedef struct bp_line {
    size_t off, len;   /* the line without its '\n'                */
    size_t ts, te;     /* trimmed content, absolute offsets        */
    int idx;           /* index among non-empty lines, -1 if empty */
    int rule;          /* removing rule, -1 = kept                 */
} bp_line;

/* Line rules besides a profile rule index: */
#define BP_SCORED (-3) /* and below: removed by the scored detector, label st->why[BP_SCORED - rule] */
#define BP_WHY_LEN 96

static int line_removed(const bp_line *L) { return L->rule >= 0 || L->rule <= BP_SCORED; }

typedef struct bp_span {
    size_t off, len;
    int rule;
    size_t line;
} bp_span;

typedef struct bp_doc_state {
    const bp_set *set;
    bp_line *lines;
    size_t nlines, nonempty;
    unsigned char *active;  /* per profile                       */
    uint64_t *hit;          /* per pattern bit: candidate in this line */
    uint64_t *always;       /* bits of the patterns tried on every line */
    size_t nwords;
    bp_span *spans;
    size_t nspans, capspans;
    pcre2_match_data *md;
    int pinyin;             /* match on a pinyin-free view        */
    char *viewbuf;
    size_t *viewmap;
    size_t viewcap;
    char (*why)[BP_WHY_LEN]; /* explain labels of the scored removals */
    size_t nwhy, capwhy;
    unsigned char *rich;     /* per line, for the cut guard: 1 sentence-rich, 2 other text */
} bp_doc_state;

static void on_hit(void *ctx, int id) {
    bp_doc_state *st = ctx;
    st->hit[id >> 6] |= 1ull << (id & 63);
}

static void split_lines(bp_doc_state *st, const char *t, size_t n) {
    size_t cap = 64, i = 0;
    st->lines = malloc(cap * sizeof(bp_line));
    while (i < n) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - t) : n;
        if (st->nlines == cap) st->lines = realloc(st->lines, (cap *= 2) * sizeof(bp_line));
        bp_line *L = &st->lines[st->nlines++];
        size_t a, b;
        bp_trim(t + i, end - i, &a, &b);
        *L = (bp_line){.off = i, .len = end - i, .ts = i + a, .te = i + b, .idx = -1, .rule = -1};
        if (b > a) L->idx = (int)st->nonempty++;
        i = end + 1;
        if (!nl) break;
    }
}

static void host_of_url(const char *url, size_t n, char *out, size_t cap) {
    const char *p = url, *end = url + n;
    const char *s = memmem(url, n, "://", 3);
    if (s) p = s + 3;
    size_t k = 0;
    while (p < end && *p != '/' && *p != ':' && *p != '?' && *p != '#' && k + 1 < cap) {
        char c = *p++;
        out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    out[k] = '\0';
}

/* `docclean explain`: why a profile applies to this document or not
 * (ABI 1.2 host->note; nothing happens outside explain). */
static void note_profile(const bp_instance *bp, const bp_profile *P, int on, const dc_doc *doc,
                         const char *url, const char *host) {
    const dc_host *h = bp->host;
    if (h->struct_size < offsetof(dc_host, note) + sizeof h->note || !h->explaining(doc)) return;
    dc_doc *d = (dc_doc *)doc; /* notes go to explain's trace, not into the document */
    if (bp_is_generic(P)) {
        h->note(d, "profile %s: applies (generic: no host or signature)", P->name);
        return;
    }
    for (size_t k = 0; on && host[0] && k < P->nhosts; k++)
        if (fnmatch(P->hosts[k], host, 0) == 0) {
            h->note(d, "profile %s: applies (url host %s matches %s)", P->name, host, P->hosts[k]);
            return;
        }
    for (size_t k = 0; on && k < P->nsignatures; k++)
        if (memmem(doc->text, doc->len, P->signatures[k], strlen(P->signatures[k]))) {
            h->note(d, "profile %s: applies (signature \"%s\" in the text)", P->name, P->signatures[k]);
            return;
        }
    h->note(d, "profile %s: not applied (%s%s%s; %s)", P->name,
            !url ? "no url" : !P->nhosts ? "no host patterns" : "url host ",
            url && P->nhosts ? (host[0] ? host : "(none)") : "",
            url && P->nhosts ? " matches none of its hosts" : "",
            P->nsignatures ? "none of its signatures in the text" : "no signatures");
}

static void pick_profiles(const bp_instance *bp, bp_doc_state *st, const dc_doc *doc) {
    const bp_set *S = &bp->set;
    size_t ulen = 0;
    const char *url = bp->host->meta_get(doc, "url", &ulen);
    char host[256] = "";
    if (url) host_of_url(url, ulen, host, sizeof host);
    for (size_t p = 0; p < S->nprofiles; p++) {
        const bp_profile *P = &S->profiles[p];
        int on = bp_is_generic(P);
        for (size_t k = 0; !on && host[0] && k < P->nhosts; k++)
            on = fnmatch(P->hosts[k], host, 0) == 0;
        for (size_t k = 0; !on && k < P->nsignatures; k++)
            on = memmem(doc->text, doc->len, P->signatures[k], strlen(P->signatures[k])) != NULL;
        st->active[p] = (unsigned char)on;
        note_profile(bp, P, on, doc, url, host);
    }
}

static int in_zone(const bp_set *S, const bp_rule *R, const bp_doc_state *st, const bp_line *L) {
    if (R->zone == BP_ZONE_ANY) return 1;
    const bp_profile *P = &S->profiles[R->profile];
    if (R->zone == BP_ZONE_HEADER) {
        int n = R->zone_lines ? R->zone_lines : P->header_lines;
        return L->idx < n;
    }
    int n = R->zone_lines ? R->zone_lines : P->footer_lines;
    return (int)st->nonempty - 1 - L->idx < n;
}

static void add_span(bp_doc_state *st, size_t off, size_t len, int rule, size_t line) {
    if (st->nspans == st->capspans) {
        st->capspans = st->capspans ? st->capspans * 2 : 16;
        st->spans = realloc(st->spans, st->capspans * sizeof(bp_span));
    }
    st->spans[st->nspans++] = (bp_span){off, len, rule, line};
}

/* The text rules see for one line: its trimmed bytes, or a copy with the
 * pinyin annotations removed (區(qū) -> 區) so that a crawler's ruby text does
 * not break a rule's literal.  map[i] is the document offset of view byte i
 * (NULL when the view is the document itself, starting at base). */
typedef struct bp_view {
    const char *s;
    size_t n;
    size_t base;
    const size_t *map;
} bp_view;

static size_t view_off(const bp_view *v, size_t i) {
    return v->map ? v->map[i] : v->base + i;
}

/* Length of a pinyin annotation "(shí)" / "(huì )" at p, or 0. */
static size_t pinyin_at(const unsigned char *p, size_t n) {
    if (n < 3 || p[0] != '(') return 0;
    int toned = 0;
    for (size_t i = 1; i < n && i < 16;) {
        unsigned char c = p[i];
        if (c == ')') return toned && i > 1 ? i + 1 : 0;
        if ((c >= 'a' && c <= 'z') || c == ' ') { i++; continue; }
        if (i + 1 < n && (c == 0xC3 || c == 0xC4 || c == 0xC5 || c == 0xC7)) {
            uint32_t cp = ((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
            /* ü, and the toned vowels of Latin-1/Extended-A/B used by pinyin */
            if (cp == 0xFC) { i += 2; continue; }
            if ((cp >= 0xE0 && cp <= 0xFA) || (cp >= 0x100 && cp <= 0x16B) ||
                (cp >= 0x1CD && cp <= 0x1DC)) { toned = 1; i += 2; continue; }
        }
        return 0;
    }
    return 0;
}

/* Build the pinyin-free view of [s, e) if the line has annotations. */
static int pinyin_view(bp_doc_state *st, const char *t, size_t s, size_t e, bp_view *v) {
    if (!memchr(t + s, '(', e - s)) return 0;
    size_t need = e - s + 1;
    if (need > st->viewcap) {
        st->viewcap = need * 2;
        st->viewbuf = realloc(st->viewbuf, st->viewcap);
        st->viewmap = realloc(st->viewmap, st->viewcap * sizeof(size_t));
    }
    size_t k = 0, cut = 0;
    const unsigned char *u = (const unsigned char *)t;
    for (size_t i = s; i < e;) {
        size_t skip = (i > s && u[i - 1] >= 0x80) ? pinyin_at(u + i, e - i) : 0;
        if (skip) { i += skip; cut++; continue; }
        st->viewbuf[k] = t[i];
        st->viewmap[k++] = i++;
    }
    if (!cut) return 0;
    st->viewmap[k] = e;
    *v = (bp_view){st->viewbuf, k, s, st->viewmap};
    return 1;
}

/* Every occurrence of pattern P in the view: recorded as inline spans. */
static void inline_matches(bp_doc_state *st, const bp_pattern *P, const bp_view *v,
                           size_t line) {
    size_t pos = 0;
    while (pos < v->n) {
        size_t off, len;
        if (P->re) {
            int rc = pcre2_match(P->re, (PCRE2_SPTR)v->s, v->n, pos, 0, st->md, NULL);
            if (rc < 0) break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(st->md);
            off = ov[0], len = ov[1] - ov[0];
            if (len == 0) break;
        } else {
            const char *f = memmem(v->s + pos, v->n - pos, P->text, P->len);
            if (!f) break;
            off = (size_t)(f - v->s), len = P->len;
        }
        size_t a = view_off(v, off), b = view_off(v, off + len - 1) + 1;
        add_span(st, a, b - a, P->rule, line);
        pos = off + len;
    }
}

/* Does pattern P match the whole-line test of its rule? */
static int line_matches(bp_doc_state *st, const bp_pattern *P, const bp_rule *R,
                        const bp_view *v) {
    const char *s = v->s;
    size_t n = v->n;
    switch (R->kind) {
    case BP_EXACT: return n == P->len && memcmp(s, P->text, n) == 0;
    case BP_PREFIX: return n >= P->len && memcmp(s, P->text, P->len) == 0;
    case BP_SUBSTRING: return memmem(s, n, P->text, P->len) != NULL;
    case BP_REGEX:
        return pcre2_match(P->re, (PCRE2_SPTR)s, n, 0, 0, st->md, NULL) >= 0;
    }
    return 0;
}

/* Decide one line: returns the action taken (-1 = none). */
static int classify_line(bp_doc_state *st, const char *t, size_t line) {
    bp_line *L = &st->lines[line];
    const bp_set *S = st->set;
    bp_view v = {t + L->ts, L->te - L->ts, L->ts, NULL};
    if (st->pinyin) pinyin_view(st, t, L->ts, L->te, &v);
    /* Candidates as a bitmap: walking it in bit order visits the patterns
     * in rule order without sorting. */
    memcpy(st->hit, st->always, st->nwords * sizeof(uint64_t));
    bp_prefilter_scan(S->pf, v.s, v.n, on_hit, st);
    size_t nchars = 0;
    int action = -1;
    size_t span_mark = st->nspans;
    for (size_t w = 0; w < st->nwords && action < 0; w++)
    for (uint64_t bits = st->hit[w]; bits && action < 0; bits &= bits - 1) {
        const bp_pattern *P = &S->pats[w * 64 + (size_t)__builtin_ctzll(bits)];
        const bp_rule *R = &S->rules[P->rule];
        if (!R->enabled || !st->active[R->profile] || !in_zone(S, R, st, L)) continue;
        if (R->min_chars || R->max_chars) {
            /* counted once per line, and only as far as any bound reaches */
            if (!nchars) nchars = v.n <= S->max_bound ? bp_utf8_chars(v.s, v.n)
                                                      : bp_utf8_chars_upto(v.s, v.n, S->max_bound + 1);
            if ((R->min_chars && nchars < (size_t)R->min_chars) ||
                (R->max_chars && nchars > (size_t)R->max_chars))
                continue;
        }
        if (R->action == BP_INLINE) {
            inline_matches(st, P, &v, line);
            continue;
        }
        if (line_matches(st, P, R, &v)) {
            L->rule = P->rule;
            action = R->action;
        }
    }
    if (action >= 0) st->nspans = span_mark; /* the whole line goes anyway */
    return action;
}

/* ---- repeated title ---- */

/* Comparison key of a title: Han characters and lower-cased ASCII letters,
 * digits as '#'; a trailing count phrase ((通用6篇), 汇总十篇) is removed.
 * Returns the key length in bytes. */
static size_t title_key(const char *s, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (k + 1 >= cap) break;
            /* x/X are skipped: anonymized copies of a title ("X XX 县…"
             * under "XX县…") must compare equal */
            if (c == 'x' || c == 'X') continue;
            if (c >= 'A' && c <= 'Z') out[k++] = (char)(c + 32);
            else if (c >= 'a' && c <= 'z') out[k++] = (char)c;
            else if (c >= '0' && c <= '9') out[k++] = '#';
            continue;
        }
        size_t u = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (i + u > n) break;
        if (u == 3) {
            uint32_t cp = ((c & 0x0Fu) << 12) | (((unsigned char)s[i + 1] & 0x3Fu) << 6) |
                          ((unsigned char)s[i + 2] & 0x3Fu);
            if (((cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF)) && k + 3 < cap) {
                memcpy(out + k, s + i, 3);
                k += 3;
            }
        }
        i += u;
    }
    static const char *const suffix_words[] = {"通用", "精选", "精選", "汇总", "匯總", "合集",
                                               "范文", "範文", "大全", "范例", "集锦", "集錦"};
    static const char *const numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八",
                                           "九", "十", "百", "#"};
    /* A leading "第一篇" (the first document of a collection page) is not
     * part of the title the document then repeats. */
    if (k > 9 && memcmp(out, "第", 3) == 0) {
        size_t j = 3;
        for (int again = 1; again;) {
            again = 0;
            for (size_t w = 0; w < sizeof numerals / sizeof *numerals; w++) {
                size_t l = strlen(numerals[w]);
                if (j + l <= k && memcmp(out + j, numerals[w], l) == 0) j += l, again = 1;
            }
        }
        if (j > 3 && j + 3 < k && memcmp(out + j, "篇", 3) == 0) {
            j += 3;
            memmove(out, out + j, k - j);
            k -= j;
        }
    }
    if (k >= 3 && memcmp(out + k - 3, "篇", 3) == 0) {
        k -= 3;
        for (int again = 1; again;) {
            again = 0;
            for (size_t w = 0; w < sizeof numerals / sizeof *numerals; w++) {
                size_t l = strlen(numerals[w]);
                if (k >= l && memcmp(out + k - l, numerals[w], l) == 0) k -= l, again = 1;
            }
        }
        for (int again = 1; again;) {
            again = 0;
            for (size_t w = 0; w < sizeof suffix_words / sizeof *suffix_words; w++) {
                size_t l = strlen(suffix_words[w]);
                if (k >= l && memcmp(out + k - l, suffix_words[w], l) == 0) k -= l, again = 1;
            }
        }
    }
    return k;
}

/* Drop a copy of the title: the site prints the title, then the document
 * prints it again (or the site twice).  Candidates are the first few kept,
 * title-like lines.  A copy goes when it directly follows the first kept
 * line (nothing but blank lines between), or when a removed junk line lies
 * between the candidate and the copy: the pattern "title, site chrome,
 * title again".  A document that repeats a line by itself (a statute's
 * title under its own header block, an adoption date printed twice further
 * down) has no junk in between and keeps both. */
#define TITLE_CANDIDATES 3

/* A title is short and does not end like a sentence. */
static int title_like(const char *s, size_t n) {
    if (bp_utf8_chars(s, n) > 60) return 0;
    static const char *const ends[] = {"。", "！", "？", "；", "：", "，", ";", ":", ",", "!", "?"};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        size_t l = strlen(ends[k]);
        if (n >= l && memcmp(s + n - l, ends[k], l) == 0) return 0;
    }
    return 1;
}

static void drop_repeated_title(bp_doc_state *st, const char *t) {
    const bp_set *S = st->set;
    int rule = -1, window = 0;
    for (size_t p = 0; p < S->nprofiles && rule < 0; p++) {
        const bp_profile *P = &S->profiles[p];
        if (st->active[p] && P->title_rule >= 0 && S->rules[P->title_rule].enabled)
            rule = P->title_rule, window = P->title_window;
    }
    if (rule < 0) return;
    struct { char key[512]; size_t len, line, removed_before; } cand[TITLE_CANDIDATES];
    size_t ncand = 0, removed = 0, first_kept = (size_t)-1;
    char other[512];
    int seen = 0;
    for (size_t i = 0; i < st->nlines && seen < window; i++) {
        bp_line *L = &st->lines[i];
        if (L->idx < 0) continue;
        if (L->rule >= 0) { removed++; continue; }
        seen++;
        if (first_kept == (size_t)-1) first_kept = i;
        if (!title_like(t + L->ts, L->te - L->ts)) continue;
        size_t olen = title_key(t + L->ts, L->te - L->ts, other, sizeof other);
        if (olen < 12) continue; /* fewer than 4 Han characters: too common */
        int dup = 0;
        for (size_t k = 0; k < ncand && !dup; k++) {
            if (olen != cand[k].len || memcmp(cand[k].key, other, olen) != 0) continue;
            int junk_between = removed > cand[k].removed_before;
            int right_after = cand[k].line == first_kept && st->lines[i].idx == st->lines[cand[k].line].idx + 1;
            dup = junk_between || right_after;
        }
        if (dup) L->rule = rule;
        else if (ncand < TITLE_CANDIDATES) {
            memcpy(cand[ncand].key, other, olen);
            cand[ncand].len = olen, cand[ncand].line = i, cand[ncand].removed_before = removed;
            ncand++;
        }
    }
}

/* After the scored detector: in the header (above the first kept
 * sentence-rich line), a title-like line whose key equals an earlier kept
 * line's is a copy the site printed again (the title three times around a
 * breadcrumb the model removed).  drop_repeated_title() above runs before
 * the model and only knows the rules' removals.  Only when something was
 * removed in that header: a document that repeats its title by itself (a
 * statute under its own header block) keeps its lines; and not when more
 * than two different lines repeat (a chorus). */
#define HEADER_KEYS 8

static void drop_header_copies(bp_doc_state *st, const char *t) {
    const bp_set *S = st->set;
    int rule = -1;
    for (size_t p = 0; p < S->nprofiles && rule < 0; p++) {
        const bp_profile *P = &S->profiles[p];
        if (st->active[p] && P->title_rule >= 0 && S->rules[P->title_rule].enabled) rule = P->title_rule;
    }
    if (rule < 0) return;
    size_t header = 0, removed = 0; /* lines above the body; removed among them */
    for (; header < st->nlines; header++) {
        const bp_line *L = &st->lines[header];
        if (L->idx < 0) continue;
        if (line_removed(L)) { removed++; continue; }
        bp_shape sh;
        bp_line_shape(t + L->ts, L->te - L->ts, &sh);
        if (sh.rich) break;
    }
    if (!removed) return;
    struct { char key[512]; size_t len; int copied; } seen[HEADER_KEYS];
    size_t nseen = 0, copies[HEADER_KEYS * 4], ncopies = 0, keys_copied = 0;
    char key[512];
    for (size_t i = 0; i < header; i++) {
        bp_line *L = &st->lines[i];
        if (L->idx < 0 || line_removed(L)) continue;
        bp_shape sh;
        bp_line_shape(t + L->ts, L->te - L->ts, &sh);
        if (!title_like(t + L->ts, L->te - L->ts) || sh.bullet) continue;
        size_t klen = title_key(t + L->ts, L->te - L->ts, key, sizeof key);
        if (klen < 12) continue; /* fewer than 4 Han characters: too common */
        size_t k = 0;
        while (k < nseen && !(klen == seen[k].len && memcmp(seen[k].key, key, klen) == 0)) k++;
        if (k < nseen) {
            keys_copied += !seen[k].copied;
            seen[k].copied = 1;
            if (ncopies < sizeof copies / sizeof *copies) copies[ncopies++] = i;
        } else if (nseen < HEADER_KEYS) {
            memcpy(seen[nseen].key, key, klen);
            seen[nseen].len = klen, seen[nseen++].copied = 0;
        }
    }
    /* more than two different lines repeated: the text repeats itself (a
     * song's chorus, a poem's refrain above any prose), not the site */
    if (keys_copied > 2) return;
    for (size_t c = 0; c < ncopies; c++) st->lines[copies[c]].rule = rule;
}

/* The title glued to the start of the first paragraphs ("方案标题一、活动背景
 * 随着…", the site prints the title and the text without a break): when a
 * kept line among the next few starts with the exact text of the first kept
 * line (a title of 6+ Han characters) and goes on for at least as long
 * again, the copy is cut out as a span and the rest of the line stays.
 * Only on a page where a rule or the detector removed something above the
 * body, like drop_header_copies(). */
#define TITLE_PREFIX_LINES 3

static void cut_title_prefix(bp_doc_state *st, const char *t) {
    const bp_set *S = st->set;
    int rule = -1;
    for (size_t p = 0; p < S->nprofiles && rule < 0; p++) {
        const bp_profile *P = &S->profiles[p];
        if (st->active[p] && P->title_rule >= 0 && S->rules[P->title_rule].enabled) rule = P->title_rule;
    }
    if (rule < 0) return;
    size_t title = (size_t)-1, removed = 0;
    for (size_t i = 0; i < st->nlines && title == (size_t)-1; i++) {
        const bp_line *L = &st->lines[i];
        if (L->idx < 0) continue;
        if (line_removed(L)) removed++;
        else title = i;
    }
    if (title == (size_t)-1) return;
    const bp_line *T = &st->lines[title];
    size_t tn = T->te - T->ts;
    char key[512];
    if (!title_like(t + T->ts, tn) || title_key(t + T->ts, tn, key, sizeof key) < 18) return;
    for (size_t i = title + 1, seen = 0; i < st->nlines && seen < TITLE_PREFIX_LINES; i++) {
        const bp_line *L = &st->lines[i];
        if (L->idx < 0) continue;
        if (line_removed(L)) { removed++; continue; }
        seen++;
        size_t n = L->te - L->ts;
        if (!removed || n < 2 * tn || memcmp(t + L->ts, t + T->ts, tn) != 0) continue;
        size_t e = L->ts + tn;
        while (e < L->te && (t[e] == ' ' || t[e] == '\t')) e++;
        if (e + 2 < L->te && memcmp(t + e, "\xe3\x80\x80", 3) == 0) e += 3; /* U+3000 */
        add_span(st, L->ts, e - L->ts, rule, i);
    }
}

/* Are the characters of w (a title key) found in s in the same order?
 * "教育局" is in "市教育体育局…" this way. */
static int chars_in_order(const char *w, size_t wn, const char *s, size_t sn) {
    size_t j = 0;
    for (size_t i = 0; i < wn;) {
        size_t u = (unsigned char)w[i] >= 0x80 ? 3 : 1; /* keys hold 3-byte Han or ASCII */
        while (j + u <= sn && memcmp(s + j, w + i, u) != 0) j += (unsigned char)s[j] >= 0x80 ? 3 : 1;
        if (j + u > sn) return 0;
        j += u, i += u;
    }
    return 1;
}

/* Keyword tags printed one per line just before the title ("2023",
 * "教育局", "工作总结" above "…教育局…工作总结…"): a run of two or more
 * short kept lines in the header, each either a few ASCII characters or a
 * word of 2+ Han characters whose characters appear, in order, in the next
 * (longer) line.  A cover page
 * spelled one character per line has no 2-character words and stays. */
static void drop_title_tags(bp_doc_state *st, const char *t) {
    const bp_set *S = st->set;
    int rule = -1, window = 0;
    for (size_t p = 0; p < S->nprofiles && rule < 0; p++) {
        const bp_profile *P = &S->profiles[p];
        if (st->active[p] && P->tags_rule >= 0 && S->rules[P->tags_rule].enabled)
            rule = P->tags_rule, window = P->title_window;
    }
    if (rule < 0) return;
    size_t kept[TITLE_CANDIDATES * 4], nk = 0;
    for (size_t i = 0; i < st->nlines && nk < (size_t)window && nk < sizeof kept / sizeof *kept; i++)
        if (st->lines[i].idx >= 0 && st->lines[i].rule < 0) kept[nk++] = i;
    char key[512], next[512];
    for (size_t a = 0; a < nk;) {
        size_t b = a, words = 0;
        while (b < nk) { /* extend the run of short lines */
            const bp_line *L = &st->lines[kept[b]];
            size_t n = L->te - L->ts, chars = bp_utf8_chars(t + L->ts, n);
            if (chars > 8 || !title_like(t + L->ts, n)) break;
            b++;
        }
        if (b - a >= 2 && b < nk) {
            const bp_line *N = &st->lines[kept[b]];
            size_t nlen = title_key(t + N->ts, N->te - N->ts, next, sizeof next - 1);
            next[nlen] = '\0';
            int ok = nlen >= 18;
            for (size_t k = a; k < b && ok; k++) {
                const bp_line *L = &st->lines[kept[k]];
                size_t n = L->te - L->ts, klen = title_key(t + L->ts, n, key, sizeof key - 1);
                key[klen] = '\0';
                int has_han = 0;
                for (size_t q = 0; q < klen; q++) has_han |= (unsigned char)key[q] >= 0x80;
                if (!has_han) ok = n <= 6; /* a year, a short code */
                else if (klen >= 6 && chars_in_order(key, klen, next, nlen)) words++;
                else ok = 0;
            }
            if (ok && words >= 2) {
                for (size_t k = a; k < b; k++) st->lines[kept[k]].rule = rule;
                return;
            }
        }
        a = b > a ? b : a + 1;
    }
}

/* A teaser: a header line that shows the start of the text again ("标题一、
 * 活动背景随着…开展" or "简介当清晨的…", cut off mid-sentence) before the full
 * text.  It is long, ends in a Han character (cut off mid-word), and a stretch
 * of its Han text (past a short label or title) occurs again in a later
 * kept line. */
#define TEASER_PROBE 36 /* bytes of key compared: 12 Han characters */
#define TEASER_TAIL 24  /* and the last 8 Han characters */

static int ends_sentence(const char *s, size_t n) {
    static const char *const ends[] = {"。", "！", "？", "”", "」", ".", "!", "?", "…", "..."};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        size_t l = strlen(ends[k]);
        if (n >= l && memcmp(s + n - l, ends[k], l) == 0) return 1;
    }
    return 0;
}

/* Cut off mid-sentence: the line ends in a Han character. */
static int ends_han(const char *s, size_t n) {
    if (n < 3) return 0;
    const unsigned char *u = (const unsigned char *)s + n - 3;
    if ((u[0] & 0xF0) != 0xE0) return 0;
    uint32_t cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
    return cp >= 0x3400 && cp <= 0x9FFF;
}

static void drop_teasers(bp_doc_state *st, const char *t) {
    const bp_set *S = st->set;
    int rule = -1, window = 0;
    for (size_t p = 0; p < S->nprofiles && rule < 0; p++) {
        const bp_profile *P = &S->profiles[p];
        if (st->active[p] && P->teaser_rule >= 0 && S->rules[P->teaser_rule].enabled)
            rule = P->teaser_rule, window = P->title_window;
    }
    if (rule < 0) return;
    char key[4096], later[8192];
    int seen = 0;
    for (size_t i = 0; i < st->nlines && seen < window; i++) {
        bp_line *L = &st->lines[i];
        if (L->idx < 0 || L->rule >= 0) continue;
        seen++;
        size_t n = L->te - L->ts, chars = bp_utf8_chars(t + L->ts, n);
        if (chars < 40 || chars > 600 || ends_sentence(t + L->ts, n) || !ends_han(t + L->ts, n)) continue;
        size_t klen = title_key(t + L->ts, n, key, sizeof key);
        /* probe from the middle of the line: past a label or title */
        if (klen < 3 * TEASER_PROBE) continue;
        const char *probe = key + (klen / 3 / 3) * 3;
        int looked = 0; /* the full text follows within a few lines */
        for (size_t j = i + 1; j < st->nlines && looked < 20; j++) {
            const bp_line *M = &st->lines[j];
            if (M->idx < 0 || M->rule >= 0) continue;
            looked++;
            size_t mlen = title_key(t + M->ts, M->te - M->ts, later, sizeof later);
            /* both a stretch from the middle and the cut-off end reappear,
             * in that order: the later line holds the same running text */
            /* ... and the later line goes on well past it (not a mere copy) */
            const char *at = mlen >= klen + 30 ? memmem(later, mlen, probe, TEASER_PROBE) : NULL;
            const char *tail = key + klen - TEASER_TAIL;
            /* near the same place: the later line starts the same way (a
             * quotation of a long title deep inside a sentence is no teaser) */
            if (at && (size_t)(at - later) > (size_t)(probe - key) + 30) at = NULL;
            if (at && memmem(at, mlen - (size_t)(at - later), tail, TEASER_TAIL)) {
                L->rule = rule;
                break;
            }
        }
    }
}

/* ---- blank lines left behind ---- */

#define BP_BLANK (-2) /* line rule: a blank line removed with its neighbours */

/* In each run of blank and removed lines that holds a removed line, keep
 * one blank line between kept text and none before the first or after the
 * last kept line, so removed junk leaves no holes.  Runs without a removed
 * line are the document's own layout and stay as they are. */
static void collapse_blank_runs(bp_doc_state *st, size_t cut) {
    size_t n = cut < st->nlines ? cut : st->nlines;
    for (size_t i = 0; i < n;) {
        int kept = st->lines[i].idx >= 0 && !line_removed(&st->lines[i]);
        if (kept) { i++; continue; }
        size_t j = i;
        int removed = 0;
        while (j < n && !(st->lines[j].idx >= 0 && !line_removed(&st->lines[j])))
            removed |= line_removed(&st->lines[j++]);
        removed |= j == n && cut < st->nlines; /* blank lines before a cut */
        if (removed) {
            int inner = i > 0 && j < n; /* kept text on both sides */
            int keep_one = inner;
            for (size_t k = i; k < j; k++) {
                bp_line *L = &st->lines[k];
                if (L->idx >= 0) continue;
                if (keep_one) keep_one = 0;
                else L->rule = BP_BLANK;
            }
        }
        i = j;
    }
}

/* ---- guard rails, block rules ---- */

static void shape_of(const bp_doc_state *st, const char *t, size_t i, bp_shape *sh) {
    const bp_line *L = &st->lines[i];
    bp_line_shape(t + L->ts, L->te - L->ts, sh);
}

/* May a cut_to_end rule that matched line `at` cut the rest of the
 * document?  Returns NULL if so, else why not.  Only when what follows looks like a list (no run of three
 * sentence-rich lines), the body has begun above it (a sentence-rich line:
 * the header of a short page may be all of its first 12 lines), and the cut takes
 * at most cut_max_share of the document's sentence-rich lines.  One
 * misplaced heading must never take the body with it. */
static const char *cut_refusal(const bp_instance *bp, bp_doc_state *st, const char *t, size_t at) {
    if (!st->rich) { /* once per document: several cut markers may be refused */
        st->rich = calloc(st->nlines + 1, 1);
        for (size_t i = 0; i < st->nlines; i++) {
            if (st->lines[i].idx < 0) continue;
            bp_shape sh;
            shape_of(st, t, i, &sh);
            st->rich[i] = (unsigned char)(sh.rich ? 1 : 2); /* 2 = non-empty, not rich */
        }
    }
    size_t rich_all = 0, rich_after = 0, run = 0, max_run = 0;
    for (size_t i = 0; i < st->nlines; i++) {
        if (!st->rich[i]) continue;
        int rich = st->rich[i] == 1;
        rich_all += rich;
        if (i == at && !rich_all) return "inside the header (no sentence-rich line above)";
        if (i <= at) continue;
        rich_after += rich;
        run = rich ? run + 1 : 0;
        if (run > max_run) max_run = run;
    }
    if (max_run >= 3) return "prose follows";
    if (rich_after && (double)rich_after > bp->cut_max_share * (double)rich_all)
        return "too large a share of the sentence-rich lines";
    return NULL;
}

/* A block rule matched line `at` (a heading such as 小编推荐): the short,
 * title-like lines after it go too, up to the next blank line or
 * sentence-rich line.  Returns the first line after the block. */
static size_t drop_block(bp_doc_state *st, const char *t, size_t at) {
    size_t i = at + 1;
    for (; i < st->nlines; i++) {
        bp_line *L = &st->lines[i];
        if (L->idx < 0) break;
        bp_shape sh;
        shape_of(st, t, i, &sh);
        if (sh.rich || sh.chars > 40 || sh.ends_sentence) break;
        if (L->rule < 0) L->rule = st->lines[at].rule;
    }
    return i;
}

/* ---- scored detector ---- */

/* Two or more sentences and 30+ Han characters (features 5 and 1). */
static int is_prose(const float *x) { return x[5] >= 0.5f && x[1] >= 0.3f; }

/* Score the lines the rules kept; remove those at or above the threshold,
 * except prose (two or more sentences, 30+ Han characters): a fitted model
 * may be wrong about a paragraph, and losing one costs more than a
 * leftover.  With dump_features, log every row for the fitting script. */
static void score_lines(const bp_instance *bp, bp_doc_state *st, const dc_doc *doc, size_t cut) {
    const char *t = doc->text;
    size_t n = st->nonempty;
    if (!n) return;
    bp_lineref *refs = malloc(n * sizeof *refs);
    size_t *at = malloc(n * sizeof *at);
    float *X = malloc(n * BP_NFEAT * sizeof *X);
    float *f2 = malloc(n * BP_NFEAT2 * sizeof *f2);
    double *p = malloc(n * sizeof *p);
    size_t k = 0;
    for (size_t i = 0; i < st->nlines && k < n; i++) {
        const bp_line *L = &st->lines[i];
        if (L->idx < 0) continue;
        refs[k] = (bp_lineref){t + L->ts, L->te - L->ts, i >= cut || line_removed(L)};
        at[k++] = i;
    }
    bp_features_doc(bp->cues, refs, n, X);
    bp_score_doc(X, refs, n, p, f2);
    if (bp->dump_features)
        for (size_t j = 0; j < n; j++) {
            char row[BP_NFEAT * 12], *w = row;
            for (int f = 0; f < BP_NFEAT; f++)
                w += snprintf(w, sizeof row - (size_t)(w - row), "\t%.4g", X[j * BP_NFEAT + f]);
            bp->host->log(bp->stage, DC_LOG_DEBUG, "features\t%s\t%zu\t%d%s", doc->id, j,
                          refs[j].removed, row);
        }
    /* Only on pages that show site furniture: a line some rule removed, or
     * two lines the model is sure of.  A clean document (a statute, an
     * article) with one odd line keeps it. */
    size_t ruled = 0, sure = 0;
    for (size_t j = 0; j < n; j++) {
        ruled += refs[j].removed;
        sure += !refs[j].removed && p[j] >= bp->threshold && !is_prose(X + j * BP_NFEAT);
    }
    int furnished = ruled > 0 || sure >= 2;
    for (size_t j = 0; bp->scored && furnished && j < n; j++) {
        if (refs[j].removed || p[j] < bp->threshold) continue;
        const float *x = X + j * BP_NFEAT;
        if (is_prose(x)) continue;
        if (st->nwhy == st->capwhy) {
            st->capwhy = st->capwhy ? st->capwhy * 2 : 8;
            st->why = realloc(st->why, st->capwhy * sizeof *st->why);
        }
        char ev[BP_WHY_LEN - 16];
        bp_score_evidence(x, f2 + j * BP_NFEAT2, ev, sizeof ev);
        snprintf(st->why[st->nwhy], BP_WHY_LEN, "score:%.2f %s", p[j], ev);
        st->lines[at[j]].rule = BP_SCORED - (int)st->nwhy++;
    }
    free(refs);
    free(at);
    free(X);
    free(f2);
    free(p);
}

/* ---- edits ---- */

static int cmp_span(const void *a, const void *b) {
    const bp_span *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off ? 1 : (x->len > y->len ? -1 : x->len < y->len);
}

static int emit_edits(bp_instance *bp, bp_doc_state *st, dc_doc *doc, size_t cut_line) {
    const dc_host *h = bp->host;
    const bp_set *S = st->set;
    dc_edits *e = h->edits_begin(doc);
    int64_t lines = 0, spans = 0;
    size_t limit = cut_line < st->nlines ? st->lines[cut_line].off : doc->len + 1;
    for (size_t i = 0; i < st->nlines && i < cut_line; i++) {
        const bp_line *L = &st->lines[i];
        if (L->rule == BP_BLANK) {
            if (L->off + L->len == doc->len) h->edits_replace(e, L->off, L->len, "", 0, "blank-lines");
            else h->edits_delete_line(e, L->off, "blank-lines");
            h->counter_add(bp->stage, bp->c_blank, 1);
            continue;
        }
        if (L->rule <= BP_SCORED) {
            const char *why = st->why[BP_SCORED - L->rule];
            if (L->off + L->len == doc->len) h->edits_replace(e, L->off, L->len, "", 0, why);
            else h->edits_delete_line(e, L->off, why);
            h->counter_add(bp->stage, bp->c_scored, 1);
            lines++;
            continue;
        }
        if (L->rule < 0) continue;
        /* The host's delete_line takes the newline *before* a last line that
         * has none, which would overlap a dropped line above it: delete only
         * the text of such a line. */
        if (L->off + L->len == doc->len)
            h->edits_replace(e, L->off, L->len, "", 0, S->rules[L->rule].name);
        else
            h->edits_delete_line(e, L->off, S->rules[L->rule].name);
        h->counter_add(bp->stage, S->rules[L->rule].counter, 1);
        lines++;
    }
    if (st->nspans) qsort(st->spans, st->nspans, sizeof(bp_span), cmp_span);
    size_t last_end = 0;
    for (size_t k = 0; k < st->nspans; k++) {
        const bp_span *sp = &st->spans[k];
        if (sp->off < last_end || sp->off >= limit || line_removed(&st->lines[sp->line]))
            continue; /* overlaps another span, or its line is removed */
        h->edits_replace(e, sp->off, sp->len, "", 0, S->rules[sp->rule].name);
        h->counter_add(bp->stage, S->rules[sp->rule].counter, 1);
        last_end = sp->off + sp->len;
        spans++;
    }
    if (cut_line < st->nlines) {
        const bp_line *L = &st->lines[cut_line];
        int64_t n = 0;
        for (size_t i = cut_line; i < st->nlines; i++) n += st->lines[i].idx >= 0;
        h->edits_replace(e, L->off, doc->len - L->off, "", 0, S->rules[L->rule].name);
        h->counter_add(bp->stage, S->rules[L->rule].counter, n);
        lines += n;
    }
    size_t applied = 0;
    if (h->edits_commit(e, &applied) < 0) {
        h->set_reason(doc, "boilerplate: internal edit conflict");
        return -1;
    }
    if (lines) h->counter_add(bp->stage, bp->c_lines, lines);
    if (spans) h->counter_add(bp->stage, bp->c_spans, spans);
    if (applied) h->counter_add(bp->stage, bp->c_docs, 1);
    return (int)applied;
}

static int only_blank(const char *t, size_t n) {
    size_t a, b;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - t) : n;
        bp_trim(t + i, end - i, &a, &b);
        if (b > a) return 0;
        i = end + 1;
    }
    return 1;
}

static dc_verdict bp_process(void *inst, dc_doc *doc) {
    bp_instance *bp = inst;
    const bp_set *S = &bp->set;
    bp_doc_state st = {.set = S, .pinyin = bp->ignore_pinyin};
    split_lines(&st, doc->text, doc->len);
    st.active = calloc(S->nprofiles + 1, 1);
    st.nwords = (S->npats + 63) / 64;
    st.hit = calloc(st.nwords + 1, sizeof(uint64_t));
    st.always = bp->always_bits;
    st.md = pcre2_match_data_create(S->max_capture + 1, NULL);
    pick_profiles(bp, &st, doc);
    size_t cut = st.nlines;
    for (size_t i = 0; i < st.nlines; i++) {
        if (st.lines[i].idx < 0) continue;
        int action = classify_line(&st, doc->text, i);
        if (action == BP_BLOCK) {
            i = drop_block(&st, doc->text, i) - 1;
        } else if (action == BP_CUT_TO_END) {
            const char *why = cut_refusal(bp, &st, doc->text, i);
            if (!why) {
                cut = i;
                break;
            }
            bp->host->counter_add(bp->stage, bp->c_cut_refused, 1); /* the heading alone goes */
            bp->host->log(bp->stage, DC_LOG_DEBUG, "%s: %s: cut not applied: %s", doc->id,
                          bp->set.rules[st.lines[i].rule].name, why);
        }
    }
    drop_repeated_title(&st, doc->text);
    drop_title_tags(&st, doc->text);
    drop_teasers(&st, doc->text);
    if (bp->scored || bp->dump_features) score_lines(bp, &st, doc, cut);
    drop_header_copies(&st, doc->text);
    cut_title_prefix(&st, doc->text);
    if (bp->collapse_blank) collapse_blank_runs(&st, cut);
    int applied = emit_edits(bp, &st, doc, cut);
    dc_verdict v = applied < 0 ? DC_ERROR : DC_KEEP;
    if (applied > 0 && bp->drop_empty && only_blank(doc->text, doc->len)) {
        bp->host->counter_add(bp->stage, bp->c_emptied, 1);
        bp->host->set_reason(doc, "boilerplate: nothing left");
        v = DC_DROP;
    }
    pcre2_match_data_free(st.md);
    free(st.lines);
    free(st.active);
    free(st.hit);
    free(st.spans);
    free(st.viewbuf);
    free(st.viewmap);
    free(st.why);
    free(st.rich);
    return v;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "boilerplate",
    .description = "remove site boilerplate using INI site profiles (conf/sites/*.ini)",
    .version = "1.0",
    .options = bp_options,
    .create = bp_create,
    .process = bp_process,
    .finish = NULL,
    .destroy = bp_destroy,
};
