/*
 * test_linejoin.c - exact outputs of the linejoin stage: every join rule
 * with a positive case, every guard with a negative case and with the
 * option that switches it off, counters, and invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lineclass.h"
#include "testkit.h"
#include "plugin_expect.h"




/* ---- positive cases ---- */

static void test_join_across_blank(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "今年我们按照上级部门的统一安排，顺利完成了全县学校的招\n\n生工作，收到了良好的社会效益。\n",
              "今年我们按照上级部门的统一安排，顺利完成了全县学校的招生工作，收到了良好的社会效益。\n");
}

static void test_join_adjacent(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "今年我们按照上级部门的统一安排，顺利完成了全县学校的招\n生工作，收到了良好的社会效益。",
              "今年我们按照上级部门的统一安排，顺利完成了全县学校的招生工作，收到了良好的社会效益。");
}

static void test_join_after_comma(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "为了切实做好这项工作，我们召开了专题会议，\n\n研究部署了下一阶段的重点任务。\n",
              "为了切实做好这项工作，我们召开了专题会议，研究部署了下一阶段的重点任务。\n");
    expect_plugin_output(NULL, "为了切实做好这项工作, 我们召开了专题会议,\n\n研究部署了下一阶段的重点任务。\n",
              "为了切实做好这项工作, 我们召开了专题会议,研究部署了下一阶段的重点任务。\n");
    expect_plugin_output(NULL, "会议讨论了学校、家庭和社会三方面的责任、\n\n义务以及具体的分工。\n",
              "会议讨论了学校、家庭和社会三方面的责任、义务以及具体的分工。\n");
}

static void test_join_open_bracket(void **s)
{
    (void)s;
    /* unclosed bracket: even a line without commas is no title */
    expect_plugin_output(NULL, "县政府办公室印发了《关于加强学校安全管理的通知》（县政办\n\n发〔2020〕12号），要求各校认真落实。\n",
              "县政府办公室印发了《关于加强学校安全管理的通知》（县政办发〔2020〕12号），要求各校认真落实。\n");
    expect_plugin_output(NULL, "县政府办公室印发了《关于加强学校安全管理的通知》（\n\n县政办发〔2020〕12号），要求各校认真落实。\n",
              "县政府办公室印发了《关于加强学校安全管理的通知》（县政办发〔2020〕12号），要求各校认真落实。\n");
}

static void test_join_chain(void **s)
{
    (void)s;
    /* the short middle piece continues a comma line, so it is no title */
    expect_plugin_output(NULL, "学校召开了全体教师会议，并将招生公告下发到每一位家长手中，\n\n保证了人手\n\n一份；同时在校门口张贴了公告。\n",
              "学校召开了全体教师会议，并将招生公告下发到每一位家长手中，保证了人手一份；同时在校门口张贴了公告。\n");
}

static void test_join_before_punct(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "我们进一步完善了随班就读、送教上门的支持保障体系和制度\n\n，坚持依法治教的原则。\n",
              "我们进一步完善了随班就读、送教上门的支持保障体系和制度，坚持依法治教的原则。\n");
}

static void test_join_after_mask(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "县教育局先后转发了《**市教育局关于转发**\n\n省教育厅关于加强教辅材料管理的通知》，要求各校执行。\n",
              "县教育局先后转发了《**市教育局关于转发**省教育厅关于加强教辅材料管理的通知》，要求各校执行。\n");
}

static void test_join_crlf_and_spaces(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "全县各中小学校要高度重视这项工作，认真组织学  \r\n\r\n生参加培训。\r\n",
              "全县各中小学校要高度重视这项工作，认真组织学生参加培训。\r\n");
}

static void test_join_digit_head(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "根据统计，今年全县六至十四周岁的适龄残疾儿童少年共\n\n188人，其中随班就读114人。\n",
              "根据统计，今年全县六至十四周岁的适龄残疾儿童少年共188人，其中随班就读114人。\n");
}

/* ---- negative cases: lines that must never be joined ---- */

