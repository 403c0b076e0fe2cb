/*
 * bp_profile.c - load site profiles (INI, parsed by inih) into a bp_set.
 *
 * Profile format (docs/plugins/boilerplate.md has the full reference):
 *
 *   [site]
 *   name = example            ; default: the file name
 *   host = *.example.com      ; repeatable: glob against the url host
 *   signature = Example文库    ; repeatable: literal that identifies the site
 *   header_lines = 10         ; size of the header/footer zones
 *   footer_lines = 10
 *
 *   [rule:NAME]
 *   kind = exact|prefix|substring|regex
 *   zone = any|header|footer  ; optionally "header 5" = first 5 lines
 *   action = drop_line|cut_to_end|inline|block
 *   min_chars / max_chars = N ; only lines of that many characters
 *   match = PATTERN           ; repeatable
 *   match_file = FILE         ; one PATTERN per line (# comments), for long
 *                             ; patterns and patterns holding " ;"
 *   need = LITERAL            ; regex only: literal(s) one of which every
 *                             ; match contains (prefilter key)
 *
 *   [repeated_title]
 *   window = 12               ; drop copies of the title in the next N lines
 *                             ; (also drops keyword tags printed one per
 *                             ; line just before the title: rule title-tags,
 *                             ; and teasers repeating the text: rule teaser)
 *
 * Debian's libinih reads lines into a 200-byte buffer and cuts a value at
 * " ;" (inline comment) without telling the handler.  Both would silently
 * change a pattern, so every file is pre-scanned first: a line that is too
 * long or a value holding an inline comment is an error naming FILE:LINE.
 * The pre-scan also gives each handler call its line number (inih is built
 * without INI_HANDLER_LINENO), by counting key lines in the same order.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp.h"

#define INIH_MAX_LINE 200 /* INI_MAX_LINE of the Debian build */

typedef struct loader {
    bp_set *set;
    const char *path;
    int profile;        /* index of the profile being loaded             */
    int rule;           /* current rule index, -1 outside a rule section */
    int *key_lines;     /* line number of the n-th handler call          */
    int *key_sections;  /* ordinal of the section header it belongs to   */
    int *section_lines; /* line number of each section header            */
    int cur_section;    /* ordinal of the section being handled, -1 none */
    size_t nkey_lines, call;
    char section[128];
    char *err;
    size_t errlen;
    int failed;
} loader;

