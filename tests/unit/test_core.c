/*
 * test_core.c - the core's own machinery: text edits, metadata, option
 * validation, INI loading (line numbers, long lines, ';' in values,
 * includes) and the loader's ABI check.
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

#include "config.h"
#include "core.h"
#include "loader.h"
#include "testkit.h"

/* ---------------- edits ---------------- */

static void test_edits_replace_and_delete(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    const char *in = "title\njunk line\nbody text\nfooter";
    dc_doc *d = dc_doc_new("x", in, strlen(in));
    dc_edits *e = h->edits_begin(d);
    assert_int_equal(h->edits_delete_line(e, 8, "r1"), 0);      /* "junk line\n" */
    assert_int_equal(h->edits_replace(e, 21, 4, "TEXT", 4, "r2"), 0); /* "text" */
    assert_int_equal(h->edits_delete_line(e, strlen(in) - 1, "r3"), 0); /* last line */
    size_t n;
    assert_int_equal(h->edits_commit(e, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(d->len, strlen("title\nbody TEXT\n"));
    assert_memory_equal(d->text, "title\nbody TEXT\n", d->len);
    size_t olen;
    const char *orig = dc_doc_orig(d, &olen);
    assert_int_equal(olen, strlen(in)); /* the original survives for rejects */
    assert_memory_equal(orig, in, olen);
    dc_doc_free(d);
}

static void test_edits_overlap_rejected(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    dc_doc *d = dc_doc_new("x", "abcdef", 6);
    dc_edits *e = h->edits_begin(d);
    h->edits_replace(e, 1, 3, "X", 1, "a");
    h->edits_replace(e, 2, 2, "Y", 1, "b");
    assert_int_equal(h->edits_commit(e, NULL), -1);
    assert_memory_equal(d->text, "abcdef", 6);
    e = h->edits_begin(d);
    assert_int_equal(h->edits_replace(e, 5, 2, "", 0, "oob"), -1);
    assert_int_equal(h->edits_commit(e, NULL), -1);
    /* the same line deleted by two rules is fine */
    e = h->edits_begin(d);
    h->edits_delete_line(e, 1, "a");
    h->edits_delete_line(e, 2, "b");
    assert_int_equal(h->edits_commit(e, NULL), 0);
    assert_int_equal(d->len, 0);
    dc_doc_free(d);
    /* deleting the last two lines (the last without a newline) is fine */
    d = dc_doc_new("x", "keep\nb\nc", 9);
    e = h->edits_begin(d);
    h->edits_delete_line(e, 5, "a");
    h->edits_delete_line(e, 8, "b");
    assert_int_equal(h->edits_commit(e, NULL), 0);
    assert_int_equal(d->len, 5);
    assert_memory_equal(d->text, "keep\n", 5);
    dc_doc_free(d);
}

static void test_meta(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    dc_doc *d = dc_doc_new("x", "a", 1);
    h->meta_set_str(d, "site", "example.com", 11);
    h->meta_add_int(d, "n", 2);
    h->meta_add_int(d, "n", 3);
    h->meta_set_double(d, "r", 0.5);
    size_t len;
    assert_string_equal(h->meta_get(d, "site", &len), "example.com");
    assert_string_equal(h->meta_get(d, "n", &len), "5");
    assert_string_equal(h->meta_get(d, "r", &len), "0.5");
    assert_null(h->meta_get(d, "missing", &len));
    assert_int_equal(d->meta->n, 3);
    assert_string_equal(d->meta->v[0].key, "site"); /* insertion order */
    dc_doc_free(d);
}

/* ---------------- options ---------------- */

static const dc_option_decl decls[] = {
    {"n", DC_OPT_INT, "3", "a number", NULL},
    {"mode", DC_OPT_ENUM, "a", "mode", "a|b"},
    {"on", DC_OPT_BOOL, "false", "flag", NULL},
    {"items", DC_OPT_LIST, "x,y", "list", NULL},
    {"ratio", DC_OPT_DOUBLE, "0.5", "ratio", NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static void test_options_defaults_and_values(void **s)
{
    (void)s;
    const dc_host *h = dc_host_get();
    char err[512];
    dc_options *o = dc_options_from_pairs(decls, NULL, "t", err, sizeof err);
    assert_non_null(o);
    assert_int_equal(h->opt_int(o, "n"), 3);
    assert_int_equal(h->opt_list_len(o, "items"), 2);
    dc_options_free(o);
    const char *kv[] = {"n=7", "mode=b", "on=yes", "items=p, q", "items=r", "ratio=0.25", NULL};
    o = dc_options_from_pairs(decls, kv, "t", err, sizeof err);
    assert_non_null(o);
    assert_int_equal(h->opt_int(o, "n"), 7);
    assert_string_equal(h->opt_str(o, "mode"), "b");
    assert_true(h->opt_bool(o, "on"));
    assert_int_equal(h->opt_list_len(o, "items"), 3); /* config replaces the default list */
    assert_string_equal(h->opt_list_item(o, "items", 2), "r");
    assert_true(h->opt_double(o, "ratio") == 0.25);
    assert_string_equal(h->opt_where(o, "mode"), "t:2");
    dc_options_free(o);
}

static void test_options_errors(void **s)
{
    (void)s;
    char err[512];
    const char *unknown[] = {"n=1", "colour=red", NULL};
    assert_null(dc_options_from_pairs(decls, unknown, "f.ini", err, sizeof err));
    assert_string_equal(err, "f.ini:2: [f.ini] colour: unknown option (known: n, mode, on, items, ratio)");
    const char *badint[] = {"n=3x", NULL};
    assert_null(dc_options_from_pairs(decls, badint, "f.ini", err, sizeof err));
    assert_non_null(strstr(err, "f.ini:1: [f.ini] n: '3x' is not an integer"));
    const char *badenum[] = {"mode=c", NULL};
    assert_null(dc_options_from_pairs(decls, badenum, "f.ini", err, sizeof err));
    assert_non_null(strstr(err, "(a|b)"));
}

/* Ranges in `choices` (ABI 1.2): either end may be open; NaN and infinity
 * never pass for a double. */
static void test_options_ranges(void **s)
{
    (void)s;
    static const dc_option_decl rd[] = {
        {"p", DC_OPT_DOUBLE, "0.5", "share", "0..1"},
        {"lo", DC_OPT_INT, "1", "at least -5", "-5.."},
        {"hi", DC_OPT_DOUBLE, "0", "at most 1e3", "..1e3"},
        {"any", DC_OPT_DOUBLE, "0", "finite", NULL},
        {NULL, 0, NULL, NULL, NULL}};
    static const char *const ok[][2] = {{"p=0", "p=1"}, {"lo=-5", "lo=99999"}, {"hi=-1e9", "hi=1000"},
                                        {"any=-1e300", "any=1e300"}};
    static const char *const bad[] = {"p=-0.001", "p=1.5",  "p=nan",   "lo=-6",
                                      "hi=1001",  "any=inf", "any=NaN", "any=-Infinity"};
    char err[512];
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 2; k++) {
            const char *kv[] = {ok[i][k], NULL};
            dc_options *o = dc_options_from_pairs(rd, kv, "r.ini", err, sizeof err);
            if (!o) fail_msg("%s refused: %s", ok[i][k], err);
            dc_options_free(o);
        }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *kv[] = {bad[i], NULL};
        if (dc_options_from_pairs(rd, kv, "r.ini", err, sizeof err)) fail_msg("%s accepted", bad[i]);
    }
    const char *neg[] = {"p=-1", NULL};
    assert_null(dc_options_from_pairs(rd, neg, "r.ini", err, sizeof err));
    assert_string_equal(err, "r.ini:1: [r.ini] p: '-1' is out of range (0..1)");
}

/* ---------------- config ---------------- */

static char *write_tmp(const char *name, const char *body)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/dc-test-core.XXXXXX");
        assert_non_null(mkdtemp(dir));
    }
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(body, f);
    fclose(f);
    return p;
}