static void test_no_join_terminators(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "第一段说明了工作的总体情况。\n\n第二段讲具体措施。\n");
    expect_plugin_same(NULL, "你们准备好了吗？\n\n准备好了！\n\n那就开始吧；\n\n主要内容如下：\n\n一是加强领导……\n\n他说：“好。”\n\n最后一句\n");
    expect_plugin_same(NULL, "入学率达到100%\n\n巩固率达到100%\n");
    expect_plugin_same(NULL, "合计增长了1,\n\n000人次\n"); /* thousands separator */
    expect_plugin_same(NULL, "这句话以英文结尾 in English\n\n继续说下去，还有很多。\n");
}

static void test_no_join_headings_lists(void **s)
{
    (void)s;
    const char *lines[] = {
        "一、以控辍保学为突破，巩固提升义务教育普及水平义务教育\n\n阶段控辍保学工作一直是重中之重，我们高度重视。\n",
        "（二）以阳光招生为重点，切实规范中小学办学行为和义务教育\n\n阶段学校的招生工作，收到了良好效果。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n1. 加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n1、加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n①加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n（1）加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n二、加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n第三条 加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n- 加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n• 加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\nA. 加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n【工作要求】各校要加强领导，落实责任。\n",
        "我们认真研究并制定了以下几项具体的工作措施和办法，主要包括\n\n# 工作要求\n",
        "## 第一章 总则和适用范围以及本条例所称的学校和学生伤害\n\n事故的处理，适用本条例。\n",
        NULL};
    for (int i = 0; lines[i]; i++) expect_plugin_same(NULL, lines[i]);
}

static void test_no_join_tables(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "项目名称\t金额\t备注说明和具体的采购要求以及负责的部门\n办公用品\t100\t按季度采购，由办公室负责。\n");
    expect_plugin_same(NULL, "| 项目 | 金额 | 备注说明和具体的采购要求以及负责的部门\n| 办公用品 | 100 | 按季度采购，由办公室负责。\n");
    expect_plugin_same(NULL, "姓名  年龄  职务和分管的工作以及联系方式和所在的部门\n张三  35  教师，负责教学工作。\n");
}

static void test_no_join_titles(void **s)
{
    (void)s;
    /* a bare title before its text */
    expect_plugin_same(NULL, "教育局二〇二一年上半年工作总结\n\n在各级教育行政部门的正确领导下，教育局按照年度工作计划，充分发挥管理职能。\n");
    /* a short title with a comma */
    expect_plugin_same(NULL, "春季传染病预防，守护儿童健康\n\n春季是传染病高发季节，我院走进幼儿园开展了宣传活动。\n");
    /* a truncated paragraph followed by a short caption */
    expect_plugin_same(NULL, "过去的半年，我们虽然取得了令人欣慰的成绩，但我们必须清醒地认识到\n\n相关文档\n");
}

static void test_no_join_records(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "2007年10月28日 第十届全国人民代表大会常务委员会第三十次会议第一次修正\n\n"
                      "2012年8月31日 第十一届全国人民代表大会常务委员会第二十八次会议第二次修正\n");
    expect_plugin_same(NULL, "问卷调查了区域教研的效果，第一个问题是您认为\n\n结果表明：六成以上的老师支持这种做法。\n");
    /* two bare lines: entries of a list, not halves of a sentence */
    expect_plugin_same(NULL, "卷烟纸滤嘴棒烟用丝束和烟草专用机械的生产销售和进出口管理办法实施细则\n\n"
                      "烟草专用机械的生产和销售以及进出口贸易的监督管理办法实施细则的补充规定\n");
}

static void test_no_join_indent_latin(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "过去的半年，我们虽然取得了令人欣慰的成绩，但我们必须清醒地认识到\n\n　　第二段从这里开始，内容很长。\n");
    expect_plugin_same(NULL, "我们在这个项目中使用了一种新的编程语言，它的名字叫做\n\nPython，非常好用。\n");
    expect_plugin_same(NULL, "int main(void) {\n    return 0;\n}\n");
}

static void test_gap_options(void **s)
{
    (void)s;
    const char *two_blank = "今年我们按照上级部门的统一安排，顺利完成了全县学校的招\n\n\n生工作。\n";
    const char *joined = "今年我们按照上级部门的统一安排，顺利完成了全县学校的招生工作。\n";
    expect_plugin_same(NULL, two_blank);
    const char *gap2[] = {"max_gap_lines=2", NULL};
    expect_plugin_output(gap2, two_blank, joined);
    const char *noblank[] = {"allow_blank_between=false", NULL};
    expect_plugin_same(noblank, "今年我们按照上级部门的统一安排，顺利完成了全县学校的招\n\n生工作。\n");
    expect_plugin_output(noblank, "今年我们按照上级部门的统一安排，顺利完成了全县学校的招\n生工作。\n", joined);
}

