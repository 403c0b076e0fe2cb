/*
 * runstats.c - the core's own account of what each stage, rule and site
 * did (see runstats.h for the why).  Memory is bounded: a few samples per
 * table entry, and capped numbers of rules, reject reasons, sites, cluster
 * roots and score keys; what does not fit is counted under "(other ...)".
 * The caps below bound the tables to about 25 MB whatever the corpus
 * (1,000 rules x 5 examples of <= 2 x 240 bytes; 500 reasons likewise;
 * 5,000 sites x 2 x 100 tallies; 200,000 cluster roots; 8 x 2,000 scores);
 * a real run stays far below (see bench/bench_report.sh).
 */
#define _GNU_SOURCE /* memrchr */
#include "runstats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "loader.h"
#include "svg.h"

#define SAMPLE_SEED 0x646f63636c65616eull /* "docclean": fixed, so reports are reproducible */
#define EXAMPLES 5         /* per rule and per reject reason                 */
#define MAX_RULES 1000
#define MAX_REASONS 500
#define MAX_SITES 5000
#define MAX_SITE_TALLY 100 /* rules / reasons counted per site (its "top" lists) */
#define MAX_ROOTS 200000   /* duplicate clusters tracked for the size histogram */
#define MAX_SCORES 8       /* numeric metadata keys with a distribution      */
#define SCORE_SAMPLES 2000

/* ---------------- small tables ---------------- */

/* Open addressing map from a string or a 64-bit hash to an index. */
typedef struct strmap {
    uint64_t *h;
    uint32_t *idx; /* index + 1; 0 = empty */
    size_t cap, n;
} strmap;

static void map_grow(strmap *m);

static size_t map_slot(const strmap *m, uint64_t h)
{
    return (size_t)(h & (m->cap - 1));
}

/* Index stored for hash h (callers compare the strings), or -1. Iterates
 * with *probe (start at 0). */
static long map_next(const strmap *m, uint64_t h, size_t *probe)
{
    if (!m->cap) return -1;
    for (size_t s = (map_slot(m, h) + *probe) & (m->cap - 1); m->idx[s]; s = (s + 1) & (m->cap - 1)) {
        (*probe)++;
        if (m->h[s] == h) return (long)m->idx[s] - 1;
    }
    return -1;
}

static void map_put(strmap *m, uint64_t h, size_t index)
{
    if ((m->n + 1) * 2 > m->cap) map_grow(m);
    size_t s = map_slot(m, h);
    while (m->idx[s]) s = (s + 1) & (m->cap - 1);
    m->h[s] = h;
    m->idx[s] = (uint32_t)index + 1;
    m->n++;
}

static void map_grow(strmap *m)
{
    strmap o = *m;
    m->cap = o.cap ? o.cap * 2 : 64;
    m->h = dc_xcalloc(m->cap, sizeof *m->h);
    m->idx = dc_xcalloc(m->cap, sizeof *m->idx);
    m->n = 0;
    for (size_t i = 0; i < o.cap; i++)
        if (o.idx[i]) map_put(m, o.h[i], o.idx[i] - 1);
    free(o.h);
    free(o.idx);
}

static void map_free(strmap *m)
{
    free(m->h);
    free(m->idx);
}

/* Bottom-k sample: the k smallest priorities, ascending. */
typedef struct sample {
    uint64_t key;
    json_t *obj;
} sample;

typedef struct reservoir {
    sample v[EXAMPLES];
    size_t n;
} reservoir;

static int res_wants(const reservoir *r, uint64_t key)
{
    return r->n < EXAMPLES || key < r->v[r->n - 1].key;
}

static void res_add(reservoir *r, uint64_t key, json_t *obj)
{
    if (!res_wants(r, key)) {
        json_decref(obj);
        return;
    }
    if (r->n == EXAMPLES) json_decref(r->v[--r->n].obj);
    size_t i = r->n++;
    while (i > 0 && r->v[i - 1].key > key) r->v[i] = r->v[i - 1], i--;
    r->v[i] = (sample){key, obj};
}

static void res_free(reservoir *r)
{
    for (size_t i = 0; i < r->n; i++) json_decref(r->v[i].obj);
}

