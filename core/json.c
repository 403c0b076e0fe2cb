/*
 * json.c - the JSON hot paths: string escaping for the writers and the stats
 * report, the strict UTF-8 validator, and a fast scanner for well-formed
 * JSONL records (jansson remains the parser of record, see below).
 *
 * Why not jansson for writing: every kept document's whole text goes
 * through here once.  json_dumpb() on a json_stringn measured 25-50 MB/s on
 * 50 MB of Chinese text, this function 700-1000 MB/s (bench/bench_io.sh,
 * "escape (ours)" vs "escape (jansson dumpb)"), with byte-identical output.
 *
 * Output rules: a quoted JSON string; '"' and '\\' escaped, control
 * characters below 0x20 as \b \f \n \r \t or \u00XX; valid UTF-8 copied
 * verbatim (no \u escapes for non-ASCII: output stays readable and small);
 * every byte that is not part of a valid UTF-8 sequence (overlongs,
 * surrogates, > U+10FFFF, truncated sequences) becomes one U+FFFD, so the
 * output is always valid JSON.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "io.h"
#include "json_scan.h"

/* Byte classes: 0 = copy as is, 1 = needs an escape, 2..4 = lead byte of a
 * UTF-8 sequence of that length, 5 = never valid (continuation byte as
 * lead, C0/C1, F5..FF). */
static const unsigned char byte_class[256] = {
    /* 0x00-0x1f: control characters */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x20-0x7f: '"' (0x22) and '\\' (0x5c) need escapes */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x80-0xbf: continuation bytes */
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
    /* 0xc0-0xdf: C0/C1 only start overlongs */
    5, 5, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    /* 0xe0-0xef */
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    /* 0xf0-0xf4 valid, 0xf5-0xff never */
    4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
};

static const char hexdig[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at p (lead byte class cls), or 0 when
 * it is invalid.  Second-byte ranges follow RFC 3629's table, which is what
 * excludes overlongs, surrogates and code points above U+10FFFF. */
static inline __attribute__((always_inline)) size_t utf8_seq_len(const unsigned char *p, size_t avail,
                                                             unsigned cls)
{
    if (cls > 4 || avail < cls) return 0;
    unsigned char c0 = p[0], c1 = p[1];
    unsigned char lo = 0x80, hi = 0xbf;
    if (c0 == 0xe0) lo = 0xa0;
    else if (c0 == 0xed) hi = 0x9f;
    else if (c0 == 0xf0) lo = 0x90;
    else if (c0 == 0xf4) hi = 0x8f;
    if (c1 < lo || c1 > hi) return 0;
    for (unsigned i = 2; i < cls; i++)
        if ((p[i] & 0xc0) != 0x80) return 0;
    return cls;
}

/* Length of the longest prefix of s that is valid UTF-8.  Shared with
 * decode.c; the ASCII fast path checks 8 bytes at a time. */
/* The common case in Chinese text: a 3-byte sequence with lead E1..EC or
 * EE..EF, whose continuation bytes need no range check beyond 80..BF. */
static inline int plain_3byte(const unsigned char *p, size_t avail)
{
    unsigned c = p[0];
    return avail >= 3 && c >= 0xe1 && c <= 0xef && c != 0xed &&
           ((p[1] | (unsigned)p[2] << 8) & 0xc0c0) == 0x8080;
}

size_t dc_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        while (i + 3 <= len && plain_3byte(p + i, 3)) i += 3; /* Chinese text */
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (!(w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        if (i >= len) break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq_len(p + i, len - i, byte_class[p[i]]);
        if (!n) return i;
        i += n;
    }
    return len;
}

/* Append the escape for one byte of class 1. */
static void put_escape(dc_buf *b, unsigned char c)
{
    char e[6] = {'\\', 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"': e[1] = '"'; break;
    case '\\': e[1] = '\\'; break;
    case '\n': e[1] = 'n'; break;
    case '\r': e[1] = 'r'; break;
    case '\t': e[1] = 't'; break;
    case '\b': e[1] = 'b'; break;
    case '\f': e[1] = 'f'; break;
    default:
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hexdig[c >> 4];
        e[5] = hexdig[c & 15];
        n = 6;
    }
    dc_buf_append(b, e, n);
}

void dc_json_escape(dc_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* run: start of the pending verbatim bytes */

    dc_buf_reserve(b, len + 2);
    dc_buf_putc(b, '"');
    while (i < len) {
        /* Fast paths: runs of common 3-byte characters (Chinese text), then
         * 8 plain ASCII bytes with nothing to escape. */
        while (i + 3 <= len && plain_3byte(p + i, 3)) i += 3;
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            /* high bit clear, no byte < 0x20, no '"' or '\\' */
            uint64_t hi = w & 0x8080808080808080ull;
            uint64_t lt20 = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
            uint64_t q = w ^ 0x2222222222222222ull;
            uint64_t isq = (q - 0x0101010101010101ull) & ~q & 0x8080808080808080ull;
            uint64_t bs = w ^ 0x5c5c5c5c5c5c5c5cull;
            uint64_t isbs = (bs - 0x0101010101010101ull) & ~bs & 0x8080808080808080ull;
            if (!(hi | lt20 | isq | isbs)) {
                i += 8;
                continue;
            }
        }
        if (i >= len) break;
        unsigned cls = byte_class[p[i]];
        if (cls == 0) {
            i++;
            continue;
        }
        if (cls >= 2) {
            size_t n = utf8_seq_len(p + i, len - i, cls);
            if (n) {
                i += n;
                continue;
            }
        }
        if (i > run) dc_buf_append(b, p + run, i - run);
        if (cls == 1) put_escape(b, p[i]);
        else dc_buf_append(b, "\xef\xbf\xbd", 3); /* U+FFFD */
        i++;
        run = i;
    }
    if (i > run) dc_buf_append(b, p + run, i - run);
    dc_buf_putc(b, '"');
}

