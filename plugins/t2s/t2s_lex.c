/*
 * t2s_lex.c - parse OpenCC text dictionaries (`key<TAB>value[ value...]`)
 * from memory, from a file (dict_dir) or from the tables compiled into the
 * plugin (build/gen/t2s_tables.c).  One parser for all three, so built-in
 * and loaded tables are always read the same way.
 */
#include "t2s_dict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Lexicons                                                            */
/* ------------------------------------------------------------------ */

/* Number of code points of a well-formed UTF-8 string, or -1. */
static long u8_count(const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s, *e = p + n;
    long k = 0;
    while (p < e) {
        uint32_t cp;
        size_t l = t2s_u8_decode(p, e, &cp);
        if (!l) return -1;
        p += l;
        k++;
    }
    return k;
}

static int lex_push(t2s_lex *lx, const t2s_entry *en)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 1024;
        t2s_entry *e = realloc(lx->e, cap * sizeof *e);
        if (!e) return -1;
        lx->e = e;
        lx->cap = cap;
    }
    lx->e[lx->n++] = *en;
    return 0;
}

/* Does the space-separated list vals[0..n) contain key? */
static int values_contain(const char *vals, size_t n, const char *key, size_t klen)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && vals[j] != ' ') j++;
        if (j - i == klen && memcmp(vals + i, key, klen) == 0) return 1;
        i = j + 1;
    }
    return 0;
}

int t2s_lex_parse(t2s_lex *lx, const char *text, size_t len, const char *name,
                  char *err, size_t errlen)
{
    memset(lx, 0, sizeof *lx);
    lx->text = malloc(len + 1);
    if (!lx->text) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    memcpy(lx->text, text, len);
    lx->text[len] = '\0';
    const char *p = lx->text, *end = lx->text + len;
    size_t lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        const char *line = p;
        p = nl ? nl + 1 : end;
        if (le > line && le[-1] == '\r') le--;
        if (le == line || line[0] == '#') continue;
        const char *tab = memchr(line, '\t', (size_t)(le - line));
        if (!tab) {
            /* blank-looking lines (spaces only) are skipped like OpenCC does */
            const char *q = line;
            while (q < le && (*q == ' ' || *q == '\t')) q++;
            if (q == le) continue;
            snprintf(err, errlen, "%s:%zu: no TAB between key and value", name, lineno);
            goto fail;
        }
        const char *vals = tab + 1;
        size_t vall = (size_t)(le - vals);
        const char *sp = memchr(vals, ' ', vall);
        t2s_entry en = {
            .key = line,
            .klen = (uint32_t)(tab - line),
            .val = vals,
            .vlen = (uint32_t)(sp ? (size_t)(sp - vals) : vall),
        };
        if (en.klen == 0 || en.vlen == 0) {
            snprintf(err, errlen, "%s:%zu: empty key or value", name, lineno);
            goto fail;
        }
        if (u8_count(en.key, en.klen) < 0 || u8_count(vals, vall) < 0) {
            snprintf(err, errlen, "%s:%zu: invalid UTF-8", name, lineno);
            goto fail;
        }
        en.trad_only = !(en.vlen == en.klen && memcmp(en.val, en.key, en.klen) == 0) &&
                       !values_contain(vals, vall, en.key, en.klen);
        if (lex_push(lx, &en) < 0) {
            snprintf(err, errlen, "%s: out of memory", name);
            goto fail;
        }
    }
    return 0;
fail:
    t2s_lex_free(lx);
    return -1;
}

int t2s_lex_load_file(t2s_lex *lx, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return 1;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 131072;
            char *b = realloc(buf, cap);
            if (!b) {
                free(buf);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return -1;
            }
            buf = b;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    int rc = t2s_lex_parse(lx, buf, len, path, err, errlen);
    free(buf);
    return rc;
}

int t2s_lex_builtin(t2s_lex *lx, const char *name, char *err, size_t errlen)
{
    for (const struct t2s_builtin_dict *d = t2s_builtin_dicts; d->name; d++)
        if (strcmp(d->name, name) == 0) return t2s_lex_parse(lx, d->text, d->len, name, err, errlen);
    snprintf(err, errlen, "no built-in dictionary %s", name);
    return -1;
}

void t2s_lex_free(t2s_lex *lx)
{
    free(lx->e);
    free(lx->text);
    memset(lx, 0, sizeof *lx);
}

