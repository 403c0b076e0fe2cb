/*
 * options.c - validation of a stage's settings against the option table its
 * plugin declares.  Because every plugin declares its options, the core can
 * reject unknown keys and bad values with "FILE:LINE: [stage] key: why"
 * before any plugin code runs, and can print every plugin's options.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "testkit.h"

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

/* Parse one textual value into v.  Returns NULL or a static error text. */
static const char *opt_parse(dc_opt_value *v, const char *val, const char *file)
{
    const dc_option_decl *d = v->decl;
    char *end;
    switch (d->type) {
    case DC_OPT_INT: {
        errno = 0;
        long long x = strtoll(val, &end, 10);
        if (errno || end == val || *end) return "is not an integer";
        v->i = x;
        break;
    }
    case DC_OPT_DOUBLE: {
        errno = 0;
        double x = strtod(val, &end);
        if (errno || end == val || *end) return "is not a number";
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
            if (v->decl->type == DC_OPT_ENUM)
                snprintf(err, errlen, "%s:%d: [%s] %s: '%s' %s (%s)", kv[k].file, kv[k].line,
                         section, kv[k].key, kv[k].val, why, v->decl->choices);
            else
                snprintf(err, errlen, "%s:%d: [%s] %s: '%s' %s", kv[k].file, kv[k].line, section,
                         kv[k].key, kv[k].val, why);
            dc_options_free(o);
            return NULL;
        }
        v->set = 1;
        free(v->where);
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s:%d", kv[k].file, kv[k].line);
        v->where = dc_xstrdup(where);
    }
    return o;
}
