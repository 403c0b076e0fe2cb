/*
 * meta.c - ordered, typed key/value metadata of a document.
 *
 * Documents carry a handful of keys, so a small array with linear search
 * beats a hash table here and keeps insertion order for free.
 */
#include "meta.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

dc_meta *dc_meta_new(void)
{
    return dc_xcalloc(1, sizeof(dc_meta));
}

void dc_meta_free(dc_meta *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].key);
        free(m->v[i].val);
    }
    free(m->v);
    free(m);
}

static dc_meta_entry *meta_lookup(const dc_meta *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->v[i].key, key) == 0) return &m->v[i];
    return NULL;
}

const dc_meta_entry *dc_meta_find(const dc_meta *m, const char *key)
{
    return meta_lookup(m, key);
}

void dc_meta_put(dc_meta *m, const char *key, dc_meta_type type, const char *val, size_t len)
{
    dc_meta_entry *e = meta_lookup(m, key);
    if (!e) {
        if (m->n == m->cap) {
            m->cap = m->cap ? m->cap * 2 : 8;
            m->v = dc_xrealloc(m->v, m->cap * sizeof *m->v);
        }
        e = &m->v[m->n++];
        e->key = dc_xstrdup(key);
    } else {
        free(e->val);
    }
    e->type = type;
    e->val = dc_xstrndup(val, len);
    e->len = len;
}

void dc_meta_put_int(dc_meta *m, const char *key, int64_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    dc_meta_put(m, key, DC_META_INT, tmp, (size_t)n);
}

void dc_meta_put_double(dc_meta *m, const char *key, double v)
{
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.6g", v);
    /* JSON has no inf/nan: store null rather than an invalid record. */
    if (strchr(tmp, 'n') || strchr(tmp, 'i')) n = snprintf(tmp, sizeof tmp, "null");
    dc_meta_put(m, key, DC_META_DOUBLE, tmp, (size_t)n);
}

void dc_meta_add_int(dc_meta *m, const char *key, int64_t delta)
{
    const dc_meta_entry *e = meta_lookup(m, key);
    int64_t cur = 0;
    if (e && e->type == DC_META_INT) cur = strtoll(e->val, NULL, 10);
    dc_meta_put_int(m, key, cur + delta);
}

void dc_meta_remove(dc_meta *m, const char *key)
{
    dc_meta_entry *e = meta_lookup(m, key);
    if (!e) return;
    free(e->key);
    free(e->val);
    size_t i = (size_t)(e - m->v);
    memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof *m->v);
    m->n--;
}
