/*
 * linejoin.c - the `linejoin` stage: glue back lines that page or PDF
 * extraction broke in the middle of a sentence, e.g. "…学校的招\n\n生工作，…".
 *
 * A wrong join corrupts content (a heading swallowed by a paragraph), a
 * missed join only leaves a line break, so every rule below errs towards not
 * joining.  Lines A and B (B the next non-blank line, at most max_gap_lines
 * blank lines further) are joined when all of these hold:
 *   - A does not end a sentence: it ends in Han (maybe "**"), ， 、 or an
 *     opening bracket (rule `terminators`, never switchable: it is the
 *     definition of a broken line);
 *   - neither A (the first line of A's logical line) nor B is a heading, a
 *     list item or a table row, and B does not start with a date or a
 *     "label：" (`protect_structure`);
 *   - B is not indented: an indent starts a paragraph (`protect_indent`);
 *   - B starts with Han, a digit or an opening bracket, or with closing
 *     punctuation when A ends in Han (never Latin: English text and code);
 *   - A, when it ends in Han and does not continue a line above, is not
 *     title-like: it has min_line_chars characters or more, and either
 *     clause punctuation, an unclosed bracket or more than title_max_chars
 *     characters (`protect_titles`);
 *   - after a line ending in Han, B is not title-like (short, no clause
 *     punctuation), and A and B are not both without clause punctuation:
 *     lists of bare records (`protect_titles`).
 * Document gate (`min_join_ratio`): a long, well-formed text with one or
 * two odd line ends (a statute with a typo) is left alone; only documents
 * where joins make up a real share of the lines are rejoined.
 * The join deletes A's trailing white space, the newlines and blank lines,
 * so "招\n\n生" becomes "招生".  A joined line can join again (chains).
 *
 * The fast path only looks at the last character of every line: text whose
 * lines all end in 。 or similar is returned after one memchr pass.
 */
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "fragment.h"
#include "lineclass.h"

typedef struct linejoin {
    const dc_host *host;
    dc_stage *stage;
    int allow_blank_between;
    int64_t max_gap_lines;
    int64_t min_line_chars;
    int64_t title_max_chars;
    int protect_structure;
    int protect_indent;
    int protect_titles;
    double min_join_ratio;
    int fragments;
    lj_frag_opts frag;
    int c_joins, c_frag_blocks, c_frag_joins, c_joins_blank, c_docs, c_gated;
} linejoin;

/* What we know about the logical line that ends with the current line A. */
typedef struct logical {
    const lj_line *first; /* its first physical line */
    int continued;        /* it already absorbed a line: not a title  */
    int bare;             /* no clause punctuation in any of its lines */
    int open_brackets;    /* unclosed brackets over all its lines      */
    int nchars;
} logical;

static const dc_option_decl linejoin_options[] = {
    {"allow_blank_between", DC_OPT_BOOL, "true",
     "join halves separated by blank lines (web pages put every line in its own <p>)", NULL},
    {"max_gap_lines", DC_OPT_INT, "1",
     "most blank lines allowed between the two halves of a broken sentence", "0.."},
    {"min_line_chars", DC_OPT_INT, "20",
     "a line that starts a paragraph and ends in Han is joined to the next only if it has at "
     "least this many characters (shorter ones are titles, names, captions)", "0.."},
    {"title_max_chars", DC_OPT_INT, "40",
     "a line without clause punctuation up to this many characters is title-like (0 = off)", "0.."},
    {"protect_structure", DC_OPT_BOOL, "true",
     "never join headings, list items (一、 (二) 1. ① 第三条 …) or table rows", NULL},
    {"protect_indent", DC_OPT_BOOL, "true",
     "never join onto an indented line (an indent starts a paragraph)", NULL},
    {"protect_titles", DC_OPT_BOOL, "true",
     "never join title-like lines (short, no clause punctuation) to their neighbours", NULL},
    {"min_join_ratio", DC_OPT_DOUBLE, "0.03",
     "join only when joins/non-blank lines reaches this: one odd line end in a long "
     "well-formed text is a typo, not an extraction break (0 = off)", "0..1"},
    {"fragments", DC_OPT_BOOL, "true",
     "find blocks of text runs put one per line (PDF/PPT extraction) and join inside them", NULL},
    {"fragment_max_chars", DC_OPT_INT, "12",
     "a line of a fragment block has at most this many characters (one longer line between "
     "two short ones is allowed)", "1..1000"},
    {"fragment_min_lines", DC_OPT_INT, "6", "a fragment block has at least this many lines", "2..100000"},
    {"fragment_min_evidence", DC_OPT_DOUBLE, "0.15",
     "share of a block's breaks that must visibly cut a sentence (line ends in ， or a number, "
     "next starts with ， % ; or a unit, a mask XX alone)", "0..1"},
    {NULL, 0, NULL, NULL, NULL}};

