/*
 * config.c - INI loading through inih.
 *
 * Debian's libinih reads lines of at most 200 bytes and treats " ;" as the
 * start of an inline comment, both silently.  Regexes and pattern lists
 * easily hit either, so this file feeds inih through its own line reader:
 *   - a line longer than inih's buffer is a hard error naming FILE:LINE
 *     (never a silent truncation); long lists can be split over repeated
 *     keys or indented continuation lines, long patterns belong in files;
 *   - ';' inside a value is protected before inih sees it and restored in
 *     the handler, so a value means exactly what it says.  Comments are
 *     whole lines starting with ';' or '#'.
 * The reader also counts lines, which inih's stock build does not report to
 * the handler, so every setting knows its FILE:LINE for error messages.
 */
#include "config.h"

#include <glob.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEMI_GUARD '\x1f' /* stands in for ';' while inih looks at a line */
#define MAX_INCLUDE_DEPTH 16

typedef struct parse_ctx {
    struct parse_ctx *parent; /* the file whose `include =` line read this one */
    char *real;               /* realpath of file, for cycle detection         */
    dc_config *cfg;
    const char *file;
    FILE *fp;
    int line;
    int depth;
    char *err;
    size_t errlen;
    int failed;
    char *linebuf;
    size_t linecap;
} parse_ctx;

static int parse_file(dc_config *cfg, const char *path, parse_ctx *parent, char *err, size_t errlen);

static void fail(parse_ctx *p, const char *fmt, const char *a, const char *b)
{
    if (p->failed) return;
    p->failed = 1;
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    snprintf(p->err, p->errlen, "%s:%d: %s", p->file, p->line, msg);
}

/* Protect ';' in the value part of "key = value" lines. */
static void guard_semicolons(char *s)
{
    char *t = s;
    while (*t == ' ' || *t == '\t') t++;
    if (*t == ';' || *t == '#' || *t == '[') return;
    char *eq = strpbrk(t, "=:");
    if (!eq) return;
    for (char *q = eq + 1; *q; q++)
        if (*q == ';') *q = SEMI_GUARD;
}

static dc_section *section_get(dc_config *c, const char *name, const char *file, int line);

/* A "[name]" line: open the section here, so it knows its own FILE:LINE
 * (inih reports sections only with their first key, if it has one). */
static void note_section(parse_ctx *p, const char *line)
{
    while (*line == ' ' || *line == '\t') line++;
    if (*line != '[') return;
    const char *end = strchr(line, ']');
    if (!end) return;
    char name[200];
    snprintf(name, sizeof name, "%.*s", (int)(end - line - 1), line + 1);
    section_get(p->cfg, name, p->file, p->line);
}

static char *ini_line_reader(char *str, int num, void *stream)
{
    parse_ctx *p = stream;
    if (p->failed) return NULL;
    ssize_t n = getline(&p->linebuf, &p->linecap, p->fp);
    if (n < 0) return NULL;
    p->line++;
    size_t body = (size_t)n;
    while (body && (p->linebuf[body - 1] == '\n' || p->linebuf[body - 1] == '\r')) body--;
    if (body + 2 > (size_t)num) {
        char lim[32];
        snprintf(lim, sizeof lim, "%d", num - 2);
        fail(p, "line longer than %s bytes, which inih cannot read; split a list over "
                "repeated keys or put long patterns in a file the INI references%s",
             lim, "");
        return NULL;
    }
    memcpy(str, p->linebuf, body);
    str[body] = '\n';
    str[body + 1] = '\0';
    note_section(p, str);
    guard_semicolons(str);
    return str;
}

static void unguard(char *s)
{
    for (; *s; s++)
        if (*s == SEMI_GUARD) *s = ';';
}

static dc_section *section_get(dc_config *c, const char *name, const char *file, int line)
{
    for (size_t i = 0; i < c->nsecs; i++)
        if (strcmp(c->secs[i].name, name) == 0) return &c->secs[i];
    c->secs = dc_xrealloc(c->secs, (c->nsecs + 1) * sizeof *c->secs);
    dc_section *s = &c->secs[c->nsecs++];
    memset(s, 0, sizeof *s);
    s->name = dc_xstrdup(name);
    s->file = dc_xstrdup(file);
    s->line = line;
    return s;
}

