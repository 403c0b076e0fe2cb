/*
 * bp_features.c - per-line evidence for the scored boilerplate detector.
 *
 * Why: rules written for one site's strings miss the same kind of junk
 * worded differently on the next site.  The scored detector instead looks
 * at what furniture *is*: cue words organised by kind (login, paywall, file
 * badges, counters, ...), the shape of the line (short, no sentence
 * punctuation, digits and symbols, `>` separators), where it sits relative
 * to the body (the first run of sentence-rich lines) and what its
 * neighbours look like (junk comes in runs).  This file turns the
 * non-empty lines of one document into a row of numbers each; bp_score.c
 * combines them with the fitted weights of bp_model.h.
 *
 * The same code produces the rows that scripts/fit-bp-model.py fits on
 * (option `dump_features`), so training and use cannot drift apart.
 */
#include <hs/hs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bp.h"

/* ---- cue vocabulary, by kind ----
 * Simplified spellings (t2s runs before this stage in the default
 * pipeline) plus a few traditional ones.  A cue only raises a line's score
 * by its kind's weight; short lines full of cues are what furniture is. */
typedef struct bp_cue {
    const char *s;
    int kind;
} bp_cue;

const char *const bp_kind_names[BP_NKINDS] = {
    "account", "paywall", "badge", "meta", "nav", "share", "counter",
    "copyright", "related", "editor", "summary", "seo", "site"};

