/*
 * json_scan.h - private to json.c and reader.c: the fast JSONL record
 * scanner (see the comment above dc_jsonl_scan in json.c) and the strict
 * UTF-8 validator shared with decode.c.
 */
#ifndef DC_JSON_SCAN_H
#define DC_JSON_SCAN_H

#include <stddef.h>

#include "docclean/plugin.h"

/* One top-level member of a record.  Key and string values are either a
 * span of the line (offset into it) or, when they had escapes, unescaped
 * into dc_jscan.scratch (the *_scratch flag says which). */
typedef struct dc_jmember {
    size_t koff, klen;
    int key_scratch;
    char kind; /* 's' string, 'i' integer, 'r' real, 'l' true/false/null, 'c' object/array */
    size_t voff, vlen;
    int val_scratch;
    size_t moff, mlen; /* the whole member `"key" : value`, a span of the line */
} dc_jmember;

typedef struct dc_jscan {
    dc_jmember *v;
    size_t n, cap;
    dc_buf scratch;
} dc_jscan;

/* 0 = the line is one JSON object and every member is in out; -1 = not
 * handled here (any error or an unusual construct): parse with jansson. */
int dc_jsonl_scan(const char *line, size_t n, dc_jscan *out);
void dc_jscan_free(dc_jscan *s);

/* Length of the longest prefix of s that is valid UTF-8 (RFC 3629: no
 * overlongs, surrogates or code points above U+10FFFF). */
size_t dc_utf8_valid_prefix(const char *s, size_t len);

#endif
