/*
 * test_watermark.c - exact outputs of the watermark stage: each stray-mark
 * rule and the noise rule with positive cases, the look-alikes they must
 * leave alone (quotes, code, formulas, units, URLs, English), every option
 * switched off, counters, CRLF and invalid UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testkit.h"
#include "plugin_expect.h"
#include "wm.h"




/* ---- stray marks ---- */

static void test_de_backtick(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "优质教育资源的`供给面。", "优质教育资源的供给面。");
    expect_plugin_output(NULL, "成员的`“119”消防宣传活动", "成员的“119”消防宣传活动");
    expect_plugin_same(NULL, "调用的`malloc`函数");          /* inline code */
    expect_plugin_same(NULL, "最后的`");                      /* nothing follows */
    const char *off[] = {"de_backtick=false", NULL};
    expect_plugin_same(off, "优质教育资源的`供给面。");
}

static void test_de_quote(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "因此造成的'由甲方承担。", "因此造成的由甲方承担。");
    expect_plugin_same(NULL, "所谓的'smart'设备");            /* quoted English */
    expect_plugin_same(NULL, "所谓的'民主'制度");             /* quoted Han */
    /* the second mark closes nothing: it follows 的 itself, so both go */
    expect_plugin_output(NULL, "我的'书和你的'笔", "我的书和你的笔");
    const char *off[] = {"de_quote=false", NULL};
    expect_plugin_same(off, "因此造成的'由甲方承担。");
}

static void test_de_dot(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "按照公正”的.原则，面向全省", "按照公正”的原则，面向全省");
    expect_plugin_output(NULL, "远程教育工程的.辐射作用", "远程教育工程的辐射作用");
    expect_plugin_same(NULL, "鼓励.力量办园");                /* censor gap: placeholder's */
    expect_plugin_same(NULL, "我的...朋友");                  /* ellipsis */
    expect_plugin_same(NULL, "目的. 下一步");                 /* a space follows */
    expect_plugin_same(NULL, "提高的.5个百分点");             /* a digit follows */
    const char *off[] = {"de_dot=false", NULL};
    expect_plugin_same(off, "远程教育工程的.辐射作用");
}

static void test_anchors(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "认真地.学习");
    const char *more[] = {"anchors=的地", NULL};
    expect_plugin_output(more, "认真地.学习的`方法", "认真地学习的方法");
    const char *bad[] = {"anchors=abc", NULL};
    char *out = NULL, *reason = NULL;
    assert_int_equal(dc_test_run(&docclean_plugin, bad, "x", 1, &out, NULL, &reason), -1);
    assert_non_null(reason);
    free(out);
    free(reason);
}

static void test_han_backtick(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "中`国人民", "中国人民");
    expect_plugin_same(NULL, "使用`中文`编程");               /* a pair: code span */
    expect_plugin_same(NULL, "命令`ls`列出");
    const char *off[] = {"han_backtick=false", NULL};
    expect_plugin_same(off, "中`国人民");
}

/* ---- anti-copy noise ---- */

static void test_noise_inline(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "自我鉴定 i( j( e7 Z2 {! |0 K\n", "自我鉴定\n");
    expect_plugin_output(NULL, "4 \\7 ]7 U; C. z! {标题模式：三种。\n", "标题模式：三种。\n");
    expect_plugin_output(NULL, "自然情况 & F8 N: E( H p1 T5 i 继续\n", "自然情况继续\n");
    expect_plugin_output(NULL, "评价自己。 4 o2 Q# s, a. Q\n", "评价自己。\n");
    expect_plugin_output(NULL, "( @) X% H/ U- j. E+ F R二、主要优点\n", "二、主要优点\n");
    /* a real word before the junk stays */
    expect_plugin_output(NULL, "型号iPhone i( j( e7 Z2 {! |0 K手机\n", "型号iPhone手机\n");
    expect_plugin_output(NULL, "自我鉴定 i( j( e7 Z2 {! |0 K\r\n下一行\r\n", "自我鉴定\r\n下一行\r\n");
    const char *off[] = {"noise=false", NULL};
    expect_plugin_same(off, "自我鉴定 i( j( e7 Z2 {! |0 K\n");
    const char *more[] = {"noise_min_tokens=8", NULL};
    expect_plugin_same(more, "自我鉴定 i( j( e7 Z2 {! |0 K\n");
    const char *kinds[] = {"noise_min_punct_kinds=5", NULL};
    expect_plugin_same(kinds, "自我鉴定 i( j( e7 Z2 {! |0 K\n");
}

static void test_noise_lines(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "正文第一段内容。\n; Z' @- F5 z6 B+ Q% o$ G6 ?- G: w' |\n正文第二段。\n",
              "正文第一段内容。\n正文第二段。\n");
    expect_plugin_output(NULL, "正文第一段内容。\r\n7 G( q z a1 \\, N\r\n正文第二段。", "正文第一段内容。\r\n正文第二段。");
    expect_plugin_output(NULL, "正文第一段内容。\n7 G( q z a1 \\, N", "正文第一段内容。\n"); /* last line, no LF */
    const char *off[] = {"noise_lines=false", NULL};
    expect_plugin_same(off, "正文第一段内容。\n; Z' @- F5 z6 B+ Q% o$ G6 ?- G: w' |\n正文第二段。\n");
    /* an English document: no CJK around, so the line is left alone */
    expect_plugin_same(NULL, "This is an English page about many things.\n; Z' @- F5 z6 B+ Q% o$ G6\nThe end.\n");
}

