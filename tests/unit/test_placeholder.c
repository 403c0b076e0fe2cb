/*
 * test_placeholder.c - the placeholder stage: every mark family, every
 * type, every must-not-tag case, the options (mode, tag_format,
 * normalize_form, max_density, family switches), metadata and counters.
 *
 * Inputs are short fixtures written for these tests; expected outputs are
 * exact strings.  T(x) is the default tag of type x.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ph.h"
#include "testkit.h"
#include "plugin_expect.h"


#define YEAR "⟦year⟧"
#define DATE "⟦date⟧"
#define NUM "⟦number⟧"
#define NAME "⟦name⟧"
#define UNK "⟦unknown⟧"
#define GAP "⟦gap⟧"

typedef struct tcase {
    const char *in;
    const char *out; /* NULL: must come out unchanged */
} tcase;

/* Run the stage with options kv over in; compare with want exactly. */

static void run_cases(const char *const *kv, const tcase *c, size_t n)
{
    for (size_t i = 0; i < n; i++) expect_plugin_output(kv, c[i].in, c[i].out ? c[i].out : c[i].in);
}

#define RUN(kv, cases) run_cases(kv, cases, sizeof cases / sizeof *cases)

/* ---------------- families ---------------- */

static void test_latin_x(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"教育股20XX年上半年工作总结", "教育股" YEAR "年上半年工作总结"},
        {"会议总结了XX年工作", "会议总结了" YEAR "年工作"},
        {"20xx 年8月,市人民政府", YEAR " 年8月,市人民政府"},
        {"x年是教育系统发展的一年", YEAR "年是教育系统发展的一年"},
        {"在XX市自制教具评选中", "在" NAME "市自制教具评选中"},
        {"就读于XX学校", "就读于" NAME "学校"},
        {"推进XX县区学校布局", "推进" NAME "县区学校布局"},
        {"请张x老师发言", "请张" NAME "老师发言"},
        {"关于Xx的通知", "关于" UNK "的通知"},
        {"主办:XXX", "主办:" UNK},
        {"(XX)单位", "(" UNK ")单位"},
    };
    RUN(NULL, c);
}

static void test_fullwidth_and_roman_x(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"ＸＸ公司成立于２０ＸＸ年", NAME "公司成立于" YEAR "年"},
        {"ⅩⅩ学校全体师生", NAME "学校全体师生"},
        {"于Ｘ月Ｘ日", "于" DATE "月" DATE "日"},
    };
    RUN(NULL, c);
}

static void test_asterisks(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"下发了《***2017年教育教学活动方案》", "下发了《" NAME "2017年教育教学活动方案》"},
        {"***同志在会上讲话", NAME "同志在会上讲话"},
        {"召开了***教育局高考考务培训大会", "召开了" NAME "教育局高考考务培训大会"},
        {"关于转发**市教育局关于转发**省教育厅的通知",
         "关于转发" NAME "市教育局关于转发" NAME "省教育厅的通知"},
        {"＊＊同志", NAME "同志"},
        {"贯彻「****」重要思想", "贯彻「" UNK "」重要思想"},
        {"分配到* * *地税局工作", "分配到" NAME "地税局工作"},
        {"方案》(*教科字[20xx]87号)", "方案》(" NAME "教科字[" YEAR "]87号)"},
        {"(XX政办发〔20XX〕3号)", "(" NAME "政办发〔" YEAR "〕3号)"},
        {"他说***的话", "他说" NAME "的话"},
    };
    RUN(NULL, c);
}

static void test_crosses(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"××学校2005届", NAME "学校2005届"},
        {"╳╳单位", NAME "单位"},
        {"□□公司", NAME "公司"},
        {"××××年×月×日", YEAR "年" DATE "月" DATE "日"},
        {"请×××同志作报告", "请" NAME "同志作报告"},
        {"庆祝第×个教师节", "庆祝第" NUM "个教师节"},
    };
    RUN(NULL, c);
}

static void test_circles(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"○○同志:", NAME "同志:"},
        {"〇〇同志", NAME "同志"},
        {"○月○日", DATE "月" DATE "日"},
        {"致○○○的一封信", "致" NAME "的一封信"},
        {"“○○”", "“" UNK "”"},
    };
    RUN(NULL, c);
}

static void test_underscores(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"20__年工作总结", YEAR "年工作总结"},
        {"____同志:", NAME "同志:"},
        {"我县_乡___村村民", "我县" NAME "乡" NAME "村村民"},
        {"自__年__月__日起", "自" YEAR "年" DATE "月" DATE "日起"},
        {"出租方:________", "出租方:" UNK},
        {"租金累计达____个月", "租金累计达" NUM "个月"},
    };
    RUN(NULL, c);
}

