/*
 * meta.h - ordered key/value metadata attached to a document.
 *
 * Values keep their JSON type so that a JSONL record's extra fields (numbers,
 * objects, arrays) survive a round trip untouched: DC_META_JSON holds raw,
 * already-serialised JSON text.  Order is insertion order, so output records
 * are byte-stable across runs and thread counts.
 */
#ifndef DC_META_H
#define DC_META_H

#include <stddef.h>
#include <stdint.h>

#include "docclean/plugin.h"

typedef enum dc_meta_type {
    DC_META_STR = 0, /* UTF-8 string                         */
    DC_META_INT,     /* int64 (val holds the decimal text)    */
    DC_META_DOUBLE,  /* double (val holds %.17g text)          */
    DC_META_JSON     /* raw JSON value text, written verbatim */
} dc_meta_type;

/* Where an entry came from.  A JSONL record's own fields are "input"
 * entries: they are written back byte for byte (raw) at the top level of
 * the output record.  Everything docclean adds (plugins through the host,
 * the detected encoding) lives beside them in the same store but is written
 * inside docclean's own object, so neither side can overwrite the other. */
enum {
    DC_META_F_INPUT = 1,    /* a field of the input record                      */
    DC_META_F_TEXTSLOT = 2  /* input: the text field; its value is the doc text */
};

typedef struct dc_meta_entry {
    char *key;
    dc_meta_type type;
    char *val; /* NUL-terminated copy (strings: decoded; JSON: value text) */
    size_t len;
    unsigned flags; /* DC_META_F_* */
    char *raw;      /* input entries: the member `"key":value` exactly as read,
                       or NULL (then key and val are re-encoded) */
    size_t raw_len;
} dc_meta_entry;

struct dc_meta {
    dc_meta_entry *v;
    size_t n, cap;
};

dc_meta *dc_meta_new(void);
void dc_meta_free(dc_meta *m);
/* Set (replace if present, else append) key to a typed value.  Only
 * docclean's own entries are replaced: an input field of the same name is
 * left as it is. */
void dc_meta_put(dc_meta *m, const char *key, dc_meta_type type, const char *val,
                 size_t len);
void dc_meta_put_int(dc_meta *m, const char *key, int64_t v);
void dc_meta_put_double(dc_meta *m, const char *key, double v);
/* Add delta to an integer value (created as 0 when missing). */
void dc_meta_add_int(dc_meta *m, const char *key, int64_t delta);
/* Docclean's entry for key, else the input field (never the text slot). */
const dc_meta_entry *dc_meta_find(const dc_meta *m, const char *key);
/* The input field key (text slot included), or NULL. */
const dc_meta_entry *dc_meta_find_input(const dc_meta *m, const char *key);
/* Append an input field (the reader checks keys are unique); raw may be NULL. */
void dc_meta_put_input(dc_meta *m, const char *key, dc_meta_type type, const char *val,
                       size_t len, const char *raw, size_t raw_len, unsigned flags);
void dc_meta_remove(dc_meta *m, const char *key);

#endif
