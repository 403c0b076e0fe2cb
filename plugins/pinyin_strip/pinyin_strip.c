/*
 * pinyin_strip.c - the `pinyin_strip` stage: remove the "(pinyin)" that some
 * content farms append to traditional characters ("區(qū)", "總結(jié)"), and
 * keep teaching text ("北京(Běijīng)", "饕(tāo)餮(tiè)", a note on a
 * polyphonic character).
 *
 * A match is a Han character immediately followed by "(", exactly one
 * lowercase pinyin syllable carrying exactly one tone mark, and ")", where
 * the syllable is one of the character's Unihan readings (kMandarin,
 * kHanyuPinyin).  Whole words in parentheses never match, so "北京(Běijīng)"
 * is safe by construction.  Single-character glosses are what teaching text
 * also does, so the decision is per document: strip only when there are at
 * least `min_matches` matches and at least `min_traditional_ratio` of them
 * sit on traditional-only characters (Unihan kSimplifiedVariant) - the
 * farms' signature.
 *
 * Residue: in a document that passed the gate, an annotation whose base is
 * not a matching Han character (mojibake such as "W(xué)" left over by the
 * mojibake stage) is stripped too, leaving the base (option `residue`), when
 * its syllable is one the document's real matches use.
 *
 * Fast path: documents without "(" followed by a tone-marked letter leave
 * after a memchr scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "ps_tables.h"

typedef struct pinyin_strip {
    const dc_host *host;
    dc_stage *stage;
    int64_t min_matches;
    double min_trad_ratio;
    int residue;
    int only_traditional;
    int c_docs, c_stripped, c_residue, c_gated_out;
} pinyin_strip;

static const dc_option_decl pinyin_strip_options[] = {
    {"min_matches", DC_OPT_INT, "3",
     "strip only when the document has at least this many char(pinyin) matches", "1.."},
    {"min_traditional_ratio", DC_OPT_DOUBLE, "0.5",
     "and at least this share of them are on traditional-only characters (0 disables the check)",
     "0..1"},
    {"residue", DC_OPT_BOOL, "true",
     "in a stripped document, also strip (pinyin) after a base that is not a matching Han "
     "character (mojibake residue such as W(xué))",
     NULL},
    {"only_traditional", DC_OPT_BOOL, "false",
     "strip only the matches on traditional-only characters", NULL},
    {NULL, 0, NULL, NULL, NULL}};

/* ------------------------------------------------------------------ */
/* Lookups                                                              */
/* ------------------------------------------------------------------ */

static const ps_char *char_lookup(uint32_t cp)
{
    size_t lo = 0, hi = ps_nchars;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ps_chars[mid].cp < cp) lo = mid + 1;
        else hi = mid;
    }
    return lo < ps_nchars && ps_chars[lo].cp == cp ? &ps_chars[lo] : NULL;
}

/* Id of a syllable (bytes s[0..n)), -1 if no Han character reads so. */
static int syllable_id(const char *s, size_t n)
{
    size_t lo = 0, hi = ps_nsyllables;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *m = ps_syllables[mid];
        size_t ml = strlen(m);
        int c = memcmp(m, s, ml < n ? ml : n);
        if (c == 0) c = ml < n ? -1 : ml > n ? 1 : 0;
        if (c < 0) lo = mid + 1;
        else if (c > 0) hi = mid;
        else return (int)mid;
    }
    return -1;
}