static uint64_t prio(uint64_t position, const char *what)
{
    return XXH3_64bits_withSeed(what, strlen(what), SAMPLE_SEED ^ (position * 0x9E3779B97F4A7C15ull));
}

/* Counts per index into another table (a site's rules / reasons). */
typedef struct tally {
    uint32_t *id;
    uint64_t *n;
    size_t len;
} tally;

static void tally_add(tally *t, uint32_t id, uint64_t n)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->id[i] == id) {
            t->n[i] += n;
            return;
        }
    if (t->len == MAX_SITE_TALLY) return; /* a site's top list, not its full account */
    t->id = dc_xrealloc(t->id, (t->len + 1) * sizeof *t->id);
    t->n = dc_xrealloc(t->n, (t->len + 1) * sizeof *t->n);
    t->id[t->len] = id;
    t->n[t->len++] = n;
}

/* ---------------- the run's tables ---------------- */

typedef struct rule_row {
    char *stage, *rule, *key;
    uint64_t docs, edits, lines, chars_rm, chars_add;
    reservoir ex;
} rule_row;

typedef struct reason_row {
    char *stage, *reason, *key;
    uint64_t docs, chars;
    reservoir ex;
} reason_row;

typedef struct site_row {
    char *name;
    uint64_t docs, kept, chars_in, chars_in_kept, chars_out;
    tally rules, reasons;
} site_row;

typedef struct score_row {
    char *key;
    uint64_t n;
    double min, max, sum;
    uint64_t *skey;
    double *val;
    size_t ns;
} score_row;

#define LEN_BINS 17
static const double len_edges[LEN_BINS] = {0,    10,    20,    50,    100,   200,   500,   1000,   2000,
                                           5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000};
#define SHARE_BINS 21
#define CLUSTER_BINS 9
static const uint64_t cluster_edges[CLUSTER_BINS] = {2, 3, 4, 5, 6, 11, 21, 51, 101};

struct dc_runstats {
    const dc_pipeline *p;
    dc_stage_edits *stage;
    rule_row *rules;
    size_t nrules;
    strmap rule_map;
    reason_row *reasons;
    size_t nreasons;
    strmap reason_map;
    site_row *sites;
    size_t nsites;
    strmap site_map;
    uint64_t len_before[LEN_BINS], len_after[LEN_BINS], removed_share[SHARE_BINS];
    strmap roots;         /* duplicate cluster roots (hash of dup_of) */
    uint32_t *root_count; /* duplicates per root                      */
    size_t nroots, roots_cap;
    uint64_t roots_untracked;
    score_row scores[MAX_SCORES];
    size_t nscores;
};

dc_runstats *dc_runstats_new(const dc_pipeline *p)
{
    dc_runstats *rs = dc_xcalloc(1, sizeof *rs);
    rs->p = p;
    rs->stage = dc_xcalloc(p->n ? p->n : 1, sizeof *rs->stage);
    return rs;
}

void dc_runstats_free(dc_runstats *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->nrules; i++) {
        free(rs->rules[i].stage), free(rs->rules[i].rule), free(rs->rules[i].key);
        res_free(&rs->rules[i].ex);
    }
    for (size_t i = 0; i < rs->nreasons; i++) {
        free(rs->reasons[i].stage), free(rs->reasons[i].reason), free(rs->reasons[i].key);
        res_free(&rs->reasons[i].ex);
    }
    for (size_t i = 0; i < rs->nsites; i++) {
        site_row *s = &rs->sites[i];
        free(s->name), free(s->rules.id), free(s->rules.n), free(s->reasons.id), free(s->reasons.n);
    }
    for (size_t i = 0; i < rs->nscores; i++)
        free(rs->scores[i].key), free(rs->scores[i].skey), free(rs->scores[i].val);
    free(rs->rules), free(rs->reasons), free(rs->sites), free(rs->root_count), free(rs->stage);
    map_free(&rs->rule_map), map_free(&rs->reason_map), map_free(&rs->site_map), map_free(&rs->roots);
    free(rs);
}

const dc_stage_edits *dc_runstats_stage(const dc_runstats *rs, size_t i)
{
    return &rs->stage[i];
}

static long stage_index(const dc_runstats *rs, const dc_stage *s)
{
    for (size_t i = 0; i < rs->p->n; i++)
        if (rs->p->stages[i] == s) return (long)i;
    return -1;
}

