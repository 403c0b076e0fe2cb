/*
 * test_reader.c - input discovery (sorted recursive walk, formats,
 * compression by extension, errors, symlink loops) and the readers (plain
 * text, JSONL with broken / blank / CRLF / unterminated lines, meta typing,
 * gzip and zstd inputs, truncated streams, very long lines).
 *
 * Fixture files are written into a fresh temporary directory by each test;
 * compressed ones are made with the zlib / zstd APIs.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "buf.h"
#include "io.h"

static char tmpdir[256];

static int setup(void **s)
{
    (void)s;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/dc-test-reader.XXXXXX");
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
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *name, const void *data, size_t n)
{
    char *p = path_of(name);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
    assert_int_equal(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void write_gzip(const char *name, const void *data, size_t n)
{
    gzFile g = gzopen(path_of(name), "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
    gzclose(g);
}

static void write_zstd(const char *name, const void *data, size_t n)
{
    size_t cap = ZSTD_compressBound(n);
    char *c = malloc(cap);
    size_t k = ZSTD_compress(c, cap, data, n, 3);
    assert_false(ZSTD_isError(k));
    write_file(name, c, k);
    free(c);
}

/* Cut a file to `keep` bytes. */
static void truncate_file(const char *name, double keep)
{
    struct stat st;
    assert_int_equal(stat(path_of(name), &st), 0);
    assert_int_equal(truncate(path_of(name), (off_t)((double)st.st_size * keep)), 0);
}

/* One file through a reader, every document in an array. */
typedef struct docs {
    dc_raw_doc v[512];
    size_t n;
} docs;

static docs *read_all(const char *name, dc_format fmt, dc_compress comp, const char *field)
{
    dc_input_file f = {.path = path_of(name), .rel = (char *)name, .format = fmt,
                       .compress = comp};
    dc_input_opts o = {.text_field = field};
    char err[256];
    dc_reader *r = dc_reader_open(&f, &o, err, sizeof err);
    assert_non_null(r);
    docs *d = calloc(1, sizeof *d);
    while (d->n < 512 && dc_reader_next(r, &d->v[d->n]) == 1) d->n++;
    dc_raw_doc extra;
    assert_int_equal(dc_reader_next(r, &extra), 0); /* stays at the end */
    dc_reader_close(r);
    return d;
}

static void docs_free(docs *d)
{
    for (size_t i = 0; i < d->n; i++) dc_raw_doc_free(&d->v[i]);
    free(d);
}

static void assert_doc(const dc_raw_doc *d, const char *id, uint64_t line, const char *text,
                       const char *reason_prefix)
{
    assert_string_equal(d->id, id);
    assert_int_equal(d->line, line);
    assert_int_equal(d->len, strlen(text));
    assert_memory_equal(d->bytes, text, d->len);
    assert_int_equal(d->bytes[d->len], '\0');
    assert_non_null(d->meta);
    if (reason_prefix) {
        assert_non_null(d->reject_reason);
        if (strncmp(d->reject_reason, reason_prefix, strlen(reason_prefix)) != 0)
            fail_msg("reason \"%s\" does not start with \"%s\"", d->reject_reason, reason_prefix);
    } else if (d->reject_reason) {
        fail_msg("unexpected reject: %s", d->reject_reason);
    }
}

static void assert_meta(const dc_raw_doc *d, size_t i, const char *key, dc_meta_type type,
                        const char *val)
{
    assert_true(i < d->meta->n);
    assert_string_equal(d->meta->v[i].key, key);
    assert_int_equal(d->meta->v[i].type, type);
    assert_string_equal(d->meta->v[i].val, val);
}

/* ---------------- plain text ---------------- */

static void test_plain_text(void **s)
{
    (void)s;
    write_file("p/a.txt", "你好\n世界", strlen("你好\n世界"));
    docs *d = read_all("p/a.txt", DC_FMT_TEXT, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 1);
    assert_doc(&d->v[0], "p/a.txt", 0, "你好\n世界", NULL);
    assert_string_equal(d->v[0].source, path_of("p/a.txt"));
    assert_int_equal(d->v[0].is_utf8_json, 0);
    assert_int_equal(d->v[0].meta->n, 0);
    docs_free(d);
}

