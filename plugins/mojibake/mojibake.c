/*
 * mojibake.c - the `mojibake` stage: repair text that went through the wrong
 * decoder, drop what cannot be repaired, and never touch clean text.
 *
 * process() first runs a cheap scan (one table lookup per character) for any
 * sign of trouble; clean text leaves there.  Each sign opens a region (its
 * line, at most MJ_REGION bytes each way; nearby signs share one), which is
 * decoded to code points and goes through four passes, each claiming the
 * characters it rewrites so later passes never overlap it:
 *   1. runs of Latin-1/cp1252 letters that are really GBK or UTF-8 bytes
 *      ("ÖÐÎÄ" -> "中文"), option `latin1`;
 *   2. whole line segments read through the wrong double-byte decoder:
 *      UTF-8 read as GBK ("鍙傛暟" -> "参数"), Big5 read as GBK and back
 *      (options `utf8_as_gbk`, `big5`);
 *   3. unrecoverable junk: 锟斤拷, 烫烫烫, 屯屯屯, □□□, U+FFFD, ??? between Han
 *      (removed, marked or kept: option `unrecoverable`);
 *   4. windows around misalignment signs (private use, box drawing, bopomofo,
 *      and, weaker, rare Han and stray ASCII between Han): the byte-level
 *      repair of mj_misalign.c, or a UTF-8 reading of the GBK bytes,
 *      whichever the model scores better.  A window with a strong sign and
 *      another sign is rewritten without its symptom characters; other
 *      windows change only for a clear gain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mj.h"

#define MJ_INVALID 0xFFFFFFFFu

enum { UNREC_REMOVE, UNREC_MARK, UNREC_KEEP };

typedef struct mojibake {
    const dc_host *host;
    dc_stage *stage;
    mj_tables *t;
    int misalign, highbit, weak, utf8_gbk, latin1, big5, question_runs;
    int unrec_mode;
    char *marker;
    size_t marker_len;
    int64_t window, min_gain;
    int c_docs, c_runs, c_dropped, c_highbits, c_utf8, c_latin1, c_big5, c_unrec;
} mojibake;

static const dc_option_decl mojibake_options[] = {
    {"misalign", DC_OPT_BOOL, "true",
     "repair GBK byte misalignment (lost bytes, stripped high bits)", NULL},
    {"restore_high_bit", DC_OPT_BOOL, "true",
     "let the misalignment repair read an ASCII byte as a lead byte that lost its high bit", NULL},
    {"weak_signs", DC_OPT_BOOL, "true",
     "also examine rare Han and stray ASCII between Han (repaired only for a clear gain)", NULL},
    {"utf8_as_gbk", DC_OPT_BOOL, "true", "repair UTF-8 text that was decoded as GBK", NULL},
    {"big5", DC_OPT_BOOL, "true", "repair Big5 text decoded as GBK and GBK text decoded as Big5",
     NULL},
    {"latin1", DC_OPT_BOOL, "true",
     "repair GBK or UTF-8 text that was decoded as Latin-1/cp1252 (ÖÐÎÄ)", NULL},
    {"unrecoverable", DC_OPT_ENUM, "remove",
     "what to do with 锟斤拷, 烫烫烫, U+FFFD and similar junk", "remove|mark|keep"},
    {"marker", DC_OPT_STRING, "〓", "replacement text for unrecoverable junk when unrecoverable=mark",
     NULL},
    {"question_runs", DC_OPT_BOOL, "true",
     "treat runs of 3+ '?' directly between Han as unrecoverable junk", NULL},
    {"window", DC_OPT_INT, "10", "characters examined on each side of a misalignment sign", "1..1000"},
    {"min_gain", DC_OPT_INT, "60",
     "model gain (quarter bits) a window with only weak signs needs before it is rewritten", "0.."},
    {NULL, 0, NULL, NULL, NULL}};

/* ------------------------------------------------------------------ */
/* Fast scan                                                            */
/* ------------------------------------------------------------------ */

static int is_weak_ascii(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '!' || c == '?' ||
           c == ';' || c == '@';
}

static int is_junk_han(uint32_t cp)
{
    return cp == 0x951F || cp == 0x70EB || cp == 0x5C6F; /* 锟 烫 屯 */
}

/* Byte offset of the first sign this stage acts on at or after `from`, or n.
 * This is the whole cost on clean text: one table lookup per character. */
