/*
 * ph_type.c - decide what a placeholder stands for from the words around it.
 *
 * Only called on hits (rare), so plain tables and memcmp are fast enough.
 * Order of evidence, strongest first:
 *   1. the shape of the mark itself: 4 characters starting 19/20 (20XX,
 *      201X, 20__) is a year whatever follows;
 *   2. the word after it: 年 -> year, 月/日 -> date, a counter or unit
 *      (元 人 次 % kg ...) -> number, a title or an organisation/place
 *      suffix (同志 老师 市 学校 ...) -> name;
 *   3. the word before it: 第/共/约 -> number, a surname -> name;
 *   4. otherwise unknown (某某 defaults to name: it means "so-and-so").
 */
#include <string.h>

#include "ph.h"

typedef struct ph_word {
    const char *s;
    uint8_t len;
    uint8_t type;
} ph_word;

#define W(str, t) {str, (uint8_t)(sizeof(str) - 1), t}

/* Words that may follow a placeholder.  Longest match wins, so 部门 (name)
 * beats 部 (counter), 年级 beats 年. */
static const ph_word suffix_words[] = {
    /* year / date words handled here too, with their exceptions */
    W("年级", PH_NUMBER), W("年代", PH_YEAR), W("月", PH_DATE), W("日", PH_DATE),
    /* counters and units */
    W("%", PH_NUMBER), W("％", PH_NUMBER), W("‰", PH_NUMBER), W("℃", PH_NUMBER),
    W("元", PH_NUMBER), W("万", PH_NUMBER), W("亿", PH_NUMBER), W("千", PH_NUMBER),
    W("百", PH_NUMBER), W("人", PH_NUMBER), W("名", PH_NUMBER), W("个", PH_NUMBER),
    W("次", PH_NUMBER), W("位", PH_NUMBER), W("家", PH_NUMBER), W("所", PH_NUMBER),
    W("项", PH_NUMBER), W("件", PH_NUMBER), W("份", PH_NUMBER), W("篇", PH_NUMBER),
    W("条", PH_NUMBER), W("款", PH_NUMBER), W("章", PH_NUMBER), W("节", PH_NUMBER),
    W("岁", PH_NUMBER), W("周", PH_NUMBER), W("天", PH_NUMBER), W("小时", PH_NUMBER),
    W("分钟", PH_NUMBER), W("秒", PH_NUMBER), W("倍", PH_NUMBER), W("台", PH_NUMBER),
    W("辆", PH_NUMBER), W("套", PH_NUMBER), W("批", PH_NUMBER), W("场", PH_NUMBER),
    W("期", PH_NUMBER), W("届", PH_NUMBER), W("级", PH_NUMBER), W("班", PH_NUMBER),
    W("户", PH_NUMBER), W("亩", PH_NUMBER), W("米", PH_NUMBER), W("吨", PH_NUMBER),
    W("公斤", PH_NUMBER), W("斤", PH_NUMBER), W("克", PH_NUMBER), W("平方", PH_NUMBER),
    W("公里", PH_NUMBER), W("千米", PH_NUMBER), W("公顷", PH_NUMBER), W("立方", PH_NUMBER),
    W("余", PH_NUMBER), W("多", PH_NUMBER), W("页", PH_NUMBER), W("种", PH_NUMBER),
    W("类", PH_NUMBER), W("支", PH_NUMBER), W("座", PH_NUMBER), W("间", PH_NUMBER),
    W("只", PH_NUMBER), W("册", PH_NUMBER), W("本", PH_NUMBER), W("部", PH_NAME),
    W("轮", PH_NUMBER), W("课时", PH_NUMBER), W("学时", PH_NUMBER), W("分", PH_NUMBER),
    W("度", PH_NUMBER), W("例", PH_NUMBER), W("票", PH_NUMBER), W("箱", PH_NUMBER),
    W("棵", PH_NUMBER), W("株", PH_NUMBER), W("升", PH_NUMBER), W("个月", PH_NUMBER),
    W("人次", PH_NUMBER), W("块", PH_NUMBER), W("张", PH_NUMBER), W("组", PH_NUMBER),
    /* people */
    W("同志", PH_NAME), W("先生", PH_NAME), W("女士", PH_NAME), W("老师", PH_NAME),
    W("同学", PH_NAME), W("教师", PH_NAME), W("校长", PH_NAME), W("书记", PH_NAME),
    W("局长", PH_NAME), W("主任", PH_NAME), W("经理", PH_NAME), W("董事长", PH_NAME),
    W("县长", PH_NAME), W("市长", PH_NAME), W("省长", PH_NAME), W("区长", PH_NAME),
    W("镇长", PH_NAME), W("乡长", PH_NAME), W("村长", PH_NAME), W("厂长", PH_NAME),
    W("院长", PH_NAME), W("所长", PH_NAME), W("科长", PH_NAME), W("处长", PH_NAME),
    W("部长", PH_NAME), W("主席", PH_NAME), W("委员", PH_NAME), W("教授", PH_NAME),
    W("医生", PH_NAME), W("律师", PH_NAME), W("记者", PH_NAME), W("家长", PH_NAME),
    W("总经理", PH_NAME),
    /* places and organisations */
    W("省", PH_NAME), W("市", PH_NAME), W("县", PH_NAME), W("区", PH_NAME),
    W("镇", PH_NAME), W("乡", PH_NAME), W("村", PH_NAME), W("街道", PH_NAME),
    W("路", PH_NAME), W("街", PH_NAME), W("社区", PH_NAME), W("小区", PH_NAME),
    W("学校", PH_NAME), W("小学", PH_NAME), W("中学", PH_NAME), W("高中", PH_NAME),
    W("初中", PH_NAME), W("大学", PH_NAME), W("学院", PH_NAME), W("幼儿园", PH_NAME),
    W("公司", PH_NAME), W("集团", PH_NAME), W("局", PH_NAME), W("厅", PH_NAME),
    W("委", PH_NAME), W("院", PH_NAME), W("站", PH_NAME), W("中心", PH_NAME),
    W("医院", PH_NAME), W("银行", PH_NAME), W("单位", PH_NAME), W("厂", PH_NAME),
    W("店", PH_NAME), W("酒店", PH_NAME), W("部门", PH_NAME), W("办公室", PH_NAME),
    W("协会", PH_NAME), W("派出所", PH_NAME), W("研究所", PH_NAME), W("法院", PH_NAME),
    W("政府", PH_NAME), W("党委", PH_NAME), W("支部", PH_NAME), W("委员会", PH_NAME),
    W("教育局", PH_NAME), W("师范", PH_NAME), W("師范", PH_NAME), W("師範", PH_NAME), W("中", PH_NAME), W("厅长", PH_NAME),
    /* Traditional forms, for pipelines that run this stage before t2s. */
    W("年級", PH_NUMBER), W("號", PH_NUMBER), W("萬", PH_NUMBER), W("億", PH_NUMBER),
    W("個", PH_NUMBER), W("項", PH_NUMBER), W("條", PH_NUMBER), W("節", PH_NUMBER),
    W("歲", PH_NUMBER), W("小時", PH_NUMBER), W("分鐘", PH_NUMBER), W("輛", PH_NUMBER),
    W("場", PH_NUMBER), W("屆", PH_NUMBER), W("級", PH_NUMBER), W("戶", PH_NUMBER),
    W("畝", PH_NUMBER), W("噸", PH_NUMBER), W("頁", PH_NUMBER), W("種", PH_NUMBER),
    W("類", PH_NUMBER), W("間", PH_NUMBER), W("冊", PH_NUMBER), W("輪", PH_NUMBER),
    W("課時", PH_NUMBER), W("學時", PH_NUMBER), W("塊", PH_NUMBER), W("張", PH_NUMBER),
    W("組", PH_NUMBER),
    W("同誌", PH_NAME), W("老師", PH_NAME), W("同學", PH_NAME), W("教師", PH_NAME),
    W("校長", PH_NAME), W("書記", PH_NAME), W("局長", PH_NAME), W("經理", PH_NAME),
    W("縣長", PH_NAME), W("市長", PH_NAME), W("省長", PH_NAME), W("區長", PH_NAME),
    W("鎮長", PH_NAME), W("鄉長", PH_NAME), W("廠長", PH_NAME), W("院長", PH_NAME),
    W("處長", PH_NAME), W("廳長", PH_NAME), W("醫生", PH_NAME), W("律師", PH_NAME),
    W("記者", PH_NAME), W("家長", PH_NAME), W("委員", PH_NAME),
    W("縣", PH_NAME), W("區", PH_NAME), W("鎮", PH_NAME), W("鄉", PH_NAME),
    W("學校", PH_NAME), W("小學", PH_NAME), W("中學", PH_NAME), W("大學", PH_NAME),
    W("學院", PH_NAME), W("幼兒園", PH_NAME), W("公司", PH_NAME), W("集團", PH_NAME),
    W("廳", PH_NAME), W("醫院", PH_NAME), W("銀行", PH_NAME), W("單位", PH_NAME),
    W("廠", PH_NAME), W("協會", PH_NAME), W("黨委", PH_NAME), W("委員會", PH_NAME),
    W("辦公室", PH_NAME), W("社區", PH_NAME), W("國", PH_NAME), W("国", PH_NAME),
};