/* ====================================================================== */
/* Fast JSONL record scanner                                                */
/* ====================================================================== */
/*
 * Why this exists: jansson parses about 40-50 MB/s of Chinese JSONL here
 * (bench/bench_io.sh), a quarter of the 200 MB/s a run must reach, because
 * it builds a json_t tree, copies every string and validates byte by byte.
 * reader.c first tries this scanner, which validates the line strictly and
 * reports each top-level member as a span of the line (strings unescaped
 * only when they contain escapes).  Because every field but the text is
 * written back verbatim (the member's raw bytes), nested values need no
 * re-serialisation: whitespace, escapes, reals and integers of any length
 * (beyond int64, which jansson refuses) are copied as they are.  The
 * scanner gives up (returns -1) on any syntax error, lone surrogates,
 * \u0000 in keys, reals that overflow a double, and nesting deeper than
 * JSCAN_MAX_DEPTH; reader.c then parses the line with jansson, which also
 * words the error.  tests/unit/test_reader.c checks that both paths agree
 * on every line jansson accepts.
 */

#define JSCAN_MAX_DEPTH 512 /* jansson allows 2048; deeper goes to jansson */

typedef struct jscanner {
    const unsigned char *p;
    size_t n, i;
    dc_jscan *out;
} jscanner;

static void skip_ws(jscanner *s)
{
    while (s->i < s->n) {
        unsigned char c = s->p[s->i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
        s->i++;
    }
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The code unit of the 4 hex digits at p (defined below). */
static unsigned hex4(const unsigned char *p);

/* s->p[s->i] is '"'.  Validate up to the closing quote; *esc = 1 if there
 * are backslash escapes, 3 if one of them is \u0000.  Surrogate escapes
 * must pair up (jansson rejects lone ones).  [*a, *b) is the raw content. */
static int scan_string(jscanner *s, size_t *a, size_t *b, int *esc)
{
    const unsigned char *p = s->p;
    size_t i = s->i + 1, n = s->n;
    *esc = 0;
    *a = i;
    for (;;) {
        while (i + 3 <= n && plain_3byte(p + i, 3)) i += 3; /* Chinese text */
        while (i + 8 <= n) { /* 8 plain ASCII bytes: no quote, backslash, control */
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t hi = w & 0x8080808080808080ull;
            uint64_t lt20 = (w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull;
            uint64_t q = w ^ 0x2222222222222222ull;
            uint64_t isq = (q - 0x0101010101010101ull) & ~q & 0x8080808080808080ull;
            uint64_t bs = w ^ 0x5c5c5c5c5c5c5c5cull;
            uint64_t isbs = (bs - 0x0101010101010101ull) & ~bs & 0x8080808080808080ull;
            if (hi | lt20 | isq | isbs) break;
            i += 8;
        }
        if (i >= n) return -1;
        unsigned char c = p[i];
        unsigned cls = byte_class[c];
        if (cls == 0) {
            i++;
        } else if (c == '"') {
            *b = i;
            s->i = i + 1;
            return 0;
        } else if (c == '\\') {
            if (i + 1 >= n) return -1;
            unsigned char e = p[i + 1];
            if (e == 'u') {
                if (i + 6 > n) return -1;
                for (int k = 2; k < 6; k++)
                    if (hexval(p[i + k]) < 0) return -1;
                unsigned cp = hex4(p + i + 2);
                i += 6;
                if (cp >= 0xdc00 && cp <= 0xdfff) return -1;
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (i + 6 > n || p[i] != '\\' || p[i + 1] != 'u') return -1;
                    for (int k = 2; k < 6; k++)
                        if (hexval(p[i + k]) < 0) return -1;
                    unsigned lo = hex4(p + i + 2);
                    if (lo < 0xdc00 || lo > 0xdfff) return -1;
                    i += 6;
                }
                if (cp == 0) *esc |= 2;
            } else if (e && strchr("\"\\/bfnrt", e)) {
                i += 2;
            } else {
                return -1;
            }
            *esc |= 1;
        } else if (cls >= 2) {
            size_t k = utf8_seq_len(p + i, n - i, cls);
            if (!k) return -1;
            i += k;
        } else {
            return -1; /* control character or invalid byte */
        }
    }
}

static void put_utf8(dc_buf *b, unsigned cp)
{
    char u[4];
    size_t k;
    if (cp < 0x80) u[0] = (char)cp, k = 1;
    else if (cp < 0x800) u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f)), k = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
        u[2] = (char)(0x80 | (cp & 0x3f)), k = 3;
    else
        u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), k = 4;
    dc_buf_append(b, u, k);
}

