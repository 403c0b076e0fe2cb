/*
 * test_normalize.c - exact outputs of the normalize stage, rule by rule,
 * with each rule switched off in turn.
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



static void test_clean_text_unchanged(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "第一行\n\n第二行\n", "第一行\n\n第二行\n");
    expect_plugin_output(NULL, "no newline at end", "no newline at end");
    expect_plugin_output(NULL, "", "");
}

static void test_crlf(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "a\r\nb\rc\r\n", "a\nb\nc\n");
    const char *off[] = {"crlf=false", NULL};
    expect_plugin_output(off, "a\r\nb", "a\r\nb");
}

static void test_trailing(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "甲  \t\n乙\xE3\x80\x80\n", "甲\n乙\n");
    const char *off[] = {"trailing_spaces=false", NULL};
    expect_plugin_output(off, "甲  \n乙", "甲  \n乙");
}

static void test_blank_runs(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "a\n\n\n\n   \nb\n", "a\n\nb\n");
    const char *off[] = {"blank_lines=false", NULL};
    expect_plugin_output(off, "a\n\n\nb\n", "a\n\n\nb\n");
}

static void test_zero_width(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "中\xE2\x80\x8B文\xEF\xBB\xBF字\xE2\x81\xA0\n", "中文字\n");
    const char *off[] = {"zero_width=false", NULL};
    expect_plugin_output(off, "中\xE2\x80\x8B文", "中\xE2\x80\x8B文");
}

static void test_trim(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "\n\n  \ntext\n\n\n", "text\n");
    const char *off[] = {"trim=false", NULL};
    expect_plugin_output(off, "\n\ntext\n\n\n", "\ntext\n\n");
}

static void test_invalid_utf8_passes(void **s)
{
    (void)s;
    expect_plugin_output(NULL, "\xff\xfe\xE2\x80\n", "\xff\xfe\xE2\x80\n");
    expect_plugin_output(NULL, "ab\xE2", "ab\xE2");
}

static void test_embedded_nul(void **s)
{
    (void)s;
    char *out = NULL, *reason = NULL;
    size_t n;
    const char in[] = "a\0b  \nc";
    int v = dc_test_run(&docclean_plugin, NULL, in, sizeof in - 1, &out, &n, &reason);
    assert_int_equal(v, DC_KEEP);
    assert_int_equal(n, 5);
    assert_memory_equal(out, "a\0b\nc", 5);
    free(out);
}

static void test_bad_option(void **s)
{
    (void)s;
    const char *bad[] = {"crlf=maybe", NULL};
    char *out = NULL, *reason = NULL;
    int v = dc_test_run(&docclean_plugin, bad, "x", 1, &out, NULL, &reason);
    assert_int_equal(v, -1);
    assert_non_null(strstr(reason, "crlf"));
    assert_non_null(strstr(reason, "boolean"));
    free(reason);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_text_unchanged), cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_trailing),            cmocka_unit_test(test_blank_runs),
        cmocka_unit_test(test_zero_width),          cmocka_unit_test(test_trim),
        cmocka_unit_test(test_invalid_utf8_passes), cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_bad_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