static long find_key(const strmap *m, const char *key, char *(*key_of)(const void *, size_t),
                     const void *rows)
{
    uint64_t h = XXH3_64bits(key, strlen(key));
    size_t probe = 0;
    long i;
    while ((i = map_next(m, h, &probe)) >= 0)
        if (!strcmp(key_of(rows, (size_t)i), key)) return i;
    return -1;
}

static char *rule_key_of(const void *rows, size_t i) { return ((const rule_row *)rows)[i].key; }
static char *reason_key_of(const void *rows, size_t i) { return ((const reason_row *)rows)[i].key; }
static char *site_key_of(const void *rows, size_t i) { return ((const site_row *)rows)[i].name; }

/* A copy with invalid UTF-8 replaced: names become JSON object keys. */
static char *clean_dup(const char *s)
{
    dc_buf b = {0};
    dc_utf8_clean(&b, s, strlen(s));
    dc_buf_putc(&b, '\0');
    return b.data;
}

static char *join_key(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *k = dc_xmalloc(la + lb + 3);
    memcpy(k, a, la);
    memcpy(k + la, ": ", 2);
    memcpy(k + la + 2, b, lb + 1);
    return k;
}

static rule_row *rule_for(dc_runstats *rs, const char *stage, const char *raw_rule)
{
    char *rule = clean_dup(raw_rule);
    char *key = join_key(stage, rule);
    if (rs->nrules >= MAX_RULES && find_key(&rs->rule_map, key, rule_key_of, rs->rules) < 0) {
        free(key), free(rule);
        rule = dc_xstrdup("(other rules)");
        key = join_key(stage, rule);
    }
    long i = find_key(&rs->rule_map, key, rule_key_of, rs->rules);
    if (i >= 0) {
        free(key), free(rule);
        return &rs->rules[i];
    }
    rs->rules = dc_xrealloc(rs->rules, (rs->nrules + 1) * sizeof *rs->rules);
    rule_row *r = &rs->rules[rs->nrules];
    memset(r, 0, sizeof *r);
    r->stage = dc_xstrdup(stage);
    r->rule = rule;
    r->key = key;
    map_put(&rs->rule_map, XXH3_64bits(key, strlen(key)), rs->nrules);
    return &rs->rules[rs->nrules++];
}

/* ---------------- sites ---------------- */

static const char *meta_str(const dc_doc *d, const char *key, size_t *len)
{
    const dc_meta_entry *e = dc_meta_find(d->meta, key);
    if (!e || e->type != DC_META_STR || !e->len) return NULL;
    *len = e->len;
    return e->val;
}

/* Host of the record's url (lower case, no port or user), else its `site`
 * field, else "(none)". */
static void site_name(const dc_doc *d, char *out, size_t outlen)
{
    size_t n;
    const char *u = meta_str(d, "url", &n);
    if (u) {
        const char *e = u + n, *s = u;
        const char *colon = memchr(s, ':', n);
        if (colon && colon + 2 < e && colon[1] == '/' && colon[2] == '/') s = colon + 3;
        else if (n > 2 && s[0] == '/' && s[1] == '/') s += 2;
        const char *h = s;
        while (h < e && *h != '/' && *h != '?' && *h != '#') h++;
        const char *at = memrchr(s, '@', (size_t)(h - s));
        if (at) s = at + 1;
        const char *port = memchr(s, ':', (size_t)(h - s));
        if (port && s[0] != '[') h = port;
        size_t k = (size_t)(h - s) < outlen - 1 ? (size_t)(h - s) : outlen - 1;
        for (size_t i = 0; i < k; i++) out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        out[k] = '\0';
        if (k) return;
    }
    const char *site = meta_str(d, "site", &n);
    if (site) snprintf(out, outlen, "%.*s", (int)n, site);
    else snprintf(out, outlen, "(none)");
}