static unsigned hex4(const unsigned char *p)
{
    return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

/* Unescape an already validated string body into b.  -1 on a lone
 * surrogate (jansson rejects those) or \u0000 when nul_ok is 0. */
static int unescape(const unsigned char *p, size_t a, size_t z, dc_buf *b, int nul_ok)
{
    size_t i = a, run = a;
    while (i < z) {
        const unsigned char *bs = memchr(p + i, '\\', z - i);
        if (!bs) break;
        i = (size_t)(bs - p);
        dc_buf_append(b, p + run, i - run);
        unsigned char e = p[i + 1];
        i += 2;
        switch (e) {
        case 'b': dc_buf_putc(b, '\b'); break;
        case 'f': dc_buf_putc(b, '\f'); break;
        case 'n': dc_buf_putc(b, '\n'); break;
        case 'r': dc_buf_putc(b, '\r'); break;
        case 't': dc_buf_putc(b, '\t'); break;
        case 'u': {
            unsigned cp = hex4(p + i);
            i += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff) return -1;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (i + 6 > z || p[i] != '\\' || p[i + 1] != 'u') return -1;
                unsigned lo = hex4(p + i + 2);
                if (lo < 0xdc00 || lo > 0xdfff) return -1;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                i += 6;
            }
            if (cp == 0 && !nul_ok) return -1;
            put_utf8(b, cp);
            break;
        }
        default: dc_buf_putc(b, (char)e); break; /* " \ / */
        }
        run = i;
    }
    dc_buf_append(b, p + run, z - run);
    return 0;
}

/* A number; *kind = 'i' (an integer, of any length) or 'r'.  Reals that
 * overflow a double are refused, as jansson does. */
static int scan_number(jscanner *s, char *kind)
{
    const unsigned char *p = s->p;
    size_t i = s->i, n = s->n, start = i;
    if (i < n && p[i] == '-') i++;
    if (i >= n) return -1;
    if (p[i] == '0') i++;
    else if (p[i] >= '1' && p[i] <= '9')
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
    else return -1;
    *kind = 'i';
    if (i < n && p[i] == '.') {
        i++;
        size_t f = i;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
        if (i == f) return -1;
        *kind = 'r';
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        size_t f = i;
        while (i < n && p[i] >= '0' && p[i] <= '9') i++;
        if (i == f) return -1;
        *kind = 'r';
    }
    if (*kind == 'r') { /* a copy: the line has no terminator strtod could rely on */
        char tmp[64], *t = i - start < sizeof tmp ? tmp : dc_xmalloc(i - start + 1);
        memcpy(t, p + start, i - start);
        t[i - start] = '\0';
        int fin = isfinite(strtod(t, NULL));
        if (t != tmp) free(t);
        if (!fin) return -1;
    }
    s->i = i;
    return 0;
}

static int scan_literal(jscanner *s)
{
    static const char *const lits[] = {"true", "false", "null"};
    for (int k = 0; k < 3; k++) {
        size_t l = strlen(lits[k]);
        if (s->n - s->i >= l && !memcmp(s->p + s->i, lits[k], l)) {
            s->i += l;
            return 0;
        }
    }
    return -1;
}

