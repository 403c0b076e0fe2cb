/*
 * fragment.c - find blocks of text runs that extraction put one per line,
 * and decide the joins inside them.
 *
 * A block is a run of short lines (at most max_chars characters; one longer
 * line between two short ones does not end it) in which a real share of the
 * breaks visibly cut a sentence: the line ends in ， 、 or an opening
 * bracket, the next starts with closing punctuation, % or ;, a number is
 * cut from its unit (2023 / 年), or a mask stands alone (XX / 县).  A list
 * of names, a table of contents or a poem has short lines too, but its
 * breaks do not cut a sentence (a name ends in Han and the next starts in
 * Han: that alone is no evidence), so it is not a block.  Verse ends its
 * short lines in ， ； 。: at least half of a block's lines must end in Han,
 * a digit or a Latin letter.
 *
 * Inside a block a break is kept only where the text gives a reason: the
 * next line is a heading, list item, table row, dated or labelled record or
 * is indented; the line ends a sentence (。！？); a bare title or heading
 * ends in a word that ends titles (通知, 总结, 情况 ...); the date and the
 * signature at the end.  Everything else is joined.
 */
#include "fragment.h"

#include <stdlib.h>
#include <string.h>

#include "docclean/utf8.h"

#define NONE ((size_t)-1)