static site_row *site_for(dc_runstats *rs, const dc_doc *d)
{
    char raw[256];
    site_name(d, raw, sizeof raw);
    char *clean = clean_dup(raw), name[256];
    snprintf(name, sizeof name, "%s", clean);
    free(clean);
    long i = find_key(&rs->site_map, name, site_key_of, rs->sites);
    if (i < 0 && rs->nsites >= MAX_SITES) {
        snprintf(name, sizeof name, "(other sites)");
        i = find_key(&rs->site_map, name, site_key_of, rs->sites);
    }
    if (i >= 0) return &rs->sites[i];
    rs->sites = dc_xrealloc(rs->sites, (rs->nsites + 1) * sizeof *rs->sites);
    site_row *s = &rs->sites[rs->nsites];
    memset(s, 0, sizeof *s);
    s->name = dc_xstrdup(name);
    map_put(&rs->site_map, XXH3_64bits(name, strlen(name)), rs->nsites);
    return &rs->sites[rs->nsites++];
}

/* ---------------- edits ---------------- */

/* A JSON string of any bytes (invalid UTF-8 becomes U+FFFD). */
static json_t *jstr(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j) return j;
    dc_buf b = {0};
    dc_utf8_clean(&b, s, n);
    j = json_stringn(b.data ? b.data : "", b.len);
    dc_buf_free(&b);
    return j;
}

static json_t *jstr0(const char *s)
{
    return jstr(s ? s : "", s ? strlen(s) : 0);
}

static json_t *snippet_json(const char *s, int cut)
{
    size_t n = strlen(s);
    if (!cut) return jstr(s, n);
    char *t = dc_xmalloc(n + 4);
    memcpy(t, s, n);
    memcpy(t + n, "\xe2\x80\xa6", 4); /* … */
    json_t *j = jstr(t, n + 3);
    free(t);
    return j;
}

void dc_runstats_edits(dc_runstats *rs, dc_doc *doc)
{
    dc_doc_priv *pv = doc->core_private;
    dc_doclog *l = pv->log;
    if (!l || !l->n) return;
    site_row *site = site_for(rs, doc);
    long last_stage = -2;
    for (size_t i = 0; i < l->n; i++) {
        dc_log_entry *e = &l->v[i];
        long si = stage_index(rs, e->stage);
        const char *sname = si >= 0 ? rs->p->stages[si]->name : "(no stage)";
        if (si >= 0) {
            dc_stage_edits *se = &rs->stage[si];
            if (si != last_stage) {
                /* entries of one stage are adjacent: count the document once */
                int seen = 0;
                for (size_t k = 0; k < i; k++) seen |= l->v[k].stage == e->stage;
                if (!seen) se->docs_changed++;
            }
            se->edits += e->edits;
            se->lines_removed += e->lines;
            se->chars_removed += e->chars_rm;
            se->chars_added += e->chars_add;
        }
        last_stage = si;
        rule_row *r = rule_for(rs, sname, e->rule);
        r->docs++;
        r->edits += e->edits;
        r->lines += e->lines;
        r->chars_rm += e->chars_rm;
        r->chars_add += e->chars_add;
        tally_add(&site->rules, (uint32_t)(r - rs->rules), e->edits);
        uint64_t key = prio(pv->position, r->key) >> 1;
        if (res_wants(&r->ex, key)) {
            json_t *x = json_object();
            json_object_set_new(x, "sample_key", json_integer((json_int_t)key));
            json_object_set_new(x, "id", jstr0(doc->id));
            json_object_set_new(x, "position", json_integer((json_int_t)pv->position));
            json_object_set_new(x, "edits", json_integer((json_int_t)e->edits));
            json_object_set_new(x, "removed", snippet_json(e->ex_old, e->old_cut));
            json_object_set_new(x, "inserted", snippet_json(e->ex_rep, e->rep_cut));
            res_add(&r->ex, key, x);
        }
    }
    dc_doclog_clear(l);
}

/* ---------------- documents ---------------- */

static size_t len_bin(uint64_t chars)
{
    size_t b = 0;
    while (b + 1 < LEN_BINS && (double)chars >= len_edges[b + 1]) b++;
    return b;
}

/* "dedup: near duplicate of X (similarity 0.912)" -> "dedup: near duplicate
 * of … ": reasons carry ids and numbers; the table groups by what is left. */
static int word_edge(char c)
{
    return c == '\0' || c == ' ' || c == ',' || c == ';' || c == ':' || c == ')' || c == '(';
}