static void test_plain_empty(void **s)
{
    (void)s;
    write_file("empty.txt", "", 0);
    docs *d = read_all("empty.txt", DC_FMT_TEXT, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 1);
    assert_doc(&d->v[0], "empty.txt", 0, "", NULL);
    docs_free(d);
}

static void test_open_failure(void **s)
{
    (void)s;
    dc_input_file f = {.path = path_of("missing.txt"), .rel = "missing.txt",
                       .format = DC_FMT_TEXT, .compress = DC_COMP_NONE};
    char err[256] = "";
    assert_null(dc_reader_open(&f, NULL, err, sizeof err));
    assert_non_null(strstr(err, "cannot open"));
    assert_non_null(strstr(err, "No such file"));
}

static void test_stdin(void **s)
{
    (void)s;
    const char *in = "{\"text\":\"标准输入\"}\n";
    write_file("stdin.jsonl", in, strlen(in));
    int saved = dup(0), fd = open(path_of("stdin.jsonl"), O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 0);
    close(fd);
    dc_input_file f = {.path = "-", .rel = "-", .format = DC_FMT_JSONL, .compress = DC_COMP_NONE};
    char err[256];
    dc_reader *r = dc_reader_open(&f, NULL, err, sizeof err);
    assert_non_null(r);
    dc_raw_doc d;
    assert_int_equal(dc_reader_next(r, &d), 1);
    assert_doc(&d, "-:1", 1, "标准输入", NULL);
    assert_string_equal(d.source, "-");
    dc_raw_doc_free(&d);
    assert_int_equal(dc_reader_next(r, &d), 0);
    dc_reader_close(r);
    dup2(saved, 0);
    close(saved);
}

/* ---------------- JSONL ---------------- */

static void test_jsonl_mixed(void **s)
{
    (void)s;
    const char *in =
        "{\"id\":\"x1\",\"text\":\"第一\",\"url\":\"http://a/\",\"n\":5,\"o\":{\"a\":[1,2.5]},"
        "\"b\":true,\"z\":null,\"f\":0.1,\"big\":-12345678901234}\n"
        "{\"text\": \"oops\n"
        "{\"title\":\"no text\"}\n"
        "\n"
        "   \r\n"
        "{\"text\":\"crlf\\u0000nul\"}\r\n"
        "{\"text\":5}\n"
        "[1,2]\n"
        "{\"text\":\"last\",\"id\":7}";
    write_file("m.jsonl", in, strlen(in));
    docs *d = read_all("m.jsonl", DC_FMT_JSONL, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 7);

    assert_doc(&d->v[0], "x1", 1, "第一", NULL);
    assert_int_equal(d->v[0].is_utf8_json, 1);
    assert_int_equal(d->v[0].meta->n, 9); /* every field, id and text included */
    assert_meta(&d->v[0], 0, "id", DC_META_STR, "x1");
    assert_meta(&d->v[0], 1, "text", DC_META_STR, ""); /* the text's slot */
    assert_int_equal(d->v[0].meta->v[1].flags, DC_META_F_INPUT | DC_META_F_TEXTSLOT);
    assert_meta(&d->v[0], 2, "url", DC_META_STR, "http://a/");
    assert_string_equal(d->v[0].meta->v[2].raw, "\"url\":\"http://a/\"");
    assert_meta(&d->v[0], 3, "n", DC_META_JSON, "5");
    assert_meta(&d->v[0], 4, "o", DC_META_JSON, "{\"a\":[1,2.5]}");
    assert_meta(&d->v[0], 5, "b", DC_META_JSON, "true");
    assert_meta(&d->v[0], 6, "z", DC_META_JSON, "null");
    assert_meta(&d->v[0], 7, "f", DC_META_JSON, "0.1");
    assert_meta(&d->v[0], 8, "big", DC_META_JSON, "-12345678901234");

    assert_doc(&d->v[1], "m.jsonl:2", 2, "{\"text\": \"oops", "invalid JSON at line 2: ");
    assert_int_equal(d->v[1].meta->n, 0);
    assert_doc(&d->v[2], "m.jsonl:3", 3, "{\"title\":\"no text\"}",
               "missing text field \"text\" at line 3");
    /* lines 4 and 5 are blank: skipped, but they still count */
    assert_int_equal(d->v[3].len, 8);
    assert_memory_equal(d->v[3].bytes, "crlf\0nul", 8);
    assert_string_equal(d->v[3].id, "m.jsonl:6");
    assert_null(d->v[3].reject_reason);
    assert_doc(&d->v[4], "m.jsonl:7", 7, "{\"text\":5}",
               "text field \"text\" is not a string at line 7");
    assert_doc(&d->v[5], "m.jsonl:8", 8, "[1,2]", "line 8 is not a JSON object");
    assert_doc(&d->v[6], "7", 9, "last", NULL); /* numeric id, no final newline */
    assert_int_equal(d->v[6].meta->n, 2);
    docs_free(d);
}

