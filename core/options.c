/*
 * options.c - validation of a stage's settings against the option table its
 * plugin declares.  Because every plugin declares its options, the core can
 * reject unknown keys and bad values with "FILE:LINE: [stage] key: why"
 * before any plugin code runs, and can print every plugin's options.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

int dc_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) return *out = 1, 0;
        if (strcasecmp(s, no[i]) == 0) return *out = 0, 0;
    }
    return -1;
}

static int enum_has(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static char *trim_dup(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    return dc_xstrndup(s, n);
}

static void list_append_csv(dc_opt_value *v, const char *s)
{
    if (!*s) { /* an empty value clears the list */
        for (size_t i = 0; i < v->nlist; i++) free(v->list[i]);
        v->nlist = 0;
        return;
    }
    const char *p = s;
    for (;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char *item = trim_dup(p, n);
        if (*item) {
            v->list = dc_xrealloc(v->list, (v->nlist + 1) * sizeof *v->list);
            v->list[v->nlist++] = item;
        } else {
            free(item);
        }
        if (!c) break;
        p = c + 1;
    }
}

static char *dir_of(const char *file)
{
    const char *slash = file ? strrchr(file, '/') : NULL;
    return slash ? dc_xstrndup(file, (size_t)(slash - file)) : dc_xstrdup(".");
}

/* The range a numeric option declares in `choices` ("MIN..MAX", either
 * end may be empty; plugin.h, ABI 1.2).  0 = no usable range. */
static int decl_range(const dc_option_decl *d, double *lo, double *hi)
{
    const char *c = d->choices, *dots = c ? strstr(c, "..") : NULL;
    if (!dots || (d->type != DC_OPT_INT && d->type != DC_OPT_DOUBLE)) return 0;
    char *end;
    *lo = -HUGE_VAL, *hi = HUGE_VAL;
    if (dots > c) { /* strtod alone would read "0." of "0..1" */
        char low[64];
        snprintf(low, sizeof low, "%.*s", (int)(dots - c), c);
        *lo = strtod(low, &end);
        if (*end) return 0;
    }
    if (dots[2]) {
        *hi = strtod(dots + 2, &end);
        if (*end) return 0;
    }
    return 1;
}

/* Parse one textual value into v.  Returns NULL or a static error text. */
static const char *opt_parse(dc_opt_value *v, const char *val, const char *file)
{
    const dc_option_decl *d = v->decl;
    char *end;
    double lo, hi;
    switch (d->type) {
    case DC_OPT_INT: {
        errno = 0;
        long long x = strtoll(val, &end, 10);
        if (errno == ERANGE) return "is out of range for a 64-bit integer";
        if (errno || end == val || *end) return "is not an integer";
        if (decl_range(d, &lo, &hi) && ((double)x < lo || (double)x > hi)) return "is out of range";
        v->i = x;
        break;
    }
    case DC_OPT_DOUBLE: {
        errno = 0;
        double x = strtod(val, &end);
        if (end == val || *end) return "is not a number";
        /* strtod reads "nan" and "inf": no option means either */
        if (!isfinite(x) || (errno == ERANGE && fabs(x) > 1)) return "is not a finite number";
        if (decl_range(d, &lo, &hi) && (x < lo || x > hi)) return "is out of range";
        v->d = x;
        break;
    }
    case DC_OPT_BOOL:
        if (dc_parse_bool(val, &v->b)) return "is not a boolean (true/false, yes/no, on/off, 1/0)";
        break;
    case DC_OPT_ENUM:
        if (!enum_has(d->choices, val)) return "is not one of the allowed values";
        break;
    case DC_OPT_LIST:
        list_append_csv(v, val);
        return NULL;
    case DC_OPT_PATH:
        if (val[0] && val[0] != '/' && file) {
            char *dir = dir_of(file);
            size_t n = strlen(dir) + strlen(val) + 2;
            free(v->str);
            v->str = dc_xmalloc(n);
            snprintf(v->str, n, "%s/%s", dir, val);
            free(dir);
            return NULL;
        }
        break;
    case DC_OPT_STRING:
        break;
    }
    free(v->str);
    v->str = dc_xstrdup(val);
    return NULL;
}