static void reason_class(const char *stage, const char *reason, const char *dup_of, char *out, size_t outlen)
{
    size_t o = 0;
    const char *p = reason ? reason : "(no reason)";
    size_t dl = dup_of ? strlen(dup_of) : 0, sl = strlen(stage);
    /* plugins start their reasons with their name; the table has a stage column */
    if (!strncmp(p, stage, sl) && p[sl] == ':' && p[sl + 1] == ' ') p += sl + 2;
    const char *start = p;
    while (*p && *p != '(' && o + 4 < outlen) {
        if (dl && !strncmp(p, dup_of, dl) && (p == start || word_edge(p[-1])) && word_edge(p[dl])) {
            memcpy(out + o, "\xe2\x80\xa6", 3), o += 3;
            p += dl;
        } else if (*p >= '0' && *p <= '9') {
            out[o++] = '#';
            while ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) p++;
        } else {
            out[o++] = *p++;
        }
    }
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ',' || out[o - 1] == ';')) o--;
    while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80 && o + 1 >= outlen) o--;
    out[o] = '\0';
}

static reason_row *reason_for(dc_runstats *rs, const char *stage, const char *cls)
{
    char *key = join_key(stage, cls);
    long i = find_key(&rs->reason_map, key, reason_key_of, rs->reasons);
    if (i < 0 && rs->nreasons >= MAX_REASONS) {
        free(key);
        key = join_key(stage, "(other reasons)");
        cls = "(other reasons)";
        i = find_key(&rs->reason_map, key, reason_key_of, rs->reasons);
    }
    if (i >= 0) {
        free(key);
        return &rs->reasons[i];
    }
    rs->reasons = dc_xrealloc(rs->reasons, (rs->nreasons + 1) * sizeof *rs->reasons);
    reason_row *r = &rs->reasons[rs->nreasons];
    memset(r, 0, sizeof *r);
    r->stage = dc_xstrdup(stage);
    r->reason = dc_xstrdup(cls);
    r->key = key;
    map_put(&rs->reason_map, XXH3_64bits(key, strlen(key)), rs->nreasons);
    return &rs->reasons[rs->nreasons++];
}

static void count_root(dc_runstats *rs, const char *root, size_t len)
{
    uint64_t h = XXH3_64bits(root, len);
    size_t probe = 0;
    long i = map_next(&rs->roots, h, &probe); /* 64-bit hashes: a collision only merges two counts */
    if (i >= 0) {
        rs->root_count[i]++;
        return;
    }
    if (rs->nroots >= MAX_ROOTS) {
        rs->roots_untracked++;
        return;
    }
    if (rs->nroots == rs->roots_cap) {
        rs->roots_cap = rs->roots_cap ? rs->roots_cap * 2 : 256;
        rs->root_count = dc_xrealloc(rs->root_count, rs->roots_cap * sizeof *rs->root_count);
    }
    rs->root_count[rs->nroots] = 1;
    map_put(&rs->roots, h, rs->nroots++);
}

/* A real-valued metadata field (a score): a double set by a stage, or a
 * JSON number with a fraction or exponent from the input record. */
static int meta_real(const dc_meta_entry *e, double *v)
{
    if (e->type != DC_META_DOUBLE && e->type != DC_META_JSON) return 0;
    if (e->type == DC_META_JSON && !strpbrk(e->val, ".eE")) return 0;
    char *end;
    *v = strtod(e->val, &end);
    return end != e->val && *end == '\0' && isfinite(*v);
}

static void score_add(dc_runstats *rs, const dc_doc *d, uint64_t position)
{
    for (size_t i = 0; i < d->meta->n; i++) {
        const dc_meta_entry *e = &d->meta->v[i];
        double v;
        if (!meta_real(e, &v)) continue;
        score_row *s = NULL;
        for (size_t k = 0; k < rs->nscores && !s; k++)
            if (!strcmp(rs->scores[k].key, e->key)) s = &rs->scores[k];
        if (!s && rs->nscores == MAX_SCORES) continue;
        if (!s) {
            s = &rs->scores[rs->nscores++];
            memset(s, 0, sizeof *s);
            s->key = clean_dup(e->key);
            s->min = s->max = v;
            s->skey = dc_xmalloc(SCORE_SAMPLES * sizeof *s->skey);
            s->val = dc_xmalloc(SCORE_SAMPLES * sizeof *s->val);
        }
        s->n++;
        s->sum += v;
        if (v < s->min) s->min = v;
        if (v > s->max) s->max = v;
        uint64_t key = prio(position, e->key) >> 1;
        if (s->ns == SCORE_SAMPLES && key >= s->skey[s->ns - 1]) continue;
        size_t j = s->ns < SCORE_SAMPLES ? s->ns++ : s->ns - 1;
        while (j > 0 && s->skey[j - 1] > key) s->skey[j] = s->skey[j - 1], s->val[j] = s->val[j - 1], j--;
        s->skey[j] = key;
        s->val[j] = v;
    }
}