static void test_noise_lookalikes(void **s)
{
    (void)s;
    const char *keep[] = {
        "公式 x + y = z 成立",
        "公式 a1 + b2 * c3 成立",
        "选项 A. B. C. D. E. 中选一个",
        "代码 if (a > b) { c = 1; } 结束",
        "代码 for (i = 0; i < n; i++) { s += a[i]; } 结束",
        "参数 f(v, v, h, h, 0, 0, 0, 0) 调用",
        "网址 http://example.com/a?b=c&d=e 访问",
        "日期 2023-01-01 12:30:00 发布",
        "型号 RTX 4090 和 A4 B5 A3 A5 纸",
        "单位 5 m/s 和 3 kg 以及 10 cm x 20 cm",
        "英文 I am a boy and he is ok 句子",
        "表情 :) :( :D ;) :P 哈哈",
        "集合 {a, b, c, d, e} 中",
        "序号 1, 2, 3, 4, 5, 6 等",
        "坐标 (1, 2) (3, 4) (5, 6) 处",
        "比分 3:1 2:0 1:1 4:2 0:0",
        "电话 010-12345678 转 8 号",
        NULL};
    for (int i = 0; keep[i]; i++) expect_plugin_same(NULL, keep[i]);
}

static void test_junk_classifier(void **s)
{
    (void)s;
    wm_config c = {.noise_min_tokens = 5, .noise_min_punct_kinds = 2};
    wm_span sp[8];
    const char *junk[] = {"i( j( e7 Z2 {! |0 K", "; Z' @- F5 z6 B+ Q% o$ G6", "1 X7 X3 f\" k6 k- e",
                          ". t- a( v( S' @; N/ ^", "7 G( q z a1 \\, N", NULL};
    for (int i = 0; junk[i]; i++) {
        const unsigned char *t = (const unsigned char *)junk[i];
        size_t n = wm_noise_in_run(&c, t, 0, strlen(junk[i]), sp, 8);
        if (n != 1 || sp[0].off != 0 || sp[0].len != strlen(junk[i])) fail_msg("not junk: %s", junk[i]);
    }
    const char *code[] = {"(S + A - P) >> 2 */", "if ( (i < 0) || (i >= n", "@c c. If @p c is @c",
                          "x1 = (a + b) / dv", NULL};
    for (int i = 0; code[i]; i++) {
        const unsigned char *t = (const unsigned char *)code[i];
        if (wm_noise_in_run(&c, t, 0, strlen(code[i]), sp, 8) != 0) fail_msg("junk: %s", code[i]);
    }
}

/* ---- counters, edges ---- */

static void test_counters(void **s)
{
    (void)s;
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "t", err, sizeof err);
    assert_non_null(o);
    dc_stage *st = dc_stage_new_standalone("watermark");
    void *inst = docclean_plugin.create(dc_host_get(), st, o, err, sizeof err);
    assert_non_null(inst);
    const char *in = "资源的`供给和的'由和的.原则，中`国。自我鉴定 i( j( e7 Z2 {! |0 K\n"
                     "; Z' @- F5 z6 B+ Q% o$ G6 ?- G: w' |\n结束。\n";
    dc_doc *d = dc_doc_new("x", in, strlen(in));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    assert_string_equal(d->text, "资源的供给和的由和的原则，中国。自我鉴定\n结束。\n");
    assert_int_equal(dc_stage_counter_get(st, "de_backtick"), 1);
    assert_int_equal(dc_stage_counter_get(st, "de_quote"), 1);
    assert_int_equal(dc_stage_counter_get(st, "de_dot"), 1);
    assert_int_equal(dc_stage_counter_get(st, "han_backtick"), 1);
    assert_int_equal(dc_stage_counter_get(st, "noise_runs"), 1);
    assert_int_equal(dc_stage_counter_get(st, "noise_lines"), 1);
    assert_int_equal(dc_stage_counter_get(st, "docs_changed"), 1);
    assert_int_equal(dc_stage_counter_get(st, "bytes_removed"), 4 + 20 + 37); /* marks, " i( … K", line + LF */
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

static void test_edges(void **s)
{
    (void)s;
    expect_plugin_same(NULL, "");
    expect_plugin_same(NULL, "`");
    expect_plugin_same(NULL, "\n\n");
    expect_plugin_same(NULL, "\xff的`\xfe");         /* invalid byte after the mark */
    expect_plugin_same(NULL, "\x84`中");             /* a lone continuation byte before it */
    expect_plugin_same(NULL, "\xe7\x9a`中");         /* a truncated 的 */
    expect_plugin_output(NULL, "\xff资源的`供给\xc3", "\xff资源的供给\xc3");
    expect_plugin_same(NULL, "clean ASCII text, nothing to do.\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_de_backtick),     cmocka_unit_test(test_de_quote),
        cmocka_unit_test(test_de_dot),          cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_han_backtick),    cmocka_unit_test(test_noise_inline),
        cmocka_unit_test(test_noise_lines),     cmocka_unit_test(test_noise_lookalikes),
        cmocka_unit_test(test_junk_classifier), cmocka_unit_test(test_counters),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
