/*
 * lines.h - repeated-line (learned boilerplate) detection, CCNet style.
 *
 * A line is "eligible" when its normalized form (norm.h rules, whitespace and
 * punctuation removed) is longer than min_chars code points and it does not
 * look like a section heading (一、… （二）… 第三章… 1. …): headings are
 * shared by many genuine documents and are never treated as boilerplate.
 * An eligible line's key hashes the normalized line together with its scope
 * (the site, or nothing for global scope).  Counts are numbers of distinct
 * documents containing the key.
 */
#ifndef DEDUP_LINES_H
#define DEDUP_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "norm.h"

/* Open-addressing map u64 -> u32, used for per-run line counts and, with
 * value unused, as a set. Key 0 is reserved. */
typedef struct u64map {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} u64map;

void u64map_free(u64map *m);
/* Pointer to the value of key (inserted as 0 when absent). */
uint32_t *u64map_slot(u64map *m, uint64_t key);
uint32_t u64map_get(const u64map *m, uint64_t key);

/* One line of a document: byte span and key (0 = not eligible). */
typedef struct line_info {
    size_t off, len;
    uint64_t key;
    size_t nchars; /* normalized code points */
} line_info;

typedef struct line_rules {
    size_t min_chars;          /* eligible when normalized length > this */
    size_t heading_max_chars;  /* heading-looking lines up to this long are protected */
    const norm_fold *fold;
} line_rules;

/* Scope hash from a site name (NULL or empty: global scope, 0). */
uint64_t lines_scope(const char *site, size_t len);

/* Host part of a URL ("https://a.b.cn:80/x" -> "a.b.cn"); *len gets its length. */
const char *lines_url_host(const char *url, size_t urllen, size_t *len);

/* Does this (raw) line look like a section heading? */
int lines_is_heading(const char *s, size_t len, size_t max_chars);

/* Split text into lines and compute keys. *out is a reusable array. Returns
 * the number of lines. `scratch` is reusable normalization space. */
size_t lines_scan(const char *text, size_t len, uint64_t scope, const line_rules *r,
                  line_info **out, size_t *cap, norm_out *scratch);

#endif