void dc_runstats_doc(dc_runstats *rs, dc_doc *doc, const char *reject_stage, const char *reason)
{
    dc_doc_priv *pv = doc->core_private;
    dc_runstats_edits(rs, doc);
    site_row *site = site_for(rs, doc);
    size_t olen;
    const char *orig = dc_doc_orig(doc, &olen);
    uint64_t before = dc_utf8_chars(orig, olen);
    site->docs++;
    site->chars_in += before;
    rs->len_before[len_bin(before)]++;
    score_add(rs, doc, pv->position);
    if (!reject_stage) {
        uint64_t after = dc_utf8_chars(doc->text, doc->len);
        site->kept++;
        site->chars_in_kept += before;
        site->chars_out += after;
        rs->len_after[len_bin(after)]++;
        size_t b = 0;
        if (after < before) {
            double share = (double)(before - after) / (double)before; /* (0, 1] */
            b = (size_t)ceil(share * 20 - 1e-9);
            if (b < 1) b = 1;
            if (b > 20) b = 20;
        }
        rs->removed_share[b]++;
        return;
    }
    for (size_t i = 0; i < rs->p->n; i++)
        if (!strcmp(rs->p->stages[i]->name, reject_stage))
            rs->stage[i].chars_dropped += dc_utf8_chars(doc->text, doc->len);
    size_t dl;
    const char *dup = meta_str(doc, "dup_of", &dl);
    char *dup_s = dup ? dc_xstrndup(dup, dl) : NULL;
    if (dup) count_root(rs, dup, dl);
    char raw[128];
    reason_class(reject_stage, reason, dup_s, raw, sizeof raw);
    char *cls = clean_dup(raw);
    reason_row *r = reason_for(rs, reject_stage, cls);
    r->docs++;
    r->chars += before;
    tally_add(&site->reasons, (uint32_t)(r - rs->reasons), 1);
    uint64_t key = prio(pv->position, r->key) >> 1;
    if (res_wants(&r->ex, key)) {
        json_t *x = json_object();
        int cut;
        char *text = dc_snippet(orig, olen, &cut);
        json_object_set_new(x, "sample_key", json_integer((json_int_t)key));
        json_object_set_new(x, "id", jstr0(doc->id));
        json_object_set_new(x, "position", json_integer((json_int_t)pv->position));
        json_object_set_new(x, "reason", jstr0(reason));
        if (dup_s) json_object_set_new(x, "dup_of", jstr0(dup_s));
        json_object_set_new(x, "chars", json_integer((json_int_t)before));
        json_object_set_new(x, "text", snippet_json(text, cut));
        free(text);
        res_add(&r->ex, key, x);
    }
    free(dup_s);
    free(cls);
}

/* ---------------- JSON ---------------- */

static json_t *examples_json(const reservoir *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n; i++) json_array_append(a, r->v[i].obj);
    return a;
}

static json_t *u64_array(const uint64_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(a, json_integer((json_int_t)v[i]));
    return a;
}

static json_t *top_json(const tally *t, int rules, const dc_runstats *rs)
{
    json_t *o = json_object();
    /* every entry: the merge of shards needs them all (the HTML shows the top ones) */
    for (size_t i = 0; i < t->len; i++)
        json_object_set_new(o, rules ? rs->rules[t->id[i]].key : rs->reasons[t->id[i]].key,
                            json_integer((json_int_t)t->n[i]));
    return o;
}

