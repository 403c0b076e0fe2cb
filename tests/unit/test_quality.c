/*
 * test_quality.c - the quality stage: exact scores on tiny texts (Han
 * share, line shape, duplicate lines and n-grams, top n-gram, stopwords,
 * tags, cells), every gate with its reason, mode=score, bad options.
 * Texts are written for these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qscore.h"
#include "testkit.h"
#include "plugin_expect.h"

static qscores score(const char *t)
{
    qscratch s = {0};
    qscores q;
    assert_int_equal(qscore(t, strlen(t), &s, &q), 0);
    qscratch_free(&s);
    return q;
}

static void test_basic_scores(void **st)
{
    (void)st;
    qscores q = score("我的书。\nab 12\n");
    assert_int_equal(q.han, 3);
    assert_int_equal(q.chars, 8); /* 我的书。a b 1 2 */
    assert_int_equal(q.lines, 2);
    assert_true(q.han_share > 0.374 && q.han_share < 0.376);
    assert_true(q.digit_share > 0.249 && q.digit_share < 0.251);
    assert_true(q.end_punct_share > 0.49 && q.end_punct_share < 0.51);
    assert_true(q.stopword_share > 0.33 && q.stopword_share < 0.34); /* 的 */
    assert_true(q.cell_line_share > 0.49 && q.cell_line_share < 0.51);
    assert_true(q.mean_line_len > 3.99 && q.mean_line_len < 4.01);
    q = score("");
    assert_int_equal(q.chars, 0);
    assert_true(q.han_share == 0);
}

static void test_repetition_scores(void **st)
{
    (void)st;
    qscores q = score("上一页\n下一页\n上一页\n上一页\n");
    assert_true(q.dup_line_frac > 0.49 && q.dup_line_frac < 0.51);
    assert_true(q.dup_line_char_frac > 0.49 && q.dup_line_char_frac < 0.51);
    /* 16 Han characters: 一二三四五六七八 twice: the second copy is one repeated 8-gram */
    q = score("一二三四五六七八一二三四五六七八");
    assert_true(q.dup_ngram_frac > 0.49 && q.dup_ngram_frac < 0.51);
    /* top 3-gram 一二三 x2 of 16 chars: 6/16 */
    assert_true(q.top_ngram_share > 0.374 && q.top_ngram_share < 0.376);
    q = score("⟦mobile⟧好★");
    assert_true(q.placeholder_density > 0); /* one tag */
    assert_true(q.symbol_share > 0);        /* ★ */
}

static void test_gates(void **st)
{
    (void)st;
    static const struct {
        const char *in, *reason; /* reason NULL: kept */
    } c[] = {
        {"今天下午三点开会。", NULL},
        {"Hello world, this is English text.", "quality: han_share 0.000 below min_han_share 0.2"},
        {"1234 5678 9012 中", "quality: digit_share 0.923 above max_digit_share 0.4"},
        {"★★★好★★★", "quality: symbol_share 0.857 above max_symbol_share 0.2"},
        {"首页\n新闻\n产品\n案例\n招聘\n联系", "quality: navigation list"},
    };
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        char *out = NULL, *reason = NULL;
        size_t n;
        int v = dc_test_run(&docclean_plugin, NULL, c[i].in, strlen(c[i].in), &out, &n, &reason);
        if (!c[i].reason) {
            if (v != DC_KEEP) fail_msg("%s: dropped: %s", c[i].in, reason);
        } else if (v != DC_DROP || !reason || strncmp(reason, c[i].reason, strlen(c[i].reason)) != 0) {
            fail_msg("%s: want drop |%s|, got %d |%s|", c[i].in, c[i].reason, v, reason ? reason : "");
        }
        free(out);
        free(reason);
    }
    static const char *const score_only[] = {"mode=score", NULL};
    expect_plugin_same(score_only, "Hello world");
    static const char *const minhan[] = {"min_han_chars=5", NULL};
    char *out = NULL, *reason = NULL;
    size_t n;
    assert_int_equal(dc_test_run(&docclean_plugin, minhan, "你好。", strlen("你好。"), &out, &n, &reason),
                     DC_DROP);
    assert_string_equal(reason, "quality: han_chars 2 below min_han_chars 5");
    free(out);
    free(reason);
}

static void test_bad_options(void **st)
{
    (void)st;
    static const char *const kv[] = {"max_digit_share=-1", NULL};
    char *out = NULL, *reason = NULL;
    size_t n;
    assert_int_equal(dc_test_run(&docclean_plugin, kv, "x", 1, &out, &n, &reason), -1);
    assert_non_null(strstr(reason, "max_digit_share"));
    free(out);
    free(reason);
}

static void test_metadata(void **st)
{
    (void)st;
    const dc_host *h = dc_host_get();
    char err[256] = "";
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    dc_stage *sg = dc_stage_new_standalone("quality");
    void *inst = docclean_plugin.create(h, sg, o, err, sizeof err);
    assert_non_null(inst);
    dc_doc *d = dc_doc_new("m", "我的书。", strlen("我的书。"));
    assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
    size_t n;
    assert_string_equal(h->meta_get(d, "q_han_chars", &n), "3");
    assert_non_null(h->meta_get(d, "q_han_share", &n));
    assert_non_null(h->meta_get(d, "q_top_ngram_share", &n));
    assert_int_equal(dc_stage_counter_get(sg, "docs_scored"), 1);
    dc_doc_free(d);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(sg);
    dc_options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_scores),
        cmocka_unit_test(test_repetition_scores),
        cmocka_unit_test(test_gates),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_metadata),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