static void test_guard_options_off(void **s)
{
    (void)s;
    const char *nostruct[] = {"protect_structure=false", NULL};
    expect_plugin_output(nostruct, "一、以控辍保学为突破，巩固提升义务教育普及水平义务教育\n\n阶段控辍保学工作一直是重中之重。\n",
              "一、以控辍保学为突破，巩固提升义务教育普及水平义务教育阶段控辍保学工作一直是重中之重。\n");
    const char *noindent[] = {"protect_indent=false", NULL};
    expect_plugin_output(noindent, "过去的半年，我们虽然取得了一些成绩，但是必须清醒地认识\n\n　　到存在的不足。\n",
              "过去的半年，我们虽然取得了一些成绩，但是必须清醒地认识到存在的不足。\n");
    const char *notitles[] = {"protect_titles=false", NULL};
    expect_plugin_output(notitles, "教育局工作总结\n\n在各级教育行政部门的正确领导下，教育局圆满完成任务。\n",
              "教育局工作总结在各级教育行政部门的正确领导下，教育局圆满完成任务。\n");
    const char *minchars[] = {"min_line_chars=10", NULL};
    expect_plugin_output(minchars, "春季传染病预防，守护儿童健康\n\n春季是传染病高发季节。\n",
              "春季传染病预防，守护儿童健康春季是传染病高发季节。\n");
    const char *notitlemax[] = {"title_max_chars=0", "min_line_chars=1", NULL};
    expect_plugin_output(notitlemax, "教育局二〇二一年上半年工作总结\n\n在各级教育行政部门的正确领导下。\n",
              "教育局二〇二一年上半年工作总结在各级教育行政部门的正确领导下。\n");
}

/* A long well-formed text with one odd line end stays as it is. */
static char *well_formed_doc(void)
{
    const char *para = "第一段说明了工作的总体情况和主要的做法，内容完整。\n\n";
    const char *odd = "由本条例授予的其他权力，对经同意由合众国在该州购买的用于建造要塞的建筑物\n\n";
    size_t pl = strlen(para), ol = strlen(odd);
    char *doc = malloc(pl * 40 + ol + 1), *p = doc;
    for (int i = 0; i < 40; i++) {
        memcpy(p, para, pl);
        p += pl;
        if (i == 20) { memcpy(p, odd, ol); p += ol; }
    }
    *p = 0;
    return doc;
}

static void test_ratio_gate(void **s)
{
    (void)s;
    char *doc = well_formed_doc();
    expect_plugin_same(NULL, doc);
    const char *off[] = {"min_join_ratio=0", NULL};
    char *out = NULL, *reason = NULL;
    size_t n;
    assert_int_equal(dc_test_run(&docclean_plugin, off, doc, strlen(doc), &out, &n, &reason), DC_KEEP);
    assert_int_equal(n, strlen(doc) - 2); /* the "\n\n" after 建筑物 is gone */
    assert_non_null(strstr(out, "建筑物第一段"));
    free(out);
    free(reason);
    free(doc);
}

static void test_counters(void **s)
{
    (void)s;
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "t", err, sizeof err);
    assert_non_null(o);
    dc_stage *st = dc_stage_new_standalone("linejoin");
    void *inst = docclean_plugin.create(dc_host_get(), st, o, err, sizeof err);
    assert_non_null(inst);
    const char *in = "学校召开了全体教师会议，并将招生公告下发到每一位家长手中，\n\n保证了人手\n一份；同时在校门口张贴了公告。\n";
    dc_doc *d = dc_doc_new("x", in, strlen(in));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    assert_int_equal(dc_stage_counter_get(st, "joins"), 2);
    assert_int_equal(dc_stage_counter_get(st, "joins_across_blank"), 1);
    assert_int_equal(dc_stage_counter_get(st, "docs_changed"), 1);
    dc_doc_free(d);
    char *doc = well_formed_doc();
    d = dc_doc_new("y", doc, strlen(doc));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    assert_int_equal(dc_stage_counter_get(st, "joins"), 2);
    assert_int_equal(dc_stage_counter_get(st, "joins_skipped_ratio"), 1);
    dc_doc_free(d);
    free(doc);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