static json_t *histograms_json(const dc_runstats *rs)
{
    json_t *h = json_object();
    json_t *edges = json_array();
    for (size_t i = 0; i < LEN_BINS; i++) json_array_append_new(edges, json_integer((json_int_t)len_edges[i]));
    json_object_set_new(h, "length_edges", edges);
    json_object_set_new(h, "length_before", u64_array(rs->len_before, LEN_BINS));
    json_object_set_new(h, "length_after", u64_array(rs->len_after, LEN_BINS));
    json_object_set_new(h, "removed_share", u64_array(rs->removed_share, SHARE_BINS));
    uint64_t cl[CLUSTER_BINS] = {0}, largest = 0, clusters = 0;
    for (size_t i = 0; i < rs->nroots; i++) {
        uint64_t size = (uint64_t)rs->root_count[i] + 1;
        size_t b = 0;
        while (b + 1 < CLUSTER_BINS && size >= cluster_edges[b + 1]) b++;
        cl[b]++;
        clusters++;
        if (size > largest) largest = size;
    }
    json_object_set_new(h, "cluster_edges", u64_array(cluster_edges, CLUSTER_BINS));
    json_object_set_new(h, "cluster_sizes", u64_array(cl, CLUSTER_BINS));
    json_object_set_new(h, "clusters", json_integer((json_int_t)clusters));
    json_object_set_new(h, "duplicates_untracked", json_integer((json_int_t)rs->roots_untracked));
    return h;
}

/* DC_OPT_DOUBLE options that name the score: KEY, min_KEY, max_KEY,
 * KEY_min, KEY_max, KEY_threshold. */
static json_t *thresholds_json(const dc_runstats *rs, const char *key)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rs->p->n; i++) {
        const dc_options *o = rs->p->stages[i]->opts;
        for (size_t k = 0; o && k < o->n; k++) {
            const dc_opt_value *v = &o->v[k];
            if (v->decl->type != DC_OPT_DOUBLE) continue;
            const char *n = v->decl->name;
            size_t kl = strlen(key), nl = strlen(n);
            int match = !strcmp(n, key) ||
                        ((!strncmp(n, "min_", 4) || !strncmp(n, "max_", 4)) && !strcmp(n + 4, key)) ||
                        (nl > kl && !strncmp(n, key, kl) &&
                         (!strcmp(n + kl, "_min") || !strcmp(n + kl, "_max") || !strcmp(n + kl, "_threshold")));
            if (!match) continue;
            char name[256];
            snprintf(name, sizeof name, "%s.%s", rs->p->stages[i]->name, n);
            json_array_append_new(a, json_pack("{s:s,s:f}", "option", name, "value", v->d));
        }
    }
    return a;
}

static json_t *scores_json(const dc_runstats *rs)
{
    json_t *o = json_object();
    for (size_t i = 0; i < rs->nscores; i++) {
        const score_row *s = &rs->scores[i];
        json_t *x = json_object();
        json_object_set_new(x, "n", json_integer((json_int_t)s->n));
        json_object_set_new(x, "sum", json_real(s->sum));
        json_object_set_new(x, "thresholds", thresholds_json(rs, s->key));
        json_t *ex = json_array();
        for (size_t k = 0; k < s->ns; k++)
            json_array_append_new(ex, json_pack("{s:I,s:f}", "sample_key", (json_int_t)s->skey[k], "value",
                                                s->val[k]));
        json_object_set_new(x, "examples", ex);
        json_object_set_new(o, s->key, x);
    }
    return o;
}