static size_t next_sign(const mojibake *mb, const unsigned char *s, size_t n, size_t from)
{
    const mj_tables *t = mb->t;
    int prev_han = 0, prev_weak = 0, prev_pinyin = 0;
    size_t i = from;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            if (prev_han && is_weak_ascii(c)) return i;
            prev_weak = is_weak_ascii(c);
            prev_pinyin = (c >= 'a' && c <= 'z') || c == '(';
            prev_han = 0;
            i++;
            continue;
        }
        uint32_t cp;
        size_t l;
        if (c >= 0xE1 && c != 0xED && c <= 0xEF && i + 2 < n && (s[i + 1] & 0xC0) == 0x80 &&
            (s[i + 2] & 0xC0) == 0x80) {
            /* a 3-byte character (most of the text) that cannot be overlong
             * (lead E1+) or a surrogate (lead ED): decoded in place */
            cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            l = 3;
        } else {
            l = mj_get_utf8(s + i, n - i, &cp);
            if (!l) { i++; prev_han = prev_weak = 0; continue; }
            if (cp > 0xFFFF) { i += l; prev_han = prev_weak = 0; continue; }
        }
        uint8_t k = t->cls[cp];
        /* The tone vowel of a "(xué)" annotation is Latin-1 but no sign
         * (a Latin-1 run needs two such letters anyway). */
        if (k == MJ_C_LATIN && prev_pinyin && mj_is_pinyin_vowel(cp)) {
            i += l;
            continue;
        }
        prev_pinyin = 0;
        if (k == MJ_C_HAN) {
            if (prev_weak || is_junk_han(cp)) return i;
            prev_han = 1;
        } else if (k == MJ_C_PLAIN || k == MJ_C_CJKPUNCT) {
            if (cp == 0x25A1) return i; /* □ */
            prev_han = 0;
        } else {
            return i;
        }
        prev_weak = 0;
        i += l;
    }
    return n;
}

/* The region examined around a sign: its line, but at most MJ_REGION bytes
 * each way (cut at a character boundary). */
#define MJ_REGION 768
/* Regions merge while signs follow each other; cap them so a document that
 * is one long line of mojibake is still repaired in bounded memory. */
#define MJ_REGION_MAX 65536

static size_t region_start(const unsigned char *s, size_t q, size_t floor)
{
    size_t a = q;
    while (a > floor && q - a < MJ_REGION && s[a - 1] != '\n') a--;
    while (a < q && (s[a] & 0xC0) == 0x80) a++;
    return a;
}

static size_t region_end(const unsigned char *s, size_t n, size_t q)
{
    size_t b = q;
    while (b < n && b - q < MJ_REGION && s[b] != '\n') b++;
    while (b > q && b < n && (s[b] & 0xC0) == 0x80) b--;
    return b;
}

/* ------------------------------------------------------------------ */
/* The decoded document                                                 */
/* ------------------------------------------------------------------ */

typedef struct mj_doc {
    uint32_t *cp;   /* code points, MJ_INVALID for an invalid byte */
    size_t *off;    /* byte offset of each, off[n] = text length  */
    uint8_t *busy;  /* claimed by an earlier pass                  */
    size_t n;
    size_t base;    /* byte offset of the region in the document   */
    mj_model model;
    int japanese;
} mj_doc;

static int doc_decode(const mojibake *mb, const unsigned char *s, size_t len, mj_doc *d)
{
    memset(d, 0, sizeof *d);
    d->cp = malloc((len + 1) * sizeof *d->cp);
    d->off = malloc((len + 1) * sizeof *d->off);
    d->busy = calloc(len + 1, 1);
    if (!d->cp || !d->off || !d->busy) return -1;
    size_t i = 0, k = 0, kana = 0, rare = 0;
    while (i < len) {
        uint32_t cp;
        size_t l = mj_get_utf8(s + i, len - i, &cp);
        if (!l) { cp = MJ_INVALID; l = 1; }
        if (cp <= 0xFFFF && mb->t->cls[cp] == MJ_C_KANA) kana++;
        if (cp <= 0xFFFF && mb->t->cls[cp] == MJ_C_RARE) rare++;
        d->cp[k] = cp;
        d->off[k++] = i;
        i += l;
    }
    d->off[k] = len;
    d->n = k;
    /* Japanese has kana and ordinary kanji; Big5 read as GBK has kana
     * scattered among rare Han. */
    d->japanese = kana >= 8 && rare * 4 < kana;
    d->model.t = mb->t;
    d->model.kana_cost = d->japanese ? MJ_COST_KANA_JA : MJ_COST_OTHER;
    return 0;
}