static const bp_cue cues[] = {
    /* account, login, captcha, VIP */
    {"登录", 0}, {"登陆", 0}, {"登錄", 0}, {"注册", 0}, {"註冊", 0}, {"账号", 0}, {"帐号", 0},
    {"密码", 0}, {"验证码", 0}, {"会员", 0}, {"會員", 0}, {"VIP", 0}, {"vip", 0},
    {"个人中心", 0}, {"用户中心", 0}, {"退出", 0}, {"扫码", 0}, {"手机号", 0}, {"开通", 0},
    {"充值", 0}, {"积分", 0}, {"金币", 0}, {"下载券", 0}, {"用户名", 0}, {"游客", 0},
    {"绑定", 0}, {"签到", 0}, 
    /* paywall, download */
    {"下载", 1}, {"下載", 1}, {"付费", 1}, {"购买", 1}, {"免费", 1}, {"阅读全文", 1},
    {"全文", 1}, {"展开", 1}, {"剩余", 1}, {"未读", 1}, {"还剩", 1}, {"试读", 1},
    {"预览", 1}, {"价格", 1}, {"立即", 1}, {"收藏", 1}, {"打印", 1}, {"复制", 1},
    {"原价", 1}, {"售价", 1}, {"获取", 1}, {"查看全部", 1}, {"继续阅读", 1}, {"隐藏", 1},
    {"省略", 1}, {"仅展示", 1}, {"点击", 1}, {"¥", 1}, {"￥", 1}, {"编辑使用", 1},
    {"购物车", 1}, {"付款", 1}, {"支付", 1},
    /* file badges: format, pages, size, resource id */
    {"页数", 2}, {"文件大小", 2}, {"大小", 2}, {"格式", 2}, {".doc", 2}, {".pdf", 2},
    {".ppt", 2}, {"DOC", 2}, {"PDF", 2}, {"PPT", 2}, {"KB", 2}, {"MB", 2}, {"编号", 2},
    {"ID", 2}, {"字数", 2}, {"文档属性", 2}, {"资源类型", 2}, 
    {"科目", 2}, {"年级", 2}, {"资源", 2}, {"图片预览", 2}, {"课时", 2}, {"张PPT", 2},
    
    /* uploader and meta lines */
    {"上传", 3}, {"上傳", 3}, {"发布", 3}, {"發布", 3}, {"更新", 3}, {"作者", 3}, {"来源", 3},
    {"來源", 3},  {"贡献者", 3}, {"分享者", 3}, {"用户", 3},
    {"编辑", 3}, {"发布者", 3}, {"提供者", 3}, {"字号", 3}, {"投稿", 3},
    /* navigation, categories, breadcrumbs */
    {"首页", 4}, {"首頁", 4}, {"位置", 4}, {"当前", 4}, {"栏目", 4}, {"分类", 4}, {"频道", 4},
    {"导航", 4}, {"返回", 4}, {"上一篇", 4}, {"下一篇", 4}, {"上一页", 4}, {"下一页", 4},
    {"更多", 4}, {"标签", 4}, {"关键词", 4}, {"专题", 4}, {"网站地图", 4}, {"菜单", 4},
    {">", 4}, {"»", 4}, {"→", 4}, {"主页", 4}, {"专栏", 4}, {"搜索", 4},
    {"|", 4}, {"TAG", 4}, {"Tag", 4},
    /* share and social widgets, comments, complaints */
    {"分享", 5}, {"微信", 5}, {"微博", 5}, {"QQ", 5}, {"朋友圈", 5}, {"扫一扫", 5},
    {"二维码", 5}, {"关注", 5}, {"公众号", 5}, {"点赞", 5}, {"评论", 5}, {"留言", 5},
    {"举报", 5}, {"投诉", 5}, {"纠错", 5}, {"反馈", 5}, {"转发", 5}, {"跟帖", 5},
    {"写评论", 5}, {"查看", 5}, {"条评论", 5}, {"网友", 5}, {"在线", 5},
    /* counters: views, downloads, likes */
    {"浏览", 6}, {"阅读量", 6}, {"阅读数", 6}, {"次数", 6}, {"人气", 6}, {"热度", 6},
    {"次下载", 6}, {"次浏览", 6}, {"次阅读", 6}, {"人已", 6}, {"已有", 6}, {"赞", 6},
    {"播放", 6}, {"阅读", 6}, {"已阅", 6}, {"人阅读", 6}, {"下载量", 6}, {"访问", 6}, {"推荐度", 6}, {"评分", 6},
    /* copyright, disclaimers, ICP */
    {"版权", 7}, {"版權", 7}, {"侵权", 7}, {"声明", 7}, {"免责", 7}, {"备案", 7},
    {"ICP", 7}, {"公网安备", 7}, {"Copyright", 7}, {"copyright", 7}, {"©", 7},
    {"著作权", 7}, {"转载", 7}, {"联系我们", 7}, {"删除", 7},  {"原作者", 7},
    {"仅供", 7}, {"网友", 7}, {"本站", 7}, {"本网", 7},
    /* related and recommended lists */
    {"相关", 8}, {"相關", 8}, {"推荐", 8}, {"推薦", 8}, {"猜你喜欢", 8}, {"热门", 8},
    {"最新", 8}, {"排行", 8}, {"延伸阅读", 8}, {"精选", 8},  {"同类", 8},
     {"热点", 8},  {"看了", 8}, {"看全文", 8}, {"上一章", 8}, {"下一章", 8}, {"合集", 8},
    /* editor intros and outros */
    {"小编", 9}, {"小編", 9}, {"为大家", 9}, {"为您", 9}, {"希望对", 9}, {"整理的", 9},
    {"欢迎", 9}, {"借鉴", 9}, {"以上就是", 9}, {"一起来看看", 9}, {"请关注", 9},
    {"有所帮助", 9}, {"供大家", 9}, {"收集整理", 9},
    /* summary and lead boxes */
    {"摘要", 10}, {"核心提示", 10}, {"文档简介", 10}, {"内容提要", 10}, {"导读", 10}, {"简介", 10}, {"概要", 10},
    
    /* SEO, ads, spam */
     {"建站", 11}, {"模板", 11}, {"优化", 11}, {"推广", 11}, {"官方", 11},
    {"入口", 11}, {"娱乐", 11}, {"彩票", 11}, {"博彩", 11}, 
    {"加盟", 11}, {"贷款", 11},  {"热线", 11}, {"客服", 11}, {"福利", 11},
     {"广告", 11},  {"APP", 11}, {"app", 11},
    /* a site's own name */
    {"文库", 12}, {"範文", 12}, {"范文网", 12}, {"资源网", 12}, {"文档网", 12}, {"学习网", 12},
    {"之家", 12}, {"百科", 12}, {"搜档", 12}, {"文案", 12}, {"手机站", 12}, {"手机版", 12}, 
};
#define NCUES (sizeof cues / sizeof *cues)

/* The vocabulary is matched with Hyperscan (one literal database, block
 * mode): measured 2.8x faster than the stage's own hashed-gram prefilter on
 * these cues and 1.8x with 3,000 (bench/bench_bp_cues.sh).  Hyperscan needs
 * a scratch space per concurrent scan; the stage runs on all worker threads,
 * so scratches live in a small pool owned by the instance: a document takes
 * a free one with a compare-and-swap and gives it back; if all are taken it
 * clones a temporary one. */
#define BP_SCRATCH_POOL 64