void dc_runstats_to_json(const dc_runstats *rs, json_t *root)
{
    json_t *stages = json_object_get(root, "stages");
    for (size_t i = 0; i < rs->p->n; i++) {
        json_t *s = json_array_get(stages, i);
        const dc_stage_edits *e = &rs->stage[i];
        if (!s) continue;
        json_object_set_new(s, "docs_changed", json_integer((json_int_t)e->docs_changed));
        json_object_set_new(s, "edits", json_integer((json_int_t)e->edits));
        json_object_set_new(s, "lines_removed", json_integer((json_int_t)e->lines_removed));
        json_object_set_new(s, "chars_removed", json_integer((json_int_t)e->chars_removed));
        json_object_set_new(s, "chars_added", json_integer((json_int_t)e->chars_added));
        json_object_set_new(s, "chars_dropped", json_integer((json_int_t)e->chars_dropped));
    }
    json_t *rules = json_object();
    for (size_t i = 0; i < rs->nrules; i++) {
        const rule_row *r = &rs->rules[i];
        json_t *x = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "stage", r->stage, "rule", r->rule, "docs",
                              (json_int_t)r->docs, "edits", (json_int_t)r->edits, "lines_removed",
                              (json_int_t)r->lines, "chars_removed", (json_int_t)r->chars_rm, "chars_added",
                              (json_int_t)r->chars_add);
        json_object_set_new(x, "examples", examples_json(&r->ex));
        json_object_set_new(rules, r->key, x);
    }
    json_object_set_new(root, "rules", rules);
    json_t *rej = json_object();
    for (size_t i = 0; i < rs->nreasons; i++) {
        const reason_row *r = &rs->reasons[i];
        json_t *x = json_pack("{s:s,s:s,s:I,s:I}", "stage", r->stage, "reason", r->reason, "docs",
                              (json_int_t)r->docs, "chars", (json_int_t)r->chars);
        json_object_set_new(x, "examples", examples_json(&r->ex));
        json_object_set_new(rej, r->key, x);
    }
    json_object_set_new(root, "rejects", rej);
    json_t *sites = json_object();
    for (size_t i = 0; i < rs->nsites; i++) {
        const site_row *s = &rs->sites[i];
        json_t *x = json_pack("{s:I,s:I,s:I,s:I,s:I}", "docs", (json_int_t)s->docs, "kept", (json_int_t)s->kept,
                              "chars_in", (json_int_t)s->chars_in, "chars_in_kept", (json_int_t)s->chars_in_kept,
                              "chars_out", (json_int_t)s->chars_out);
        json_object_set_new(x, "rules", top_json(&s->rules, 1, rs));
        json_object_set_new(x, "rejects", top_json(&s->reasons, 0, rs));
        json_object_set_new(sites, s->name, x);
    }
    json_object_set_new(root, "sites", sites);
    json_object_set_new(root, "histograms", histograms_json(rs));
    json_object_set_new(root, "scores", scores_json(rs));
}

/* ---------------- merging shards ---------------- */

static int by_sample_key(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "sample_key"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "sample_key"));
    return x < y ? -1 : x > y;
}

static void merge_examples(json_t *acc_entry, json_t *one_entry, size_t k)
{
    json_t *a = json_object_get(acc_entry, "examples"), *b = json_object_get(one_entry, "examples");
    if (!json_is_array(b)) return;
    if (json_is_array(a)) {
        size_t n = json_array_size(a) + json_array_size(b);
        json_t **v = dc_xmalloc((n ? n : 1) * sizeof *v);
        size_t m = 0;
        for (size_t i = 0; i < json_array_size(a); i++) v[m++] = json_array_get(a, i);
        for (size_t i = 0; i < json_array_size(b); i++) v[m++] = json_array_get(b, i);
        qsort(v, m, sizeof *v, by_sample_key);
        json_t *out = json_array();
        for (size_t i = 0; i < m && i < k; i++) json_array_append(out, v[i]);
        free(v);
        json_object_set_new(acc_entry, "examples", out);
    } else {
        json_object_set(acc_entry, "examples", b);
    }
    json_object_del(one_entry, "examples");
}

void dc_runstats_merge_samples(json_t *acc, json_t *one)
{
    /* Not sums: the run's description (the first shard's; every shard got
     * the same command line) and the worst exit status. */
    json_object_del(one, "run");
    json_t *at = json_object_get(acc, "totals"), *ot = json_object_get(one, "totals");
    json_t *ae = json_object_get(at, "exit_status"), *oe = json_object_get(ot, "exit_status");
    if (ae && oe && json_integer_value(oe) > json_integer_value(ae)) json_object_set(at, "exit_status", oe);
    if (oe) json_object_del(ot, "exit_status");
    static const char *const sections[] = {"rules", "rejects", "scores"};
    for (size_t s = 0; s < 3; s++) {
        json_t *as = json_object_get(acc, sections[s]), *os = json_object_get(one, sections[s]);
        if (!json_is_object(as) || !json_is_object(os)) continue;
        const char *key;
        json_t *val;
        json_object_foreach(os, key, val) {
            json_t *ae = json_object_get(as, key);
            if (ae) merge_examples(ae, val, s == 2 ? SCORE_SAMPLES : EXAMPLES);
            if (s == 2 && ae) { /* thresholds are the config's: the same in every shard */
                json_object_del(val, "thresholds");
            }
        }
    }
}