static char *resolve_rel(const char *base_file, const char *p)
{
    if (p[0] == '/') return dc_xstrdup(p);
    const char *slash = strrchr(base_file, '/');
    size_t dl = slash ? (size_t)(slash - base_file) : 1;
    size_t n = dl + strlen(p) + 2;
    char *out = dc_xmalloc(n);
    snprintf(out, n, "%.*s/%s", (int)dl, slash ? base_file : ".", p);
    return out;
}

static void split_csv(const char *v, char ***out, size_t *n)
{
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',') p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *t = e;
        while (t > p && (t[-1] == ' ' || t[-1] == '\t')) t--;
        *out = dc_xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = dc_xstrndup(p, (size_t)(t - p));
        p = e;
    }
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static int handle_include(parse_ctx *p, const char *pattern)
{
    char *full = resolve_rel(p->file, pattern);
    glob_t g;
    int rc = glob(full, 0, NULL, &g);
    if (rc == GLOB_NOMATCH && !strpbrk(full, "*?[")) {
        fail(p, "include: %s: no such file%s", full, "");
        free(full);
        return 0;
    }
    int ok = 1;
    for (size_t i = 0; rc == 0 && i < g.gl_pathc && ok; i++) {
        if (parse_file(p->cfg, g.gl_pathv[i], p, p->err, p->errlen) != 0) {
            p->failed = 1;
            ok = 0;
        }
    }
    if (rc == 0) globfree(&g);
    free(full);
    return ok;
}

static void kv_append(dc_section *s, const char *key, const char *val, const char *file, int line)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->kv = dc_xrealloc(s->kv, s->cap * sizeof *s->kv);
    }
    dc_kv *kv = &s->kv[s->n++];
    kv->key = dc_xstrdup(key);
    kv->val = dc_xstrdup(val);
    kv->file = dc_xstrdup(file);
    kv->line = line;
}

static int config_ini_handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *p = user;
    if (p->failed) return 0;
    if (!name) { /* new section (inih >= 43 calls with name == NULL) */
        section_get(p->cfg, section, p->file, p->line);
        return 1;
    }
    char *val = dc_xstrdup(value ? value : "");
    unguard(val);
    if (strcmp(name, "include") == 0) {
        int ok = handle_include(p, val);
        free(val);
        return ok;
    }
    if (!section[0]) {
        fail(p, "%s: setting outside of any [section]%s", name, "");
        free(val);
        return 0;
    }
    dc_section *s = section_get(p->cfg, section, p->file, p->line);
    kv_append(s, name, val, p->file, p->line);
    dc_config *c = p->cfg;
    if (strcmp(section, "pipeline") == 0 && strcmp(name, "stages") == 0) {
        free_list(c->stages, c->nstages);
        c->stages = NULL;
        c->nstages = 0;
        split_csv(val, &c->stages, &c->nstages);
        free(c->stages_where);
        char w[PATH_MAX + 16];
        snprintf(w, sizeof w, "%s:%d", p->file, p->line);
        c->stages_where = dc_xstrdup(w);
    } else if (strcmp(section, "pipeline") == 0 && strcmp(name, "plugin_path") == 0) {
        char **items = NULL;
        size_t n = 0;
        split_csv(val, &items, &n);
        for (size_t i = 0; i < n; i++) {
            c->plugin_path = dc_xrealloc(c->plugin_path, (c->nplugin_path + 1) * sizeof(char *));
            c->plugin_path[c->nplugin_path++] = resolve_rel(p->file, items[i]);
        }
        free_list(items, n);
    }
    free(val);
    return 1;
}

/* An include that leads back to a file being read: "A:3: include of B
 * makes a cycle: A -> B -> A", at the `include =` line that closes it. */