/* Fields are never lost: integers beyond int64, NUL in strings, ids of any
 * type, fields named like docclean's provenance. */
static void test_jsonl_fields_kept(void **s)
{
    (void)s;
    const char *in =
        "{\"id\":\"a\\u0000b\",\"text\":\"x\\u0000y\",\"n\":123456789012345678901234567890}\n"
        "{\"id\":{\"k\": [1.50]},\"text\":\"t\",\"source\":\"mine\",\"line\":-0}\n"
        "{\"id\":null,\"text\":\"t\"}\n"
        "{\"id\":false,\"text\":\"t\"}\n"
        "{\"id\":99999999999999999999,\"text\":\"t\"}\n"
        "{\"text\":\"t\",\"id\":\"a\",\"id\":\"b\"}\n";
    write_file("k.jsonl", in, strlen(in));
    docs *d = read_all("k.jsonl", DC_FMT_JSONL, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 6);
    assert_string_equal(d->v[0].id, "k.jsonl:1"); /* a C string cannot hold the NUL */
    assert_int_equal(d->v[0].len, 3);
    assert_memory_equal(d->v[0].bytes, "x\0y", 3);
    assert_int_equal(d->v[0].meta->v[0].len, 3);
    assert_memory_equal(d->v[0].meta->v[0].val, "a\0b", 3);
    assert_string_equal(d->v[0].meta->v[2].raw, "\"n\":123456789012345678901234567890");
    assert_string_equal(d->v[1].id, "k.jsonl:2");
    assert_string_equal(d->v[1].meta->v[0].raw, "\"id\":{\"k\": [1.50]}");
    assert_string_equal(d->v[1].meta->v[2].raw, "\"source\":\"mine\"");
    assert_string_equal(d->v[1].meta->v[3].raw, "\"line\":-0");
    assert_string_equal(d->v[2].id, "k.jsonl:3");
    assert_string_equal(d->v[3].id, "k.jsonl:4");
    assert_doc(&d->v[4], "99999999999999999999", 5, "t", NULL); /* digits as written */
    assert_doc(&d->v[5], "k.jsonl:6", 6, "{\"text\":\"t\",\"id\":\"a\",\"id\":\"b\"}",
               "duplicate key \"id\" at line 6");
    docs_free(d);
}

static void test_jsonl_tail(void **s)
{
    (void)s;
    const char *in = "[1,2]\n{\"text\":\"last\",\"id\":7}";
    write_file("t.jsonl", in, strlen(in));
    docs *d = read_all("t.jsonl", DC_FMT_JSONL, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 2);
    assert_doc(&d->v[0], "t.jsonl:1", 1, "[1,2]", "line 1 is not a JSON object");
    assert_doc(&d->v[1], "7", 2, "last", NULL); /* numeric id, no final newline */
    assert_int_equal(d->v[1].meta->n, 2);
    docs_free(d);
}

