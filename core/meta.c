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
        free(m->v[i].raw);
    }
    free(m->v);
    free(m);
}

/* Docclean's own entry for key (input fields are never matched). */
static dc_meta_entry *meta_lookup(const dc_meta *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (!(m->v[i].flags & DC_META_F_INPUT) && strcmp(m->v[i].key, key) == 0) return &m->v[i];
    return NULL;
}

const dc_meta_entry *dc_meta_find_input(const dc_meta *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if ((m->v[i].flags & DC_META_F_INPUT) && strcmp(m->v[i].key, key) == 0) return &m->v[i];
    return NULL;
}

const dc_meta_entry *dc_meta_find(const dc_meta *m, const char *key)
{
    const dc_meta_entry *e = meta_lookup(m, key);
    if (!e) e = dc_meta_find_input(m, key);
    return e && !(e->flags & DC_META_F_TEXTSLOT) ? e : NULL;
}

static dc_meta_entry *meta_append(dc_meta *m, const char *key)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 8;
        m->v = dc_xrealloc(m->v, m->cap * sizeof *m->v);
    }
    dc_meta_entry *e = &m->v[m->n++];
    memset(e, 0, sizeof *e);
    e->key = dc_xstrdup(key);
    return e;
}

void dc_meta_put_input(dc_meta *m, const char *key, dc_meta_type type, const char *val,
                       size_t len, const char *raw, size_t raw_len, unsigned flags)
{
    dc_meta_entry *e = meta_append(m, key);
    e->type = type;
    e->val = dc_xstrndup(val, len);
    e->len = len;
    e->flags = flags | DC_META_F_INPUT;
    if (raw) {
        e->raw = dc_xstrndup(raw, raw_len);
        e->raw_len = raw_len;
    }
}

void dc_meta_put(dc_meta *m, const char *key, dc_meta_type type, const char *val, size_t len)
{
    dc_meta_entry *e = meta_lookup(m, key);
    if (!e) e = meta_append(m, key);
    else free(e->val);
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
    free(e->raw);
    size_t i = (size_t)(e - m->v);
    memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof *m->v);
    m->n--;
}
