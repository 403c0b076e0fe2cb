/*
 * test_spam.c - the spam stage: lexicon format (errors name FILE:LINE),
 * leftmost-longest case-insensitive matching, whole ad lines deleted, ads
 * spliced into sentences cut with their glue, weak terms only next to a
 * trigger, keyword stuffing vs prose, mode=keep, metadata and counters.
 * Texts are written for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "spam.h"
#include "testkit.h"
#include "plugin_expect.h"

static void test_lines_and_spans(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "甲\n澳门新葡京 官方网站 注册送彩金\n乙\n", "甲\n乙\n");
    expect_plugin_output(NULL, "今天BEST365官网召开大会。", "今天召开大会。");
    expect_plugin_output(NULL, "A·欧宝体育·官方网站2023年工作总结", "2023年工作总结");
    expect_plugin_output(NULL, "高手论坛123456：会议通知", "：会议通知");
    /* weak terms alone, real words around ads: untouched */
    expect_plugin_same(NULL, "学校官方网站正在建设中，欢迎登录。");
    expect_plugin_same(NULL, "金沙江畔，严厉打击赌博和色情。");
}

static void test_stuffing(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "正文。\n普洱茶 普洱茶价格 普洱茶品牌 普洱茶排行 好普洱茶 普洱茶哪家好\n",
                         "正文。\n");
    /* near-identical keywords but a sentence: kept */
    expect_plugin_same(NULL, "普洱茶 普洱茶价格 普洱茶品牌 普洱茶排行 好普洱茶 普洱茶哪家好。");
    /* clauses sharing a two-character noun: prose (and a two-character
     * keyword list is not caught: the gate needs a three-character run) */
    expect_plugin_same(NULL, "遵循食品规范,做好食品留样,确保食品安全,定期检查食品仓库,清洗食品容器");
    static const char *const off[] = {"stuffing=false", NULL};
    expect_plugin_same(off, "普洱茶 普洱茶价格 普洱茶品牌 普洱茶排行 好普洱茶 普洱茶哪家好");
}

static void test_keep_mode_and_metadata(void **s)
{
    (void)s;
    static const char *const keep[] = {"mode=keep", NULL};
    expect_plugin_same(keep, "今天bet365召开大会。\n代写论文 代开发票\n");
    const dc_host *h = dc_host_get();
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    dc_stage *st = dc_stage_new_standalone("spam");
    void *inst = docclean_plugin.create(h, st, o, err, sizeof err);
    assert_non_null(inst);
    const char *in = "今天bet365召开大会。\n代写论文 代开发票\n";
    dc_doc *d = dc_doc_new("m", in, strlen(in));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    size_t n;
    assert_string_equal(h->meta_get(d, "spam_lines", &n), "1");
    assert_string_equal(h->meta_get(d, "spam_spans", &n), "1");
    assert_int_equal(dc_stage_counter_get(st, "contact_lines"), 1);
    assert_int_equal(dc_stage_counter_get(st, "gambling_spans"), 1);
    dc_doc_free(d);
    /* nothing left: rejected with a reason */
    d = dc_doc_new("e", "澳门新葡京官网\n", strlen("澳门新葡京官网\n"));
    assert_int_equal(docclean_plugin.process(inst, d), DC_DROP);
    assert_non_null(strstr(dc_doc_reason(d), "nothing left"));
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_lexicon(void **s)
{
    (void)s;
    char err[512], path[] = "/tmp/test_spam_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    spam_lex *lx = spam_lex_new();
    write_file(path, "# c\nAbc123\nabc\n宝\tstrong\n");
    assert_int_equal(spam_lex_load(lx, path, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4: after the tab only 'weak'"));
    spam_lex_free(lx);
    lx = spam_lex_new();
    write_file(path, "Abc123\nabc\n官网\tweak\n");
    assert_int_equal(spam_lex_load(lx, path, err, sizeof err), 0);
    assert_int_equal(spam_lex_finish(lx), 0);
    assert_int_equal(spam_lex_size(lx), 3);
    spam_hits h = {0};
    const char *txt = "xABC123官网abc";
    assert_int_equal(spam_lex_match(lx, txt, strlen(txt), 0, &h), 0);
    assert_int_equal(h.n, 3);
    assert_int_equal(h.v[0].off, 1);
    assert_int_equal(h.v[0].len, 6); /* longest: abc123 over abc */
    assert_true(h.v[1].term->weak);
    spam_hits_free(&h);
    spam_lex_free(lx);
    lx = spam_lex_new();
    write_file(path, "a\n");
    assert_int_equal(spam_lex_load(lx, path, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: a term needs at least two bytes"));
    spam_lex_free(lx);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_spans),
        cmocka_unit_test(test_stuffing),
        cmocka_unit_test(test_keep_mode_and_metadata),
        cmocka_unit_test(test_lexicon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
