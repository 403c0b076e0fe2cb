/*
 * test_spin.c - the spin stage: the table format (errors name FILE:LINE),
 * context matching with spun neighbours, one hit per word, the score,
 * repair only in unambiguous contexts, real uses of spun words untouched,
 * drop mode, metadata.  Texts are written for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>

#include <cmocka.h>

#include "spin.h"
#include "testkit.h"
#include "plugin_expect.h"

static const char *const repair[] = {"mode=repair", NULL};

static void test_repair_contexts(void **s)
{
    (void)s;
    expect_plugin_output(repair, "加强平安生产，消除平安隐患。", "加强安全生产，消除安全隐患。");
    expect_plugin_output(repair, "完善根底设施，在此根底上", "完善基础设施，在此基础上");
    expect_plugin_output(repair, "效劳中心降低本钱", "服务中心降低成本");
    /* both words spun: 治理轨制 is matched through the spun variant of ~制度 */
    expect_plugin_output(repair, "健全治理轨制", "健全管理制度");
    expect_plugin_output(repair, "经由过程学习", "通过学习");
    expect_plugin_output(repair, "进一步标准办学行为", "进一步规范办学行为");
}

static void test_real_uses_untouched(void **s)
{
    (void)s;
    static const char *const clean[] = {
        "创建平安校园，祝你一路平安。",
        "推进国家治理体系和治理能力现代化，加强污染治理。",
        "本次研讨会邀请王先生发言。",
        "执行国家标准，产品符合行业标准。",
        "普通高中，取得了突出成绩，学生成绩优秀。",
        "还看今朝。他不断进步。",
        "要注意安全，服务群众，打好基础。",
    };
    for (size_t i = 0; i < sizeof clean / sizeof *clean; i++) expect_plugin_same(repair, clean[i]);
}

static void test_score_only_entries_not_repaired(void **s)
{
    (void)s;
    /* 开展 is score-only: counted but never changed */
    expect_plugin_same(repair, "推动经济开展。");
}

static void test_match_and_score(void **s)
{
    (void)s;
    char err[512];
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/conf/spin/pairs.tsv", dc_host_get()->data_dir());
    spin_table *t = spin_table_load(path, err, sizeof err);
    assert_non_null(t);
    assert_true(spin_table_size(t) > 300);
    spin_hits h = {0};
    const char *txt = "平安治理根底上";
    assert_int_equal(spin_match(t, txt, strlen(txt), &h), 0);
    assert_int_equal(h.n, 3); /* 平安, 治理, 根底: one hit each */
    assert_int_equal(h.v[0].off, 0);
    assert_int_equal(h.v[1].off, 6);
    assert_int_equal(h.v[2].off, 12);
    assert_true(h.v[2].phrase->repair); /* 根底上 (repair) wins over bare 根底 (score) */
    spin_hits_free(&h);
    assert_int_equal(spin_han_chars("平安,ab治理", strlen("平安,ab治理")), 4);
    /* truncated UTF-8 at the end never reads past the text */
    assert_int_equal(spin_match(t, "平安\xe7\x94", 8, &h), 0);
    spin_hits_free(&h);
    spin_table_free(t);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_table_errors(void **s)
{
    (void)s;
    char err[512];
    char path[] = "/tmp/test_spin_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "# c\n平安\t安全\t~生产\trepair\n平安\t安全\t生产\trepair\n");
    assert_null(spin_table_load(path, err, sizeof err));
    assert_non_null(strstr(err, ":3: context '生产' must contain exactly one ~"));
    write_file(path, "平安\t安全\t~生产\tfix\n");
    assert_null(spin_table_load(path, err, sizeof err));
    assert_non_null(strstr(err, ":1: action 'fix'"));
    write_file(path, "平安\t安全\t~生产\n");
    assert_null(spin_table_load(path, err, sizeof err));
    assert_non_null(strstr(err, ":1: want 4 tab-separated fields"));
    write_file(path, "平安\t安全\ta~\trepair\n");
    assert_null(spin_table_load(path, err, sizeof err));
    assert_non_null(strstr(err, "must start with two Han characters"));
    unlink(path);
    assert_null(spin_table_load("/nonexistent/t.tsv", err, sizeof err));
}

static void test_drop_and_metadata(void **s)
{
    (void)s;
    static const char *const drop[] = {"mode=drop", NULL};
    const char *spun = "平安生产，效劳中心，根底设施，治理人员。";
    char *out = NULL, *reason = NULL;
    size_t n;
    assert_int_equal(dc_test_run(&docclean_plugin, drop, spun, strlen(spun), &out, &n, &reason), DC_DROP);
    assert_non_null(strstr(reason, "spin: spin_score"));
    free(out);
    free(reason);
    expect_plugin_same(drop, "安全生产，服务中心。");

    const dc_host *h = dc_host_get();
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    dc_stage *st = dc_stage_new_standalone("spin");
    void *inst = docclean_plugin.create(h, st, o, err, sizeof err);
    assert_non_null(inst);
    dc_doc *d = dc_doc_new("m", spun, strlen(spun));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    assert_string_equal(d->text, spun); /* tag mode: text untouched */
    assert_string_equal(h->meta_get(d, "spin_hits", &n), "4");
    assert_string_equal(h->meta_get(d, "spun", &n), "1");
    assert_int_equal(dc_stage_counter_get(st, "spun_words"), 4);
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repair_contexts),
        cmocka_unit_test(test_real_uses_untouched),
        cmocka_unit_test(test_score_only_entries_not_repaired),
        cmocka_unit_test(test_match_and_score),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_drop_and_metadata),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