static int include_cycle(const parse_ctx *parent, const char *real, const char *path, char *err,
                         size_t errlen)
{
    const parse_ctx *hit = NULL;
    for (const parse_ctx *q = parent; q && !hit; q = q->parent)
        if (q->real && real && !strcmp(q->real, real)) hit = q;
    if (!hit) return 0;
    const parse_ctx *chain[MAX_INCLUDE_DEPTH + 2];
    size_t n = 0;
    for (const parse_ctx *q = parent; q && n < MAX_INCLUDE_DEPTH + 1; q = q->parent) {
        chain[n++] = q;
        if (q == hit) break;
    }
    size_t w = (size_t)snprintf(err, errlen, "%s:%d: include of %s makes a cycle:", parent->file,
                                parent->line, path);
    while (n-- && w < errlen) w += (size_t)snprintf(err + w, errlen - w, " %s ->", chain[n]->file);
    if (w < errlen) snprintf(err + w, errlen - w, " %s", path);
    return 1;
}

static int parse_file(dc_config *cfg, const char *path, parse_ctx *parent, char *err, size_t errlen)
{
    int depth = parent ? parent->depth + 1 : 0;
    char *real = realpath(path, NULL);
    if (include_cycle(parent, real, path, err, errlen)) {
        free(real);
        return -1;
    }
    if (depth > MAX_INCLUDE_DEPTH) {
        snprintf(err, errlen, "%s:%d: include of %s: includes nested deeper than %d", parent->file,
                 parent->line, path, MAX_INCLUDE_DEPTH);
        free(real);
        return -1;
    }
    FILE *fp = fopen(path, "r");
    if (!fp) {
        if (parent) snprintf(err, errlen, "%s:%d: include: %s: cannot open: %m", parent->file, parent->line, path);
        else snprintf(err, errlen, "%s: cannot open config: %m", path);
        free(real);
        return -1;
    }
    parse_ctx p = {.parent = parent, .real = real, .cfg = cfg, .file = path, .fp = fp,
                   .depth = depth, .err = err, .errlen = errlen};
    int rc = ini_parse_stream(ini_line_reader, &p, config_ini_handler, &p);
    fclose(fp);
    free(p.linebuf);
    free(real);
    if (p.failed) return -1;
    if (rc > 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)", path, rc);
        return -1;
    }
    if (rc < 0) {
        snprintf(err, errlen, "%s: cannot read config", path);
        return -1;
    }
    return 0;
}

dc_config *dc_config_load(const char *path, char *err, size_t errlen)
{
    dc_config *c = dc_xcalloc(1, sizeof *c);
    c->path = dc_xstrdup(path);
    if (parse_file(c, path, NULL, err, errlen) != 0) {
        dc_config_free(c);
        return NULL;
    }
    if (c->nstages == 0) {
        snprintf(err, errlen, "%s: [pipeline] stages is missing or empty", path);
        dc_config_free(c);
        return NULL;
    }
    return c;
}

void dc_config_free(dc_config *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nsecs; i++) {
        dc_section *s = &c->secs[i];
        for (size_t j = 0; j < s->n; j++) {
            free(s->kv[j].key);
            free(s->kv[j].val);
            free(s->kv[j].file);
        }
        free(s->kv);
        free(s->name);
        free(s->file);
    }
    free(c->secs);
    free_list(c->stages, c->nstages);
    free_list(c->plugin_path, c->nplugin_path);
    free(c->stages_where);
    free(c->path);
    free(c);
}

const dc_section *dc_config_section(const dc_config *c, const char *name)
{
    for (size_t i = 0; i < c->nsecs; i++)
        if (strcmp(c->secs[i].name, name) == 0) return &c->secs[i];
    return NULL;
}

const dc_kv *dc_config_get(const dc_config *c, const char *sec, const char *key)
{
    const dc_section *s = dc_config_section(c, sec);
    const dc_kv *last = NULL;
    for (size_t i = 0; s && i < s->n; i++)
        if (strcmp(s->kv[i].key, key) == 0) last = &s->kv[i];
    return last;
}
