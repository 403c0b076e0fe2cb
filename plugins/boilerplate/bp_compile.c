/*
 * bp_compile.c - turn loaded profiles into a matchable rule set: order the
 * profiles (site-specific before generic), compile regexes (PCRE2, UTF, JIT)
 * and index one required literal per pattern in the prefilter.
 *
 * A regex's required literal comes from its `need` keys or, failing those,
 * is extracted from the regex itself: the longest run of plain characters
 * outside any group, class or alternation.  A regex without one is checked
 * on every line (the only part of the cost that grows with rule count, so
 * the docs ask authors to add `need` to such rules).  Single-byte
 * literals are allowed (ASCII punctuation such as '>' is selective in
 * Chinese text).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp.h"

int bp_is_generic(const bp_profile *p) {
    return p->nhosts == 0 && p->nsignatures == 0;
}

/* Continuation bytes (10xxxxxx) among 8 bytes, counted word-wise: the
 * character count is the byte count minus these.  Every line of every
 * document is counted, so this runs eight bytes per step. */
static inline size_t cont_bytes8(const unsigned char *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t cont = (x & ~(x << 1) & 0x8080808080808080ull) >> 7; /* 0/1 per byte */
    return (size_t)((cont * 0x0101010101010101ull) >> 56);          /* sum of the bytes */
}

size_t bp_utf8_chars(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, cont = 0;
    for (; i + 8 <= n; i += 8) cont += cont_bytes8(u + i);
    for (; i < n; i++) cont += (u[i] & 0xC0) == 0x80;
    return n - cont;
}

/* min(cap, characters in s[0..n)) without counting far past cap. */
size_t bp_utf8_chars_upto(const char *s, size_t n, size_t cap) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, c = 0;
    for (; i + 8 <= n && c < cap; i += 8) c += 8 - cont_bytes8(u + i);
    for (; i < n && c < cap; i++) c += (u[i] & 0xC0) != 0x80;
    return c < cap ? c : cap;
}

/* Length of a blank character at s (ASCII space/tab/CR, U+3000, U+00A0). */
static size_t blank_at(const unsigned char *s, size_t n) {
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\v' || s[0] == '\f'))
        return 1;
    if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
    return 0;
}

static size_t blank_before(const unsigned char *s, size_t end) {
    if (end >= 1 && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' ||
                     s[end - 1] == '\v' || s[end - 1] == '\f'))
        return 1;
    if (end >= 3 && s[end - 3] == 0xE3 && s[end - 2] == 0x80 && s[end - 1] == 0x80) return 3;
    if (end >= 2 && s[end - 2] == 0xC2 && s[end - 1] == 0xA0) return 2;
    return 0;
}

void bp_trim(const char *s, size_t n, size_t *start, size_t *end) {
    const unsigned char *u = (const unsigned char *)s;
    size_t a = 0, b = n, k;
    while (a < b && (k = blank_at(u + a, b - a))) a += k;
    while (b > a && (k = blank_before(u, b))) b -= k;
    *start = a;
    *end = b;
}

/* ---- required literal of a regex ---- */

static size_t utf8_len(unsigned char c) {
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

typedef struct run {
    char cur[256], best[256];
    size_t cur_len, best_len, last_unit;
} run;

static void run_break(run *r) {
    if (r->cur_len > r->best_len) {
        memcpy(r->best, r->cur, r->cur_len);
        r->best_len = r->cur_len;
    }
    r->cur_len = r->last_unit = 0;
}

static void run_add(run *r, const char *u, size_t n) {
    if (r->cur_len + n > sizeof r->cur) run_break(r);
    memcpy(r->cur + r->cur_len, u, n);
    r->cur_len += n;
    r->last_unit = n;
}

/* A literal-only group "(a|b|c)" or "(?:a|b)" starting at re[i] == '(':
 * returns the index after ')' and fills alts (up to maxalts, each >= 2
 * bytes), or 0 when the group is anything else. */
#define MAX_ALTS 24
typedef struct alt_set {
    char lit[MAX_ALTS][64];
    size_t len[MAX_ALTS];
    size_t n;
} alt_set;

static size_t literal_group(const char *re, size_t n, size_t i, alt_set *A) {
    size_t j = i + 1;
    if (j + 1 < n && re[j] == '?') {
        if (re[j + 1] != ':') return 0; /* lookaround, named group ... */
        j += 2;
    }
    A->n = 0;
    size_t cur = 0;
    for (; j < n; j++) {
        unsigned char c = (unsigned char)re[j];
        if (c == '|' || c == ')') {
            if (cur < 1 || A->n >= MAX_ALTS) return 0;
            A->len[A->n++] = cur;
            cur = 0;
            if (c == ')') return j + 1;
            continue;
        }
        if (strchr("^$.[](*+?{}", c)) return 0;
        if (c == '\\') {
            if (j + 1 >= n) return 0;
            unsigned char d = (unsigned char)re[j + 1];
            if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) return 0;
            c = d, j++;
        }
        if (A->n >= MAX_ALTS || cur + 1 >= sizeof A->lit[0]) return 0;
        A->lit[A->n][cur++] = (char)c;
    }
    return 0;
}

