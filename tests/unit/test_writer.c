/*
 * test_writer.c - JSON string escaping and the output writers: exact JSONL
 * records (meta types, skipped keys, line numbers), reject records, text and
 * textdir outputs (id sanitising), .gz / .zst outputs read back, and the
 * atomic protocol (no final file before commit, nothing left after abort).
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "core.h"
#include "io.h"
#include "testkit.h"

static char tmpdir[256];

static int setup(void **s)
{
    (void)s;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dc-test-writer.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *path_of(const char *name)
{
    static char p[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
    return p[k];
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    if (!f) fail_msg("cannot open %s", p);
    dc_buf b = {0};
    char tmp[4096];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) dc_buf_append(&b, tmp, k);
    fclose(f);
    return dc_buf_take(&b, n);
}

static void assert_file(const char *p, const char *want)
{
    size_t n;
    char *got = slurp(p, &n);
    if (n != strlen(want) || memcmp(got, want, n) != 0)
        fail_msg("%s:\n got: %s\nwant: %s", p, got, want);
    free(got);
}

static size_t dir_entries(const char *p)
{
    DIR *d = opendir(p);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) n++;
    closedir(d);
    return n;
}

static dc_doc *make_doc(const char *id, const char *text, uint64_t line)
{
    dc_meta *m = dc_meta_new();
    return dc_doc_new_owned(dc_xstrdup(id), dc_xstrdup("in/a.jsonl"), line, 0,
                            dc_xstrdup(text), strlen(text), m);
}

/* ---------------- escaping ---------------- */

static void check_escape(const char *in, size_t len, const char *want)
{
    dc_buf b = {0};
    dc_buf_puts(&b, "x"); /* appends, does not overwrite */
    dc_json_escape(&b, in, len);
    if (b.len != strlen(want) || memcmp(b.data, want, b.len) != 0)
        fail_msg("got %s want %s", b.data, want);
    dc_buf_free(&b);
}