static void fail(loader *L, int line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(loader *L, int line, const char *key, const char *fmt, ...) {
    if (L->failed) return;
    L->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(L->err, L->errlen, "%s:%d: %s: %s", L->path, line, key ? key : "profile", msg);
}

static void *grow(void *v, size_t n, size_t size) {
    /* Arrays grow one element at a time; profiles are small. */
    return realloc(v, (n + 1) * size);
}

/* ---- pre-scan: mirror inih's line handling to catch what it would hide ---- */

static int prescan(loader *L) {
    FILE *f = fopen(L->path, "r");
    if (!f) {
        snprintf(L->err, L->errlen, "%s: cannot open profile: %s", L->path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, have_key = 0, nsections = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
        if (n >= INIH_MAX_LINE - 1) {
            fail(L, lineno, "profile", "line is %zu bytes; inih cuts lines at %d bytes: "
                 "move long patterns into a match_file", n, INIH_MAX_LINE - 2);
            break;
        }
        line[n] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t') s++;
        if (lineno == 1 && (unsigned char)s[0] == 0xEF) s += 3; /* BOM */
        if (!*s || *s == ';' || *s == '#') continue;
        if (!(have_key && s > line) && *s == '[') {
            L->section_lines = grow(L->section_lines, (size_t)nsections, sizeof(int));
            L->section_lines[nsections++] = lineno;
            continue;
        }
        char *eq = strpbrk(s, "=:");
        if (!(have_key && s > line) && !eq) continue; /* inih reports it */
        /* A value holding whitespace followed by ';' is cut by inih. */
        for (char *p = (have_key && s > line) ? s : eq + 1; *p; p++)
            if (*p == ';' && p > s && (p[-1] == ' ' || p[-1] == '\t')) {
                fail(L, lineno, "profile", "' ;' starts an inline comment in inih and would "
                     "cut this value: move the pattern into a match_file");
                break;
            }
        have_key = 1;
        L->key_lines = grow(L->key_lines, L->nkey_lines, sizeof(int));
        L->key_sections = grow(L->key_sections, L->nkey_lines, sizeof(int));
        L->key_lines[L->nkey_lines] = lineno;
        L->key_sections[L->nkey_lines++] = nsections - 1;
    }
    free(line);
    fclose(f);
    return L->failed ? -1 : 0;
}

/* ---- building the set ---- */

static char *xstrdup(const char *s) {
    return strdup(s ? s : "");
}

static int parse_int(const char *v, int *out) {
    char *end;
    long x = strtol(v, &end, 10);
    while (*end == ' ') end++;
    if (end == v || *end || x < 0 || x > 1000000) return -1;
    *out = (int)x;
    return 0;
}

static int add_rule(loader *L, const char *name, int line) {
    bp_set *S = L->set;
    bp_profile *P = &S->profiles[L->profile];
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') {
            fail(L, line, "rule", "rule name '%s' may only hold letters, digits, '-' and '_'", name);
            return -1;
        }
    if (!*name) {
        fail(L, line, "rule", "empty rule name: write [rule:NAME]");
        return -1;
    }
    size_t nlen = strlen(P->name) + strlen(name) + 2;
    char *full = malloc(nlen);
    snprintf(full, nlen, "%s/%s", P->name, name);
    for (size_t i = 0; i < S->nrules; i++)
        if (strcmp(S->rules[i].name, full) == 0) {
            fail(L, line, "rule", "duplicate rule %s", full);
            free(full);
            return -1;
        }
    char where[64 + 4096];
    snprintf(where, sizeof where, "%s:%d", L->path, line);
    S->rules = grow(S->rules, S->nrules, sizeof(bp_rule));
    S->rules[S->nrules] = (bp_rule){.name = full, .profile = L->profile, .kind = BP_SUBSTRING,
                                    .zone = BP_ZONE_ANY, .action = BP_DROP_LINE,
                                    .enabled = 1, .counter = -1, .where = xstrdup(where)};
    L->rule = (int)S->nrules++;
    return 0;
}

static int add_pattern(loader *L, const char *file, const char *text, int line,
                       const char *key) {
    bp_set *S = L->set;
    char where[8192];
    snprintf(where, sizeof where, "%s:%d", file, line);
    if (!*text) {
        fail(L, line, key, "empty pattern");
        return -1;
    }
    S->pats = grow(S->pats, S->npats, sizeof(bp_pattern));
    S->pats[S->npats++] = (bp_pattern){.rule = L->rule, .text = xstrdup(text),
                                       .len = strlen(text), .where = xstrdup(where)};
    return 0;
}

static int load_match_file(loader *L, const char *value, int line) {
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s", L->path);
    if (value[0] == '/') snprintf(path, sizeof path, "%s", value);
    else snprintf(path, sizeof path, "%s/%s", dirname(dir), value);
    FILE *f = fopen(path, "r");
    if (!f) {
        fail(L, line, "match_file", "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0;
    while ((got = getline(&buf, &cap, f)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
        buf[n] = '\0';
        if (n == 0 || buf[0] == '#') continue;
        add_pattern(L, path, buf, lineno, "match_file");
    }
    free(buf);
    fclose(f);
    return 0;
}

static int rule_key(loader *L, const char *key, const char *value, int line) {
    bp_rule *R = &L->set->rules[L->rule];
    if (strcmp(key, "kind") == 0) {
        static const char *kinds[] = {"exact", "prefix", "substring", "regex"};
        for (int k = 0; k < 4; k++)
            if (strcmp(value, kinds[k]) == 0) return R->kind = (bp_kind)k, 0;
        fail(L, line, key, "'%s' is not one of exact|prefix|substring|regex", value);
    } else if (strcmp(key, "zone") == 0) {
        char word[32] = "";
        int n = 0, got = sscanf(value, "%31s %d", word, &n);
        if (strcmp(word, "any") == 0) R->zone = BP_ZONE_ANY;
        else if (strcmp(word, "header") == 0) R->zone = BP_ZONE_HEADER;
        else if (strcmp(word, "footer") == 0) R->zone = BP_ZONE_FOOTER;
        else return fail(L, line, key, "'%s' is not one of any|header [N]|footer [N]", value), -1;
        if (got == 2) {
            if (n <= 0) return fail(L, line, key, "zone size must be > 0"), -1;
            R->zone_lines = n;
        }
    } else if (strcmp(key, "action") == 0) {
        if (strcmp(value, "drop_line") == 0) R->action = BP_DROP_LINE;
        else if (strcmp(value, "cut_to_end") == 0) R->action = BP_CUT_TO_END;
        else if (strcmp(value, "inline") == 0) R->action = BP_INLINE;
        else if (strcmp(value, "block") == 0) R->action = BP_BLOCK;
        else fail(L, line, key, "'%s' is not one of drop_line|cut_to_end|inline|block", value);
    } else if (strcmp(key, "min_chars") == 0 || strcmp(key, "max_chars") == 0) {
        int *dst = key[1] == 'i' ? &R->min_chars : &R->max_chars;
        if (parse_int(value, dst) < 0) fail(L, line, key, "'%s' is not a count", value);
    } else if (strcmp(key, "match") == 0) {
        return add_pattern(L, L->path, value, line, key);
    } else if (strcmp(key, "match_file") == 0) {
        return load_match_file(L, value, line);
    } else if (strcmp(key, "need") == 0) {
        R->needs = grow(R->needs, R->nneeds, sizeof(char *));
        R->needs[R->nneeds++] = xstrdup(value);
    } else {
        fail(L, line, key, "unknown key in a rule section "
             "(kind, zone, action, min_chars, max_chars, match, match_file, need)");
    }
    return L->failed ? -1 : 0;
}

static int site_key(loader *L, const char *key, const char *value, int line) {
    bp_profile *P = &L->set->profiles[L->profile];
    if (strcmp(key, "name") == 0) {
        if (L->set->nrules && L->set->rules[L->set->nrules - 1].profile == L->profile)
            return fail(L, line, key, "set the name before any rule section"), -1;
        free(P->name);
        P->name = xstrdup(value);
    } else if (strcmp(key, "host") == 0 || strcmp(key, "hosts") == 0) {
        P->hosts = grow(P->hosts, P->nhosts, sizeof(char *));
        P->hosts[P->nhosts++] = xstrdup(value);
    } else if (strcmp(key, "signature") == 0) {
        P->signatures = grow(P->signatures, P->nsignatures, sizeof(char *));
        P->signatures[P->nsignatures++] = xstrdup(value);
    } else if (strcmp(key, "header_lines") == 0) {
        if (parse_int(value, &P->header_lines) < 0) fail(L, line, key, "'%s' is not a count", value);
    } else if (strcmp(key, "footer_lines") == 0) {
        if (parse_int(value, &P->footer_lines) < 0) fail(L, line, key, "'%s' is not a count", value);
    } else {
        fail(L, line, key, "unknown key in [site] (name, host, signature, header_lines, footer_lines)");
    }
    return L->failed ? -1 : 0;
}

static int title_key(loader *L, const char *key, const char *value, int line) {
    bp_profile *P = &L->set->profiles[L->profile];
    if (strcmp(key, "window") == 0) {
        if (parse_int(value, &P->title_window) < 0 || P->title_window == 0)
            fail(L, line, key, "'%s' is not a positive count", value);
    } else {
        fail(L, line, key, "unknown key in [repeated_title] (window)");
    }
    return L->failed ? -1 : 0;
}

static int on_section(loader *L, const char *section, int line) {
    snprintf(L->section, sizeof L->section, "%s", section);
    L->rule = -1;
    if (strncmp(section, "rule:", 5) == 0) return add_rule(L, section + 5, line);
    if (strcmp(section, "repeated_title") == 0) {
        bp_profile *P = &L->set->profiles[L->profile];
        if (add_rule(L, "repeated-title", line) < 0) return -1;
        P->title_rule = L->rule;
        if (add_rule(L, "title-tags", line) < 0) return -1;
        P->tags_rule = L->rule;
        if (add_rule(L, "teaser", line) < 0) return -1;
        P->teaser_rule = L->rule;
        P->title_window = 12;
        L->rule = -1;
        return 0;
    }
    if (strcmp(section, "site") == 0) return 0;
    fail(L, line, section, "unknown section (site, rule:NAME, repeated_title)");
    return -1;
}

static int handler(void *user, const char *section, const char *key, const char *value) {
    loader *L = user;
    size_t n = L->call++;
    int line = n < L->nkey_lines ? L->key_lines[n] : 0;
    int sec = n < L->nkey_lines ? L->key_sections[n] : -1;
    if (L->failed) return 0;
    /* A new section header (even one repeating the previous name). */
    if (sec != L->cur_section || strcmp(section, L->section) != 0) {
        L->cur_section = sec;
        if (on_section(L, section, sec >= 0 ? L->section_lines[sec] : line) < 0) return 0;
    }
    if (L->rule >= 0) rule_key(L, key, value, line);
    else if (strcmp(section, "site") == 0) site_key(L, key, value, line);
    else if (strcmp(section, "repeated_title") == 0) title_key(L, key, value, line);
    else fail(L, line, key, "key outside a section");
    return !L->failed;
}

static char *name_from_path(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *n = xstrdup(b);
    char *dot = strrchr(n, '.');
    if (dot && dot != n) *dot = '\0';
    return n;
}

int bp_set_load_profile(bp_set *set, const char *path, const bp_defaults *d, char *err,
                        size_t errlen) {
    loader L = {.set = set, .path = path, .rule = -1, .err = err, .errlen = errlen,
                .cur_section = -2};
    if (prescan(&L) < 0) {
        free(L.key_lines), free(L.key_sections), free(L.section_lines);
        return -1;
    }
    set->profiles = grow(set->profiles, set->nprofiles, sizeof(bp_profile));
    set->profiles[set->nprofiles] = (bp_profile){
        .name = name_from_path(path), .path = xstrdup(path), .header_lines = d->header_lines,
        .footer_lines = d->footer_lines, .title_rule = -1, .tags_rule = -1,
        .teaser_rule = -1};
    L.profile = (int)set->nprofiles++;
    int rc = ini_parse(path, handler, &L);
    free(L.key_lines), free(L.key_sections), free(L.section_lines);
    if (L.failed) return -1;
    if (rc != 0) {
        snprintf(err, errlen, "%s:%d: profile: INI syntax error", path, rc);
        return -1;
    }
    return 0;
}