static int has_reading(const ps_char *c, int id)
{
    for (unsigned i = 0; i < c->n; i++)
        if (ps_reading_ids[c->first + i] == id) return 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

/* Tone-marked vowels are two-byte UTF-8 sequences: ā á ǎ à ... ǖ ǘ ǚ ǜ. */
static int tone_vowel_at(const unsigned char *s, size_t n)
{
    if (n < 2) return 0;
    uint32_t cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    if ((s[0] & 0xE0) != 0xC0 || (s[1] & 0xC0) != 0x80) return 0;
    switch (cp) {
    case 0x101: case 0xE1: case 0x1CE: case 0xE0: case 0x113: case 0xE9: case 0x11B:
    case 0xE8: case 0x12B: case 0xED: case 0x1D0: case 0xEC: case 0x14D: case 0xF3:
    case 0x1D2: case 0xF2: case 0x16B: case 0xFA: case 0x1D4: case 0xF9: case 0x1D6:
    case 0x1D8: case 0x1DA: case 0x1DC:
        return 1;
    default:
        return 0;
    }
}

/* At s[0] == '(': length of "(syllable)" with exactly one tone mark, or 0.
 * The syllable's bytes are s[1..*slen+1). */
static size_t annotation_at(const unsigned char *s, size_t n, size_t *slen)
{
    size_t i = 1;
    int tones = 0;
    while (i < n && i <= 12) {
        unsigned char c = s[i];
        if (c >= 'a' && c <= 'z') { i++; continue; }
        if (c == 0xC3 && i + 1 < n && s[i + 1] == 0xBC) { i += 2; continue; } /* ü */
        if (tone_vowel_at(s + i, n - i)) { tones++; i += 2; continue; }
        break;
    }
    if (i >= n || s[i] != ')' || i == 1 || tones != 1) return 0;
    *slen = i - 1;
    return i + 1;
}

/* The code point ending just before byte `end` (UTF-8), its start in *start;
 * 0 when there is none or it is malformed. */
static uint32_t cp_before(const unsigned char *s, size_t end, size_t *start)
{
    if (end == 0) return 0;
    size_t i = end - 1;
    if (s[i] < 0x80) { *start = i; return s[i]; }
    size_t k = 0;
    while (i > 0 && (s[i] & 0xC0) == 0x80 && k < 3) { i--; k++; }
    unsigned char b = s[i];
    size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (len != k + 1) return 0;
    uint32_t cp = b & (0x7F >> len);
    for (size_t j = 1; j < len; j++) cp = cp << 6 | (s[i + j] & 0x3F);
    *start = i;
    return cp;
}

static int is_han(uint32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3134F);
}

typedef enum { ANN_MATCH, ANN_MATCH_TRAD, ANN_RESIDUE } ann_kind;

typedef struct ann {
    size_t off, len;
    int syllable;
    ann_kind kind;
    int han_base; /* the annotated character is Han */
} ann;

/* Collect every annotation; returns the count (or -1 on OOM). */
static long collect(const unsigned char *s, size_t n, ann **out)
{
    ann *v = NULL;
    size_t nv = 0, cap = 0;
    const unsigned char *p = s;
    while ((p = memchr(p, '(', (size_t)(s + n - p))) != NULL) {
        size_t off = (size_t)(p - s), slen, len = annotation_at(p, n - off, &slen);
        p++;
        if (!len) continue;
        int id = syllable_id((const char *)s + off + 1, slen);
        if (id < 0) continue;
        size_t bstart;
        uint32_t base = cp_before(s, off, &bstart);
        if (!base || base == '\n' || base == ' ' || base == ')') continue;
        ann a = {off, len, id, ANN_RESIDUE, is_han(base)};
        const ps_char *c = is_han(base) ? char_lookup(base) : NULL;
        if (c && has_reading(c, id)) a.kind = c->trad ? ANN_MATCH_TRAD : ANN_MATCH;
        if (nv == cap) {
            cap = cap ? cap * 2 : 16;
            ann *nvp = realloc(v, cap * sizeof *v);
            if (!nvp) { free(v); return -1; }
            v = nvp;
        }
        v[nv++] = a;
        p = s + off + len;
    }
    *out = v;
    return (long)nv;
}

/* ------------------------------------------------------------------ */
/* The stage                                                            */
/* ------------------------------------------------------------------ */

