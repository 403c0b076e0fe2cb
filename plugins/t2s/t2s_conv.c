/*
 * t2s_conv.c - assemble an OpenCC config from dictionary groups and run it
 * over a text (normalization, segmentation, conversion chain).
 */
#include "t2s_conv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

enum { LX_PHRASES, LX_CHARS, LX_EXT, LX_COMPAT, LX_VPHRASES, LX_VCHARS, LX_N };

/* Load dictionary `name` from dict_dir or the built-in set.  Returns 0,
 * 1 when it is optional and absent from dict_dir, -1 on error. */
static int load_lex(t2s_lex *lx, const t2s_conv_opts *o, const char *name, int required,
                    char *err, size_t errlen)
{
    if (!o->dict_dir) return t2s_lex_builtin(lx, name, err, errlen);
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s.txt", o->dict_dir, name) >= (int)sizeof path) {
        snprintf(err, errlen, "dict_dir path too long");
        return -1;
    }
    int rc = t2s_lex_load_file(lx, path, err, errlen);
    if (rc == 1 && required) {
        snprintf(err, errlen, "dict_dir: %s is missing", path);
        return -1;
    }
    return rc;
}

static void what_add(t2s_conv *c, const char *s)
{
    size_t n = strlen(c->what);
    snprintf(c->what + n, sizeof c->what - n, "%s%s", n ? " " : "", s);
}

int t2s_conv_init(t2s_conv *c, const t2s_conv_opts *o, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    t2s_lex lx[LX_N];
    int have[LX_N] = {0};
    memset(lx, 0, sizeof lx);
    const char *vname[2] = {"TWVariantsRevPhrases", "TWVariantsRev"};
    if (o->config == T2S_CONFIG_HK2S) {
        vname[0] = "HKVariantsRevPhrases";
        vname[1] = "HKVariantsRev";
    }
    struct {
        int id;
        const char *name;
        int required, wanted;
    } want[] = {
        {LX_PHRASES, "TSPhrases", 1, 1},
        {LX_CHARS, "TSCharacters", 1, 1},
        {LX_EXT, "TSCharactersExt", 0, o->ext_chars},
        {LX_COMPAT, "CJK_Compatibility_Ideographs", 0, o->normalize},
        {LX_VPHRASES, vname[0], 1, o->config != T2S_CONFIG_T2S},
        {LX_VCHARS, vname[1], 1, o->config != T2S_CONFIG_T2S},
    };
    int rc = -1;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!want[i].wanted) continue;
        int r = load_lex(&lx[want[i].id], o, want[i].name, want[i].required, err, errlen);
        if (r < 0) goto out;
        have[want[i].id] = (r == 0);
        if (have[want[i].id]) what_add(c, want[i].name);
    }

    if (have[LX_COMPAT]) {
        const t2s_lex *l = &lx[LX_COMPAT];
        if (t2s_group_build(&c->norm, &l, 1, NULL, err, errlen) < 0) goto out;
        c->has_norm = 1;
    }
    /* The t2s group: TSPhrases, [TSCharactersExt], TSCharacters. */
    const t2s_lex *ts[3];
    size_t nts = 0;
    ts[nts++] = &lx[LX_PHRASES];
    if (have[LX_EXT]) ts[nts++] = &lx[LX_EXT];
    ts[nts++] = &lx[LX_CHARS];

    if (o->config == T2S_CONFIG_T2S) {
        if (t2s_group_build(&c->stages[0], ts, nts, &lx[LX_CHARS], err, errlen) < 0) goto out;
        c->nstages = 1;
        if (c->has_norm && !o->no_compose && t2s_group_is_simple_map(&c->norm)) {
            if (t2s_group_compose_norm(&c->stages[0], &c->norm, err, errlen) < 0) goto out;
            c->norm_composed = 1;
        }
    } else {
        const t2s_lex *seg = &lx[LX_PHRASES];
        if (t2s_group_build(&c->seg, &seg, 1, NULL, err, errlen) < 0) goto out;
        c->has_seg = 1;
        const t2s_lex *var[2] = {&lx[LX_VPHRASES], &lx[LX_VCHARS]};
        if (t2s_group_build(&c->stages[0], var, 2, NULL, err, errlen) < 0) goto out;
        c->nstages = 1;
        if (t2s_group_build(&c->stages[1], ts, nts, &lx[LX_CHARS], err, errlen) < 0) goto out;
        c->nstages = 2;
        /* Segment the original text comparing normalized characters, and
         * let the first stage normalize as it converts: one pass less. */
        if (c->has_norm && !o->no_compose && t2s_group_is_simple_map(&c->norm)) {
            if (t2s_group_compose_norm(&c->stages[0], &c->norm, err, errlen) < 0) goto out;
            c->seg.norm = &c->norm;
            c->norm_composed = 1;
        }
    }
    if (o->ids) {
        t2s_group *all[] = {&c->norm, &c->seg, &c->stages[0], &c->stages[1]};
        for (size_t i = 0; i < 4; i++)
            if (all[i]->top && t2s_group_mark_ids(all[i]) < 0) {
                snprintf(err, errlen, "out of memory building tables");
                goto out;
            }
    }
    rc = 0;