/* Words that, right before the mark, make it a count or ordinal. */
static const char *const number_prefixes[] = {"第", "共", "约", "达", "近", "超", "逾",
                                              "计", "仅", "每"};

/* Before 年 these make "XX年" a number of years, not a year. */
static const char *const years_count_prefixes[] = {"近", "多", "每", "满", "第", "续"};

/* Common surnames that rarely end another word (高 提高, 方 双方, 何 如何,
 * 程 工程 ... are left out on purpose). */
static const char surnames[] =
    "张王李赵刘陈杨黄吴徐孙胡朱林郭罗梁宋郑韩唐冯董萧曹袁邓沈彭吕苏卢蒋蔡贾"
    "丁魏薛阎谭廖邹熊邱秦";

static int starts_with(const uint8_t *p, size_t len, size_t i, const char *w)
{
    size_t n = strlen(w);
    return i <= len && len - i >= n && memcmp(p + i, w, n) == 0;
}

static int prev_is_one_of(const uint8_t *p, size_t s, const char *const *set, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t w = strlen(set[k]);
        if (s >= w && memcmp(p + s - w, set[k], w) == 0) return 1;
    }
    return 0;
}

static int is_digit_cp(int32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

static int digit_value(int32_t c)
{
    return c <= '9' ? c - '0' : c - 0xFF10;
}

/* Code points in [a, b); digits counted separately. */
static size_t count_cps(const uint8_t *p, size_t len, size_t a, size_t b)
{
    size_t n = 0, k;
    for (size_t i = a; i < b; i += k, n++) ph_cp_at(p, len, i, &k);
    return n;
}

/* 20XX, 201X, 19xx, 20__: four characters, the first two digits 19/20. */
static int year_shaped(const uint8_t *p, size_t len, size_t s, size_t e, size_t ms)
{
    if (count_cps(p, len, s, e) != 4 || count_cps(p, len, s, ms) < 2) return 0;
    size_t k1, k2;
    int32_t a = ph_cp_at(p, len, s, &k1), b = ph_cp_at(p, len, s + k1, &k2);
    if (!is_digit_cp(a) || !is_digit_cp(b)) return 0;
    int v = digit_value(a) * 10 + digit_value(b);
    return v == 19 || v == 20;
}

int ph_ascii_unit_at(const uint8_t *p, size_t len, size_t i)
{
    static const char *const units[] = {"kWh", "kwh", "kg", "km", "cm", "mm", "mg", "ml", "mL",
                                        "kW", "kw", "MB", "GB", "KB", "Hz", "min", "m", "g",
                                        "t", "h"};
    for (size_t k = 0; k < sizeof units / sizeof *units; k++) {
        size_t n = strlen(units[k]);
        if (i + n <= len && memcmp(p + i, units[k], n) == 0) {
            uint8_t c = i + n < len ? p[i + n] : ' ';
            if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return 1;
        }
    }
    return 0;
}

/* Longest table word at p[i]; -1 if none. */
int ph_word_after(const uint8_t *p, size_t len, size_t i)
{
    size_t best = 0;
    int type = -1;
    if (i >= len) return -1;
    for (size_t k = 0; k < sizeof suffix_words / sizeof *suffix_words; k++) {
        const ph_word *w = &suffix_words[k];
        size_t n = w->len;
        if ((uint8_t)w->s[0] != p[i] || n <= best || len - i < n) continue;
        if (memcmp(p + i, w->s, n) == 0) {
            best = n;
            type = w->type;
        }
    }
    return type;
}

int ph_is_surname(int32_t c)
{
    if (c < 0x4E00 || c > 0xFFFF) return 0;
    char u[4] = {(char)(0xE0 | (c >> 12)), (char)(0x80 | ((c >> 6) & 0x3F)),
                 (char)(0x80 | (c & 0x3F)), 0};
    return strstr(surnames, u) != NULL;
}

static int is_open_quote(int32_t c)
{
    return c == 0x300C || c == 0x300E || c == 0x201C || c == 0x2018 || c == '"' || c == 0x300A;
    /* 「 『 “ ‘ " 《 */
}

static int is_close_quote(int32_t c)
{
    return c == 0x300D || c == 0x300F || c == 0x201D || c == 0x2019 || c == '"' || c == 0x300B;
}

/* *教科字[2017]1号, XX政办发〔2017〕: the mark is the issuing office's
 * place name in a document number. */
static int doc_number_prefix(const uint8_t *p, size_t len, size_t i)
{
    size_t n;
    for (int k = 0; k < 5 && i < len; k++) {
        int32_t c = ph_cp_at(p, len, i, &n);
        i += n;
        if (c == 0x5B57 || c == 0x53D1 || c == 0x767C) { /* 字 发 發 */
            if (i >= len) return 0;
            int32_t d = ph_cp_at(p, len, i, &n);
            return d == '[' || d == 0x3014 || d == 0x3010 || d == '(' || d == 0xFF08;
        }
        if (!ph_is_han(c)) return 0;
    }
    return 0;
}

size_t ph_skip_spaces_to_cjk(const uint8_t *p, size_t len, size_t i)
{
    /* at most two spaces (ASCII, no-break U+00A0, ideographic U+3000), and
     * only when a non-ASCII character follows: "201x 年", "XX　县" */
    size_t k = i;
    for (int n = 0; n < 2 && k < len; n++) {
        if (p[k] == ' ') k++;
        else if (k + 1 < len && p[k] == 0xC2 && p[k + 1] == 0xA0) k += 2;
        else if (k + 2 < len && p[k] == 0xE3 && p[k + 1] == 0x80 && p[k + 2] == 0x80) k += 3;
        else break;
    }
    return k > i && k < len && p[k] >= 0x80 ? k : i;
}

ph_type ph_classify(const uint8_t *p, size_t len, size_t s, size_t e, size_t ms,
                    size_t me, ph_family f)
{
    if (f == PH_F_GAP) return PH_GAP;
    if (year_shaped(p, len, s, e, ms)) return PH_YEAR;

    /* "20xx 年", "XX　县": a space between mark and word is common. */
    size_t a = ph_skip_spaces_to_cjk(p, len, e);
    size_t pn;
    int32_t prev = ph_cp_before(p, s, &pn);

    if (starts_with(p, len, a, "年") && !starts_with(p, len, a, "年级") &&
        !starts_with(p, len, a, "年級")) {
        if (prev_is_one_of(p, s, years_count_prefixes,
                           sizeof years_count_prefixes / sizeof *years_count_prefixes))
            return PH_NUMBER;
        return PH_YEAR;
    }
    if (starts_with(p, len, a, "号") || starts_with(p, len, a, "號")) return prev == 0x6708 /* 月 */ ? PH_DATE : PH_NUMBER;
    if (starts_with(p, len, a, "时"))
        return (prev == 0x65E5 /* 日 */ || prev == 0x53F7 /* 号 */) ? PH_DATE : PH_NUMBER;
    if (a < len && p[a] == '.' && a + 1 < len &&
        ((p[a + 1] >= '0' && p[a + 1] <= '9') || (p[a + 1] | 0x20) == 'x'))
        return PH_NUMBER; /* XX.XX */
    if (a == e && ph_ascii_unit_at(p, len, a)) return PH_NUMBER;
    int t = ph_word_after(p, len, a);
    if (t >= 0) return (ph_type)t;

    if (prev == 0x5468 /* 周 */ || prev == 0x671F /* (星)期 */) return PH_DATE;
    if (prev_is_one_of(p, s, number_prefixes, sizeof number_prefixes / sizeof *number_prefixes))
        return PH_NUMBER;
    if (f != PH_F_UNDERSCORE && ph_is_surname(prev) && count_cps(p, len, ms, me) <= 3) {
        /* 张XX at a name's start, or 张XX followed by punctuation. */
        size_t k;
        int32_t before = ph_cp_before(p, s - pn, &k);
        int32_t next = e < len ? ph_cp_at(p, len, e, &k) : -1;
        if (!ph_is_han(before) || !ph_is_han(next)) return PH_NAME;
    }
    if (doc_number_prefix(p, len, e)) return PH_NAME;
    /* Glued digits without a telling word: 5XX, 1XX. */
    if ((ms > s || me < e) && f != PH_F_ASTERISK) return PH_NUMBER;
    /* Asterisks, crosses, circles and 某某 mask names far more often than
     * anything else (***教育局, ×××的讲话, ○○同志), except a phrase
     * censored inside quotes: 「****」重要思想. */
    if (f == PH_F_ASTERISK || f == PH_F_CROSS || f == PH_F_CIRCLE || f == PH_F_MOU) {
        size_t k;
        int32_t next = e < len ? ph_cp_at(p, len, e, &k) : -1;
        if (is_open_quote(prev) && is_close_quote(next)) return PH_UNKNOWN;
        return PH_NAME;
    }
    return PH_UNKNOWN;
}