static void test_censor_gaps(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"鼓励.力量办园。加快发展。", "鼓励" GAP "力量办园。加快发展。"},
        {".主义新农村建设。统筹城乡。", GAP "主义新农村建设。统筹城乡。"},
        {"政府主导、.参与。多方合作。", "政府主导、" GAP "参与。多方合作。"},
        {"继续做好.“9+3”免费教育。帮助学生。", "继续做好" GAP "“9+3”免费教育。帮助学生。"},
    };
    RUN(NULL, c);
}

static void test_mou_mou_option(void **s)
{
    (void)s;
    static const char *const on[] = {"mou_mou=true", NULL};
    expect_plugin_output(NULL, "某某公司的某某同志", "某某公司的某某同志");
    expect_plugin_output(on, "某某公司的某某同志", NAME "公司的" NAME "同志");
    expect_plugin_output(on, "由王某某负责,某天", "由王" NAME "负责,某天");
}

/* ---------------- types ---------------- */

static void test_types(void **s)
{
    (void)s;
    static const tcase c[] = {
        /* year */
        {"20xx-20xx学年", YEAR "-" YEAR "学年"},
        {"公元前5XX年", "公元前" YEAR "年"},
        {"1920xx年", YEAR "年"},
        {"201X年度", YEAR "年度"},
        {"XX-XX年", YEAR "-" YEAR "年"},
        /* date */
        {"于xx月xx日召开", "于" DATE "月" DATE "日召开"},
        {"X月X号", DATE "月" DATE "号"},
        {"(周X)", "(周" DATE ")"},
        /* number */
        {"扣发当事人xx元", "扣发当事人" NUM "元"},
        {"共有xx人参加", "共有" NUM "人参加"},
        {"提高了xx%", "提高了" NUM "%"},
        {"开展xx次活动", "开展" NUM "次活动"},
        {"第xx条规定", "第" NUM "条规定"},
        {"房间5XX。", "房间" NUM "。"},
        {"重XXkg的包", "重" NUM "kg的包"},
        {"单价XX.XX元", "单价" NUM "元"},
        {"近XX年来", "近" NUM "年来"},
        {"XX年级", NUM "年级"},
        {"XX号文件", NUM "号文件"},
        /* name */
        {"***同志", NAME "同志"},
        {"张x老师", "张" NAME "老师"},
        {"XX市", NAME "市"},
        {"XX学校", NAME "学校"},
        {"XX县区", NAME "县区"},
        {"王XX,男,汉族", "王" NAME ",男,汉族"},
        /* unknown */
        {"关于XX的通知", "关于" UNK "的通知"},
    };
    RUN(NULL, c);
}

/* ---------------- must never be tagged ---------------- */

static void test_never_tagged(void **s)
{
    (void)s;
    static const tcase c[] = {
        {"拍X光片检查", NULL},
        {"X射线检查", NULL},
        {"做x光", NULL},
        {"XXL码的衣服", NULL},
        {"玩Xbox游戏", NULL},
        {"3×4=12", NULL},
        {"面积3 × 4米", NULL},
        {"分辨率1920x1080像素", NULL},
        {"3 x 4 = 12", NULL},
        {"二○一七年", NULL},
        {"二〇二〇年一月", NULL},
        {"二○○八年", NULL},
        {"★重点工作", NULL},
        {"※注意事项", NULL},
        {"这是**重点**内容", NULL},
        {"**注意事项**:按时到岗", NULL},
        {"– **日常清洁**:确保每日", NULL},
        {"**1. 环境卫生**", NULL},
        {"这是*斜体*文字", NULL},
        {"变量user_name和__init__", NULL},
        {"网址http://a.com/x_y/__a.html", NULL},
        {"邮箱zhang_san@example.com联系", NULL},
        {"文件2021_03_05.txt", NULL},
        {"第Ⅹ章 总则", NULL},
        {"ⅩⅩⅠ世纪", NULL},
        {"XIV世纪", NULL},
        {"XX世纪初", NULL},
        {"路易XIV时期", NULL},
        {"某某公司", NULL},
        {"0x1F是十六进制", NULL},
        {"设x为实数,当x=1时", NULL},
        {"学(xué)校", NULL},
        {"2**3等于8", NULL},
        {"* 项目一", NULL},
        {"* * *", NULL},
        {"**********", NULL},
        {"______", NULL},
        {"□ 是 □ 否", NULL},
        {"○ 加强管理", NULL},
        {"大全_第1页", NULL},
        {"{* q* d- x2 ?: x2 z;", NULL},
        {"X-ray", NULL},
        {"Windows X", NULL},
        {"宝马X5车型", NULL},
        {"X86架构和x64系统", NULL},
    };
    RUN(NULL, c);
}