static size_t alt_min(const alt_set *A) {
    size_t m = (size_t)-1;
    for (size_t k = 0; k < A->n; k++) m = A->len[k] < m ? A->len[k] : m;
    return A->n ? m : 0;
}

/* The literals one of which every match must contain: the longest plain
 * run outside groups, or the alternatives of a literal-only group that is
 * not optional.  Returns how many were written to out (0: none found). */
static size_t regex_literals(const char *re, size_t n, alt_set *out) {
    run r = {.cur_len = 0};
    alt_set best_set = {.n = 0}, A;
    int depth = 0, after_quant = 0;
    if (strstr(re, "(?i")) return 0; /* caseless: a literal would be too strict */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)re[i];
        int quant = c == '?' || c == '*' || c == '+' || c == '{';
        if (quant) {
            if (!after_quant) {
                if (c != '+' && r.last_unit) r.cur_len -= r.last_unit; /* optional unit */
                run_break(&r);
            }
            if (c == '{')
                while (i < n && re[i] != '}') i++;
            i++;
            after_quant = 1;
            continue;
        }
        after_quant = 0;
        if (c == '|' && depth == 0) return 0; /* top-level alternation */
        if (c == '(' && depth == 0) {
            run_break(&r);
            size_t end = literal_group(re, n, i, &A);
            if (end) {
                int optional = end < n && (re[end] == '?' || re[end] == '*' ||
                                           (re[end] == '{' && end + 1 < n && re[end + 1] == '0'));
                if (!optional && alt_min(&A) > alt_min(&best_set)) best_set = A;
                i = end;
                after_quant = 0;
                if (optional) { i++; after_quant = 1; }
                continue;
            }
        }
        if (c == '\\' && i + 1 < n) {
            unsigned char d = (unsigned char)re[i + 1];
            if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z')) {
                run_break(&r); /* \d \s \b \x.. ... */
                i += 2;
                if ((d == 'x' || d == 'p' || d == 'P') && i < n && re[i] == '{')
                    while (i < n && re[i] != '}') i++;
                continue;
            }
            if (depth == 0) run_add(&r, re + i + 1, 1);
            else run_break(&r);
            i += 2;
            continue;
        }
        if (c == '[') {
            run_break(&r);
            i++;
            if (i < n && re[i] == '^') i++;
            if (i < n && re[i] == ']') i++;
            while (i < n && re[i] != ']') i += (re[i] == '\\') ? 2 : 1;
            i++;
            continue;
        }
        if (c == '(' || c == ')' || c == '.' || c == '^' || c == '$') {
            run_break(&r);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            i++;
            continue;
        }
        size_t u = utf8_len(c);
        if (i + u > n) u = n - i;
        if (depth == 0) run_add(&r, re + i, u);
        else run_break(&r);
        i += u;
    }
    run_break(&r);
    /* One literal of a whole character or more beats a set; a set of
     * two-character words beats a single short run. */
    if (r.best_len >= 3 && (r.best_len >= alt_min(&best_set) || r.best_len > sizeof out->lit[0] - 1)) {
        if (r.best_len > sizeof out->lit[0] - 1) r.best_len = sizeof out->lit[0] - 1;
        memcpy(out->lit[0], r.best, r.best_len);
        out->len[0] = r.best_len;
        return out->n = 1;
    }
    if (best_set.n && alt_min(&best_set) >= 1) {
        *out = best_set;
        return out->n;
    }
    if (r.best_len >= 1) {
        memcpy(out->lit[0], r.best, r.best_len);
        out->len[0] = r.best_len;
        return out->n = 1;
    }
    return 0;
}

/* ---- ordering ---- */

/* Rules of site profiles first, then generic ones; config order otherwise. */
static int reorder(bp_set *S) {
    int *map = malloc((S->nrules + 1) * sizeof(int));
    bp_rule *rules = malloc((S->nrules + 1) * sizeof(bp_rule));
    bp_pattern *pats = malloc((S->npats + 1) * sizeof(bp_pattern));
    if (!map || !rules || !pats) {
        free(map), free(rules), free(pats);
        return -1;
    }
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t p = 0; p < S->nprofiles; p++) {
            if (bp_is_generic(&S->profiles[p]) != pass) continue;
            for (size_t r = 0; r < S->nrules; r++)
                if (S->rules[r].profile == (int)p) map[r] = (int)k, rules[k++] = S->rules[r];
        }
    size_t m = 0;
    for (size_t r = 0; r < S->nrules; r++) /* r walks the NEW order */
        for (size_t i = 0; i < S->npats; i++)
            if (map[S->pats[i].rule] == (int)r) pats[m] = S->pats[i], pats[m++].rule = (int)r;
    for (size_t p = 0; p < S->nprofiles; p++)
        if (S->profiles[p].title_rule >= 0) S->profiles[p].title_rule = map[S->profiles[p].title_rule];
    for (size_t p = 0; p < S->nprofiles; p++) {
        bp_profile *P = &S->profiles[p];
        if (P->tags_rule >= 0) P->tags_rule = map[P->tags_rule];
        if (P->teaser_rule >= 0) P->teaser_rule = map[P->teaser_rule];
    }
    free(S->rules);
    free(S->pats);
    free(map);
    S->rules = rules;
    S->pats = pats;
    return 0;
}