static void test_jsonl_text_field_and_bom(void **s)
{
    (void)s;
    const char *in = "\xef\xbb\xbf{\"content\":\"正文\",\"text\":\"other\"}\n";
    write_file("f.ndjson", in, strlen(in));
    docs *d = read_all("f.ndjson", DC_FMT_JSONL, DC_COMP_NONE, "content");
    assert_int_equal(d->n, 1);
    assert_doc(&d->v[0], "f.ndjson:1", 1, "正文", NULL);
    assert_meta(&d->v[0], 0, "content", DC_META_STR, "");
    assert_meta(&d->v[0], 1, "text", DC_META_STR, "other");
    docs_free(d);
}

static void test_jsonl_long_line(void **s)
{
    (void)s;
    size_t n = 3 * 1024 * 1024 + 7; /* longer than the 1 MB read chunk */
    char *line = malloc(n + 64);
    size_t k = (size_t)sprintf(line, "{\"text\":\"");
    memset(line + k, 'a', n);
    k += n;
    k += (size_t)sprintf(line + k, "\"}\n{\"text\":\"b\"}\n");
    write_file("long.jsonl", line, k);
    docs *d = read_all("long.jsonl", DC_FMT_JSONL, DC_COMP_NONE, NULL);
    assert_int_equal(d->n, 2);
    assert_int_equal(d->v[0].len, n);
    assert_int_equal(d->v[0].bytes[n - 1], 'a');
    assert_doc(&d->v[1], "long.jsonl:2", 2, "b", NULL);
    docs_free(d);
    free(line);
}

/* ---------------- fast path vs jansson ---------------- */

#ifndef FUZZ_ITERS
#define FUZZ_ITERS 30000
#endif

int dc_reader_parse_line_for_test(const char *text_field, const char *p, size_t n, int fast,
                                  dc_raw_doc *out);

/* A JSON value text as jansson reads it (integers beyond int64 as reals). */
static json_t *load_any(const char *p, size_t n)
{
    return json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, NULL);
}

/* When the fast scanner accepts a line, jansson must accept it too (but
 * for integers beyond int64, which the fast path copies and jansson
 * refuses) and yield the same document; each field's raw bytes must read
 * back to the value jansson saw.  Returns 1 if the fast path took it. */