static void test_escape(void **s)
{
    (void)s;
    check_escape("", 0, "x\"\"");
    check_escape("plain text, long enough for the word path", 41,
                 "x\"plain text, long enough for the word path\"");
    check_escape("q\"b\\s/", 6, "x\"q\\\"b\\\\s/\"");
    check_escape("\n\r\t\b\f\x01\x1f\x7f", 8, "x\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
    check_escape("a\0b", 3, "x\"a\\u0000b\"");
    check_escape("中文\xf0\x9f\x98\x80", 10, "x\"中文\xf0\x9f\x98\x80\"");
    /* invalid UTF-8: each bad byte is one U+FFFD */
    check_escape("a\xff" "b", 3, "x\"a\xef\xbf\xbd" "b\"");
    check_escape("\xc0\xaf", 2, "x\"\xef\xbf\xbd\xef\xbf\xbd\"");         /* overlong */
    check_escape("\xed\xa0\x80", 3, "x\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* surrogate */
    check_escape("\xf4\x90\x80\x80", 4,
                 "x\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* > U+10FFFF */
    check_escape("ab\xe4\xb8", 4, "x\"ab\xef\xbf\xbd\xef\xbf\xbd\"");      /* truncated */
    /* escapes inside and right after an 8-byte fast-path block */
    check_escape("abcdefgh\"ijklmnop\n", 18, "x\"abcdefgh\\\"ijklmnop\\n\"");
}

/* ---------------- JSONL ---------------- */

static void test_jsonl_record(void **s)
{
    (void)s;
    dc_doc *d = make_doc("x1", "正文\n\"q\"", 3);
    /* the record's own fields, with the bytes they were read as */
    dc_meta_put_input(d->meta, "id", DC_META_STR, "x1", 2, "\"id\" : \"x1\"", 11, 0);
    dc_meta_put_input(d->meta, "url", DC_META_STR, "http://a/\x01", 10,
                      "\"url\":\"http:\\/\\/a/\\u0001\"", 25, 0);
    dc_meta_put_input(d->meta, "text", DC_META_STR, "", 0, "\"text\":\"raw\"", 12, DC_META_F_TEXTSLOT);
    dc_meta_put_input(d->meta, "source", DC_META_STR, "crawler", 7, "\"source\":\"crawler\"", 18, 0);
    dc_meta_put_input(d->meta, "line", DC_META_JSON, "42", 2, "\"line\":42", 9, 0);
    dc_meta_put_input(d->meta, "big", DC_META_JSON, "123456789012345678901234567890", 30,
                      "\"big\":123456789012345678901234567890", 36, 0);
    dc_meta_put_input(d->meta, "o", DC_META_JSON, "{\"a\":[1]}", 9, NULL, 0, 0); /* jansson path */
    /* docclean's own: beside the input's fields, inside "docclean" when an
     * input field has the same name */
    dc_meta_put(d->meta, "url", DC_META_STR, "plugin", 6);
    dc_meta_put_int(d->meta, "invalid_bytes", 2);
    dc_meta_put_double(d->meta, "ratio", 0.25);
    dc_meta_put(d->meta, "source", DC_META_STR, "dup", 3); /* provenance names are docclean's */

    char err[256];
    dc_writer *w = dc_writer_open(path_of("out.jsonl"), DC_OUT_JSONL, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(dc_writer_put_doc(w, d), 0);
    d->source_line = 0; /* no "line" key for plain inputs */
    assert_int_equal(dc_writer_put_doc(w, d), 0);

    /* atomic: only the temporary exists before commit */
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s/.out.jsonl.tmp.%ld", tmpdir, (long)getpid());
    assert_false(exists(path_of("out.jsonl")));
    assert_true(exists(tmp));
    assert_null(dc_writer_error(w));
    const char *rec =
        "{\"id\":\"x1\",\"text\":\"正文\\n\\\"q\\\"\",\"url\":\"http:\\/\\/a/\\u0001\","
        "\"source\":\"crawler\",\"line\":42,\"big\":123456789012345678901234567890,"
        "\"o\":{\"a\":[1]},\"invalid_bytes\":2,\"ratio\":0.25,"
        "\"docclean\":{\"source\":\"in/a.jsonl\"%s,\"url\":\"plugin\"}}\n";
    char want[2048];
    int k = snprintf(want, sizeof want, rec, ",\"line\":3");
    snprintf(want + k, sizeof want - (size_t)k, rec, "");
    assert_int_equal(dc_writer_bytes(w), strlen(want));
    assert_int_equal(dc_writer_commit(w, err, sizeof err), 0);
    assert_false(exists(tmp));
    assert_file(path_of("out.jsonl"), want);
    dc_doc_free(d);
}

/* An id that is not a string or integer is copied as it is; the id docclean
 * used goes into its own object, whose name dodges an input "docclean". */
static void test_jsonl_odd_id(void **s)
{
    (void)s;
    dc_doc *d = make_doc("in/a.jsonl:3", "t", 3);
    dc_meta_put_input(d->meta, "id", DC_META_JSON, "{\"k\":1}", 7, "\"id\":{\"k\": 1}", 13, 0);
    dc_meta_put_input(d->meta, "docclean", DC_META_JSON, "1", 1, "\"docclean\":1", 12, 0);
    dc_buf b = {0};
    dc_format_jsonl_doc(d, &b);
    const char *want = "{\"id\":{\"k\": 1},\"text\":\"t\",\"docclean\":1,\"docclean_\":{\"source\":"
                       "\"in/a.jsonl\",\"line\":3,\"id\":\"in/a.jsonl:3\"}}\n";
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    dc_buf_free(&b);
    dc_doc_free(d);
}

static void test_reject_record(void **s)
{
    (void)s;
    dc_doc *d = make_doc("r1", "edited", 7);
    dc_meta_put(d->meta, "encoding", DC_META_STR, "gb18030", 7);
    dc_meta_put(d->meta, "reason", DC_META_STR, "dup", 3);
    dc_meta_put_input(d->meta, "reason", DC_META_STR, "mine", 4, "\"reason\":\"mine\"", 15, 0);
    dc_meta_put_input(d->meta, "text", DC_META_STR, "", 0, "\"text\":\"raw\"", 12, DC_META_F_TEXTSLOT);
    dc_meta_put_input(d->meta, "n", DC_META_JSON, "5", 1, "\"n\":5", 5, 0);
    char err[256];
    dc_writer *w = dc_writer_open(path_of("rej.jsonl"), DC_OUT_JSONL, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(dc_writer_put_reject(w, d, "dedup", "near \"duplicate\"", "原文", 6), 0);
    assert_int_equal(dc_writer_commit(w, err, sizeof err), 0);
    assert_file(path_of("rej.jsonl"),
                "{\"id\":\"r1\",\"source\":\"in/a.jsonl\",\"line\":7,\"stage\":\"dedup\","
                "\"reason\":\"near \\\"duplicate\\\"\",\"text\":\"原文\",\"encoding\":\"gb18030\","
                "\"fields\":{\"reason\":\"mine\",\"n\":5}}\n");
    dc_doc_free(d);
}

static void test_abort_leaves_nothing(void **s)
{
    (void)s;
    char err[256];
    mkdir(path_of("ab"), 0777);
    dc_writer *w = dc_writer_open(path_of("ab/out.jsonl.gz"), DC_OUT_JSONL, err, sizeof err);
    assert_non_null(w);
    dc_doc *d = make_doc("a", "text", 0);
    assert_int_equal(dc_writer_put_doc(w, d), 0);
    assert_int_equal(dir_entries(path_of("ab")), 1); /* the temporary */
    dc_writer_abort(w);
    assert_int_equal(dir_entries(path_of("ab")), 0);

    w = dc_writer_open(path_of("ab/tree"), DC_OUT_TEXTDIR, err, sizeof err);
    assert_non_null(w);
    assert_int_equal(dc_writer_put_doc(w, d), 0);
    dc_writer_abort(w);
    assert_int_equal(dir_entries(path_of("ab")), 0);
    dc_doc_free(d);

    /* a directory that does not exist: open fails with a message */
    assert_null(dc_writer_open(path_of("nodir/out.jsonl"), DC_OUT_JSONL, err, sizeof err));
    assert_non_null(strstr(err, "No such file or directory"));
}

static void test_stdout(void **s)
{
    (void)s;
    fflush(stdout);
    int saved = dup(1), fd = open(path_of("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    close(fd);
    char err[256];
    dc_writer *w = dc_writer_open("-", DC_OUT_TEXT, err, sizeof err);
    dc_doc *d = make_doc("a", "到标准输出", 0);
    int rc = w ? dc_writer_put_doc(w, d) : -1;
    rc |= w ? dc_writer_commit(w, err, sizeof err) : -1;
    dup2(saved, 1);
    close(saved);
    assert_int_equal(rc, 0);
    assert_file(path_of("stdout.txt"), "到标准输出\n");
    dc_doc_free(d);
}

/* ---------------- text / textdir ---------------- */

static void test_text_output(void **s)
{
    (void)s;
    char err[256];
    dc_writer *w = dc_writer_open(path_of("out.txt"), DC_OUT_TEXT, err, sizeof err);
    assert_non_null(w);
    dc_doc *a = make_doc("a", "第一篇", 0), *b = make_doc("b", "second\n", 0);
    assert_int_equal(dc_writer_put_doc(w, a), 0);
    assert_int_equal(dc_writer_put_doc(w, b), 0);
    assert_int_equal(dc_writer_put_doc(w, a), 0);
    assert_int_equal(dc_writer_commit(w, err, sizeof err), 0);
    assert_file(path_of("out.txt"), "第一篇\n\nsecond\n\n第一篇\n");
    dc_doc_free(a);
    dc_doc_free(b);
}

static void test_textdir_output(void **s)
{
    (void)s;
    /* the mapping documented in writer.c and the README */
    static const char *ids[] = {"x/y.txt", "../../evil", "/abs//p", "./dup", "dup", "",
                                "ctl\nid", "a", "a.txt/b", "50%\xff", ".hidden"};
    static const char *files[] = {"x/y.txt", "%2E./%2E./evil.txt", "abs/p.txt", "dup.txt",
                                  "dup~2.txt", "%empty.txt", "ctl%0Aid.txt", "a.txt",
                                  "a.tx%74/b.txt", "50%25%FF.txt", "%2Ehidden.txt"};
    char err[256];
    for (int round = 0; round < 2; round++) { /* 2nd round: the directory exists */
        dc_writer *w = dc_writer_open(path_of("td/"), DC_OUT_TEXTDIR, err, sizeof err);
        assert_non_null(w);
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            char text[32];
            snprintf(text, sizeof text, "doc %zu round %d", i, round);
            dc_doc *d = make_doc(ids[i], text, 0);
            assert_int_equal(dc_writer_put_doc(w, d), 0);
            dc_doc_free(d);
        }
        assert_false(exists(path_of("td/abs/p.txt")) && round == 0);
        assert_int_equal(dc_writer_commit(w, err, sizeof err), 0);
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            char name[128], text[32];
            snprintf(name, sizeof name, "td/%s", files[i]);
            snprintf(text, sizeof text, "doc %zu round %d", i, round);
            assert_file(path_of(name), text);
        }
    }
    assert_false(exists(path_of("evil.txt")));
    assert_int_equal(dir_entries(tmpdir) >= 1, 1);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s/.td.tmp.%ld", tmpdir, (long)getpid());
    assert_false(exists(tmp));
}

/* ---------------- compressed outputs ---------------- */

static void read_back(const char *name, dc_compress comp, const char *want)
{
    dc_input_file f = {.path = path_of(name), .rel = (char *)name, .format = DC_FMT_TEXT,
                       .compress = comp};
    char err[256];
    dc_reader *r = dc_reader_open(&f, NULL, err, sizeof err);
    assert_non_null(r);
    dc_raw_doc d;
    assert_int_equal(dc_reader_next(r, &d), 1);
    assert_null(d.reject_reason);
    assert_int_equal(d.len, strlen(want));
    assert_memory_equal(d.bytes, want, d.len);
    dc_raw_doc_free(&d);
    dc_reader_close(r);
}

static void test_compressed_outputs(void **s)
{
    (void)s;
    /* enough records to cross the 1 MB internal flush several times */
    dc_doc *d = make_doc("z", "压缩输出的文本，重复很多次。", 1);
    dc_buf want = {0};
    for (int i = 0; i < 60000; i++)
        dc_buf_puts(&want, "{\"id\":\"z\",\"text\":\"压缩输出的文本，重复很多次。\","
                           "\"docclean\":{\"source\":\"in/a.jsonl\",\"line\":1}}\n");
    static const char *names[] = {"big.jsonl.gz", "big.jsonl.zst"};
    static const dc_compress comps[] = {DC_COMP_GZIP, DC_COMP_ZSTD};
    for (int k = 0; k < 2; k++) {
        char err[256];
        dc_writer *w = dc_writer_open(path_of(names[k]), DC_OUT_JSONL, err, sizeof err);
        assert_non_null(w);
        for (int i = 0; i < 60000; i++) assert_int_equal(dc_writer_put_doc(w, d), 0);
        assert_int_equal(dc_writer_bytes(w), want.len);
        assert_int_equal(dc_writer_commit(w, err, sizeof err), 0);
        struct stat st;
        assert_int_equal(stat(path_of(names[k]), &st), 0);
        assert_true((size_t)st.st_size < want.len / 10);
        read_back(names[k], comps[k], want.data);
    }
    dc_buf_free(&want);
    dc_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_jsonl_record),
        cmocka_unit_test(test_jsonl_odd_id),
        cmocka_unit_test(test_reject_record),
        cmocka_unit_test(test_abort_leaves_nothing),
        cmocka_unit_test(test_text_output),
        cmocka_unit_test(test_stdout),
        cmocka_unit_test(test_textdir_output),
        cmocka_unit_test(test_compressed_outputs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
