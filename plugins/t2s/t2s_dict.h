/*
 * t2s_dict.h - OpenCC dictionaries and dictionary groups for the t2s plugin.
 *
 * A *lexicon* is one parsed OpenCC text dictionary (`key<TAB>value[ value]`),
 * of which only the first value is used.  A *group* is OpenCC's
 * short-circuit DictGroup compiled for speed: at a text position the first
 * dictionary of the group that has any key matching there wins, with its
 * longest key.
 *
 * A compiled group is
 *   - a direct-indexed two-level table over code points (one cell per code
 *     point: the single-character value, which dictionary it came from, and a
 *     flag saying whether some longer key starts with this character), so the
 *     common case costs one decode and two loads;
 *   - a trie of the multi-character keys, whose child links live in one
 *     open-addressed hash table keyed by (parent node, code point).  Depth-1
 *     nodes are named by their code point, deeper nodes by ids from
 *     T2S_NODE_BASE, so the first step needs no lookup.
 */
#ifndef T2S_DICT_H
#define T2S_DICT_H

#include <stddef.h>
#include <stdint.h>

#define T2S_NO_DICT 255u          /* "no dictionary matched" in a cell/node  */
#define T2S_NODE_BASE 0x110000u   /* first id of a trie node deeper than 1   */
#define T2S_NO_NODE 0xFFFFFFFFu

/* cell flags */
#define T2S_HAS_VALUE 1u    /* output `value` for this code point           */
#define T2S_HAS_CHILDREN 2u /* a longer key starts with this code point     */
#define T2S_TRAD 4u         /* traditional-only character (see t2s_lex)      */
#define T2S_DIFF 8u         /* the value differs from the character itself   */
#define T2S_IDS 16u         /* ideographic description operator (U+2FF0..)  */
#define T2S_MATCH_MASK (T2S_HAS_VALUE | T2S_HAS_CHILDREN)

/* The dictionaries compiled into the plugin (build/gen/t2s_tables.c). */
struct t2s_builtin_dict {
    const char *name;
    const char *text;
    size_t len;
};
extern const struct t2s_builtin_dict t2s_builtin_dicts[];

/* ---- lexicons ---- */

typedef struct t2s_entry {
    const char *key, *val; /* point into the lexicon's text copy          */
    uint32_t klen, vlen;   /* bytes; val is the first listed value         */
    uint8_t trad_only;     /* first value differs from the key and the key
                              is not among its own values: a character only
                              traditional text uses (乾 lists itself, 後 not) */
} t2s_entry;

typedef struct t2s_lex {
    t2s_entry *e;
    size_t n, cap;
    char *text; /* owned copy the entries point into */
} t2s_lex;

/* Parse OpenCC text-dictionary bytes.  `name` is used in error messages.
 * Comment ('#') and blank lines are skipped, a trailing CR is ignored.
 * Duplicate keys: the first one is kept.  Returns 0 or -1 with err set. */
int t2s_lex_parse(t2s_lex *lx, const char *text, size_t len, const char *name,
                  char *err, size_t errlen);
/* Read and parse a file.  Returns 0, 1 if the file does not exist, -1 on
 * error (err set). */
int t2s_lex_load_file(t2s_lex *lx, const char *path, char *err, size_t errlen);
/* The built-in dictionary `name`: 0, or -1 if there is none. */
int t2s_lex_builtin(t2s_lex *lx, const char *name, char *err, size_t errlen);
void t2s_lex_free(t2s_lex *lx);

/* ---- compiled groups ---- */

typedef struct t2s_cell {
    uint8_t v[4];  /* the value itself when vlen <= 4 (zero padded), so
                      the hot path stores 4 bytes instead of a memcpy   */
    uint32_t off;  /* value offset in the group's pool                  */
    uint8_t vlen;  /* value bytes                                        */
    uint8_t dict;  /* index in the group of the dict giving the value    */
    uint8_t flags; /* T2S_*                                              */
    uint8_t pad;
    uint32_t node; /* trie node of this character (= the code point, or,
                      when normalization is composed in, the normalized
                      one; in a normalization group: the mapped code point) */
} t2s_cell;

typedef struct t2s_node {
    uint32_t off, vlen; /* value of the key ending here           */
    uint8_t dict;       /* T2S_NO_DICT: no key ends here           */
} t2s_node;

typedef struct t2s_link {
    uint32_t parent, cp, child; /* child == 0: empty slot */
} t2s_link;