static void test_invalid_utf8_and_edges(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "");
    expect_plugin_same(NULL, "\n\n\n");
    expect_plugin_same(NULL, "招");
    expect_plugin_same(NULL, "\xff\xfe\n\n\xc3");
    expect_plugin_same(NULL, "只有一行而且没有换行符号结尾的文本内容，它以汉字结");
    /* a truncated sequence at a line end is "other", never joined or overread */
    expect_plugin_same(NULL, "今年我们按照上级部门的统一安排，顺利完成了全县学校的\xe6\x8b\n\n生工作。\n");
    /* invalid bytes inside a joined line are kept as they are */
    expect_plugin_output(NULL, "今年我们按照上级部门的统一安排\xff，顺利完成了全县学校的招\n\n生工作\xc3。\n",
              "今年我们按照上级部门的统一安排\xff，顺利完成了全县学校的招生工作\xc3。\n");
}

/* Property: a join only ever deletes white space and line breaks, so the
 * text without white space is the same before and after, whatever the
 * input (random pieces of lines, markers, invalid bytes). */
static size_t strip_space(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
            i += 2;
            continue;
        }
        out[k++] = s[i];
    }
    return k;
}

static void test_only_white_space_removed(void **s)
{
    (void)s;
    static const char *pieces[] = {"招", "生工作", "，", "。", "\n", "\n\n", "\n\n\n", " ", "\r\n",
                                   "（", "一、", "1. ", "①", "2020年", "关键词：", "|", "\t", "　　",
                                   "转发**", "Python", "100%", "\xff", "\xe6\x8b", "我们认真研究并制定了工作措施，"};
    const char *kv[] = {"min_join_ratio=0", "min_line_chars=1", NULL};
    unsigned seed = 12345;
    char in[600], a[600], b[600];
    for (int it = 0; it < 20000; it++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        int k = (int)(seed >> 16) % 30;
        for (int j = 0; j < k; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            if (n + l >= sizeof in) break;
            memcpy(in + n, p, l);
            n += l;
        }
        char *out = NULL, *reason = NULL;
        size_t on;
        assert_int_equal(dc_test_run(&docclean_plugin, kv, in, n, &out, &on, &reason), DC_KEEP);
        assert_true(on <= n);
        size_t la = strip_space(in, n, a), lb = strip_space(out, on, b);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(out);
        free(reason);
    }
}

/* ---- classifiers ---- */

static int structural(const char *s) { return lj_starts_structural((const unsigned char *)s, 0, strlen(s)); }
static int record(const char *s) { return lj_starts_record((const unsigned char *)s, 0, strlen(s)); }
static lj_tail tail(const char *s) { return lj_tail_of((const unsigned char *)s, 0, strlen(s)); }

static void test_classifiers(void **s)
{
    (void)s;
    const char *yes[] = {"一、总则", "十二．附则", "（三）要求", "(a) item", "〔二〕说明", "1. 加强", "12、落实",
                         "3) 三", "1〉提高", "①第一", "⑴甲", "Ⅱ 乙", "第十二章 附则", "第3节", "# 标题", "> 引用",
                         "- 项", "* 项", "• 项", "★重点", "A. 正确", "【教学目标】掌握", "[中图分类号] G642",
                         "**第一章**", "| a | b |", NULL};
    for (int i = 0; yes[i]; i++) {
        if (!structural(yes[i])) fail_msg("should be structural: %s", yes[i]);
    }
    const char *no[] = {"一份材料", "十分重视", "第二期特殊教育", "1.5亿元", "2023年工作", "(市政办发", "**市教育局",
                        "○○同志", "【20xx】67号", "x + y", "生工作", "Python", NULL};
    for (int i = 0; no[i]; i++) {
        if (structural(no[i])) fail_msg("should not be structural: %s", no[i]);
    }
    assert_true(record("2011年7月29日 修正"));
    assert_true(record("2020-05-01 发布"));
    assert_true(record("5月15日至31日，报名"));
    assert_true(record("关键词：教学"));
    assert_true(record("中图分类号:G642"));
    assert_false(record("188人，其中"));
    assert_false(record("我们认为，这个"));
    assert_int_equal(tail("招"), LJ_TAIL_MID);
    assert_int_equal(tail("转发**"), LJ_TAIL_MID);
    assert_int_equal(tail("手中，"), LJ_TAIL_CONT);
    assert_int_equal(tail("手中,  "), LJ_TAIL_CONT);
    assert_int_equal(tail("（"), LJ_TAIL_CONT);
    assert_int_equal(tail("1,"), LJ_TAIL_END);
    assert_int_equal(tail("结束。"), LJ_TAIL_END);
    assert_int_equal(tail("100%"), LJ_TAIL_END);
    assert_int_equal(tail("**"), LJ_TAIL_END);
    assert_int_equal(tail("\xe6\x8b"), LJ_TAIL_END);
}