static int same_as_jansson(const char *p, size_t n)
{
    dc_raw_doc f, j;
    memset(&f, 0, sizeof f);
    int rc = dc_reader_parse_line_for_test("text", p, n, 1, &f);
    dc_reader_parse_line_for_test("text", p, n, 0, &j);
    if (rc == 0 && f.reject_reason) { /* repeated keys: jansson would drop all but one */
        if (strncmp(f.reject_reason, "duplicate key", 13)) fail_msg("fast reject %s", f.reject_reason);
        json_t *whole = load_any(p, n);
        if (!whole) fail_msg("fast path accepted invalid JSON: %.*s", (int)n, p);
        json_decref(whole);
    } else if (rc == 0 && j.reject_reason) {
        json_t *whole = load_any(p, n);
        if (!strstr(j.reject_reason, "too big integer") || !whole)
            fail_msg("fast path accepted what jansson rejects (%s): %.*s", j.reject_reason,
                     (int)n, p);
        json_decref(whole);
    } else if (rc == 0) {
        /* ids are the digits as written: jansson reads -0 as 0 */
        int same_id = !strcmp(f.id, j.id) || (!strcmp(f.id, "-0") && !strcmp(j.id, "0"));
        if (!same_id || f.len != j.len || memcmp(f.bytes, j.bytes, f.len) ||
            f.meta->n != j.meta->n)
            fail_msg("fast path differs from jansson on: %.*s", (int)n, p);
        for (size_t i = 0; i < f.meta->n; i++) {
            const dc_meta_entry *a = &f.meta->v[i], *b = &j.meta->v[i];
            if (strcmp(a->key, b->key) || a->type != b->type || a->flags != b->flags ||
                !a->raw != !!(a->flags & DC_META_F_TEXTSLOT))
                fail_msg("meta %s: fast [%s] jansson [%s] on: %.*s", a->key, a->val, b->val,
                         (int)n, p);
            json_t *va = load_any(a->val, a->len), *vb = load_any(b->val, b->len);
            int same = a->type == DC_META_STR ? a->len == b->len && !memcmp(a->val, b->val, a->len)
                                              : va && vb && json_equal(va, vb);
            /* the raw member is the field exactly: it reads back to jansson's value */
            char *obj = malloc(a->raw_len + 3);
            obj[0] = '{';
            if (a->raw_len) memcpy(obj + 1, a->raw, a->raw_len);
            memcpy(obj + 1 + a->raw_len, "}", 2);
            json_t *ro = load_any(obj, a->raw_len + 2);
            json_t *rv = ro ? json_object_get(ro, a->key) : NULL;
            json_t *want = (a->flags & DC_META_F_TEXTSLOT) ? NULL : load_any(p, n);
            if (want && (!rv || !json_equal(rv, json_object_get(want, a->key)))) same = 0;
            json_decref(want), json_decref(ro), json_decref(va), json_decref(vb);
            free(obj);
            if (!same)
                fail_msg("meta %s: fast [%s] jansson [%s] on: %.*s", a->key, a->val, b->val,
                         (int)n, p);
        }
    }
    if (rc == 0) dc_raw_doc_free(&f);
    dc_raw_doc_free(&j);
    return rc == 0;
}

static const char *const json_seeds[] = {
    "{\"id\":\"a\",\"text\":\"中文 text\",\"url\":\"http://x/\",\"n\":12,\"r\":1.5e3}",
    "{\"text\":\"esc \\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u4e2d \\ud83d\\ude00 \\u0000\"}",
    "{ \"text\" : \"spaced\" , \"o\" : {\"a\":[1,2,{\"b\":null}],\"c\":true} }",
    "{\"id\":42,\"text\":\"\",\"k\\u00e9y\":\"v\",\"neg\":-7,\"z\":0,\"f\":false}",
    "{\"text\":\"x\",\"arr\":[],\"obj\":{},\"big\":123456789012345678,\"d\":-0.25}",
    "{\"id\":null,\"text\":\"t\",\"nested\":[\"s\",[-1,[2]]],\"e\":1E-2}",
};