typedef struct t2s_group {
    uint16_t *top;      /* 0x1100 entries: block index per 256 code points */
    t2s_cell *blocks;   /* nblocks * 256; block 0 is all empty            */
    size_t nblocks, blocks_cap;
    t2s_node *nodes;    /* deep trie nodes, id - T2S_NODE_BASE             */
    size_t nnodes, nodes_cap;
    t2s_link *links;    /* open addressing, size mask+1                    */
    size_t mask, nlinks;
    char *pool;         /* values                                          */
    size_t pool_len, pool_cap;
    int ascii_plain;    /* no key starts with an ASCII byte                */
    int has_multi;      /* some key is longer than one character           */
    const struct t2s_group *norm; /* composed normalization (not owned)    */
} t2s_group;

/* Build a short-circuit group from lexicons in priority order.  `trad_from`
 * is the lexicon whose trad_only marks become T2S_TRAD flags (or NULL).
 * Returns 0 or -1 with err set. */
int t2s_group_build(t2s_group *g, const t2s_lex *const *lex, size_t nlex,
                    const t2s_lex *trad_from, char *err, size_t errlen);
void t2s_group_free(t2s_group *g);

/* OpenCC 1.4: where nothing matches and an ideographic description sequence
 * starts (⿰氵青), the whole sequence is copied unconverted.  Marks the
 * description operators U+2FF0..U+2FFF of g.  Returns 0 or -1 (no memory). */
int t2s_group_mark_ids(t2s_group *g);
/* Length of the complete ideographic description sequence at p, or 0. */
size_t t2s_ids_len(const uint8_t *p, const uint8_t *e);

/* Normalization groups map single characters to single characters (CJK
 * compatibility ideographs).  Returns 1 if `norm` is one (then it can be
 * composed into another group), 0 if not. */
int t2s_group_is_simple_map(const t2s_group *norm);
/* Make g behave as "normalize with `norm`, then apply g" in one pass.
 * `norm` must be a simple map and must outlive g.  Returns 0 or -1. */
int t2s_group_compose_norm(t2s_group *g, const t2s_group *norm, char *err,
                           size_t errlen);

/* ---- text ---- */

/* A growable output buffer (the plugin hands it to the host at the end). */
typedef struct t2s_out {
    char *data;
    size_t len, cap;
} t2s_out;

void t2s_out_reserve(t2s_out *o, size_t extra);
void t2s_out_free(t2s_out *o);

static inline void t2s_out_append(t2s_out *o, const void *p, size_t n)
{
    if (o->cap - o->len < n) t2s_out_reserve(o, n);
    if (n) __builtin_memcpy(o->data + o->len, p, n);
    o->len += n;
}

/* Strict UTF-8 decode of one character at p (p < e).  Returns its length,
 * or 0 if the bytes there are not a well-formed character (overlong forms,
 * surrogates, truncated sequences, stray continuation bytes): the caller
 * then treats one byte as an opaque unit.  Never reads at or past e. */
static inline size_t t2s_u8_decode(const uint8_t *p, const uint8_t *e, uint32_t *cp)
{
    uint32_t b = p[0], c;
    size_t avail = (size_t)(e - p);
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b < 0xC2) return 0;
    if (b < 0xE0) {
        if (avail < 2 || (p[1] & 0xC0) != 0x80) return 0;
        *cp = ((b & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (b < 0xF0) {
        if (avail < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        c = ((b & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF)) return 0;
        *cp = c;
        return 3;
    }
    if (b < 0xF5) {
        if (avail < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        c = ((b & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
            ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        if (c < 0x10000 || c > 0x10FFFF) return 0;
        *cp = c;
        return 4;
    }
    return 0;
}

static inline const t2s_cell *t2s_cell_of(const t2s_group *g, uint32_t cp)
{
    return &g->blocks[((size_t)g->top[cp >> 8] << 8) | (cp & 0xFF)];
}

/* Longest match of group g at p, whose first character (length l) has cell
 * c.  Returns the bytes matched (0: nothing matched, copy the character)
 * and the value to output in *val and *vlen. */
size_t t2s_group_match(const t2s_group *g, const uint8_t *p, const uint8_t *e,
                       const t2s_cell *c, size_t l, const char **val, size_t *vlen);

/* Convert s[0..n) with one group (left to right, longest match), appending
 * to out.  Invalid UTF-8 bytes are copied unchanged.  Returns the number of
 * characters changed (as t2s_count_changed would count them). */
size_t t2s_group_convert(const t2s_group *g, const uint8_t *s, size_t n, t2s_out *out);

/* Code points that differ between a and b, aligned character by character
 * (invalid bytes count as one unit each; a length difference counts the
 * surplus units). */
size_t t2s_count_changed(const uint8_t *a, size_t an, const uint8_t *b, size_t bn);

#endif