/* A nested value, kept verbatim (it is written back as the bytes it was
 * read as), so any valid JSON is fine: whitespace, escapes, reals,
 * repeated keys.  Only \u0000 in a key is refused, as jansson does. */
static int skip_nested(jscanner *s, int depth)
{
    if (depth > JSCAN_MAX_DEPTH || s->i >= s->n) return -1;
    unsigned char c = s->p[s->i];
    size_t a, b;
    int esc;
    char kind;
    if (c == '"') return scan_string(s, &a, &b, &esc);
    if (c == '-' || (c >= '0' && c <= '9')) return scan_number(s, &kind);
    if (c != '{' && c != '[') return scan_literal(s);
    unsigned char close = c == '{' ? '}' : ']';
    s->i++;
    skip_ws(s);
    if (s->i < s->n && s->p[s->i] == close) {
        s->i++;
        return 0;
    }
    for (;;) {
        if (c == '{') {
            if (s->i >= s->n || s->p[s->i] != '"' || scan_string(s, &a, &b, &esc) || (esc & 2))
                return -1;
            skip_ws(s);
            if (s->i >= s->n || s->p[s->i] != ':') return -1;
            s->i++;
            skip_ws(s);
        }
        if (skip_nested(s, depth + 1)) return -1;
        skip_ws(s);
        if (s->i >= s->n) return -1;
        if (s->p[s->i] == ',') {
            s->i++;
            skip_ws(s);
            continue;
        }
        if (s->p[s->i] != close) return -1;
        s->i++;
        return 0;
    }
}

static dc_jmember *add_member(dc_jscan *o)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->v = dc_xrealloc(o->v, o->cap * sizeof *o->v);
    }
    dc_jmember *m = &o->v[o->n++];
    memset(m, 0, sizeof *m);
    return m;
}

/* Store a string's content: a span of the line, or unescaped in scratch. */
static int store_string(jscanner *s, size_t a, size_t b, int esc, int nul_ok, size_t *off,
                        size_t *len, int *in_scratch)
{
    if (!esc) {
        *off = a, *len = b - a, *in_scratch = 0;
        return 0;
    }
    *off = s->out->scratch.len;
    if (unescape(s->p, a, b, &s->out->scratch, nul_ok)) return -1;
    *len = s->out->scratch.len - *off;
    *in_scratch = 1;
    return 0;
}

int dc_jsonl_scan(const char *line, size_t n, dc_jscan *out)
{
    jscanner s = {(const unsigned char *)line, n, 0, out};
    out->n = 0;
    out->scratch.len = 0;
    skip_ws(&s);
    if (s.i >= n || s.p[s.i] != '{') return -1;
    s.i++;
    skip_ws(&s);
    if (s.i < n && s.p[s.i] == '}') {
        s.i++;
    } else {
        for (;;) {
            size_t a, b;
            int esc;
            size_t m0 = s.i;
            if (s.i >= n || s.p[s.i] != '"' || scan_string(&s, &a, &b, &esc) || (esc & 2)) return -1;
            dc_jmember *m = add_member(out);
            m->moff = m0;
            if (store_string(&s, a, b, esc, 0, &m->koff, &m->klen, &m->key_scratch)) return -1;
            skip_ws(&s);
            if (s.i >= n || s.p[s.i] != ':') return -1;
            s.i++;
            skip_ws(&s);
            if (s.i >= n) return -1;
            unsigned char c = s.p[s.i];
            size_t v0 = s.i;
            if (c == '"') {
                if (scan_string(&s, &a, &b, &esc)) return -1;
                m->kind = 's';
                if (store_string(&s, a, b, esc, 1, &m->voff, &m->vlen, &m->val_scratch)) return -1;
            } else {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    if (scan_number(&s, &m->kind)) return -1;
                } else if (c == '{' || c == '[') {
                    if (skip_nested(&s, 1)) return -1;
                    m->kind = 'c';
                } else {
                    if (scan_literal(&s)) return -1;
                    m->kind = 'l';
                }
                m->voff = v0;
                m->vlen = s.i - v0;
            }
            m->mlen = s.i - m0;
            skip_ws(&s);
            if (s.i >= n) return -1;
            if (s.p[s.i] == ',') {
                s.i++;
                skip_ws(&s);
                continue;
            }
            if (s.p[s.i] != '}') return -1;
            s.i++;
            break;
        }
    }
    skip_ws(&s);
    return s.i == n ? 0 : -1;
}

void dc_jscan_free(dc_jscan *s)
{
    free(s->v);
    dc_buf_free(&s->scratch);
    memset(s, 0, sizeof *s);
}
