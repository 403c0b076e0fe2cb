/*
 * t2s_dict.c - compile parsed OpenCC dictionaries (t2s_lex.c) into the fast
 * group tables described in t2s_dict.h; the group matcher and converter.
 */
#include "t2s_dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOP_SIZE (0x110000u >> 8)

/* ------------------------------------------------------------------ */
/* Output buffer                                                       */
/* ------------------------------------------------------------------ */

void t2s_out_reserve(t2s_out *o, size_t extra)
{
    if (o->cap - o->len >= extra) return;
    size_t cap = o->cap ? o->cap : 256;
    while (cap - o->len < extra) cap *= 2;
    char *d = realloc(o->data, cap);
    if (!d) abort(); /* out of memory: nothing sensible to do mid-document */
    o->data = d;
    o->cap = cap;
}

void t2s_out_free(t2s_out *o)
{
    free(o->data);
    o->data = NULL;
    o->len = o->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Counting changes                                                    */
/* ------------------------------------------------------------------ */

/* One unit at p: a character, or one invalid byte. */
static inline size_t unit_len(const uint8_t *p, const uint8_t *e)
{
    uint32_t cp;
    size_t l = t2s_u8_decode(p, e, &cp);
    return l ? l : 1;
}

size_t t2s_count_changed(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    const uint8_t *pa = a, *ea = a + an, *pb = b, *eb = b + bn;
    size_t changed = 0;
    while (pa < ea && pb < eb) {
        /* Skip the byte-identical stretch, then step back to the start of
         * the character the difference falls in (equal bytes before it, so
         * the same step back is right for both texts). */
        size_t lim = (size_t)(ea - pa) < (size_t)(eb - pb) ? (size_t)(ea - pa) : (size_t)(eb - pb);
        size_t k = 0;
        while (k < lim && pa[k] == pb[k]) k++;
        if (pa + k == ea && pb + k == eb) return changed;
        const uint8_t *ref = pa + k < ea ? pa : pb;
        size_t back = 0;
        while (back < 3 && back < k && (ref[k - back] & 0xC0) == 0x80) back++;
        pa += k - back;
        pb += k - back;
        if (pa == ea || pb == eb) break;
        size_t la = unit_len(pa, ea), lb = unit_len(pb, eb);
        if (la != lb || memcmp(pa, pb, la) != 0) changed++;
        pa += la;
        pb += lb;
    }
    /* surplus units on either side */
    while (pa < ea) {
        pa += unit_len(pa, ea);
        changed++;
    }
    while (pb < eb) {
        pb += unit_len(pb, eb);
        changed++;
    }
    return changed;
}

/* ------------------------------------------------------------------ */
/* Group construction                                                  */
/* ------------------------------------------------------------------ */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* The cell of cp, allocating its block on first write. */
static t2s_cell *cell_for_write(t2s_group *g, uint32_t cp)
{
    uint32_t hi = cp >> 8;
    if (g->top[hi] == 0) {
        if (g->nblocks >= 0xFFFF) return NULL;
        if (grow((void **)&g->blocks, &g->blocks_cap, (g->nblocks + 1) * 256, sizeof(t2s_cell)) < 0)
            return NULL;
        t2s_cell *b = g->blocks + g->nblocks * 256;
        for (uint32_t i = 0; i < 256; i++)
            b[i] = (t2s_cell){.dict = T2S_NO_DICT, .node = (hi << 8) | i};
        g->top[hi] = (uint16_t)g->nblocks++;
    }
    return &g->blocks[((size_t)g->top[hi] << 8) | (cp & 0xFF)];
}

static int pool_add(t2s_group *g, const char *v, size_t n, uint32_t *off)
{
    if (g->pool_len + n > 0xFFFFFFFFu) return -1;
    if (grow((void **)&g->pool, &g->pool_cap, g->pool_len + n, 1) < 0) return -1;
    memcpy(g->pool + g->pool_len, v, n);
    *off = (uint32_t)g->pool_len;
    g->pool_len += n;
    return 0;
}

static inline size_t link_hash(const t2s_group *g, uint32_t parent, uint32_t cp)
{
    uint64_t h = ((uint64_t)parent << 21 | cp) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & g->mask;
}

static inline uint32_t trie_child(const t2s_group *g, uint32_t parent, uint32_t cp)
{
    for (size_t i = link_hash(g, parent, cp);; i = (i + 1) & g->mask) {
        const t2s_link *l = &g->links[i];
        if (l->child == 0) return T2S_NO_NODE;
        if (l->parent == parent && l->cp == cp) return l->child;
    }
}

static int links_rehash(t2s_group *g, size_t size)
{
    t2s_link *old = g->links;
    size_t oldsize = old ? g->mask + 1 : 0;
    g->links = calloc(size, sizeof *g->links);
    if (!g->links) {
        g->links = old;
        return -1;
    }
    g->mask = size - 1;
    for (size_t i = 0; i < oldsize; i++) {
        if (!old[i].child) continue;
        size_t j = link_hash(g, old[i].parent, old[i].cp);
        while (g->links[j].child) j = (j + 1) & g->mask;
        g->links[j] = old[i];
    }
    free(old);
    return 0;
}

/* The child of parent by cp, created if missing. */
static uint32_t trie_child_add(t2s_group *g, uint32_t parent, uint32_t cp)
{
    uint32_t c = trie_child(g, parent, cp);
    if (c != T2S_NO_NODE) return c;
    if ((g->nlinks + 1) * 2 > g->mask + 1 && links_rehash(g, (g->mask + 1) * 2) < 0)
        return T2S_NO_NODE;
    if (grow((void **)&g->nodes, &g->nodes_cap, g->nnodes + 1, sizeof *g->nodes) < 0)
        return T2S_NO_NODE;
    c = T2S_NODE_BASE + (uint32_t)g->nnodes;
    g->nodes[g->nnodes++] = (t2s_node){.dict = T2S_NO_DICT};
    size_t i = link_hash(g, parent, cp);
    while (g->links[i].child) i = (i + 1) & g->mask;
    g->links[i] = (t2s_link){parent, cp, c};
    g->nlinks++;
    return c;
}

static int add_entry(t2s_group *g, const t2s_entry *en, uint8_t dict, int trad,
                     char *err, size_t errlen)
{
    const uint8_t *p = (const uint8_t *)en->key, *e = p + en->klen;
    uint32_t cp = 0;
    size_t l = t2s_u8_decode(p, e, &cp);
    t2s_cell *c = cell_for_write(g, cp);
    if (!c) goto oom;
    p += l;
    if (p == e) { /* single character */
        if (trad && en->trad_only) c->flags |= T2S_TRAD;
        if (c->flags & T2S_HAS_VALUE) return 0; /* an earlier dict/entry wins */
        if (en->vlen > 255) {
            snprintf(err, errlen, "value of a one-character key longer than 255 bytes");
            return -1;
        }
        if (pool_add(g, en->val, en->vlen, &c->off) < 0) goto oom;
        c->vlen = (uint8_t)en->vlen;
        c->dict = dict;
        c->flags |= T2S_HAS_VALUE;
        return 0;
    }
    c->flags |= T2S_HAS_CHILDREN;
    g->has_multi = 1;
    uint32_t node = cp;
    while (p < e) {
        l = t2s_u8_decode(p, e, &cp);
        p += l;
        node = trie_child_add(g, node, cp);
        if (node == T2S_NO_NODE) goto oom;
    }
    t2s_node *nd = &g->nodes[node - T2S_NODE_BASE];
    if (nd->dict != T2S_NO_DICT) return 0;
    if (pool_add(g, en->val, en->vlen, &nd->off) < 0) goto oom;
    nd->vlen = en->vlen;
    nd->dict = dict;
    return 0;
oom:
    snprintf(err, errlen, "out of memory building tables");
    return -1;
}

/* Encode cp as UTF-8 into b (4 bytes room); returns the length. */
static size_t u8_encode(uint32_t cp, uint8_t *b)
{
    if (cp < 0x80) return b[0] = (uint8_t)cp, 1;
    if (cp < 0x800) return b[0] = (uint8_t)(0xC0 | cp >> 6), b[1] = (uint8_t)(0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (uint8_t)(0xF0 | cp >> 18);
    b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* Fill the derived cell fields the hot loop reads: the inline value and
 * whether the value differs from the character. */
static void group_finalize(t2s_group *g)
{
    g->ascii_plain = 1;
    for (uint32_t hi = 0; hi < TOP_SIZE; hi++) {
        if (!g->top[hi]) continue;
        for (uint32_t lo = 0; lo < 256; lo++) {
            uint32_t cp = hi << 8 | lo;
            t2s_cell *c = &g->blocks[((size_t)g->top[hi] << 8) | lo];
            c->flags &= (uint8_t)~T2S_DIFF;
            memset(c->v, 0, sizeof c->v);
            if (cp < 0x80 && (c->flags & T2S_MATCH_MASK)) g->ascii_plain = 0;
            if (!(c->flags & T2S_HAS_VALUE)) continue;
            if (c->vlen <= 4) memcpy(c->v, g->pool + c->off, c->vlen);
            uint8_t k[4];
            size_t kl = u8_encode(cp, k);
            if (kl != c->vlen || memcmp(k, g->pool + c->off, kl) != 0) c->flags |= T2S_DIFF;
        }
    }
}

int t2s_group_build(t2s_group *g, const t2s_lex *const *lex, size_t nlex,
                    const t2s_lex *trad_from, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->top = calloc(TOP_SIZE, sizeof *g->top);
    g->blocks = calloc(256, sizeof *g->blocks); /* block 0: all empty */
    g->blocks_cap = 256;
    g->nblocks = 1;
    if (!g->top || !g->blocks || links_rehash(g, 64) < 0) goto oom;
    for (uint32_t i = 0; i < 256; i++) g->blocks[i] = (t2s_cell){.dict = T2S_NO_DICT};
    if (nlex >= T2S_NO_DICT) {
        snprintf(err, errlen, "too many dictionaries in a group");
        goto fail;
    }
    for (size_t d = 0; d < nlex; d++)
        for (size_t i = 0; i < lex[d]->n; i++)
            if (add_entry(g, &lex[d]->e[i], (uint8_t)d, lex[d] == trad_from, err, errlen) < 0)
                goto fail;
    group_finalize(g);
    /* Cells of allocated blocks name their own code point as trie node;
     * block 0 is shared, so its `node` is meaningless, but it has no flags
     * and is never used as a trie root. */
    return 0;
oom:
    snprintf(err, errlen, "out of memory building tables");
fail:
    t2s_group_free(g);
    return -1;
}

void t2s_group_free(t2s_group *g)
{
    free(g->top);
    free(g->blocks);
    free(g->nodes);
    free(g->links);
    free(g->pool);
    memset(g, 0, sizeof *g);
}

int t2s_group_mark_ids(t2s_group *g)
{
    for (uint32_t cp = 0x2FF0; cp <= 0x2FFF; cp++) {
        t2s_cell *c = cell_for_write(g, cp);
        if (!c) return -1;
        c->flags |= T2S_IDS;
    }
    return 0;
}

/* Operands each description operator takes (0: not an operator). */
static size_t ids_arity(uint32_t cp)
{
    if (cp == 0x2FF2 || cp == 0x2FF3) return 3;
    if (cp == 0x2FFE || cp == 0x2FFF) return 1;
    if (cp >= 0x2FF0 && cp <= 0x2FFD) return 2;
    return 0;
}

enum { IDS_COMPLETE, IDS_INCOMPLETE, IDS_INVALID };

/* OpenCC's ConsumeIdeographicDescriptionSequence: depth and size limited. */
static int ids_consume(const uint8_t *p, const uint8_t *e, size_t depth, size_t *cps,
                       size_t *consumed)
{
    if (p >= e) return IDS_INCOMPLETE;
    if (depth == 0 || *cps >= 64) return IDS_INVALID;
    uint32_t cp;
    size_t l = t2s_u8_decode(p, e, &cp);
    if (!l) return IDS_INVALID;
    ++*cps;
    size_t arity = ids_arity(cp), off = l;
    for (size_t i = 0; i < arity; i++) {
        size_t sub = 0;
        int st = ids_consume(p + off, e, depth - 1, cps, &sub);
        if (st != IDS_COMPLETE) return st;
        off += sub;
    }
    *consumed = off;
    return IDS_COMPLETE;
}

size_t t2s_ids_len(const uint8_t *p, const uint8_t *e)
{
    uint32_t cp;
    size_t l = t2s_u8_decode(p, e, &cp), cps = 0, n = 0;
    if (!l || !ids_arity(cp)) return 0;
    return ids_consume(p, e, 16, &cps, &n) == IDS_COMPLETE ? n : 0;
}

int t2s_group_is_simple_map(const t2s_group *norm)
{
    if (norm->has_multi) return 0;
    for (size_t b = 1; b < norm->nblocks; b++)
        for (size_t i = 0; i < 256; i++) {
            const t2s_cell *c = &norm->blocks[b * 256 + i];
            if (!(c->flags & T2S_HAS_VALUE)) continue;
            const uint8_t *v = (const uint8_t *)norm->pool + c->off;
            uint32_t cp;
            if (t2s_u8_decode(v, v + c->vlen, &cp) != c->vlen) return 0;
        }
    return 1;
}

/* In a simple normalization group, cell.node is the code point it maps to. */
static void norm_set_targets(t2s_group *norm)
{
    for (size_t b = 1; b < norm->nblocks; b++)
        for (size_t i = 0; i < 256; i++) {
            t2s_cell *c = &norm->blocks[b * 256 + i];
            if (!(c->flags & T2S_HAS_VALUE)) continue;
            const uint8_t *v = (const uint8_t *)norm->pool + c->off;
            uint32_t cp = 0;
            t2s_u8_decode(v, v + c->vlen, &cp);
            c->node = cp;
        }
}

int t2s_group_compose_norm(t2s_group *g, const t2s_group *norm, char *err, size_t errlen)
{
    if (!t2s_group_is_simple_map(norm)) {
        snprintf(err, errlen, "normalization table is not a character-to-character map");
        return -1;
    }
    norm_set_targets((t2s_group *)norm);
    /* Walk top[] so each cell's code point is known.  Targets are read
     * before any cell is rewritten, so normalization applies exactly once. */
    size_t nmap = 0, capmap = 0;
    struct { uint32_t cp; t2s_cell target; } *map = NULL;
    for (uint32_t hi = 0; hi < TOP_SIZE; hi++) {
        if (!norm->top[hi]) continue;
        for (uint32_t lo = 0; lo < 256; lo++) {
            uint32_t cp = hi << 8 | lo;
            const t2s_cell *nc = t2s_cell_of(norm, cp);
            if (!(nc->flags & T2S_HAS_VALUE) || nc->node == cp) continue;
            if (grow((void **)&map, &capmap, nmap + 1, sizeof *map) < 0) goto oom;
            map[nmap].cp = cp;
            map[nmap++].target = *t2s_cell_of(g, nc->node);
        }
    }
    for (size_t k = 0; k < nmap; k++) {
        const t2s_cell *nc = t2s_cell_of(norm, map[k].cp);
        t2s_cell *c = cell_for_write(g, map[k].cp);
        if (!c) goto oom;
        *c = map[k].target;
        if (!(c->flags & T2S_HAS_VALUE)) { /* not converted further: output
                                              the normalized character */
            if (pool_add(g, norm->pool + nc->off, nc->vlen, &c->off) < 0) goto oom;
            c->vlen = nc->vlen;
            c->dict = T2S_NO_DICT;
            c->flags |= T2S_HAS_VALUE;
        }
        c->node = nc->node; /* the trie root is the normalized character */
    }
    free(map);
    g->norm = norm;
    group_finalize(g);
    return 0;
oom:
    free(map);
    snprintf(err, errlen, "out of memory building tables");
    return -1;
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

size_t t2s_group_match(const t2s_group *g, const uint8_t *p, const uint8_t *e,
                       const t2s_cell *c, size_t l, const char **val, size_t *vlen)
{
    size_t best = 0;
    unsigned bd = T2S_NO_DICT;
    if (c->flags & T2S_HAS_VALUE) {
        best = l;
        bd = c->dict;
        *val = g->pool + c->off;
        *vlen = c->vlen;
    }
    if (!(c->flags & T2S_HAS_CHILDREN)) return best;
    uint32_t node = c->node;
    const uint8_t *q = p + l;
    while (q < e) {
        uint32_t cp;
        size_t cl = t2s_u8_decode(q, e, &cp);
        if (!cl) break;
        if (g->norm) { /* compare normalized characters */
            const t2s_cell *nc = t2s_cell_of(g->norm, cp);
            if (nc->flags & T2S_HAS_VALUE) cp = nc->node;
        }
        uint32_t child = trie_child(g, node, cp);
        if (child == T2S_NO_NODE) break;
        q += cl;
        node = child;
        const t2s_node *nd = &g->nodes[child - T2S_NODE_BASE];
        /* A longer key wins unless an earlier dictionary already matched:
         * OpenCC asks the dictionaries in order and the first one with any
         * match gives its longest key. */
        if (nd->dict != T2S_NO_DICT && nd->dict <= bd) {
            best = (size_t)(q - p);
            bd = nd->dict;
            *val = g->pool + nd->off;
            *vlen = nd->vlen;
        }
    }
    return best;
}

/* The slow path of t2s_group_convert: a key longer than one character may
 * start here.  Appends the result, returns bytes consumed (>= 1). */
static size_t convert_at(const t2s_group *g, const uint8_t *p, const uint8_t *e,
                         const t2s_cell *c, size_t l, t2s_out *out, size_t *changed)
{
    const char *v;
    size_t vl, m = 0;
    if (c->flags & T2S_MATCH_MASK) m = t2s_group_match(g, p, e, c, l, &v, &vl);
    if (!m) {
        if (c->flags & T2S_IDS) {
            size_t n = t2s_ids_len(p, e);
            if (n) l = n;
        }
        t2s_out_append(out, p, l);
        return l;
    }
    t2s_out_append(out, v, vl);
    if (m == l && (c->flags & T2S_HAS_VALUE) && v == g->pool + c->off)
        *changed += (c->flags & T2S_DIFF) != 0; /* the character's own value */
    else
        *changed += t2s_count_changed(p, m, (const uint8_t *)v, vl);
    return m;
}

size_t t2s_group_convert(const t2s_group *g, const uint8_t *s, size_t n, t2s_out *out)
{
    const uint8_t *p = s, *e = s + n;
    const int ascii_plain = g->ascii_plain;
    size_t changed = 0;
    /* Room for the text as is plus slack for fixed 4- and 8-byte stores;
     * `lim` is where the slack runs out and the buffer must grow. */
    t2s_out_reserve(out, n + n / 16 + 64);
    char *o = out->data + out->len;
    char *lim = out->data + out->cap - 16;
    while (p < e) {
        if (o > lim) {
            out->len = (size_t)(o - out->data);
            t2s_out_reserve(out, (size_t)(e - p) + 64);
            o = out->data + out->len;
            lim = out->data + out->cap - 16;
        }
        uint32_t b = *p;
        if (b < 0x80 && ascii_plain) {
            /* ASCII: eight bytes at a time while they are all ASCII */
            uint64_t w;
            if (e - p >= 8) {
                memcpy(&w, p, 8);
                if (!(w & 0x8080808080808080ull)) {
                    memcpy(o, &w, 8);
                    o += 8;
                    p += 8;
                    continue;
                }
            }
            *o++ = (char)b;
            p++;
            continue;
        }
        uint32_t cp;
        size_t l = t2s_u8_decode(p, e, &cp);
        if (!l) { /* invalid byte: copied unchanged */
            *o++ = (char)b;
            p++;
            continue;
        }
        const t2s_cell *c = t2s_cell_of(g, cp);
        unsigned f = c->flags;
        if (!(f & (T2S_MATCH_MASK | T2S_IDS))) { /* unchanged character */
            if (e - p >= 4) memcpy(o, p, 4);
            else memcpy(o, p, l);
            o += l;
            p += l;
        } else if (!(f & (T2S_HAS_CHILDREN | T2S_IDS)) && c->vlen <= 4) { /* one character */
            memcpy(o, c->v, 4);
            o += c->vlen;
            p += l;
            changed += (f & T2S_DIFF) != 0;
        } else {
            out->len = (size_t)(o - out->data);
            p += convert_at(g, p, e, c, l, out, &changed);
            o = out->data + out->len;
            lim = out->data + out->cap - 16;
        }
    }
    out->len = (size_t)(o - out->data);
    return changed;
}