void dc_options_free(dc_options *o)
{
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->v[i].str);
        free(o->v[i].where);
        for (size_t j = 0; j < o->v[i].nlist; j++) free(o->v[i].list[j]);
        free(o->v[i].list);
    }
    free(o->v);
    free(o);
}

/* "value ; note" or "value # note": an inline comment, which INI files here
 * do not have (';' is a normal character in patterns). */
static int trailing_comment(const char *v)
{
    for (const char *p = v; *p; p++)
        if ((*p == ' ' || *p == '\t') && (p[1] == ';' || p[1] == '#')) return 1;
    return 0;
}

static void known_keys(const dc_option_decl *decls, char *out, size_t n)
{
    size_t w = 0;
    out[0] = '\0';
    for (const dc_option_decl *d = decls; d && d->name; d++) {
        int k = snprintf(out + w, n - w, "%s%s", w ? ", " : "", d->name);
        if (k < 0 || (size_t)k >= n - w) break;
        w += (size_t)k;
    }
    if (!w) snprintf(out, n, "none");
}

dc_options *dc_options_build(const dc_option_decl *decls, const dc_kv *kv, size_t nkv,
                             const char *section, char *err, size_t errlen)
{
    dc_options *o = dc_xcalloc(1, sizeof *o);
    size_t n = 0;
    for (const dc_option_decl *d = decls; d && d->name; d++) n++;
    o->v = dc_xcalloc(n ? n : 1, sizeof *o->v);
    o->n = n;
    /* Defaults first: a bad default is a plugin bug, reported as such. */
    for (size_t i = 0; i < n; i++) {
        o->v[i].decl = &decls[i];
        o->v[i].where = dc_xstrdup("<default>");
        if (decls[i].default_value) {
            const char *why = opt_parse(&o->v[i], decls[i].default_value, NULL);
            if (why) {
                snprintf(err, errlen, "[%s] %s: plugin default '%s' %s", section, decls[i].name,
                         decls[i].default_value, why);
                dc_options_free(o);
                return NULL;
            }
        }
    }
    for (size_t k = 0; k < nkv; k++) {
        dc_opt_value *v = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(decls[i].name, kv[k].key) == 0) v = &o->v[i];
        if (!v) {
            char known[1024];
            known_keys(decls, known, sizeof known);
            snprintf(err, errlen, "%s:%d: [%s] %s: unknown option (known: %s)", kv[k].file,
                     kv[k].line, section, kv[k].key, known);
            dc_options_free(o);
            return NULL;
        }
        if (v->decl->type == DC_OPT_LIST && !v->set) list_append_csv(v, ""); /* config replaces default */
        const char *why = opt_parse(v, kv[k].val, kv[k].file);
        if (why) {
            /* `key = 0.8 ; note` is one value: say why, the parser is right */
            const char *hint = trailing_comment(kv[k].val)
                                   ? "; a comment must be on a line of its own (';' or '#' first)"
                                   : "";
            if (v->decl->type == DC_OPT_ENUM || !strcmp(why, "is out of range"))
                snprintf(err, errlen, "%s:%d: [%s] %s: '%s' %s (%s)%s", kv[k].file, kv[k].line,
                         section, kv[k].key, kv[k].val, why, v->decl->choices, hint);
            else
                snprintf(err, errlen, "%s:%d: [%s] %s: '%s' %s%s", kv[k].file, kv[k].line, section,
                         kv[k].key, kv[k].val, why, hint);
            dc_options_free(o);
            return NULL;
        }
        if (trailing_comment(kv[k].val) && v->decl->type != DC_OPT_BOOL)
            dc_log_core(DC_LOG_WARN, "%s:%d: [%s] %s: the value '%s' includes what looks like a "
                        "comment; a comment must be on a line of its own", kv[k].file, kv[k].line,
                        section, kv[k].key, kv[k].val);
        v->set = 1;
        free(v->where);
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s:%d", kv[k].file, kv[k].line);
        v->where = dc_xstrdup(where);
    }
    return o;
}