static void *linejoin_create(const dc_host *host, dc_stage *stage, const dc_options *o,
                             char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    linejoin *lj = calloc(1, sizeof *lj);
    if (!lj) return NULL;
    lj->host = host;
    lj->stage = stage;
    lj->allow_blank_between = host->opt_bool(o, "allow_blank_between");
    lj->max_gap_lines = host->opt_int(o, "max_gap_lines");
    lj->min_line_chars = host->opt_int(o, "min_line_chars");
    lj->title_max_chars = host->opt_int(o, "title_max_chars");
    lj->protect_structure = host->opt_bool(o, "protect_structure");
    lj->protect_indent = host->opt_bool(o, "protect_indent");
    lj->protect_titles = host->opt_bool(o, "protect_titles");
    lj->min_join_ratio = host->opt_double(o, "min_join_ratio");
    if (!lj->allow_blank_between) lj->max_gap_lines = 0;
    if (lj->max_gap_lines < 0) lj->max_gap_lines = 0;
    lj->fragments = host->opt_bool(o, "fragments");
    lj->frag.max_chars = (int)host->opt_int(o, "fragment_max_chars");
    lj->frag.min_lines = (int)host->opt_int(o, "fragment_min_lines");
    lj->frag.min_evidence = host->opt_double(o, "fragment_min_evidence");
    lj->frag.max_gap = (int)lj->max_gap_lines;
    lj->frag.title_max_chars = (int)lj->title_max_chars;
    lj->frag.protect_indent = lj->protect_indent;
    if (lj->frag.min_lines < 2) lj->frag.min_lines = 2;
    lj->c_joins = host->counter_register(stage, "joins");
    lj->c_joins_blank = host->counter_register(stage, "joins_across_blank");
    lj->c_docs = host->counter_register(stage, "docs_changed");
    lj->c_gated = host->counter_register(stage, "joins_skipped_ratio");
    lj->c_frag_blocks = host->counter_register(stage, "fragment_blocks");
    lj->c_frag_joins = host->counter_register(stage, "fragment_joins");
    return lj;
}

static void linejoin_destroy(void *inst) { free(inst); }

/* Fast path: is there any line, other than the last, that does not end a
 * sentence?  Only then is the full classification worth doing. */
static int has_candidate(const unsigned char *s, size_t n)
{
    size_t pos = 0;
    for (;;) {
        const unsigned char *nl = memchr(s + pos, '\n', n - pos);
        if (!nl) return 0;
        size_t end = (size_t)(nl - s);
        if (end + 1 < n && lj_tail_of(s, pos, end) != LJ_TAIL_END) return 1;
        pos = end + 1;
    }
}

/* Split into lines and classify each.  Returns the count; *out malloc'd. */
static size_t split_lines(const unsigned char *s, size_t n, lj_line **out)
{
    size_t cap = 64, cnt = 0, pos = 0;
    lj_line *v = malloc(cap * sizeof *v);
    if (!v) return 0;
    while (pos <= n) {
        const unsigned char *nl = pos < n ? memchr(s + pos, '\n', n - pos) : NULL;
        size_t end = nl ? (size_t)(nl - s) : n;
        if (!nl && pos == n) break; /* text ends with '\n': no empty last line */
        if (cnt == cap) {
            lj_line *w = realloc(v, (cap *= 2) * sizeof *v);
            if (!w) { free(v); return 0; }
            v = w;
        }
        lj_line_classify(s, pos, end, &v[cnt++]);
        if (!nl) break;
        pos = end + 1;
    }
    *out = v;
    return cnt;
}