struct bp_cues {
    hs_database_t *db;
    hs_scratch_t *pool[BP_SCRATCH_POOL];
    int busy[BP_SCRATCH_POOL]; /* accessed with __atomic builtins */
};

bp_cues *bp_cues_new(char *err, size_t errlen) {
    bp_cues *c = calloc(1, sizeof *c);
    const char *lits[NCUES];
    unsigned flags[NCUES], ids[NCUES];
    size_t lens[NCUES];
    for (size_t k = 0; k < NCUES; k++)
        lits[k] = cues[k].s, flags[k] = 0, ids[k] = (unsigned)k, lens[k] = strlen(cues[k].s);
    hs_compile_error_t *ce = NULL;
    if (!c || hs_compile_lit_multi(lits, flags, ids, lens, NCUES, HS_MODE_BLOCK, NULL, &c->db, &ce) !=
                  HS_SUCCESS) {
        snprintf(err, errlen, "cue vocabulary: hyperscan: %s", ce ? ce->message : "out of memory");
        if (ce) hs_free_compile_error(ce);
        free(c);
        return NULL;
    }
    if (hs_alloc_scratch(c->db, &c->pool[0]) != HS_SUCCESS) {
        snprintf(err, errlen, "cue vocabulary: hyperscan: cannot allocate scratch");
        bp_cues_free(c);
        return NULL;
    }
    for (int k = 1; k < BP_SCRATCH_POOL; k++)
        if (hs_clone_scratch(c->pool[0], &c->pool[k]) != HS_SUCCESS) c->pool[k] = NULL;
    return c;
}

void bp_cues_free(bp_cues *c) {
    if (!c) return;
    for (int k = 0; k < BP_SCRATCH_POOL; k++)
        if (c->pool[k]) hs_free_scratch(c->pool[k]);
    hs_free_database(c->db);
    free(c);
}

size_t bp_cues_count(void) { return NCUES; }

/* A scratch for one document; *slot is -1 for a temporary clone. */
static hs_scratch_t *scratch_take(bp_cues *c, int *slot) {
    for (int k = 0; k < BP_SCRATCH_POOL; k++) {
        int expect = 0;
        if (c->pool[k] && __atomic_compare_exchange_n(&c->busy[k], &expect, 1, 0, __ATOMIC_ACQUIRE,
                                                      __ATOMIC_RELAXED)) {
            *slot = k;
            return c->pool[k];
        }
    }
    hs_scratch_t *s = NULL;
    *slot = -1;
    return hs_clone_scratch(c->pool[0], &s) == HS_SUCCESS ? s : NULL;
}

static void scratch_give(bp_cues *c, hs_scratch_t *s, int slot) {
    if (slot >= 0) __atomic_store_n(&c->busy[slot], 0, __ATOMIC_RELEASE);
    else if (s) hs_free_scratch(s);
}

typedef struct cue_hits {
    uint64_t seen[(NCUES + 63) / 64];
    unsigned char count[BP_NKINDS];
} cue_hits;

static int on_cue(unsigned int id, unsigned long long from, unsigned long long to,
                  unsigned int flags, void *ctx) {
    (void)from, (void)to, (void)flags;
    cue_hits *h = ctx;
    uint64_t bit = 1ull << (id & 63);
    if (h->seen[id >> 6] & bit) return 0; /* each cue counts once per line */
    h->seen[id >> 6] |= bit;
    if (h->count[cues[id].kind] < 255) h->count[cues[id].kind]++;
    return 0;
}

static void scan_with(const bp_cues *c, hs_scratch_t *scr, const char *s, size_t n,
                      unsigned char count[BP_NKINDS]) {
    cue_hits h;
    memset(&h, 0, sizeof h);
    if (scr) hs_scan(c->db, s, (unsigned)n, 0, scr, on_cue, &h);
    memcpy(count, h.count, BP_NKINDS);
}

void bp_cues_scan(bp_cues *c, const char *s, size_t n, unsigned char count[BP_NKINDS]) {
    int slot;
    hs_scratch_t *scr = scratch_take(c, &slot);
    scan_with(c, scr, s, n, count);
    scratch_give(c, scr, slot);
}

/* ---- line shape ---- */

const char *const bp_feature_names[BP_NFEAT] = {
    "bias", "han-len", "very-short", "short", "long", "sentences", "commas", "ends-sentence",
    "ends-colon", "digits", "latin", "symbols", "bullet", "separators", "before-body",
    "after-body", "top", "title-like", "site-name", "prev-prose", "next-prose", "prev-cue",
    "next-cue", "prev-removed", "next-removed", "cue+short", "cue+long", "several-kinds",
    "label-value", "spaced-tokens", "no-han",
    /* kinds follow: BP_FEAT_KIND0 + kind */
    "account", "paywall", "badge", "meta", "nav", "share", "counter", "copyright", "related",
    "editor", "summary", "seo", "site"};