static void test_fast_path_matches_jansson(void **s)
{
    (void)s;
    size_t took = 0, total = 0;
    for (size_t i = 0; i < sizeof json_seeds / sizeof *json_seeds; i++)
        took += (size_t)same_as_jansson(json_seeds[i], strlen(json_seeds[i]));
    assert_int_equal(took, 6); /* every seed is a fast-path record */

    /* Hand-picked lines the fast path must decline or get right. */
    static const char *const odd[] = {
        "{\"text\":\"a\",\"text\":\"b\"}", "{\"text\":\"\\ud800\"}", "{\"text\":\"\\udc00x\"}",
        "{\"te\\u0000xt\":\"a\",\"text\":\"b\"}", "{\"text\":\"a\",\"n\":-0}",
        "{\"text\":\"a\",\"n\":1234567890123456789012}", "{\"text\":\"a\",\"r\":1e999}",
        "{\"text\":\"a\",\"o\":{\"x\": 1}}", "{\"text\":\"a\",\"o\":[1.0]}",
        "{\"text\":\"a\",\"o\":[\"\\n\"]}", "{\"text\":\"a\"} x", "{\"text\":\"a\",}",
        "{\"text\":\"\x01\"}", "{\"text\":\"\xc0\xaf\"}", "{\"text\":\"\xed\xa0\x80\"}",
        "{\"text\":01}", "{\"text\":\"a\",\"n\":01}", "{\"text\":\"a\",\"n\":1.}",
        "{\"text\":\"a\",\"n\":.5}", "{\"text\":\"a\",\"l\":tru}", "[{\"text\":\"a\"}]",
        "{\"id\":1.5,\"text\":\"a\"}", "{\"id\":[1],\"text\":\"a\"}", "{\"text\":5}", "{}",
        "{\"text\":\"a\",\"id\":\"x\\u0000y\"}", "{\"text\":\"a\",\"u\":\"\\u12\"}",
        "{\"text\":\"a\",\"o\":{\"\\u0000\":1}}", "{\"text\":\"a\",\"o\":[\"\\udc00\"]}",
        "{\"text\":\"a\",\"o\":[1e999]}", "{\"text\":\"a\",\"o\":[123456789012345678901234]}",
        "{\"id\":true,\"text\":\"a\"}", "{\"id\":-0,\"text\":\"a\"}", "{\"text\":\"a\",\"o\":{\"a\":1,\"a\":2}}",
        "{\"text\":\"a\",\"o\" : [ 1 , { \"b\" : \"\\n\" } ] }",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) same_as_jansson(odd[i], strlen(odd[i]));

    /* Mutations of the seeds: random edits with JSON-significant bytes. */
    static const char alphabet[] = "\"\\{}[],:0123456789eE.-+ utfnlax\x80\xe4\xb8\xad\x01\t";
    uint32_t x = 2463534242u;
    char buf[512];
    for (int iter = 0; iter < FUZZ_ITERS; iter++) {
        const char *seed = json_seeds[iter % (sizeof json_seeds / sizeof *json_seeds)];
        size_t n = strlen(seed);
        memcpy(buf, seed, n);
        int edits = 1 + iter % 3;
        for (int e = 0; e < edits && n > 2 && n < sizeof buf - 2; e++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            size_t pos = x % n;
            char c = alphabet[(x >> 8) % (sizeof alphabet - 1)];
            switch ((x >> 20) % 3) {
            case 0: buf[pos] = c; break;                                   /* replace */
            case 1: memmove(buf + pos + 1, buf + pos, n - pos); buf[pos] = c; n++; break;
            default: memmove(buf + pos, buf + pos + 1, n - pos - 1); n--; break; /* delete */
            }
        }
        took += (size_t)same_as_jansson(buf, n);
        total++;
    }
    /* the mutations must exercise both paths */
    print_message("fast path took %zu of %zu lines\n", took, total);
    assert_true(took > 1000 && took < total);
}

/* ---------------- compression ---------------- */

static void test_gzip_and_zstd(void **s)
{
    (void)s;
    const char *jl = "{\"text\":\"一\"}\n{\"text\":\"二\"}\n";
    write_gzip("c.jsonl.gz", jl, strlen(jl));
    docs *d = read_all("c.jsonl.gz", DC_FMT_JSONL, DC_COMP_GZIP, NULL);
    assert_int_equal(d->n, 2);
    assert_doc(&d->v[0], "c.jsonl.gz:1", 1, "一", NULL);
    assert_doc(&d->v[1], "c.jsonl.gz:2", 2, "二", NULL);
    docs_free(d);

    write_zstd("c.txt.zst", "压缩文本", strlen("压缩文本"));
    d = read_all("c.txt.zst", DC_FMT_TEXT, DC_COMP_ZSTD, NULL);
    assert_int_equal(d->n, 1);
    assert_doc(&d->v[0], "c.txt.zst", 0, "压缩文本", NULL);
    docs_free(d);

    write_zstd("c.jsonl.zst", jl, strlen(jl));
    d = read_all("c.jsonl.zst", DC_FMT_JSONL, DC_COMP_ZSTD, NULL);
    assert_int_equal(d->n, 2);
    assert_doc(&d->v[1], "c.jsonl.zst:2", 2, "二", NULL);
    docs_free(d);
}