/* ---- fragmented text: text runs one per line ---- */

static void test_fragment_issue_example(void **s)
{
    (void)s;
    /* the title keeps its line (it ends in 总结), the body is one paragraph,
     * numbers and the mask rejoin their units */
    expect_plugin_output(NULL,
        "XX\n县\n2023\n年教育工作总结\n一年来，在县委、\n县政府的正确领导下，全县\nXX\n所学校\n完成了\n标准化建设，\n新增学位\n1500\n个。\n",
        "XX县2023年教育工作总结\n一年来，在县委、县政府的正确领导下，全县XX所学校完成了标准化建设，新增学位1500个。\n");
}

static void test_fragment_percent_semicolon_latin(void **s)
{
    (void)s;
    /* % and ； alone on a line go to the line before; Latin words get one space */
    expect_plugin_output(NULL,
        "本科上线率\n达到\n67.3\n%\n，比上年\n提高\n4.2\n个百分点\n；\n推荐阅读\nPhysics\nToday\n等课外\n读物。\n",
        "本科上线率达到67.3%，比上年提高4.2个百分点；推荐阅读Physics Today等课外读物。\n");
}

static void test_fragment_structure_kept(void **s)
{
    (void)s;
    /* headings and list items start lines; a bare heading ending in a title
     * word (情况) ends its line; 。 ends a paragraph */
    expect_plugin_output(NULL,
        "一、基本\n情况\n全院现有\n职工\n58\n人，开放\n床位\n30\n张。\n二、主要做法\n1.抓好公共\n卫生服务，\n体检\n2130\n人。\n2.推进家庭\n医生签约。\n",
        "一、基本情况\n全院现有职工58人，开放床位30张。\n二、主要做法\n1.抓好公共卫生服务，体检2130人。\n2.推进家庭医生签约。\n");
}

static void test_fragment_signature_date(void **s)
{
    (void)s;
    /* the signature and the date at the end keep their own lines */
    expect_plugin_output(NULL,
        "关于报送材料的\n通知\n请于\n3\n月\n20\n日前\n将报告\n报送县教育局，\n联系电话：\n0371\n-12345678\n。\nXX\n县教育局\n2024\n年\n2\n月\n26\n日\n",
        "关于报送材料的通知\n请于3月20日前将报告报送县教育局，联系电话：0371-12345678。\nXX县教育局\n2024年2月26日\n");
}

/* The output with fragments=true equals the one with fragments=false. */
static void expect_no_fragment_block(const char *in)
{
    const char *off[] = {"fragments=false", NULL};
    char *a = NULL, *b = NULL, *ra = NULL, *rb = NULL;
    size_t na, nb;
    assert_int_equal(dc_test_run(&docclean_plugin, NULL, in, strlen(in), &a, &na, &ra), DC_KEEP);
    assert_int_equal(dc_test_run(&docclean_plugin, off, in, strlen(in), &b, &nb, &rb), DC_KEEP);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na);
    free(a);
    free(b);
    free(ra);
    free(rb);
}

static void test_fragment_attachment_signature(void **s)
{
    (void)s;
    /* an attachment label's value runs into the signature: the signature
     * starts at its mask */
    expect_plugin_output(NULL,
        "请各校\n按时\n报送，\n联系电话：\n0371\n-12345678\n。\n附件：\n学校安全\n检查清单\nXX\n县教育局\n2024\n年\n2\n月\n26\n日\n",
        "请各校按时报送，联系电话：0371-12345678。\n附件：\n学校安全检查清单\nXX县教育局\n2024年2月26日\n");
}