static void test_dots_not_gaps(void **s)
{
    (void)s;
    static const tcase c[] = {
        /* watermarks after 的 belong to another stage */
        {"公平、公正的.原则。我们。坚持。", NULL},
        {"采取不打招呼的`方式。检查。", NULL},
        {"损失的'由甲方承担。好。", NULL},
        /* decimals, abbreviations, URLs, file names, ellipses */
        {"增长3.14%。好。", NULL},
        {"U.S.A.的经济。好。", NULL},
        {"访问www.example.com。好。", NULL},
        {"下载报告.doc文件。好。", NULL},
        {"今天,这些...地方。好。", NULL},
        /* list numbers and 甲.乙 */
        {"一.总则\n二.细则。好。好。好。", NULL},
        {"甲.乙双方。好。好。", NULL},
        /* a page that writes its sentences with '.' */
        {"租期暂定一年.租金每月结清.押金一个月.", NULL},
        {"数据库.目前有多所高校合作.另外,查重。", NULL},
    };
    RUN(NULL, c);
}

static void test_invalid_utf8_passthrough(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "\xff\xfeXX市\xc3", "\xff\xfe" NAME "市\xc3");
    expect_plugin_output(NULL, "\xe4\xb8X", "\xe4\xb8X");
    expect_plugin_output(NULL, "", "");
    expect_plugin_output(NULL, "X", "X");
    expect_plugin_output(NULL, ".", ".");
    expect_plugin_output(NULL, "\xe2\x97", "\xe2\x97");
}

/* ---------------- options ---------------- */

static void test_modes_and_formats(void **s)
{
    (void)s;
    static const char *const norm[] = {"mode=normalize", NULL};
    static const char *const norm2[] = {"mode=normalize", "normalize_form=＿＿", NULL};
    static const char *const keep[] = {"mode=keep", NULL};
    static const char *const fmt[] = {"tag_format=<{type}:{type}>", NULL};
    const char *in = "20XX年××学校***同志鼓励.力量。好。好。";
    expect_plugin_output(norm, in, "XX年XX学校XX同志鼓励XX力量。好。好。");
    expect_plugin_output(norm2, in, "＿＿年＿＿学校＿＿同志鼓励＿＿力量。好。好。");
    expect_plugin_output(keep, in, in);
    expect_plugin_output(fmt, "20XX年", "<year:year>年");
}

static void test_family_switches(void **s)
{
    (void)s;
    const char *in = "20XX年ＸＸ市ⅩⅩ县**区××乡○○村__镇鼓励.力量。好。好。";
    static const char *const off[] = {"latin_x=false", "fullwidth_x=false", "roman_x=false",
                                      "asterisks=false", "crosses=false", "circles=false",
                                      "underscores=false", "censor_gaps=false", NULL};
    expect_plugin_output(off, in, in);
    expect_plugin_output(NULL, in,
              YEAR "年" NAME "市" NAME "县" NAME "区" NAME "乡" NAME "村" NAME "镇鼓励" GAP
                   "力量。好。好。");
    static const char *const nogap[] = {"censor_gaps=false", "latin_x=false", NULL};
    expect_plugin_output(nogap, "20XX年鼓励.力量。好。好。", "20XX年鼓励.力量。好。好。");
}

static void test_bad_options(void **s)
{
    (void)s;
    static const char *const bad_mode[] = {"mode=erase", NULL};
    static const char *const bad_density[] = {"max_density=-1", NULL};
    char *out = NULL, *reason = NULL;
    assert_int_equal(dc_test_run(&docclean_plugin, bad_mode, "x", 1, &out, NULL, &reason), -1);
    free(out);
    free(reason);
    assert_int_equal(dc_test_run(&docclean_plugin, bad_density, "x", 1, &out, NULL, &reason),
                     -1);
    assert_non_null(reason);
    assert_non_null(strstr(reason, "max_density"));
    free(out);
    free(reason);
}

static void test_max_density(void **s)
{
    (void)s;
    static const char *const kv[] = {"max_density=50", NULL};
    char *out = NULL, *reason = NULL;
    /* 4 placeholders in 20 characters = 200 per 1000 */
    const char *dense = "XX市XX县XX区XX乡的工作总结如下好";
    int v = dc_test_run(&docclean_plugin, kv, dense, strlen(dense), &out, NULL, &reason);
    assert_int_equal(v, DC_DROP);
    assert_non_null(reason);
    assert_non_null(strstr(reason, "density"));
    assert_non_null(strstr(reason, "max_density 50"));
    free(out);
    free(reason);
    /* below min_count (3): kept even though dense */
    expect_plugin_output(kv, "XX市XX县", NAME "市" NAME "县");
    /* 3 in 200 characters = 15 per 1000: kept */
    char sparse[1024] = "XX市XX县XX区";
    for (int i = 0; i < 191; i++) strcat(sparse, "a");
    char want[1200] = NAME "市" NAME "县" NAME "区";
    for (int i = 0; i < 191; i++) strcat(want, "a");
    expect_plugin_output(kv, sparse, want);
}

