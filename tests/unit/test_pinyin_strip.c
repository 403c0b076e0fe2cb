/*
 * test_pinyin_strip.c - the pinyin_strip stage through the real host:
 * the match rule, the document gate, residue, every switch and the counters.
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



/* A content-farm paragraph: annotations on traditional-only characters. */
static const char *FARM = "區(qū)教育局工作總結(jié)：全區(qū)學(xué)校辦學(xué)條件不斷改善。\n";
static const char *FARM_CLEAN = "區教育局工作總結：全區學校辦學條件不斷改善。\n";

static void test_farm_stripped(void **st)
{
    (void)st;
    expect_plugin_output(NULL, FARM, FARM_CLEAN);
}

/* Teaching text: whole words never match; single-character glosses on
 * characters that are not traditional-only fail the gate. */
static void test_teaching_kept(void **st)
{
    (void)st;
    const char *t = "北京(Běijīng)是首都。饕(tāo)餮(tiè)是猛兽。银行的行读(háng)，行走的行读(xíng)。\n";
    expect_plugin_output(NULL, t, t);
}

/* The syllable must be one of the character's readings. */
static void test_reading_must_match(void **st)
{
    (void)st;
    /* 結 is never dǎ, and no real match uses dǎ: not the farm's, kept. */
    const char *t = "區(qū)區(qū)學(xué)結(dǎ)結(jié)\n";
    expect_plugin_output(NULL, t, "區區學結(dǎ)結\n");
    /* 結(xué) is not a match, but xué is the farm's (學(xué)): residue. */
    const char *r = "區(qū)區(qū)學(xué)結(xué)結(jié)\n";
    expect_plugin_output(NULL, r, "區區學結結\n");
    const char *nores[] = {"residue=false", NULL};
    expect_plugin_output(nores, r, "區區學結(xué)結\n");
}

/* Exactly one tone mark, lowercase, nothing else inside the parentheses. */
static void test_syllable_shape(void **st)
{
    (void)st;
    const char *t = "區(qū)學(xué)結(jié)區(qu)區(Qū)區(qūqū)區( qū)區 (qū)\n";
    expect_plugin_output(NULL, t, "區學結區(qu)區(Qū)區(qūqū)區( qū)區 (qū)\n");
}

static void test_gate_min_matches(void **st)
{
    (void)st;
    const char *two = "全區(qū)學(xué)校。\n";
    expect_plugin_output(NULL, two, two);
    const char *kv[] = {"min_matches=2", NULL};
    expect_plugin_output(kv, two, "全區學校。\n");
}

static void test_gate_traditional_ratio(void **st)
{
    (void)st;
    const char *simp = "饕(tāo)餮(tiè)和行(háng)。\n";
    expect_plugin_output(NULL, simp, simp);
    const char *kv[] = {"min_traditional_ratio=0", NULL};
    expect_plugin_output(kv, simp, "饕餮和行。\n");
    /* Mostly traditional passes at 0.5, not at 0.9. */
    const char *mixed = "區(qū)學(xué)結(jié)饕(tāo)\n";
    expect_plugin_output(NULL, mixed, "區學結饕\n");
    const char *strict[] = {"min_traditional_ratio=0.9", NULL};
    expect_plugin_output(strict, mixed, mixed);
    const char *only[] = {"only_traditional=true", NULL};
    expect_plugin_output(only, mixed, "區學結饕(tāo)\n");
}

/* Mojibake base: the annotation goes, the base stays for the reader. */
static void test_residue(void **st)
{
    (void)st;
    const char *t = "區(qū)學(xué)結(jié)網(wǎng)站，W(wǎng)站\n";
    expect_plugin_output(NULL, t, "區學結網站，W站\n");
    /* A syllable no real match uses is not residue: 行(háng) in a note. */
    const char *note = "區(qū)學(xué)結(jié)，银行的行读(háng)\n";
    expect_plugin_output(NULL, note, "區學結，银行的行读(háng)\n");
    /* A base that is not Han (a form blank, a mask) is the farm's whatever
     * its syllable: 为_(kāi)_ although no match reads kāi. */
    const char *blank = "區(qū)學(xué)結(jié)，細度模數為_(kāi)_，X(kāi)號\n";
    expect_plugin_output(NULL, blank, "區學結，細度模數為__，X號\n");
    /* Residue alone never opens the gate. */
    const char *alone = "W(xué)W(xué)W(xué)W(xué)\n";
    expect_plugin_output(NULL, alone, alone);
}

static void test_no_parens_and_edges(void **st)
{
    (void)st;
    expect_plugin_output(NULL, "", "");
    expect_plugin_output(NULL, "(qū)(xué)(jié)", "(qū)(xué)(jié)");
    expect_plugin_output(NULL, "區(qū", "區(qū");
    const char raw[] = "\377(qū)區(qū)學(xué)結(jié)\300";
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    assert_int_equal(dc_test_run(&docclean_plugin, NULL, raw, sizeof raw - 1, &out, &outlen, &reason),
                     DC_KEEP);
    assert_memory_equal(out, "\377(qū)區學結\300", outlen);
    free(out);
    free(reason);
}

static void test_counters(void **st)
{
    (void)st;
    const dc_host *h = dc_host_get();
    char err[256];
    dc_options *o = dc_options_from_pairs(docclean_plugin.options, NULL, "test", err, sizeof err);
    assert_non_null(o);
    dc_stage *stage = dc_stage_new_standalone("pinyin_strip");
    void *inst = docclean_plugin.create(h, stage, o, err, sizeof err);
    assert_non_null(inst);
    const char *texts[] = {FARM, "區(qū)學(xué)結(jié)W(xué)\n", "饕(tāo)餮(tiè)行(háng)\n", "no parens\n"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        dc_doc *d = dc_doc_new("t", texts[i], strlen(texts[i]));
        assert_int_equal(docclean_plugin.process(inst, d), DC_KEEP);
        dc_doc_free(d);
    }
    assert_int_equal(dc_stage_counter_get(stage, "docs_stripped"), 2);
    assert_int_equal(dc_stage_counter_get(stage, "annotations_stripped"), 8);
    assert_int_equal(dc_stage_counter_get(stage, "residue_stripped"), 1);
    assert_int_equal(dc_stage_counter_get(stage, "docs_kept_by_gate"), 1);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(stage);
    dc_options_free(o);
}

static void test_bad_option(void **st)
{
    (void)st;
    const char *kv[] = {"min_traditional_ratio=1.5", NULL};
    char *out = NULL, *reason = NULL;
    size_t outlen = 0;
    assert_int_equal(dc_test_run(&docclean_plugin, kv, "x", 1, &out, &outlen, &reason), -1);
    free(reason);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_farm_stripped),
        cmocka_unit_test(test_teaching_kept),
        cmocka_unit_test(test_reading_must_match),
        cmocka_unit_test(test_syllable_shape),
        cmocka_unit_test(test_gate_min_matches),
        cmocka_unit_test(test_gate_traditional_ratio),
        cmocka_unit_test(test_residue),
        cmocka_unit_test(test_no_parens_and_edges),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_bad_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