static inline __attribute__((always_inline)) uint32_t next_cp(const unsigned char *s, size_t n,
                                                              size_t *i) {
    unsigned char c = s[*i];
    if (c < 0x80) return (*i)++, c;
    if (c >= 0xE0 && c < 0xF0 && *i + 3 <= n) { /* nearly all CJK text */
        uint32_t cp = ((c & 0x0Fu) << 12) | ((s[*i + 1] & 0x3Fu) << 6) | (s[*i + 2] & 0x3Fu);
        *i += 3;
        return cp;
    }
    size_t u = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (*i + u > n) u = 1;
    uint32_t cp = c;
    if (u == 2) cp = ((c & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu);
    else if (u == 3) cp = ((c & 0x0Fu) << 12) | ((s[*i + 1] & 0x3Fu) << 6) | (s[*i + 2] & 0x3Fu);
    else if (u == 4)
        cp = ((c & 0x07u) << 18) | ((s[*i + 1] & 0x3Fu) << 12) | ((s[*i + 2] & 0x3Fu) << 6) |
             (s[*i + 3] & 0x3Fu);
    *i += u;
    return cp;
}

static int is_han(uint32_t cp) {
    return (cp >= 0x3400 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

static int is_sentence_end(uint32_t cp) {
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B || cp == '!' ||
           cp == '?' || cp == ';';
}

static int is_separator(uint32_t cp) {
    return cp == '>' || cp == 0xBB || cp == '|' || cp == '/' || cp == 0xB7 || cp == 0x2192 ||
           cp == '_' || cp == 0xFF1E || cp == 0x203A;
}

/* Counts of one trimmed line. */
void bp_line_shape(const char *s, size_t n, bp_shape *sh) {
    memset(sh, 0, sizeof *sh);
    const unsigned char *u = (const unsigned char *)s;
    uint32_t prev = 0, last = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp = next_cp(u, n, &i);
        sh->chars++;
        /* "作者:某某", "格式 zip": a label and a value */
        if ((cp == ':' || cp == 0xFF1A) && sh->chars <= 7 && sh->chars > 1) sh->label_colon = 1;
        if ((cp == ' ' || cp == 0x3000) && prev != ' ' && prev != 0x3000 && prev) sh->spaced++;
        if (is_han(cp)) sh->han++;
        else if (cp >= '0' && cp <= '9') sh->digits++;
        else if ((cp | 32) >= 'a' && (cp | 32) <= 'z') sh->latin++;
        else if (cp == ' ' || cp == 0x3000) ;
        else {
            sh->symbols++;
            if (is_sentence_end(cp) || (cp == '.' && is_han(prev))) sh->sentences++;
            if (cp == 0xFF0C || cp == ',' || cp == 0x3001) sh->commas++;
            if (is_separator(cp)) sh->separators++;
        }
        prev = cp;
        last = cp;
    }
    sh->ends_sentence = is_sentence_end(last) || last == 0x3002 || last == 0x201D ||
                        last == 0x300D || (last == '.' && n > 1);
    sh->ends_colon = last == ':' || last == 0xFF1A;
    /* a list bullet or number: "1." "(2)" "一、" "●" */
    size_t i = 0;
    uint32_t c0 = n ? next_cp(u, n, &i) : 0;
    uint32_t c1 = i < n ? next_cp(u, n, &i) : 0;
    sh->bullet = c0 == 0x25CF || c0 == 0x2022 || c0 == 0x25A0 || c0 == 0x25C6 || c0 == '-' ||
                 c0 == '*' || c0 == 0xB7 || c0 == '(' || c0 == 0xFF08 ||
                 ((c0 >= '0' && c0 <= '9') && (c1 == '.' || c1 == 0x3001 || c1 == ')')) ||
                 (c1 == 0x3001 && is_han(c0));
    if (last == ' ') sh->spaced--;
    sh->rich = sh->han >= 15 && (sh->sentences >= 1 || sh->commas >= 2);
}

/* Does the line end in a site-name word ("XX范文网", "某某文库")? */
static int site_name_shape(const char *s, size_t n, const bp_shape *sh) {
    if (sh->han < 2 || sh->han > 10 || sh->sentences || sh->commas) return 0;
    static const char *const ends[] = {"网", "網", "文库", "站", "之家", "百科", "文档", "资源",
                                       "官网", "平台", "在线", "频道", "资料库"};
    for (size_t k = 0; k < sizeof ends / sizeof *ends; k++) {
        size_t l = strlen(ends[k]);
        if (n >= l && memcmp(s + n - l, ends[k], l) == 0) return 1;
    }
    return 0;
}

static float cap01(double x) { return x > 1 ? 1.0f : x < 0 ? 0.0f : (float)x; }

/* The body: the first run of two sentence-rich lines, or one long line of
 * several sentences; it ends at the last sentence-rich line. */
static void find_body(const bp_shape *sh, size_t n, size_t *first, size_t *last) {
    *first = n, *last = 0;
    for (size_t i = 0; i < n && *first == n; i++) {
        if (!sh[i].rich) continue;
        if ((i + 1 < n && sh[i + 1].rich) || (sh[i].han >= 60 && sh[i].sentences >= 2)) *first = i;
    }
    for (size_t i = n; i-- > 0;)
        if (sh[i].rich) { *last = i; break; }
    if (*first == n) *last = n; /* no body found: nothing is "after" it */
}

void bp_features_doc(bp_cues *c, const bp_lineref *lines, size_t n, float *X) {
    bp_shape *sh = calloc(n + 1, sizeof *sh);
    unsigned char(*kc)[BP_NKINDS] = calloc(n + 1, sizeof *kc);
    int *anycue = calloc(n + 1, sizeof(int));
    int slot;
    hs_scratch_t *scr = scratch_take(c, &slot);
    for (size_t i = 0; i < n; i++) {
        bp_line_shape(lines[i].s, lines[i].n, &sh[i]);
        scan_with(c, scr, lines[i].s, lines[i].n, kc[i]);
        for (int k = 0; k < BP_NKINDS; k++) anycue[i] += kc[i][k] > 0;
    }
    scratch_give(c, scr, slot);
    size_t body0, body1;
    find_body(sh, n, &body0, &body1);
    for (size_t i = 0; i < n; i++) {
        float *x = X + i * BP_NFEAT;
        const bp_shape *h = &sh[i];
        double chars = h->chars ? (double)h->chars : 1.0;
        memset(x, 0, BP_NFEAT * sizeof *x);
        x[0] = 1;
        x[1] = cap01((double)h->han / 100.0);
        x[2] = h->han <= 6;
        x[3] = h->han > 6 && h->han <= 15;
        x[4] = h->han > 40;
        x[5] = cap01(h->sentences / 4.0);
        x[6] = cap01(h->commas / 4.0);
        x[7] = (float)h->ends_sentence;
        x[8] = (float)h->ends_colon;
        x[9] = (float)(h->digits / chars);
        x[10] = (float)(h->latin / chars);
        x[11] = (float)(h->symbols / chars);
        x[12] = (float)h->bullet;
        x[13] = h->separators >= 2;
        x[14] = i < body0;
        x[15] = body1 < n && i > body1;
        x[16] = i < 3;
        x[17] = h->han >= 4 && h->han <= 30 && !h->ends_sentence && !h->commas;
        x[18] = (float)site_name_shape(lines[i].s, lines[i].n, h);
        x[19] = i > 0 && sh[i - 1].rich;
        x[20] = i + 1 < n && sh[i + 1].rich;
        x[21] = i > 0 && anycue[i - 1] > 0 && !sh[i - 1].rich;
        x[22] = i + 1 < n && anycue[i + 1] > 0 && !sh[i + 1].rich;
        x[23] = i > 0 && lines[i - 1].removed;
        x[24] = i + 1 < n && lines[i + 1].removed;
        x[25] = anycue[i] > 0 && h->han <= 15;
        x[26] = anycue[i] > 0 && h->han > 40;
        x[27] = anycue[i] >= 2;
        x[28] = h->han <= 20 && h->label_colon;
        x[29] = h->han <= 20 && h->spaced >= 2;
        x[30] = h->han == 0;
        /* a cue in a short line is furniture; the same word in prose is not */
        double gate = h->han <= 30 && h->sentences < 2 ? 1.0 : 0.3;
        for (int k = 0; k < BP_NKINDS; k++) x[BP_FEAT_KIND0 + k] = cap01(kc[i][k] / 2.0 * gate);
    }
    free(sh);
    free(kc);
    free(anycue);
}
