/*
 * test_fingerprint.c - what the reader says it read (dc_reader_fingerprint,
 * the --state ledger's record of a file): the hash is of the bytes read,
 * for plain, gzip and zstd files, also when the document layer stopped
 * early (a corrupt stream's tail); a file appended to during reading is
 * reported as changed; a grown JSONL file is continued at resume_offset
 * only when its first bytes are the ones recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "io.h"

static char dir[256];

static int setup(void **s)
{
    (void)s;
    snprintf(dir, sizeof dir, "/tmp/dc-test-fp.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static char *put(const char *name, const void *data, size_t n)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    return path;
}

static void hex(const void *data, size_t n, char out[33])
{
    XXH128_hash_t h = XXH3_128bits(data, n);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
}

static dc_input_file input(const char *path, dc_format fmt, dc_compress comp)
{
    dc_input_file f;
    memset(&f, 0, sizeof f);
    f.path = (char *)path;
    f.rel = (char *)"x";
    f.format = fmt;
    f.compress = comp;
    return f;
}

static const dc_input_opts track = {.fingerprint = 1};

/* Read every document, then the fingerprint; returns the documents read. */
static int read_all(dc_input_file *f, dc_read_fingerprint *fp, const char *append_after_first)
{
    char err[256];
    dc_reader *r = dc_reader_open(f, &track, err, sizeof err);
    assert_non_null(r);
    dc_raw_doc d;
    int n = 0;
    while (dc_reader_next(r, &d) == 1) {
        if (n++ == 0 && append_after_first) {
            FILE *a = fopen(f->path, "ab");
            fputs(append_after_first, a);
            fclose(a);
        }
        dc_raw_doc_free(&d);
    }
    int rc = dc_reader_fingerprint(r, fp);
    dc_reader_close(r);
    assert_int_equal(rc, 0);
    return n;
}

static void test_plain_and_jsonl(void **s)
{
    (void)s;
    const char text[] = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n";
    dc_input_file f = input(put("a.jsonl", text, sizeof text - 1), DC_FMT_JSONL, DC_COMP_NONE);
    dc_read_fingerprint fp;
    assert_int_equal(read_all(&f, &fp, NULL), 2);
    char want[33];
    hex(text, sizeof text - 1, want);
    assert_string_equal(fp.hash, want);
    assert_int_equal(fp.size, sizeof text - 1);
    assert_int_equal(fp.lines, 2);
    assert_true(fp.complete && !fp.changed && fp.resumable);
    /* no newline at the end: cannot be continued at an offset */
    f = input(put("b.jsonl", text, sizeof text - 2), DC_FMT_JSONL, DC_COMP_NONE);
    read_all(&f, &fp, NULL);
    assert_false(fp.resumable);
}

static void test_gzip_and_corrupt_zstd(void **s)
{
    (void)s;
    char path[512];
    snprintf(path, sizeof path, "%s/c.txt.gz", dir);
    gzFile g = gzopen(path, "wb");
    gzputs(g, "gzip text\n");
    gzclose(g);
    FILE *fh = fopen(path, "rb");
    char raw[4096];
    size_t n = fread(raw, 1, sizeof raw, fh);
    fclose(fh);
    dc_input_file f = input(path, DC_FMT_TEXT, DC_COMP_GZIP);
    dc_read_fingerprint fp;
    read_all(&f, &fp, NULL);
    char want[33];
    hex(raw, n, want);
    assert_string_equal(fp.hash, want);
    assert_int_equal(fp.size, n);
    /* a zstd frame followed by garbage: the document layer stops at the
     * error, the hash still covers the whole file */
    char z[256];
    size_t zn = ZSTD_compress(z, sizeof z, "{\"text\":\"z\"}\n", 13, 1);
    memcpy(z + zn, "GARBAGE-GARBAGE", 15);
    f = input(put("d.jsonl.zst", z, zn + 15), DC_FMT_JSONL, DC_COMP_ZSTD);
    read_all(&f, &fp, NULL);
    hex(z, zn + 15, want);
    assert_string_equal(fp.hash, want);
    assert_true(fp.complete && !fp.changed);
}

static void test_append_while_reading(void **s)
{
    (void)s;
    /* bigger than one read chunk, so the append lands before the end */
    size_t n = 3u << 20;
    char *big = malloc(n);
    for (size_t i = 0; i < n; i += 16) memcpy(big + i, "{\"text\":\"abc\"}\n\n", 16);
    dc_input_file f = input(put("e.jsonl", big, n), DC_FMT_JSONL, DC_COMP_NONE);
    dc_read_fingerprint fp;
    read_all(&f, &fp, "{\"text\":\"late\"}\n");
    assert_true(fp.changed);
    free(big);
}

static void test_resume(void **s)
{
    (void)s;
    const char v1[] = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n";
    const char v2[] = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n";
    dc_input_file f = input(put("f.jsonl", v2, sizeof v2 - 1), DC_FMT_JSONL, DC_COMP_NONE);
    f.resume_offset = sizeof v1 - 1;
    f.resume_line = 2;
    hex(v1, sizeof v1 - 1, f.resume_hash);
    char err[256];
    dc_reader *r = dc_reader_open(&f, &track, err, sizeof err);
    dc_raw_doc d;
    assert_int_equal(dc_reader_next(r, &d), 1);
    assert_string_equal(d.id, "x:3");
    assert_string_equal(d.bytes, "c");
    dc_raw_doc_free(&d);
    assert_int_equal(dc_reader_next(r, &d), 0);
    dc_read_fingerprint fp;
    assert_int_equal(dc_reader_fingerprint(r, &fp), 0);
    dc_reader_close(r);
    char want[33];
    hex(v2, sizeof v2 - 1, want);
    assert_string_equal(fp.hash, want); /* the whole file, prefix included */
    assert_true(fp.resumed);
    assert_int_equal(fp.lines, 3);
    /* a different prefix: read from the start */
    f.resume_hash[0] = f.resume_hash[0] == '0' ? '1' : '0';
    dc_read_fingerprint fp2;
    assert_int_equal(read_all(&f, &fp2, NULL), 3);
    assert_false(fp2.resumed);
    assert_string_equal(fp2.hash, want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_jsonl),
        cmocka_unit_test(test_gzip_and_corrupt_zstd),
        cmocka_unit_test(test_append_while_reading),
        cmocka_unit_test(test_resume),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