static int compile_pattern(bp_set *S, bp_pattern *P, char *err, size_t errlen) {
    int ec;
    PCRE2_SIZE eo;
    P->re = pcre2_compile((PCRE2_SPTR)P->text, P->len,
                          PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
    if (!P->re) {
        char msg[256];
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(err, errlen, "%s: match: bad regex '%s' at offset %zu: %s", P->where, P->text,
                 (size_t)eo, msg);
        return -1;
    }
    pcre2_jit_compile(P->re, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    uint32_t cap = 0;
    pcre2_pattern_info(P->re, PCRE2_INFO_CAPTURECOUNT, &cap);
    if (cap > S->max_capture) S->max_capture = cap;
    return 0;
}

static int index_pattern(bp_set *S, size_t i) {
    bp_pattern *P = &S->pats[i];
    bp_rule *R = &S->rules[P->rule];
    int indexed = 0;
    if (R->kind != BP_REGEX) {
        indexed = bp_prefilter_add(S->pf, P->text, P->len, (int)i) == 0;
    } else if (R->nneeds) {
        indexed = 1;
        for (size_t k = 0; k < R->nneeds; k++)
            if (bp_prefilter_add(S->pf, R->needs[k], strlen(R->needs[k]), (int)i) < 0) indexed = 0;
    } else {
        /* The literals must outlive the prefilter: keep them after the text,
         * each NUL-terminated. */
        alt_set A;
        size_t nl = regex_literals(P->text, P->len, &A), total = P->len + 1;
        for (size_t k = 0; k < nl; k++) total += A.len[k] + 1;
        if (nl) {
            char *t = realloc(P->text, total);
            if (!t) return -1;
            P->text = t;
            size_t at = P->len + 1;
            indexed = 1;
            for (size_t k = 0; k < nl; k++) {
                memcpy(t + at, A.lit[k], A.len[k]);
                t[at + A.len[k]] = '\0';
                if (bp_prefilter_add(S->pf, t + at, A.len[k], (int)i) < 0) indexed = 0;
                at += A.len[k] + 1;
            }
        }
    }
    if (!indexed) {
        S->always = realloc(S->always, (S->nalways + 1) * sizeof(int));
        S->always[S->nalways++] = (int)i;
    }
    return 0;
}

int bp_set_finish(bp_set *S, char *err, size_t errlen) {
    if (reorder(S) < 0) return snprintf(err, errlen, "out of memory"), -1;
    S->pf = bp_prefilter_new();
    for (size_t i = 0; i < S->npats; i++) {
        bp_pattern *P = &S->pats[i];
        if (S->rules[P->rule].kind == BP_REGEX && compile_pattern(S, P, err, errlen) < 0) return -1;
        if (index_pattern(S, i) < 0) return snprintf(err, errlen, "out of memory"), -1;
    }
    for (size_t r = 0; r < S->nrules; r++) {
        bp_rule *R = &S->rules[r];
        if ((size_t)R->max_chars > S->max_bound) S->max_bound = (size_t)R->max_chars;
        if ((size_t)R->min_chars > S->max_bound) S->max_bound = (size_t)R->min_chars;
        int has = 0;
        for (size_t i = 0; i < S->npats; i++) has |= S->pats[i].rule == (int)r;
        int is_title = S->profiles[R->profile].title_rule == (int)r ||
                       S->profiles[R->profile].tags_rule == (int)r ||
                       S->profiles[R->profile].teaser_rule == (int)r;
        if (!has && !is_title) {
            snprintf(err, errlen, "%s: rule %s: no match or match_file", R->where, R->name);
            return -1;
        }
        if (R->nneeds && R->kind != BP_REGEX) {
            snprintf(err, errlen, "%s: need: only regex rules take need", R->where);
            return -1;
        }
    }
    if (bp_prefilter_build(S->pf) < 0) return snprintf(err, errlen, "out of memory"), -1;
    return 0;
}

void bp_set_free(bp_set *S) {
    for (size_t i = 0; i < S->npats; i++) {
        pcre2_code_free(S->pats[i].re);
        free(S->pats[i].text);
        free(S->pats[i].where);
    }
    for (size_t r = 0; r < S->nrules; r++) {
        free(S->rules[r].name);
        free(S->rules[r].where);
        for (size_t k = 0; k < S->rules[r].nneeds; k++) free(S->rules[r].needs[k]);
        free(S->rules[r].needs);
    }
    for (size_t p = 0; p < S->nprofiles; p++) {
        bp_profile *P = &S->profiles[p];
        for (size_t k = 0; k < P->nhosts; k++) free(P->hosts[k]);
        for (size_t k = 0; k < P->nsignatures; k++) free(P->signatures[k]);
        free(P->hosts);
        free(P->signatures);
        free(P->name);
        free(P->path);
    }
    free(S->profiles);
    free(S->rules);
    free(S->pats);
    free(S->always);
    bp_prefilter_free(S->pf);
    memset(S, 0, sizeof *S);
}