static void test_config_basic_and_semicolons(void **s)
{
    (void)s;
    char err[1024];
    char *p = write_tmp("a.ini", "; comment\n[pipeline]\nstages = one, two\n\n[one]\n"
                                 "pattern = a;b ; not a comment\n# another comment\n");
    dc_config *c = dc_config_load(p, err, sizeof err);
    assert_non_null(c);
    assert_int_equal(c->nstages, 2);
    assert_string_equal(c->stages[1], "two");
    const dc_kv *kv = dc_config_get(c, "one", "pattern");
    assert_non_null(kv);
    assert_string_equal(kv->val, "a;b ; not a comment");
    assert_int_equal(kv->line, 6);
    dc_config_free(c);
    free(p);
}

static void test_config_long_line_is_an_error(void **s)
{
    (void)s;
    char err[1024];
    char body[1024];
    int n = snprintf(body, sizeof body, "[pipeline]\nstages = a\n[a]\nk = ");
    memset(body + n, 'x', 400);
    strcpy(body + n + 400, "\n");
    char *p = write_tmp("long.ini", body);
    assert_null(dc_config_load(p, err, sizeof err));
    assert_non_null(strstr(err, "long.ini:4: line longer than"));
    free(p);
}

static void test_config_include_and_override(void **s)
{
    (void)s;
    char err[1024];
    char *inc = write_tmp("base.ini", "[pipeline]\nstages = a\n[a]\nk = 1\n");
    char *top = write_tmp("top.ini", "[pipeline]\ninclude = base.ini\n[a]\nk = 2\n");
    dc_config *c = dc_config_load(top, err, sizeof err);
    assert_non_null(c);
    assert_string_equal(dc_config_get(c, "a", "k")->val, "2");
    assert_non_null(strstr(dc_config_get(c, "a", "k")->file, "top.ini"));
    dc_config_free(c);
    char *bad = write_tmp("bad.ini", "[pipeline]\nstages = a\nthis line is wrong\n");
    assert_null(dc_config_load(bad, err, sizeof err));
    assert_non_null(strstr(err, "bad.ini:3: syntax error"));
    char *missing = write_tmp("miss.ini", "[pipeline]\ninclude = nope.ini\n");
    assert_null(dc_config_load(missing, err, sizeof err));
    assert_non_null(strstr(err, "miss.ini:2: include:"));
    char *nostages = write_tmp("nost.ini", "[a]\nk = 1\n");
    assert_null(dc_config_load(nostages, err, sizeof err));
    assert_non_null(strstr(err, "stages is missing"));
    free(inc), free(top), free(bad), free(missing), free(nostages);
}