out:
    for (int i = 0; i < LX_N; i++) t2s_lex_free(&lx[i]);
    if (rc < 0) t2s_conv_free(c);
    return rc;
}

void t2s_conv_free(t2s_conv *c)
{
    if (c->has_norm) t2s_group_free(&c->norm);
    if (c->has_seg) t2s_group_free(&c->seg);
    for (int i = 0; i < 2; i++)
        if (c->stages[i].top) t2s_group_free(&c->stages[i]);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

/* Run the conversion chain over one segment. tmp: scratch buffers. */
static void convert_segment(const t2s_conv *c, const uint8_t *s, size_t n, t2s_out *out,
                            t2s_out tmp[2])
{
    const uint8_t *cur = s;
    size_t curn = n;
    for (int i = 0; i < c->nstages; i++) {
        if (i == c->nstages - 1) {
            t2s_group_convert(&c->stages[i], cur, curn, out);
        } else {
            t2s_out *t = &tmp[i & 1];
            t->len = 0;
            t2s_group_convert(&c->stages[i], cur, curn, t);
            cur = (const uint8_t *)t->data;
            curn = t->len;
        }
    }
}

/* OpenCC's MaxMatchSegmentation followed by the chain on each segment. */
static void run_segmented(const t2s_conv *c, const uint8_t *s, size_t n, t2s_out *out)
{
    t2s_out tmp[2] = {{0}, {0}};
    const t2s_group *g = &c->seg;
    const uint8_t *p = s, *e = s + n, *gap = s;
    while (p < e) {
        uint32_t cp;
        size_t l = t2s_u8_decode(p, e, &cp);
        if (!l) {
            p++;
            continue;
        }
        if (g->norm) { /* composed normalization: look up the normalized form */
            const t2s_cell *nc = t2s_cell_of(g->norm, cp);
            if (nc->flags & T2S_HAS_VALUE) cp = nc->node;
        }
        const t2s_cell *cell = t2s_cell_of(g, cp);
        const char *v;
        size_t vl, m = 0;
        if (cell->flags & T2S_MATCH_MASK) m = t2s_group_match(g, p, e, cell, l, &v, &vl);
        if (!m) {
            size_t ids = (cell->flags & T2S_IDS) ? t2s_ids_len(p, e) : 0;
            p += ids ? ids : l;
            continue;
        }
        if (gap < p) convert_segment(c, gap, (size_t)(p - gap), out, tmp);
        convert_segment(c, p, m, out, tmp);
        p += m;
        gap = p;
    }
    if (gap < p) convert_segment(c, gap, (size_t)(p - gap), out, tmp);
    t2s_out_free(&tmp[0]);
    t2s_out_free(&tmp[1]);
}

size_t t2s_conv_run(const t2s_conv *c, const uint8_t *s, size_t n, t2s_out *out)
{
    if (!c->has_seg && (!c->has_norm || c->norm_composed))
        return t2s_group_convert(&c->stages[0], s, n, out); /* counts as it goes */
    const uint8_t *orig = s;
    size_t orig_n = n, start = out->len;
    t2s_out normed = {0};
    if (c->has_norm && !c->norm_composed) {
        t2s_group_convert(&c->norm, s, n, &normed);
        s = (const uint8_t *)normed.data;
        n = normed.len;
    }
    if (c->has_seg)
        run_segmented(c, s, n, out);
    else
        t2s_group_convert(&c->stages[0], s, n, out);
    t2s_out_free(&normed);
    /* Several passes: compare the result with the original text. */
    if (!out->data) return orig_n ? t2s_count_changed(orig, orig_n, (const uint8_t *)"", 0) : 0;
    return t2s_count_changed(orig, orig_n, (const uint8_t *)out->data + start, out->len - start);
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */
/* ------------------------------------------------------------------ */

static inline int is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

void t2s_conv_trad_share(const t2s_conv *c, const uint8_t *s, size_t n, size_t *han,
                         size_t *trad)
{
    const t2s_group *g = &c->stages[c->nstages - 1];
    const uint8_t *p = s, *e = s + n;
    size_t h = 0, t = 0;
    while (p < e) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        uint32_t cp;
        size_t l = t2s_u8_decode(p, e, &cp);
        if (!l) {
            p++;
            continue;
        }
        p += l;
        if (!is_han(cp)) continue;
        h++;
        if (t2s_cell_of(g, cp)->flags & T2S_TRAD) t++;
    }
    *han = h;
    *trad = t;
}