static void test_fragment_heading_ends_in_verb(void **s)
{
    (void)s;
    /* an enumerated sub-heading whose last word is a verb (改善, 提升), not
     * a title word, still ends its line when the paragraph follows; a list
     * item that ends in such a verb inside a sentence goes on */
    expect_plugin_output(NULL,
        "（一）校园\n环境持续\n改善\n今年新建\n食堂\n1\n所，\n操场\n2\n块。\n（二）教学\n质量稳步提升\n期末\n平均分\n提高了\n5\n分。\n",
        "（一）校园环境持续改善\n今年新建食堂1所，操场2块。\n（二）教学质量稳步提升\n期末平均分提高了5分。\n");
    expect_plugin_output(NULL,
        "1.各校要\n进一步\n改善\n办学条件，\n新建\n食堂\n1\n所；\n2.稳步\n提升\n教学质量，\n平均分\n提高\n5\n分。\n",
        "1.各校要进一步改善办学条件，新建食堂1所；\n2.稳步提升教学质量，平均分提高5分。\n");
}

static void test_fragment_not_lists_or_verse(void **s)
{
    (void)s;
    /* short lines that do not cut sentences: names, a contents list, verse
     * (whose ，-ended lines the ordinary rules may still join) */
    expect_plugin_same(NULL, "获奖名单\n张小明\n李华\n王芳芳\n赵磊\n孙丽\n周杰\n吴敏\n");
    expect_plugin_same(NULL, "目录\n第一章 总则\n第二章 学籍\n第三章 考勤\n第四章 奖惩\n第五章 附则\n");
    expect_no_fragment_block("春眠不觉晓，\n处处闻啼鸟。\n夜来风雨声，\n花落知多少。\n白日依山尽，\n黄河入海流。\n");
    expect_no_fragment_block("勇于实践,努力锻炼\n我们勇攀科技高峰;\n文明健康,诚实勇敢,\n做好少年;\n团结互助,\n促进社会进步;\n");
}

static void test_fragment_options(void **s)
{
    (void)s;
    /* without a fragment block only the ordinary join after ， is made */
    const char *in = "全县\nXX\n所学校\n完成了\n标准化建设，\n新增学位\n1500\n个。\n";
    const char *plain = "全县\nXX\n所学校\n完成了\n标准化建设，新增学位\n1500\n个。\n";
    const char *off[] = {"fragments=false", NULL};
    expect_plugin_output(off, in, plain);
    const char *few[] = {"fragment_min_lines=9", NULL};
    expect_plugin_output(few, in, plain);
    const char *shorter[] = {"fragment_max_chars=3", NULL};
    expect_plugin_output(shorter, in, plain);
    expect_plugin_output(NULL, in, "全县XX所学校完成了标准化建设，新增学位1500个。\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_across_blank),  cmocka_unit_test(test_join_adjacent),
        cmocka_unit_test(test_join_after_comma),   cmocka_unit_test(test_join_open_bracket),
        cmocka_unit_test(test_join_chain),         cmocka_unit_test(test_join_before_punct),
        cmocka_unit_test(test_join_after_mask),    cmocka_unit_test(test_join_crlf_and_spaces),
        cmocka_unit_test(test_join_digit_head),    cmocka_unit_test(test_no_join_terminators),
        cmocka_unit_test(test_no_join_headings_lists), cmocka_unit_test(test_no_join_tables),
        cmocka_unit_test(test_no_join_titles),     cmocka_unit_test(test_no_join_records),
        cmocka_unit_test(test_no_join_indent_latin), cmocka_unit_test(test_gap_options),
        cmocka_unit_test(test_guard_options_off),  cmocka_unit_test(test_ratio_gate),
        cmocka_unit_test(test_counters),           cmocka_unit_test(test_invalid_utf8_and_edges),
        cmocka_unit_test(test_classifiers),        cmocka_unit_test(test_only_white_space_removed),
        cmocka_unit_test(test_fragment_issue_example),
        cmocka_unit_test(test_fragment_percent_semicolon_latin),
        cmocka_unit_test(test_fragment_structure_kept),
        cmocka_unit_test(test_fragment_signature_date),
        cmocka_unit_test(test_fragment_attachment_signature),
        cmocka_unit_test(test_fragment_heading_ends_in_verb),
        cmocka_unit_test(test_fragment_not_lists_or_verse),
        cmocka_unit_test(test_fragment_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