static void doc_free(mj_doc *d)
{
    free(d->cp);
    free(d->off);
    free(d->busy);
}

static int cls_of(const mj_doc *d, size_t i)
{
    uint32_t c = d->cp[i];
    return c <= 0xFFFF ? d->model.t->cls[c] : MJ_C_PLAIN;
}

static int is_han_at(const mj_doc *d, size_t i)
{
    return i < d->n && d->cp[i] != MJ_INVALID && mj_is_han(d->cp[i]);
}

/* Replacement text accumulated for the edit batch. */
typedef struct mj_run {
    dc_edits *e;
    dc_doc *doc;
    int64_t runs, dropped, highbits, utf8, latin1, big5, unrec;
    int misaligned; /* -1 not yet known, else: the document shows strong
                       signs of misalignment (doc_is_misaligned) */
} mj_run;

static int add_edit(const mojibake *mb, mj_run *r, const mj_doc *d, size_t lo, size_t hi,
                    const char *rep, size_t rep_len, const char *rule)
{
    if (!r->e) r->e = mb->host->edits_begin(r->doc);
    if (!r->e) return -1;
    for (size_t i = lo; i < hi; i++) ((mj_doc *)d)->busy[i] = 1;
    return mb->host->edits_replace(r->e, d->base + d->off[lo], d->off[hi] - d->off[lo], rep,
                                   rep_len, rule);
}

/* Replace chars lo..hi with the code points of a fix (if they differ). */
static int apply_fix(const mojibake *mb, mj_run *r, const mj_doc *d, size_t lo, size_t hi,
                     const mj_fix *fx, const char *rule)
{
    char *buf = malloc(fx->ncps * 4 + 1);
    if (!buf) return -1;
    size_t k = 0;
    for (size_t i = 0; i < fx->ncps; i++) k += mj_put_utf8(fx->cps[i], buf + k);
    const char *orig = r->doc->text + d->base + d->off[lo];
    size_t olen = d->off[hi] - d->off[lo];
    int changed = !(k == olen && memcmp(buf, orig, k) == 0);
    int rc = changed ? add_edit(mb, r, d, lo, hi, buf, k, rule) : 0;
    free(buf);
    return rc < 0 ? -1 : changed;
}

/* ------------------------------------------------------------------ */
/* Pass 1: unrecoverable junk                                           */
/* ------------------------------------------------------------------ */

/* "你说什么???" is emphasis, not lost text. */
static int is_question_particle(uint32_t cp)
{
    static const uint32_t particles[] = {0x5417, 0x5462, 0x4E48, 0x5427, 0x554A, 0x561B,
                                         0x5440, 0x4E86, 0x8C01, 0x54EA}; /* 吗呢么吧啊嘛呀了谁哪 */
    for (size_t i = 0; i < sizeof particles / sizeof *particles; i++)
        if (cp == particles[i]) return 1;
    return 0;
}

/* Length of the junk run starting at i, 0 if none. */
static size_t junk_run_at(const mojibake *mb, const mj_doc *d, size_t i)
{
    uint32_t c = d->cp[i];
    size_t j = i;
    if (c == 0xFFFD) {
        while (j < d->n && d->cp[j] == 0xFFFD) j++;
        return j - i;
    }
    if (c == 0x951F) { /* 锟斤拷: GBK reading of UTF-8 U+FFFD pairs */
        while (j + 2 < d->n && d->cp[j] == 0x951F && d->cp[j + 1] == 0x65A4 &&
               d->cp[j + 2] == 0x62F7)
            j += 3;
        return j - i;
    }
    if (c == 0x70EB || c == 0x5C6F || c == 0x25A1) { /* 烫 屯 □: fill patterns */
        while (j < d->n && d->cp[j] == c) j++;
        return j - i >= 3 ? j - i : 0;
    }
    if (c == '?' && mb->question_runs && i > 0 && is_han_at(d, i - 1) &&
        !is_question_particle(d->cp[i - 1])) {
        while (j < d->n && d->cp[j] == '?') j++;
        return (j - i >= 3 && is_han_at(d, j)) ? j - i : 0;
    }
    return 0;
}