static int is_title_like(const linejoin *lj, int bare, int nchars)
{
    return lj->title_max_chars > 0 && bare && nchars <= lj->title_max_chars;
}

/* May logical line A (ending with physical line a) be joined with line b? */
static int can_join(const linejoin *lj, const logical *A, const lj_line *a, const lj_line *b)
{
    if (a->tail == LJ_TAIL_END) return 0;
    if (b->head == LJ_HEAD_NO) return 0;
    if (b->head == LJ_HEAD_CLOSE && a->tail != LJ_TAIL_MID) return 0;
    if (lj->protect_structure && (A->first->structural || b->structural || b->record)) return 0;
    if (lj->protect_indent && b->indented) return 0;
    if (lj->protect_titles && !A->continued && a->tail == LJ_TAIL_MID) {
        if (A->nchars < lj->min_line_chars) return 0;
        if (A->open_brackets == 0 && is_title_like(lj, A->bare, A->nchars)) return 0;
    }
    if (lj->protect_titles && a->tail == LJ_TAIL_MID && b->head == LJ_HEAD_TEXT) {
        /* B could be a title after a truncated paragraph ("…认识到面" then
         * "相关文档"), or both could be entries of a list of bare records. */
        if (b->tail != LJ_TAIL_CONT && b->open_brackets == 0 && is_title_like(lj, b->bare, b->nchars))
            return 0;
        if (A->bare && b->bare && A->open_brackets == 0) return 0;
    }
    return 1;
}

static void logical_start(logical *L, const lj_line *l)
{
    L->first = l;
    L->continued = 0;
    L->bare = l->bare;
    L->open_brackets = l->open_brackets;
    L->nchars = l->nchars;
}

static void logical_extend(logical *L, const lj_line *l)
{
    L->continued = 1;
    L->bare &= l->bare;
    L->open_brackets += l->open_brackets;
    L->nchars += l->nchars;
}

/* The joins of one document: which lines are glued to the non-blank line
 * before them, and with a space (Latin words) or without. */
typedef struct plan {
    size_t *at;          /* indexes of the joined lines         */
    unsigned char *space; /* 1: insert one space at that join   */
    size_t n, nonblank, frag_joins;
} plan;

/* Decide every join of the document.  Lines inside a fragment block follow
 * the block's rules (fragment.c), all others the rules of can_join. */
static void plan_joins(const linejoin *lj, const unsigned char *s, const lj_line *v, size_t n,
                       const lj_block *blocks, size_t nblocks, plan *P)
{
    size_t prev = (size_t)-1, gap = 0, first_nonblank = (size_t)-1, bk = 0;
    logical L = {0};
    lj_frag_logical F = {0};
    P->n = P->nonblank = P->frag_joins = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].blank) { gap++; continue; }
        ++P->nonblank;
        if (first_nonblank == (size_t)-1) first_nonblank = i;
        while (bk < nblocks && blocks[bk].last < i) bk++;
        int in_block = bk < nblocks && blocks[bk].first <= i && prev != (size_t)-1 &&
                       blocks[bk].first <= prev;
        int how = 0;
        if (in_block)
            how = lj_frag_decide(s, &lj->frag, &blocks[bk], &F, &v[prev], &v[i], i, gap);
        else if (prev != (size_t)-1 && gap <= (size_t)lj->max_gap_lines &&
                 can_join(lj, &L, &v[prev], &v[i]))
            how = LJ_FRAG_JOIN;
        if (how != LJ_FRAG_KEEP) {
            P->space[P->n] = how == LJ_FRAG_JOIN_SPACE;
            P->at[P->n++] = i;
            P->frag_joins += in_block;
            logical_extend(&L, &v[i]);
            uint32_t unused;
            F.before_a = lj_last_char(s, &v[prev], &unused);
            F.bare &= v[i].bare;
            F.open_brackets += v[i].open_brackets;
            F.nchars += v[i].nchars;
        } else {
            logical_start(&L, &v[i]);
            F.first = &v[i];
            F.is_doc_first = i == first_nonblank;
            F.bare = nblocks ? lj_frag_bare(s, &v[i]) : v[i].bare;
            F.open_brackets = v[i].open_brackets;
            F.nchars = v[i].nchars;
            F.before_a = 0;
        }
        prev = i;
        gap = 0;
    }
}