static int is_digit(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }
static int is_alpha(uint32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_ascii_alnum(uint32_t c) { return is_alpha(c) || (c >= '0' && c <= '9'); }

static uint32_t first_cp(const unsigned char *s, const lj_line *l)
{
    size_t cl;
    return l->blank ? 0 : dc_utf8_decode(s, l->cend, l->cstart, &cl);
}

/* The last code point of the content and the one before it. */
uint32_t lj_last_char(const unsigned char *s, const lj_line *l, uint32_t *before)
{
    size_t cl, e = l->cend;
    *before = 0;
    if (l->blank) return 0;
    uint32_t c = dc_utf8_decode_back(s, l->cstart, e, &cl);
    e -= cl;
    if (e > l->cstart) *before = dc_utf8_decode_back(s, l->cstart, e, &cl);
    return c;
}

/* Is the whole content made of characters accepted by pred? */
static int all_of(const unsigned char *s, const lj_line *l, int (*pred)(uint32_t))
{
    size_t cl;
    for (size_t p = l->cstart; p < l->cend; p += cl)
        if (!pred(dc_utf8_decode(s, l->cend, p, &cl))) return 0;
    return !l->blank;
}

static int is_number_char(uint32_t c) { return is_digit(c) || c == '.' || c == ',' || c == ':'; }
static int is_mask_char(uint32_t c)
{
    return c == 'X' || c == 'x' || c == '*' || c == 0xFF0A || c == 0x25CB || c == 0x00D7 ||
           c == 0xFF38 || c == 0xFF58;
}

/* A mask such as XX, xxx, ** or ○○ standing alone. */
static int is_lone_mask(const unsigned char *s, const lj_line *l)
{
    return l->nchars >= 2 && all_of(s, l, is_mask_char);
}

static int is_sentence_end(uint32_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0x2026 || c == '!' || c == '?';
}

static int is_closing_quote(uint32_t c)
{
    return c == 0x201D || c == 0x2019 || c == 0x300D || c == 0x300F || c == 0xFF09 || c == ')';
}

/* Does line b start the second half of something line a began?  Only the
 * signs that a list, a table of contents or a poem does not show. */
static int cuts_sentence(const unsigned char *s, const lj_line *a, const lj_line *b)
{
    if (b->structural || b->record) return 0;
    if (a->tail == LJ_TAIL_CONT) return 1;
    uint32_t bf = first_cp(s, b), before;
    uint32_t al = lj_last_char(s, a, &before);
    if (b->head == LJ_HEAD_CLOSE || bf == '%' || bf == 0xFF05) return 1;
    if (is_digit(al) && (dc_is_han(bf) || bf == '%')) return 1;
    if (dc_is_han(al) && is_digit(bf) && all_of(s, b, is_number_char)) return 1;
    return is_lone_mask(s, a) && dc_is_han(bf);
}

/* Does the line end without punctuation (in Han, a digit, a Latin letter)?
 * Most fragments do; verse and short list lines end in ， ； 。 instead. */
static int ends_open(const unsigned char *s, const lj_line *l)
{
    uint32_t before, c = lj_last_char(s, l, &before);
    return dc_is_han(c) || is_ascii_alnum(c) || is_digit(c);
}

static int is_short(const lj_frag_opts *o, const lj_line *l)
{
    return !l->blank && l->nchars <= o->max_chars && !l->table;
}

/* Date characters: 2023年12月20日, 二〇二三年十二月二十日. */
static int is_date_digit(uint32_t c)
{
    switch (c) {
    case 0x3007: case 0x96F6: case 0x4E00: case 0x4E8C: case 0x4E09: case 0x56DB: case 0x4E94:
    case 0x516D: case 0x4E03: case 0x516B: case 0x4E5D: case 0x5341:
        return 1;
    }
    return is_digit(c);
}

/* Is cp[0..n) a whole date: D{2,4}年D{1,3}月D{1,3}日|号? */
static int is_date(const uint32_t *cp, int n)
{
    int i = 0, k;
    static const uint32_t unit[3] = {0x5E74, 0x6708, 0x65E5};
    static const int lo[3] = {2, 1, 1}, hi[3] = {4, 3, 3};
    for (int f = 0; f < 3; f++) {
        for (k = 0; i < n && k < hi[f] && is_date_digit(cp[i]); k++) i++;
        if (k < lo[f] || i >= n) return 0;
        if (cp[i] != unit[f] && !(f == 2 && cp[i] == 0x53F7)) return 0;
        i++;
    }
    return i == n;
}

/* The date that ends a block ("2023" / "年" / "12" / "月20日") and the
 * signature before it ("XX" / "县教育局"): their first lines. */
static void find_date_and_signature(const unsigned char *s, const lj_line *v, lj_block *k)
{
    enum { MAXCP = 16 };
    uint32_t cp[MAXCP];
    k->keep_before[0] = k->keep_before[1] = NONE;
    /* the date: the shortest run of last lines that reads as one */
    size_t i = k->last + 1, date = NONE;
    int n = 0;
    while (i > k->first) {
        i--;
        if (v[i].blank) continue;
        if (n + v[i].nchars > MAXCP) break;
        /* prepend line i's characters */
        uint32_t tmp[MAXCP];
        int m = 0;
        size_t cl;
        for (size_t p = v[i].cstart; p < v[i].cend && m < MAXCP; p += cl) {
            uint32_t c = dc_utf8_decode(s, v[i].cend, p, &cl);
            if (!dc_is_space(c)) tmp[m++] = c;
        }
        for (int j = n - 1; j >= 0; j--) cp[j + m] = cp[j];
        for (int j = 0; j < m; j++) cp[j] = tmp[j];
        n += m;
        if (is_date(cp, n)) { date = i; break; }
    }
    if (date == NONE) return;
    k->keep_before[0] = date;
    /* the signature: the short bare lines between the last sentence end and the date */
    size_t sig = NONE;
    int chars = 0;
    for (i = date; i > k->first;) {
        i--;
        if (v[i].blank) continue;
        if (v[i].record) {
            /* 附件：学校安全检查清单 / XX县教育局: the label's value runs
             * into the signature; an anonymised signature starts with its
             * mask, the first one after the label */
            sig = NONE;
            for (size_t j = i + 1; j < date && sig == NONE; j++)
                if (!v[j].blank && is_lone_mask(s, &v[j])) sig = j;
            break;
        }
        uint32_t before, c = lj_last_char(s, &v[i], &before);
        if (is_sentence_end(c) || c == 0xFF1A || c == ':' || c == 0xFF1B || c == ';' ||
            (is_closing_quote(c) && is_sentence_end(before)))
            break;
        chars += v[i].nchars;
        if (!v[i].bare || chars > 24) return;
        sig = i;
        if (v[i].structural) break;
    }
    if (sig != NONE && sig != k->first) k->keep_before[1] = sig;
}

size_t lj_frag_find(const unsigned char *s, const lj_line *v, size_t n, const lj_frag_opts *o,
                    lj_block **out)
{
    size_t nb = 0, cap = 0;
    lj_block *b = NULL;
    *out = NULL;
    size_t i = 0;
    while (i < n) {
        if (!is_short(o, &v[i])) { i++; continue; }
        /* a candidate run from line i: short lines, gaps of at most
         * max_gap blank lines, no two long lines in a row */
        size_t last = i, prev = i, lines = 1, breaks = 0, evidence = 0, blanks = 0;
        size_t open = ends_open(s, &v[i]);
        size_t gap = 0, j = i + 1, pending_long = NONE;
        for (; j < n; j++) {
            if (v[j].blank) {
                if (++gap > (size_t)o->max_gap) break;
                continue;
            }
            int sh = is_short(o, &v[j]);
            if (!sh) {
                if (pending_long != NONE || v[j].structural) break;
                pending_long = j;
            } else {
                pending_long = NONE;
                last = j;
            }
            breaks++;
            blanks += gap > 0;
            evidence += cuts_sentence(s, &v[prev], &v[j]);
            open += ends_open(s, &v[j]);
            lines++;
            prev = j;
            gap = 0;
        }
        if (lines >= (size_t)o->min_lines && evidence >= 2 && open * 2 >= lines &&
            (double)evidence >= o->min_evidence * (double)breaks) {
            if (nb == cap) {
                cap = cap ? 2 * cap : 4;
                lj_block *w = realloc(b, cap * sizeof *b);
                if (!w) { free(b); return NONE; }
                b = w;
            }
            lj_block *k = &b[nb++];
            k->first = i;
            k->last = last;
            k->blank_is_break = blanks * 2 < breaks;
            find_date_and_signature(s, v, k);
        }
        i = last + 1;
    }
    *out = b;
    return nb;
}

/* Words that end a title or a heading: a bare heading line that ends in one
 * is not continued by the next line (一、主要工作 / 一年来，…).  Pairs of
 * code points: 通知 总结 报告 ... (the genres of documents and the nouns that
 * end section headings). */
static const uint32_t title_words[][2] = {
    {0x901A, 0x77E5}, {0x603B, 0x7ED3}, {0x62A5, 0x544A}, {0x8BA1, 0x5212}, {0x65B9, 0x6848},
    {0x529E, 0x6CD5}, {0x89C4, 0x5B9A}, {0x7EC6, 0x5219}, {0x51B3, 0x5B9A}, {0x610F, 0x89C1},
    {0x8BB2, 0x8BDD}, {0x516C, 0x544A}, {0x901A, 0x62A5}, {0x7EAA, 0x8981}, {0x603B, 0x5219},
    {0x9644, 0x5219}, {0x60C5, 0x51B5}, {0x95EE, 0x9898}, {0x76EE, 0x6807}, {0x8981, 0x6C42},
    {0x63AA, 0x65BD}, {0x5B89, 0x6392}, {0x5206, 0x6790}, {0x5185, 0x5BB9}, {0x65F6, 0x95F4},
    {0x6253, 0x7B97}, {0x4EFB, 0x52A1}, {0x601D, 0x60F3}, {0x539F, 0x5219}, {0x5EFA, 0x8BAE},
    {0x505A, 0x6CD5}, {0x6210, 0x6548}, {0x7ECF, 0x9A8C}, {0x4F53, 0x4F1A}, {0x80CC, 0x666F},
    {0x610F, 0x4E49}, {0x6B65, 0x9AA4}, {0x8303, 0x56F4}, {0x804C, 0x8D23}, {0x4FDD, 0x969C},
    {0x8BF4, 0x660E}, {0x7B80, 0x4ECB}, {0x6982, 0x51B5}, {0x5236, 0x5EA6}, {0x6807, 0x51C6},
    {0x7A0B, 0x5E8F}, {0x6D41, 0x7A0B}, {0x4E8B, 0x9879}, {0x987B, 0x77E5}, {0x7AE0, 0x7A0B},
    /* 发言稿 讲话稿 申请书 倡议书 ... 思路 工作 活动 ... 研究 探讨 设计 */
    {0x8A00, 0x7A3F}, {0x8BDD, 0x7A3F}, {0x8BB2, 0x7A3F}, {0x8BF7, 0x4E66}, {0x8BAE, 0x4E66},
    {0x4EFB, 0x4E66}, {0x601D, 0x8DEF}, {0x5DE5, 0x4F5C}, {0x6D3B, 0x52A8}, {0x4F1A, 0x8BAE},
    {0x5EFA, 0x8BBE}, {0x7BA1, 0x7406}, {0x53D1, 0x5C55}, {0x7B80, 0x62A5}, {0x6559, 0x6848},
    {0x53CD, 0x601D}, {0x5FC3, 0x5F97}, {0x611F, 0x60F3}, {0x5BF9, 0x7B56}, {0x7B56, 0x7565},
    {0x7814, 0x7A76}, {0x63A2, 0x8BA8}, {0x8BBE, 0x8BA1},
};

static int is_title_word(uint32_t before, uint32_t last)
{
    for (size_t w = 0; w < sizeof title_words / sizeof *title_words; w++)
        if (title_words[w][0] == before && title_words[w][1] == last) return 1;
    return 0;
}

static int is_clause_punct(uint32_t c)
{
    return c == ',' || c == ';' || c == '!' || c == '?' || c == 0xFF0C || c == 0x3001 ||
           c == 0x3002 || c == 0xFF1B || c == 0xFF01 || c == 0xFF1F;
}

int lj_frag_bare(const unsigned char *s, const lj_line *l)
{
    if (!l->structural || l->bare) return l->bare;
    /* the 、 of 一、 or the ， of 第一， is the marker's, not a clause's */
    size_t cl;
    int k = 0, seen = 0;
    for (size_t p = l->cstart; p < l->cend; p += cl, k++) {
        uint32_t c = dc_utf8_decode(s, l->cend, p, &cl);
        if (!is_clause_punct(c)) continue;
        if (seen || k > 4) return 0;
        seen = 1;
    }
    return 1;
}

/* An enumerated sub-heading may end in an outcome instead of a title word:
 * （一）办学条件持续改善 / 教师队伍不断加强 - a subject, an adverb of
 * progress and a verb.  The same words make an instruction in a list item
 * (1.各校要进一步改善 / 办学条件，), so the adverb must follow the subject
 * directly, not a modal verb (要 应 须 ...).  Word lists, UTF-8. */
static const char *const progress_adverbs[] = {
    "持续", "不断", "稳步", "逐步", "深入", "扎实", "全面", "切实", "有效", "明显",
    "显著", "大幅", "日益", "更加", "有序", "积极", "大力", "着力", "全力", "快速",
    "平稳", "整体", "普遍", "进一步", NULL};
static const char *const outcome_verbs[] = {
    "改善", "加强", "提升", "提高", "推进", "完善", "落实", "开展", "增强", "优化",
    "健全", "深化", "巩固", "扩大", "规范", "改进", "夯实", "拓展", "发展", "增长",
    "好转", "上升", "下降", "加快", "强化", "创新", "实施", "推动", "见效", "彰显",
    "凸显", "突破", NULL};
static const char *const modals[] = {"要", "应", "须", "需", "将", "必", "能", "可", "得", NULL};

/* Does buf[0..n) end with one of the words; which length did it match? */
static size_t ends_with_word(const char *buf, size_t n, const char *const *words)
{
    for (size_t w = 0; words[w]; w++) {
        size_t k = strlen(words[w]);
        if (k <= n && memcmp(buf + n - k, words[w], k) == 0) return k;
    }
    return 0;
}

/* Is the logical line from L->first to line a a sub-heading ending in
 * subject + adverb + verb?  The text is gathered without white space into
 * a small buffer (only bare headings of at most title_max_chars get here). */
static int ends_in_outcome(const unsigned char *s, const lj_frag_logical *L, const lj_line *a)
{
    char buf[256];
    size_t n = 0;
    for (size_t p = L->first->cstart; p < a->cend && n < sizeof buf;) {
        size_t cl;
        uint32_t c = dc_utf8_decode(s, a->cend, p, &cl);
        if (!dc_is_space(c) && c != '\n' && c != '\r') {
            if (n + cl > sizeof buf) return 0;
            memcpy(buf + n, s + p, cl);
            n += cl;
        }
        p += cl;
    }
    size_t v = ends_with_word(buf, n, outcome_verbs);
    if (!v) return 0;
    size_t d = ends_with_word(buf, n - v, progress_adverbs);
    if (!d) return 0;
    size_t rest = n - v - d; /* the subject (and the marker) before the adverb */
    if (rest < 2 * 3 + 1 || ends_with_word(buf, rest, modals)) return 0;
    uint32_t before;
    size_t cl;
    before = dc_utf8_decode_back((const unsigned char *)buf, 0, rest, &cl);
    return dc_is_han(before);
}

int lj_frag_decide(const unsigned char *s, const lj_frag_opts *o, const lj_block *k,
                   const lj_frag_logical *L, const lj_line *a, const lj_line *b, size_t bi,
                   size_t gap)
{
    if (bi == k->keep_before[0] || bi == k->keep_before[1]) return LJ_FRAG_KEEP;
    if (gap > 0 && k->blank_is_break) return LJ_FRAG_KEEP;
    if (o->protect_indent && b->indented) return LJ_FRAG_KEEP;
    if (b->structural) return LJ_FRAG_KEEP;
    uint32_t before, al = lj_last_char(s, a, &before), bf = first_cp(s, b);
    if (b->head == LJ_HEAD_CLOSE || bf == '%' || bf == 0xFF05) return LJ_FRAG_JOIN;
    if (is_sentence_end(al) || (is_closing_quote(al) && is_sentence_end(before)))
        return LJ_FRAG_KEEP;
    if (al == '.' && is_alpha(before)) return LJ_FRAG_KEEP; /* an English sentence */
    /* 同志们： / 各学校： end a line; 1.知识与技能：了解… goes on */
    if (al == 0xFF1A || al == ':')
        return is_digit(bf) || L->first->structural ? LJ_FRAG_JOIN : LJ_FRAG_KEEP;
    if (L->bare && L->open_brackets == 0 && L->nchars <= o->title_max_chars &&
        (L->is_doc_first || L->first->structural) && dc_is_han(al) &&
        (dc_is_han(bf) || is_digit(bf)) &&
        is_title_word(a->nchars == 1 ? L->before_a : before, al))
        return LJ_FRAG_KEEP;
    if (L->bare && L->open_brackets == 0 && L->nchars <= o->title_max_chars &&
        L->first->structural && !L->first->table && dc_is_han(al) &&
        (dc_is_han(bf) || is_digit(bf)) && ends_in_outcome(s, L, a))
        return LJ_FRAG_KEEP;
    if (is_ascii_alnum(al) && is_ascii_alnum(bf) && !(is_digit(al) && is_digit(bf)) &&
        !is_lone_mask(s, a) && !is_lone_mask(s, b))
        return LJ_FRAG_JOIN_SPACE;
    return LJ_FRAG_JOIN;
}