/* Pseudo-random lines, so the compressed stream is long enough to cut. */
static char *make_lines(size_t nlines, size_t *len)
{
    dc_buf b = {0};
    uint32_t x = 12345;
    for (size_t i = 0; i < nlines; i++) {
        dc_buf_printf(&b, "{\"text\":\"");
        for (int j = 0; j < 2000; j++) {
            x = x * 1103515245u + 12345u;
            dc_buf_putc(&b, (char)('a' + (x >> 16) % 26));
        }
        dc_buf_printf(&b, "\"}\n");
    }
    return dc_buf_take(&b, len);
}

static void check_truncated(const char *name, dc_compress comp, const char *orig,
                            const char *prefix)
{
    docs *d = read_all(name, DC_FMT_JSONL, comp, NULL);
    if (d->n < 2) fail_msg("%s: %zu documents: %s", name, d->n, d->n ? d->v[0].reject_reason : "");
    size_t off = 0;
    for (size_t i = 0; i + 1 < d->n; i++) { /* complete lines come through intact */
        assert_null(d->v[i].reject_reason);
        assert_int_equal(d->v[i].line, i + 1);
        assert_memory_equal(d->v[i].bytes, orig + off + 9, d->v[i].len);
        off += d->v[i].len + 12;
    }
    const dc_raw_doc *last = &d->v[d->n - 1];
    assert_doc(last, last->id, d->n, last->bytes, prefix);
    /* the partial line is a prefix of the original remainder */
    assert_memory_equal(last->bytes, orig + off, last->len);
    docs_free(d);
}

static void test_truncated_streams(void **s)
{
    (void)s;
    size_t n;
    char *lines = make_lines(200, &n); /* > one 128 KB zstd block */
    write_gzip("tr.jsonl.gz", lines, n);
    truncate_file("tr.jsonl.gz", 0.5);
    check_truncated("tr.jsonl.gz", DC_COMP_GZIP, lines, "truncated or corrupt gzip stream: ");

    write_zstd("tr.jsonl.zst", lines, n);
    truncate_file("tr.jsonl.zst", 0.5);
    check_truncated("tr.jsonl.zst", DC_COMP_ZSTD, lines, "truncated or corrupt zstd stream: ");

    /* plain text: one reject holding the partial content */
    write_gzip("tr.txt.gz", lines, n);
    truncate_file("tr.txt.gz", 0.5);
    docs *d = read_all("tr.txt.gz", DC_FMT_TEXT, DC_COMP_GZIP, NULL);
    assert_int_equal(d->n, 1);
    assert_true(d->v[0].len > 0 && d->v[0].len < n);
    assert_memory_equal(d->v[0].bytes, lines, d->v[0].len);
    assert_doc(&d->v[0], "tr.txt.gz", 0, d->v[0].bytes, "truncated or corrupt gzip stream: ");
    docs_free(d);

    /* corrupt (not truncated) zstd data */
    write_file("bad.txt.zst", "\x28\xb5\x2f\xfd garbage garbage", 20);
    d = read_all("bad.txt.zst", DC_FMT_TEXT, DC_COMP_ZSTD, NULL);
    assert_int_equal(d->n, 1);
    assert_non_null(d->v[0].reject_reason);
    assert_non_null(strstr(d->v[0].reject_reason, "zstd"));
    docs_free(d);
    free(lines);
}

/* ---------------- discovery ---------------- */