/* Apply the planned joins: replace from the end of the previous non-blank
 * line's content to the start of the joined line's content by nothing (or
 * one space between Latin words). */
static int apply_joins(const linejoin *lj, dc_doc *doc, const lj_line *v, const plan *P,
                       int64_t *across_blank)
{
    const dc_host *h = lj->host;
    dc_edits *e = h->edits_begin(doc);
    *across_blank = 0;
    for (size_t j = 0; j < P->n; j++) {
        size_t i = P->at[j], p = i - 1;
        while (v[p].blank) p--;
        if (p + 1 < i) ++*across_blank;
        size_t from = v[p].cend, to = v[i].cstart;
        if (h->edits_replace(e, from, to - from, " ", P->space[j], "linejoin:join") != 0) {
            h->edits_abort(e);
            return -1;
        }
    }
    size_t applied = 0;
    return h->edits_commit(e, &applied);
}

static dc_verdict linejoin_process(void *inst, dc_doc *doc)
{
    linejoin *lj = inst;
    const dc_host *h = lj->host;
    const unsigned char *s = (const unsigned char *)doc->text;
    if (!has_candidate(s, doc->len)) return DC_KEEP;

    lj_line *v = NULL;
    lj_block *blocks = NULL;
    size_t n = split_lines(s, doc->len, &v), nblocks = 0;
    plan P = {0};
    if (v && lj->fragments) nblocks = lj_frag_find(s, v, n, &lj->frag, &blocks);
    if (v && nblocks != (size_t)-1) {
        P.at = malloc((n ? n : 1) * sizeof *P.at);
        P.space = malloc(n ? n : 1);
    }
    if (!P.at || !P.space) {
        free(P.at);
        free(P.space);
        free(blocks);
        free(v);
        h->set_reason(doc, "linejoin: out of memory");
        return DC_ERROR;
    }
    plan_joins(lj, s, v, n, blocks, nblocks, &P);
    dc_verdict verdict = DC_KEEP;
    if (P.n > 0 && (double)P.n < lj->min_join_ratio * (double)P.nonblank) {
        h->counter_add(lj->stage, lj->c_gated, (int64_t)P.n);
    } else if (P.n > 0) {
        int64_t across_blank = 0;
        if (apply_joins(lj, doc, v, &P, &across_blank) != 0) {
            h->set_reason(doc, "linejoin: edit commit failed");
            verdict = DC_ERROR;
        } else {
            h->counter_add(lj->stage, lj->c_joins, (int64_t)P.n);
            h->counter_add(lj->stage, lj->c_joins_blank, across_blank);
            h->counter_add(lj->stage, lj->c_docs, 1);
            h->counter_add(lj->stage, lj->c_frag_blocks, (int64_t)nblocks);
            h->counter_add(lj->stage, lj->c_frag_joins, (int64_t)P.frag_joins);
        }
    }
    free(P.at);
    free(P.space);
    free(blocks);
    free(v);
    return verdict;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "linejoin",
    .description = "rejoin lines that page/PDF extraction broke in mid-sentence",
    .version = "1.1",
    .options = linejoin_options,
    .create = linejoin_create,
    .process = linejoin_process,
    .finish = NULL,
    .destroy = linejoin_destroy,
};
