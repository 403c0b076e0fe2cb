/*
 * test_runstats.c - the core's measurement of edits for the run report:
 * which edits count as removed lines (whole-line deletions, not joins),
 * characters as code points, set_text as its changed span, and how reject
 * reasons are grouped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"
#include "loader.h"
#include "runstats.h"
#include "testkit.h"

typedef struct fixture {
    dc_stage stage;
    dc_stage *stages[1];
    dc_pipeline p;
    dc_runstats *rs;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->stage.name = "s";
    f->stages[0] = &f->stage;
    f->p.stages = f->stages;
    f->p.n = 1;
    f->rs = dc_runstats_new(&f->p);
}

/* Apply one edit batch built by `build` to `text`, account the document and
 * return the stage's numbers. */
static dc_stage_edits edit_once(const char *text, void (*build)(const dc_host *, dc_edits *, const char *))
{
    fixture f;
    fixture_init(&f);
    const dc_host *h = dc_host_get();
    dc_doc *d = dc_doc_new("d", text, strlen(text));
    dc_doclog_stage(d, &f.stage);
    dc_edits *e = h->edits_begin(d);
    build(h, e, d->text);
    assert_int_equal(h->edits_commit(e, NULL), 0);
    dc_runstats_doc(f.rs, d, NULL, NULL);
    dc_stage_edits r = *dc_runstats_stage(f.rs, 0);
    dc_doc_free(d);
    dc_runstats_free(f.rs);
    return r;
}

static void del_middle_and_last(const dc_host *h, dc_edits *e, const char *t)
{
    h->edits_delete_line(e, (size_t)(strstr(t, "two") - t), "r");
    h->edits_delete_line(e, (size_t)(strstr(t, "four") - t), "r");
}

static void join_lines(const dc_host *h, dc_edits *e, const char *t)
{
    h->edits_replace(e, (size_t)(strchr(t, '\n') - t), 1, NULL, 0, "join");
}

static void cut_mid_line(const dc_host *h, dc_edits *e, const char *t)
{
    /* from the middle of line one to the end of line three: lines two and
     * three go whole, line one loses its tail */
    const char *a = strstr(t, "ne\n"), *b = strstr(t, "four");
    h->edits_replace(e, (size_t)(a - t), (size_t)(b - a), NULL, 0, "cut");
}

static void replace_han(const dc_host *h, dc_edits *e, const char *t)
{
    h->edits_replace(e, (size_t)(strstr(t, "錯誤") - t), strlen("錯誤"), "错", strlen("错"), "fix");
}

static void test_lines_and_chars(void **s)
{
    (void)s;
    dc_stage_edits r = edit_once("one\ntwo\nthree\nfour", del_middle_and_last);
    assert_int_equal(r.lines_removed, 2); /* "two\n" and the last line without its newline */
    assert_int_equal(r.chars_removed, 8);
    assert_int_equal(r.docs_changed, 1);
    assert_int_equal(r.edits, 2);
    r = edit_once("one\ntwo\nthree\nfour", join_lines);
    assert_int_equal(r.lines_removed, 0); /* a join removes no line */
    assert_int_equal(r.chars_removed, 1);
    r = edit_once("one\ntwo\nthree\nfour", cut_mid_line);
    assert_int_equal(r.lines_removed, 2);
    r = edit_once("有錯誤的字", replace_han);
    assert_int_equal(r.chars_removed, 2); /* code points, not bytes */
    assert_int_equal(r.chars_added, 1);
    assert_int_equal(r.lines_removed, 0);
}

static void test_set_text_is_its_changed_span(void **s)
{
    (void)s;
    fixture f;
    fixture_init(&f);
    const dc_host *h = dc_host_get();
    const char *in = "甲乙丙\n中间一行\n丁戊";
    dc_doc *d = dc_doc_new("d", in, strlen(in));
    dc_doclog_stage(d, &f.stage);
    h->set_text(d, "甲乙丙\n丁戊", strlen("甲乙丙\n丁戊"));
    dc_runstats_doc(f.rs, d, NULL, NULL);
    const dc_stage_edits *r = dc_runstats_stage(f.rs, 0);
    assert_int_equal(r->chars_removed, 5); /* "中间一行\n" */
    assert_int_equal(r->chars_added, 0);
    assert_int_equal(r->lines_removed, 1);
    json_t *root = json_pack("{s:[{}]}", "stages");
    dc_runstats_to_json(f.rs, root);
    json_t *rule = json_object_get(json_object_get(root, "rules"), "s: (whole text)");
    assert_non_null(rule);
    json_t *ex = json_array_get(json_object_get(rule, "examples"), 0);
    assert_string_equal(json_string_value(json_object_get(ex, "removed")), "中间一行\n");
    json_decref(root);
    dc_doc_free(d);
    dc_runstats_free(f.rs);
}

static void test_reject_reasons_grouped(void **s)
{
    (void)s;
    fixture f;
    fixture_init(&f);
    const char *ids[] = {"a", "exa", "doc-17"};
    for (int i = 0; i < 3; i++) {
        dc_doc *d = dc_doc_new(ids[i], "文字", strlen("文字"));
        dc_meta_put(d->meta, "dup_of", DC_META_STR, "ex", 2);
        char reason[128];
        snprintf(reason, sizeof reason, "s: near duplicate of ex (similarity 0.%d)", 81 + i);
        dc_runstats_doc(f.rs, d, "s", reason);
        dc_doc_free(d);
    }
    dc_doc *d = dc_doc_new("t", "x", 1);
    dc_runstats_doc(f.rs, d, "s", "s: too short: 1 < 50");
    dc_doc_free(d);
    json_t *root = json_pack("{s:[{}]}", "stages");
    dc_runstats_to_json(f.rs, root);
    json_t *rej = json_object_get(root, "rejects");
    assert_int_equal(json_object_size(rej), 2);
    json_t *near = json_object_get(rej, "s: near duplicate of \xe2\x80\xa6");
    assert_non_null(near);
    assert_int_equal(json_integer_value(json_object_get(near, "docs")), 3);
    assert_int_equal(json_array_size(json_object_get(near, "examples")), 3);
    assert_non_null(json_object_get(rej, "s: too short: # < #"));
    json_t *cl = json_object_get(root, "histograms");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(cl, "cluster_sizes"), 2)), 1); /* one cluster of 4 */
    json_decref(root);
    dc_runstats_free(f.rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_chars),
        cmocka_unit_test(test_set_text_is_its_changed_span),
        cmocka_unit_test(test_reject_reasons_grouped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