static void test_metadata_and_counters(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    static const char *const kv[] = {NULL};
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, kv, "test", err, sizeof err);
    assert_non_null(o);
    dc_stage *st = dc_stage_new_standalone("placeholder");
    void *inst = docclean_plugin.create(h, st, o, err, sizeof err);
    assert_non_null(inst);
    const char *in = "20XX年X月X日,XX市***同志扣发xx元。";
    dc_doc *d = dc_doc_new("m", in, strlen(in));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    size_t n;
    const char *v = h->meta_get(d, "placeholders", &n);
    assert_non_null(v);
    assert_string_equal(v, "6");
    assert_string_equal(h->meta_get(d, "placeholder_year", &n), "1");
    assert_string_equal(h->meta_get(d, "placeholder_date", &n), "2");
    assert_string_equal(h->meta_get(d, "placeholder_name", &n), "2");
    assert_string_equal(h->meta_get(d, "placeholder_number", &n), "1");
    assert_null(h->meta_get(d, "placeholder_unknown", &n));
    assert_int_equal(dc_stage_counter_get(st, "date"), 2);
    assert_int_equal(dc_stage_counter_get(st, "docs_with_placeholders"), 1);
    dc_doc_free(d);
    /* a clean document gets no metadata */
    d = dc_doc_new("c", "干净的文本。", strlen("干净的文本。"));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    assert_null(h->meta_get(d, "placeholders", &n));
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

/* The scanner on its own: spans and families. */
static void test_scan_spans(void **s)
{
    (void)s;
    ph_config c;
    ph_config_init(&c, ~0u & ~(1u << PH_F_MOU));
    ph_hits h = {0};
    const char *t = "于20XX年，××学校";
    assert_int_equal(ph_scan(&c, t, strlen(t), &h), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.v[0].off, 3);
    assert_int_equal(h.v[0].len, 4);
    assert_int_equal(h.v[0].family, PH_F_LATIN_X);
    assert_int_equal(h.v[0].type, PH_YEAR);
    assert_int_equal(h.v[1].family, PH_F_CROSS);
    assert_int_equal(h.v[1].len, 4);
    ph_hits_free(&h);
}

/* The 16-byte SIMD skip and the byte-table tail must agree: the same marks
 * shifted through every offset of a block, and cut at every length. */
static void test_block_offsets(void **s)
{
    (void)s;
    const char *body = "20XX年××学校，＊＊同志，ⅩⅩ市○○村，Ｘ月〇〇，我县_乡___村。";
    const char *want = YEAR "年" NAME "学校，" NAME "同志，" NAME "市" NAME "村，" DATE "月" NAME
                       "，我县" NAME "乡" NAME "村。";
    for (int k = 0; k < 40; k++) {
        char in[512], out[1024];
        snprintf(in, sizeof in, "%*s%s", k, "", body);
        snprintf(out, sizeof out, "%*s%s", k, "", want);
        expect_plugin_output(NULL, in, out);
    }
    ph_config c;
    ph_config_init(&c, ~0u & ~(1u << PH_F_MOU));
    size_t blen = strlen(body);
    for (size_t cut = 0; cut <= blen; cut++) {
        ph_hits h = {0};
        assert_int_equal(ph_scan(&c, body, cut, &h), 0);
        for (size_t k = 0; k < h.n; k++) assert_true(h.v[k].off + h.v[k].len <= cut);
        ph_hits_free(&h);
    }
}

/* Tags contain nothing the scanner looks for: a second run changes nothing. */
static void test_idempotent(void **s)
{
    (void)s;
    const char *once = YEAR "年" DATE "月" NUM "元" NAME "同志" UNK "的" GAP "力量。好。好。";
    expect_plugin_output(NULL, once, once);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin_x),
        cmocka_unit_test(test_fullwidth_and_roman_x),
        cmocka_unit_test(test_asterisks),
        cmocka_unit_test(test_crosses),
        cmocka_unit_test(test_circles),
        cmocka_unit_test(test_underscores),
        cmocka_unit_test(test_censor_gaps),
        cmocka_unit_test(test_mou_mou_option),
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_never_tagged),
        cmocka_unit_test(test_dots_not_gaps),
        cmocka_unit_test(test_invalid_utf8_passthrough),
        cmocka_unit_test(test_modes_and_formats),
        cmocka_unit_test(test_family_switches),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_max_density),
        cmocka_unit_test(test_metadata_and_counters),
        cmocka_unit_test(test_scan_spans),
        cmocka_unit_test(test_block_offsets),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