/* ---------------- loader ---------------- */

static void *dummy_create(const dc_host *h, dc_stage *s, const dc_options *o, char *e, size_t n)
{
    return (void *)1;
}
static dc_verdict dummy_process(void *i, dc_doc *d)
{
    return DC_KEEP;
}

static void test_abi_check(void **s)
{
    (void)s;
    dc_plugin p = {DC_PLUGIN_HEADER(0), .name = "x", .create = dummy_create,
                   .process = dummy_process};
    dc_plugin out;
    char err[512];
    assert_int_equal(dc_plugin_check(&p, "x.so", &out, err, sizeof err), 0);
    p.abi_major = DC_ABI_MAJOR + 1;
    assert_int_equal(dc_plugin_check(&p, "x.so", &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "x.so: plugin ABI version mismatch"));
    p.abi_major = DC_ABI_MAJOR;
    p.abi_minor = DC_ABI_MINOR + 1;
    assert_int_equal(dc_plugin_check(&p, "x.so", &out, err, sizeof err), -1);
    /* an older, smaller descriptor reads its missing fields as NULL */
    p.abi_minor = DC_ABI_MINOR;
    p.struct_size = offsetof(dc_plugin, prepass);
    p.prepass = (int (*)(void *, const dc_doc *))dummy_process;
    assert_int_equal(dc_plugin_check(&p, "x.so", &out, err, sizeof err), 0);
    assert_null(out.prepass);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edits_replace_and_delete),
        cmocka_unit_test(test_edits_overlap_rejected),
        cmocka_unit_test(test_meta),
        cmocka_unit_test(test_options_defaults_and_values),
        cmocka_unit_test(test_options_errors),
        cmocka_unit_test(test_options_ranges),
        cmocka_unit_test(test_config_basic_and_semicolons),
        cmocka_unit_test(test_config_long_line_is_an_error),
        cmocka_unit_test(test_config_include_and_override),
        cmocka_unit_test(test_abi_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