static void test_collect(void **s)
{
    (void)s;
    write_file("tree/b.txt", "b", 1);
    write_file("tree/a/z.jsonl", "{}", 2);
    write_file("tree/a/b.txt.gz", "x", 1);
    write_file("tree/A.TXT", "A", 1);
    write_file("tree/c.ndjson.zst", "c", 1);
    write_file("tree/d.json", "c", 1);
    write_file("tree/a/sub/deep.md", "d", 1);
    char link[512], target[512];
    snprintf(link, sizeof link, "%s", path_of("tree/a/loop"));
    assert_int_equal(symlink("..", link), 0); /* tree/a/loop -> tree: a loop */
    snprintf(link, sizeof link, "%s", path_of("tree/dangling"));
    assert_int_equal(symlink("nowhere", link), 0);
    snprintf(target, sizeof target, "%s", path_of("tree/b.txt"));

    char treearg[600];
    snprintf(treearg, sizeof treearg, "%s/", path_of("tree"));
    char *argv[4];
    argv[0] = strdup(treearg);
    argv[1] = strdup(target);
    argv[2] = strdup(path_of("nope"));
    argv[3] = "-";
    dc_input_list l = {0};
    dc_input_errors e = {0};
    dc_input_opts o = {0};
    dc_inputs_collect(argv, 4, &o, &l, &e);

    static const char *rel[] = {"A.TXT", "a/b.txt.gz", "a/sub/deep.md", "a/z.jsonl",
                                "b.txt", "c.ndjson.zst", "d.json", "b.txt", "-"};
    static const dc_format fmt[] = {DC_FMT_TEXT, DC_FMT_TEXT, DC_FMT_TEXT, DC_FMT_JSONL,
                                    DC_FMT_TEXT, DC_FMT_JSONL, DC_FMT_JSONL, DC_FMT_TEXT,
                                    DC_FMT_TEXT};
    static const dc_compress comp[] = {DC_COMP_NONE, DC_COMP_GZIP, DC_COMP_NONE, DC_COMP_NONE,
                                       DC_COMP_NONE, DC_COMP_ZSTD, DC_COMP_NONE, DC_COMP_NONE,
                                       DC_COMP_NONE};
    assert_int_equal(l.n, 9);
    for (size_t i = 0; i < l.n; i++) {
        assert_string_equal(l.v[i].rel, rel[i]);
        assert_int_equal(l.v[i].format, fmt[i]);
        assert_int_equal(l.v[i].compress, comp[i]);
    }
    assert_string_equal(l.v[1].path, path_of("tree/a/b.txt.gz"));
    assert_int_equal(l.v[4].size, 1);
    assert_string_equal(l.v[8].path, "-");

    assert_int_equal(e.n, 2);
    assert_string_equal(e.v[0].path, path_of("tree/dangling"));
    assert_string_equal(e.v[0].reason, "dangling symbolic link");
    assert_string_equal(e.v[1].path, path_of("nope"));
    assert_string_equal(e.v[1].reason, "No such file or directory");
    dc_input_list_free(&l);
    dc_input_errors_free(&e);

    /* options override the extension */
    o.format = DC_FMT_JSONL;
    o.compress = DC_COMP_GZIP;
    dc_inputs_collect(argv + 1, 1, &o, &l, &e);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].format, DC_FMT_JSONL);
    assert_int_equal(l.v[0].compress, DC_COMP_GZIP);
    dc_input_list_free(&l);
    dc_input_errors_free(&e);

    /* an unreadable directory is an input error (root reads everything) */
    if (geteuid() != 0) {
        write_file("locked/x.txt", "x", 1);
        chmod(path_of("locked"), 0);
        char *one[] = {strdup(path_of("locked"))};
        dc_inputs_collect(one, 1, &o, &l, &e);
        assert_int_equal(l.n, 0);
        assert_int_equal(e.n, 1);
        assert_string_equal(e.v[0].reason, "Permission denied");
        chmod(path_of("locked"), 0755);
        free(one[0]);
        dc_input_list_free(&l);
        dc_input_errors_free(&e);
    }
    free(argv[0]);
    free(argv[1]);
    free(argv[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text),
        cmocka_unit_test(test_plain_empty),
        cmocka_unit_test(test_open_failure),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_jsonl_mixed),
        cmocka_unit_test(test_jsonl_fields_kept),
        cmocka_unit_test(test_jsonl_tail),
        cmocka_unit_test(test_jsonl_text_field_and_bom),
        cmocka_unit_test(test_jsonl_long_line),
        cmocka_unit_test(test_fast_path_matches_jansson),
        cmocka_unit_test(test_gzip_and_zstd),
        cmocka_unit_test(test_truncated_streams),
        cmocka_unit_test(test_collect),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