static dc_verdict pinyin_strip_process(void *inst, dc_doc *doc)
{
    pinyin_strip *ps = inst;
    const dc_host *h = ps->host;
    ann *v = NULL;
    long nv = collect((const unsigned char *)doc->text, doc->len, &v);
    if (nv < 0) {
        h->set_reason(doc, "pinyin_strip: out of memory");
        return DC_ERROR;
    }
    size_t matches = 0, trad = 0;
    for (long i = 0; i < nv; i++) {
        if (v[i].kind != ANN_RESIDUE) matches++;
        if (v[i].kind == ANN_MATCH_TRAD) trad++;
    }
    if (matches == 0) { free(v); return DC_KEEP; }
    if ((int64_t)matches < ps->min_matches || (double)trad < ps->min_trad_ratio * (double)matches) {
        h->counter_add(ps->stage, ps->c_gated_out, 1);
        free(v);
        return DC_KEEP;
    }
    /* Residue on a Han base must use a syllable the farm used on a real
     * match in this document ("眲(chuàng)" next to "創(chuàng)"): a note such
     * as 读(háng) is not the farm's and stays. */
    uint8_t *used = calloc(ps_nsyllables, 1);
    if (!used) {
        free(v);
        h->set_reason(doc, "pinyin_strip: out of memory");
        return DC_ERROR;
    }
    for (long i = 0; i < nv; i++)
        if (v[i].kind != ANN_RESIDUE) used[v[i].syllable] = 1;
    dc_edits *e = h->edits_begin(doc);
    int64_t stripped = 0, residue = 0;
    for (long i = 0; i < nv; i++) {
        const char *rule;
        if (v[i].kind == ANN_RESIDUE) {
            /* a base that is not Han (a form blank 为_(kāi), a mask, a
             * broken byte) is never what a note glosses: it is the farm's
             * even when its syllable is used nowhere else */
            if (!ps->residue || (!used[v[i].syllable] && v[i].han_base)) continue;
            rule = "pinyin_strip:residue";
            residue++;
        } else {
            if (ps->only_traditional && v[i].kind != ANN_MATCH_TRAD) continue;
            rule = "pinyin_strip:annotation";
            stripped++;
        }
        if (h->edits_replace(e, v[i].off, v[i].len, "", 0, rule) != 0) {
            h->edits_abort(e);
            free(used);
            free(v);
            h->set_reason(doc, "pinyin_strip: bad edit");
            return DC_ERROR;
        }
    }
    free(used);
    free(v);
    size_t applied = 0;
    if (h->edits_commit(e, &applied) != 0) {
        h->set_reason(doc, "pinyin_strip: edit commit failed");
        return DC_ERROR;
    }
    h->counter_add(ps->stage, ps->c_stripped, stripped);
    h->counter_add(ps->stage, ps->c_residue, residue);
    if (applied) h->counter_add(ps->stage, ps->c_docs, 1);
    return DC_KEEP;
}

static void pinyin_strip_destroy(void *inst)
{
    free(inst);
}

static void *pinyin_strip_create(const dc_host *host, dc_stage *stage, const dc_options *o,
                                 char *err, size_t errlen)
{
    pinyin_strip *ps = calloc(1, sizeof *ps);
    if (!ps) {
        snprintf(err, errlen, "pinyin_strip: out of memory");
        return NULL;
    }
    ps->host = host;
    ps->stage = stage;
    ps->min_matches = host->opt_int(o, "min_matches");
    ps->min_trad_ratio = host->opt_double(o, "min_traditional_ratio");
    ps->residue = host->opt_bool(o, "residue");
    ps->only_traditional = host->opt_bool(o, "only_traditional");
    if (ps->min_trad_ratio < 0 || ps->min_trad_ratio > 1) {
        snprintf(err, errlen, "pinyin_strip: min_traditional_ratio must be in 0..1 (%s)",
                 host->opt_where(o, "min_traditional_ratio"));
        free(ps);
        return NULL;
    }
    ps->c_docs = host->counter_register(stage, "docs_stripped");
    ps->c_stripped = host->counter_register(stage, "annotations_stripped");
    ps->c_residue = host->counter_register(stage, "residue_stripped");
    ps->c_gated_out = host->counter_register(stage, "docs_kept_by_gate");
    return ps;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "pinyin_strip",
    .description = "strip content-farm (pinyin) annotations after traditional characters",
    .version = "1.0",
    .options = pinyin_strip_options,
    .create = pinyin_strip_create,
    .process = pinyin_strip_process,
    .finish = NULL,
    .destroy = pinyin_strip_destroy,
};