static int pass_unrecoverable(const mojibake *mb, mj_run *r, mj_doc *d)
{
    for (size_t i = 0; i < d->n;) {
        size_t len = d->busy[i] ? 0 : junk_run_at(mb, d, i);
        if (!len) { i++; continue; }
        for (size_t j = i; j < i + len; j++)
            if (d->busy[j]) len = j - i; /* stop at text an earlier pass rewrote */
        r->unrec++;
        if (mb->unrec_mode == UNREC_KEEP) {
            memset(d->busy + i, 1, len);
        } else {
            const char *rep = mb->unrec_mode == UNREC_MARK ? mb->marker : "";
            size_t rl = mb->unrec_mode == UNREC_MARK ? mb->marker_len : 0;
            if (add_edit(mb, r, d, i, i + len, rep, rl, "mojibake:unrecoverable") != 0) return -1;
        }
        i += len;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Pass 2: Latin-1/cp1252 runs                                          */
/* ------------------------------------------------------------------ */

static int is_latin(const mj_doc *d, size_t i)
{
    return !d->busy[i] && cls_of(d, i) == MJ_C_LATIN;
}

/* Every non-ASCII character of the reading must be common Han or CJK
 * punctuation: a European word read as GBK gives rare Han at best. */
static int reading_is_chinese(const mj_doc *d, const mj_fix *fx)
{
    size_t han = 0;
    for (size_t i = 0; i < fx->ncps; i++) {
        uint32_t c = fx->cps[i];
        if (c < 0x80) continue;
        if (c > 0xFFFF) return 0;
        int k = d->model.t->cls[c];
        if (k == MJ_C_HAN) han++;
        else if (k != MJ_C_CJKPUNCT) return 0;
    }
    return han >= 2;
}

/* GBK read as Latin-1 shows letters (lead bytes 0xC0..0xFE are most of the
 * common Han), and varies; "····" or "°°" used as ornaments do not. */
static int latin_run_plausible(const mj_doc *d, size_t lo, size_t hi)
{
    uint32_t first = 0;
    int distinct = 0, letter = 0;
    for (size_t i = lo; i < hi; i++) {
        uint32_t c = d->cp[i];
        if (c < 0x80) continue;
        if (c >= 0xC0 && c <= 0xFF) letter = 1;
        if (!first) first = c;
        else if (c != first) distinct = 1;
    }
    return letter && distinct;
}

static int pass_latin1(const mojibake *mb, mj_run *r, mj_doc *d)
{
    for (size_t i = 0; i < d->n;) {
        if (!is_latin(d, i)) { i++; continue; }
        size_t j = i, last = i, nlatin = 0;
        while (j < d->n && !d->busy[j] && d->cp[j] != '\n' && d->cp[j] != MJ_INVALID &&
               (is_latin(d, j) || (d->cp[j] >= 0x20 && d->cp[j] < 0x7F))) {
            if (is_latin(d, j)) { last = j; nlatin++; }
            j++;
        }
        size_t hi = last + 1;
        if (nlatin >= 2 && latin_run_plausible(d, i, hi)) {
            mj_fix fx;
            if (mj_legacy_as_latin1(&d->model, d->cp + i, hi - i, &fx) == 0) {
                int ok = fx.gain > 0 && reading_is_chinese(d, &fx);
                int rc = ok ? apply_fix(mb, r, d, i, hi, &fx, "mojibake:latin1") : 0;
                free(fx.cps);
                if (rc < 0) return -1;
                if (rc > 0) r->latin1++;
            }
        }
        i = hi;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Pass 3: whole segments through the wrong decoder                     */
/* ------------------------------------------------------------------ */

static int window_ok(const mj_doc *d, size_t i)
{
    uint32_t c = d->cp[i];
    if (d->busy[i] || c == '\n' || c == MJ_INVALID) return 0;
    if (c < 0x80) return 1;
    return c <= 0xFFFF && d->model.t->gbk_enc[c] != 0;
}

enum { SIGN_NONE = 0, SIGN_WEAK = 1, SIGN_STRONG = 2 };
static int sign_at(const mojibake *mb, const mj_doc *d, size_t i, int any_weak);

enum { REREAD_UTF8, REREAD_BIG5_AS_GBK, REREAD_GBK_AS_BIG5 };

static const char *const reread_rule[] = {"mojibake:utf8_as_gbk", "mojibake:big5_as_gbk",
                                          "mojibake:gbk_as_big5"};

/* A page decoded with the wrong double-byte codec is wrong from end to end,
 * so each segment (a line between characters GBK cannot encode) is tried
 * whole: as UTF-8 read as GBK, Big5 read as GBK and GBK read as Big5.  A
 * reading is taken only when it beats the text by min_gain and by 10
 * quarter bits per character: re-reading clean text scores far worse. */
static int reread_segment(const mojibake *mb, mj_run *r, mj_doc *d, size_t lo, size_t hi)
{
    /* Only segments with at least two signs (rare Han, stray kana, U+FFFD,
     * isolated symbols; a drawn table has none): the gain test below is
     * what keeps clean text, whose re-reading scores far worse. */
    size_t nonascii = 0, signs = 0;
    for (size_t i = lo; i < hi && signs < 2; i++)
        signs += d->cp[i] == 0xFFFD || sign_at(mb, d, i, 1) != SIGN_NONE;
    if (signs < 2) return 0;
    for (size_t i = lo; i < hi; i++) nonascii += d->cp[i] >= 0x80;
    if (nonascii < 2) return 0;
    mj_fix best = {0};
    int kind = -1;
    for (int k = REREAD_UTF8; k <= REREAD_GBK_AS_BIG5; k++) {
        mj_fix fx;
        int rc;
        if (k == REREAD_UTF8) {
            if (!mb->utf8_gbk) continue;
            rc = mj_utf8_as_gbk(&d->model, d->cp + lo, hi - lo, &fx);
        } else {
            if (!mb->big5) continue;
            rc = mj_big5_gbk_swap(&d->model, d->cp + lo, hi - lo, k == REREAD_BIG5_AS_GBK, &fx);
        }
        if (rc != 0) continue;
        if (fx.gain > mb->min_gain && fx.gain >= 10 * (int64_t)nonascii &&
            (kind < 0 || fx.gain > best.gain)) {
            free(best.cps);
            best = fx;
            kind = k;
        } else {
            free(fx.cps);
        }
    }
    if (kind < 0) return 0;
    int rc = apply_fix(mb, r, d, lo, hi, &best, reread_rule[kind]);
    free(best.cps);
    if (rc > 0) {
        if (kind == REREAD_UTF8) r->utf8++;
        else r->big5++;
    }
    return rc < 0 ? -1 : 0;
}

/* Segments for re-reading also take U+FFFD (where the wrong decoder gave
 * up on a pair) and anything Big5 can encode. */
static int reread_ok(const mj_doc *d, size_t i)
{
    uint32_t c = d->cp[i];
    if (d->busy[i] || c == '\n' || c == MJ_INVALID) return 0;
    if (c < 0x80 || c == 0xFFFD) return 1;
    return c <= 0xFFFF && (d->model.t->gbk_enc[c] || d->model.t->big5_enc[c]);
}

static int pass_reread(const mojibake *mb, mj_run *r, mj_doc *d)
{
    for (size_t i = 0; i < d->n;) {
        if (!reread_ok(d, i)) { i++; continue; }
        size_t j = i;
        while (j < d->n && reread_ok(d, j)) j++;
        if (reread_segment(mb, r, d, i, j) != 0) return -1;
        i = j;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Pass 4: misalignment windows                                         */
/* ------------------------------------------------------------------ */

/* A line with three or more box-drawing characters is a drawn table
 * ("│名称│数量│"), not decoder debris (looks at most 200 characters). */
static int line_is_table(const mj_doc *d, size_t i)
{
    int boxes = 0;
    for (size_t j = i; j > 0 && i - j < 200 && d->cp[j - 1] != '\n'; j--)
        boxes += d->cp[j - 1] >= 0x2500 && d->cp[j - 1] <= 0x257F;
    for (size_t j = i; j < d->n && j - i < 200 && d->cp[j] != '\n'; j++)
        boxes += d->cp[j] >= 0x2500 && d->cp[j] <= 0x257F;
    return boxes >= 3;
}

/* What kind of sign character i is.  `any_weak` counts weak signs even
 * where the window pass would not use them (Japanese text, weak_signs off). */
static int sign_at(const mojibake *mb, const mj_doc *d, size_t i, int any_weak)
{
    uint32_t c = d->cp[i];
    /* Fast exits for what can never be a sign (most characters): ASCII
     * other than the weak letters/marks, and non-ASCII of any class but
     * strong, box/bopomofo, rare Han and kana (beyond the BMP: plain). */
    if (c < 0x80) {
        if (!is_weak_ascii(c)) return SIGN_NONE;
    } else {
        if (c > 0xFFFF) return SIGN_NONE;
        int k0 = d->model.t->cls[c];
        if (k0 != MJ_C_STRONG && k0 != MJ_C_BOXBOPO && k0 != MJ_C_RARE && k0 != MJ_C_KANA)
            return SIGN_NONE;
    }
    if (!window_ok(d, i)) return SIGN_NONE;
    int k = cls_of(d, i);
    int left = i > 0 ? cls_of(d, i - 1) : MJ_C_PLAIN;
    int right = i + 1 < d->n ? cls_of(d, i + 1) : MJ_C_PLAIN;
    if (k == MJ_C_STRONG) return SIGN_STRONG;
    if (k == MJ_C_BOXBOPO) {
        /* A table border or a bopomofo lesson comes in runs; the debris of
         * a misaligned decode stands alone next to CJK text. */
        if (left == MJ_C_BOXBOPO || right == MJ_C_BOXBOPO) return SIGN_NONE;
        if (c >= 0x2500 && c <= 0x257F && line_is_table(d, i)) return SIGN_NONE;
        int cjk_left = i > 0 && d->cp[i - 1] >= 0x80 && d->cp[i - 1] != MJ_INVALID;
        int cjk_right = i + 1 < d->n && d->cp[i + 1] >= 0x80 && d->cp[i + 1] != MJ_INVALID;
        return (cjk_left || cjk_right) ? SIGN_STRONG : SIGN_NONE;
    }
    if (!any_weak && (!mb->weak || d->japanese)) return SIGN_NONE;
    if (k == MJ_C_RARE) return SIGN_WEAK;
    if (k == MJ_C_KANA)
        return ((i > 0 && is_han_at(d, i - 1)) || is_han_at(d, i + 1)) ? SIGN_WEAK : SIGN_NONE;
    if (c < 0x80 && is_weak_ascii(c)) {
        int alone = !(i > 0 && d->cp[i - 1] < 0x80 && is_weak_ascii(d->cp[i - 1])) &&
                    !(i + 1 < d->n && d->cp[i + 1] < 0x80 && is_weak_ascii(d->cp[i + 1]));
        if (alone && ((i > 0 && is_han_at(d, i - 1)) || is_han_at(d, i + 1))) return SIGN_WEAK;
    }
    return SIGN_NONE;
}

/* Is the whole document visibly misaligned: at least MJ_DOC_STRONG strong
 * signs (private use, U+FFFD, ideographic description characters; not box
 * drawing, which a drawn table has too)?  Then a lone '!' or '?' next to
 * Han is far likelier a lead byte that lost its high bit than the typed
 * mark it is in clean pages.  Asked lazily, only for a window that holds
 * such a mark, and cached for the document; the scan is one table lookup
 * per character and stops at the MJ_DOC_STRONG-th sign. */
#define MJ_DOC_STRONG 3
static int doc_is_misaligned(const mojibake *mb, mj_run *r)
{
    if (r->misaligned >= 0) return r->misaligned;
    const unsigned char *s = (const unsigned char *)r->doc->text;
    size_t n = r->doc->len, i = 0, l;
    int strong = 0;
    uint32_t cp;
    while (i < n && strong < MJ_DOC_STRONG) {
        l = mj_get_utf8(s + i, n - i, &cp);
        if (!l) { cp = 0xFFFD; l = 1; }
        strong += cp <= 0xFFFF && mb->t->cls[cp] == MJ_C_STRONG;
        i += l;
    }
    r->misaligned = strong >= MJ_DOC_STRONG;
    return r->misaligned;
}

/* Does the window hold a lone '!' or '?' next to Han (see mj_misalign.c)? */
static int has_mark_next_to_han(const mj_doc *d, size_t lo, size_t hi)
{
    for (size_t i = lo; i < hi; i++)
        if ((d->cp[i] == '!' || d->cp[i] == '?') &&
            ((i > lo && (is_han_at(d, i - 1) || d->cp[i - 1] == ')')) ||
             (i + 1 < hi && is_han_at(d, i + 1))))
            return 1;
    return 0;
}

/* A window with a strong sign and at least one more sign is rewritten even
 * when the model gains nothing (its symptoms go); a lone private-use or
 * box-drawing character must buy its rewrite with a real gain, since such a
 * character may be a legitimate glyph (rare characters in classical texts
 * are often encoded in the private use area). */
static int repair_window(const mojibake *mb, mj_run *r, mj_doc *d, size_t lo, size_t hi,
                         int strength, int nsigns)
{
    mj_fix best = {0}, fx;
    int have = 0;
    int is_utf8 = 0;
    int marks = has_mark_next_to_han(d, lo, hi) && doc_is_misaligned(mb, r);
    if (mb->misalign &&
        mj_misalign_repair(&d->model, d->cp + lo, hi - lo, mb->highbit, marks, &fx) == 0) {
        best = fx;
        have = 1;
    }
    if (mb->utf8_gbk && mj_utf8_as_gbk(&d->model, d->cp + lo, hi - lo, &fx) == 0) {
        if (fx.gain > mb->min_gain && (!have || fx.gain > best.gain)) {
            free(best.cps);
            best = fx;
            have = 1;
            is_utf8 = 1;
        } else {
            free(fx.cps);
        }
    }
    if (!have) return 0;
    int rc = 0;
    int64_t need = strength != SIGN_STRONG ? mb->min_gain : nsigns >= 2 ? INT64_MIN : 0;
    /* A weak window whose repair turns a '!' or '?' next to Han back into
     * a lead byte (21 -> A1: 為先!钡霓k -> 為先”的辦) in a document that is
     * visibly misaligned has byte-level evidence, not only the model's
     * word: a third of min_gain is enough. */
    if (strength == SIGN_WEAK && !is_utf8 && best.marks_restored > 0) need = mb->min_gain / 3;
    if (best.gain > need) {
        rc = apply_fix(mb, r, d, lo, hi, &best,
                       is_utf8 ? "mojibake:utf8_as_gbk" : "mojibake:misalign");
        if (rc > 0) {
            if (is_utf8) {
                r->utf8++;
            } else {
                r->runs++;
                r->dropped += best.dropped;
                r->highbits += best.highbits;
            }
        }
    }
    free(best.cps);
    return rc < 0 ? -1 : 0;
}

static int pass_windows(const mojibake *mb, mj_run *r, mj_doc *d)
{
    size_t W = (size_t)mb->window;
    size_t lo = 0, hi = 0;
    int strength = SIGN_NONE, nsigns = 0;
    for (size_t i = 0; i <= d->n; i++) {
        int s = i < d->n ? sign_at(mb, d, i, 0) : SIGN_NONE;
        if (i < d->n && !s) continue;
        size_t a = i < d->n ? i : 0, b = a;
        if (i < d->n) {
            while (a > 0 && i - a < W && window_ok(d, a - 1)) a--;
            while (b + 1 < d->n && b - i < W && window_ok(d, b + 1)) b++;
            b++;
        }
        if (strength && i < d->n && a <= hi) { /* overlaps: merge */
            if (b > hi) hi = b;
            if (s > strength) strength = s;
            nsigns++;
            continue;
        }
        if (strength && repair_window(mb, r, d, lo, hi, strength, nsigns) != 0) return -1;
        lo = a;
        hi = b;
        strength = i < d->n ? s : SIGN_NONE;
        nsigns = 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The stage                                                            */
/* ------------------------------------------------------------------ */

/* Decode one region and run the three passes over it. */
static int repair_region(const mojibake *mb, mj_run *r, const unsigned char *s, size_t a,
                         size_t b)
{
    mj_doc d;
    int rc = doc_decode(mb, s + a, b - a, &d);
    d.base = a;
    if (rc == 0 && mb->latin1) rc = pass_latin1(mb, r, &d);
    if (rc == 0 && (mb->utf8_gbk || mb->big5)) rc = pass_reread(mb, r, &d);
    if (rc == 0) rc = pass_unrecoverable(mb, r, &d);
    if (rc == 0 && (mb->misalign || mb->utf8_gbk)) rc = pass_windows(mb, r, &d);
    doc_free(&d);
    return rc;
}

static dc_verdict mojibake_process(void *inst, dc_doc *doc)
{
    mojibake *mb = inst;
    const dc_host *h = mb->host;
    const unsigned char *s = (const unsigned char *)doc->text;
    size_t n = doc->len, p = 0, q;
    mj_run r = {0};
    r.doc = doc;
    r.misaligned = -1;
    int rc = 0;
    /* next_sign() depends only on where it starts: the look-ahead that ends
     * a region has already found the next region's sign when the scan
     * resumes from the same place, so remember it instead of rescanning. */
    size_t seen_from = (size_t)-1, seen_q = 0;
    while (rc == 0 && (q = p == seen_from ? seen_q : next_sign(mb, s, n, p)) < n) {
        size_t a = region_start(s, q, p), b = region_end(s, n, q);
        /* Signs close together share one region (a misaligned run spans
         * several characters). */
        size_t q2;
        while (b < n && b - a < MJ_REGION_MAX &&
               (seen_from = b, seen_q = q2 = next_sign(mb, s, n, b)) < n && q2 - b < 64)
            b = region_end(s, n, q2);
        rc = repair_region(mb, &r, s, a, b);
        p = b > q ? b : q + 1;
    }
    if (rc != 0) {
        if (r.e) h->edits_abort(r.e);
        h->set_reason(doc, "mojibake: out of memory or bad edit");
        return DC_ERROR;
    }
    if (!r.e) return DC_KEEP;
    size_t applied = 0;
    if (h->edits_commit(r.e, &applied) != 0) {
        h->set_reason(doc, "mojibake: edit commit failed");
        return DC_ERROR;
    }
    h->counter_add(mb->stage, mb->c_runs, r.runs);
    h->counter_add(mb->stage, mb->c_dropped, r.dropped);
    h->counter_add(mb->stage, mb->c_highbits, r.highbits);
    h->counter_add(mb->stage, mb->c_utf8, r.utf8);
    h->counter_add(mb->stage, mb->c_latin1, r.latin1);
    h->counter_add(mb->stage, mb->c_big5, r.big5);
    h->counter_add(mb->stage, mb->c_unrec, r.unrec);
    if (applied) h->counter_add(mb->stage, mb->c_docs, 1);
    return DC_KEEP;
}

static void mojibake_destroy(void *inst)
{
    mojibake *mb = inst;
    if (!mb) return;
    mj_tables_free(mb->t);
    free(mb->marker);
    free(mb);
}

static void *mojibake_create(const dc_host *host, dc_stage *stage, const dc_options *o,
                             char *err, size_t errlen)
{
    mojibake *mb = calloc(1, sizeof *mb);
    if (!mb) return NULL;
    mb->host = host;
    mb->stage = stage;
    mb->misalign = host->opt_bool(o, "misalign");
    mb->highbit = host->opt_bool(o, "restore_high_bit");
    mb->weak = host->opt_bool(o, "weak_signs");
    mb->utf8_gbk = host->opt_bool(o, "utf8_as_gbk");
    mb->latin1 = host->opt_bool(o, "latin1");
    mb->big5 = host->opt_bool(o, "big5");
    mb->question_runs = host->opt_bool(o, "question_runs");
    const char *mode = host->opt_str(o, "unrecoverable");
    mb->unrec_mode = !strcmp(mode, "mark") ? UNREC_MARK : !strcmp(mode, "keep") ? UNREC_KEEP
                                                                                 : UNREC_REMOVE;
    const char *marker = host->opt_str(o, "marker");
    mb->marker = strdup(marker ? marker : "");
    mb->marker_len = mb->marker ? strlen(mb->marker) : 0;
    mb->window = host->opt_int(o, "window");
    mb->min_gain = host->opt_int(o, "min_gain");
    if (mb->window < 1 || mb->window > 1000) {
        snprintf(err, errlen, "mojibake: window must be 1..1000 (%s)", host->opt_where(o, "window"));
        mojibake_destroy(mb);
        return NULL;
    }
    mb->t = mj_tables_new(err, errlen);
    if (!mb->t || !mb->marker) {
        mojibake_destroy(mb);
        return NULL;
    }
    mb->c_docs = host->counter_register(stage, "docs_repaired");
    mb->c_runs = host->counter_register(stage, "misaligned_runs");
    mb->c_dropped = host->counter_register(stage, "bytes_dropped");
    mb->c_highbits = host->counter_register(stage, "high_bits_restored");
    mb->c_utf8 = host->counter_register(stage, "utf8_as_gbk_runs");
    mb->c_latin1 = host->counter_register(stage, "latin1_runs");
    mb->c_big5 = host->counter_register(stage, "big5_gbk_runs");
    mb->c_unrec = host->counter_register(stage, "unrecoverable_runs");
    return mb;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "mojibake",
    .description = "repair GBK misalignment and wrong-decoder mojibake, drop unrecoverable junk",
    .version = "1.0",
    .options = mojibake_options,
    .create = mojibake_create,
    .process = mojibake_process,
    .finish = NULL,
    .destroy = mojibake_destroy,
};
