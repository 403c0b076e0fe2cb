/*
 * test_decode.c - dc_decode (BOMs, strict UTF-8, GB18030 / Big5 detection,
 * U+FFFD replacement, binary detection, forced encodings, threads) and the
 * strict UTF-8 validator it shares with json.c.
 *
 * GB18030 / Big5 fixtures are made with iconv from the UTF-8 sentences
 * below, so the expected decoded text is the sentence itself.
 */
#include <iconv.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "io.h"

size_t dc_utf8_valid_prefix(const char *s, size_t len); /* json.c */

static const char SIMPLIFIED[] = "我们的国家在这个时候需要更多的人来学习中文和历史。";
static const char TRADITIONAL[] = "我們的國家在這個時候需要更多的人來學習中文和歷史。";

/* UTF-8 → enc with iconv; malloc'd result, length in *n. */
static char *encode(const char *enc, const char *utf8, size_t *n)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t il = strlen(utf8), ol = il * 4 + 16;
    char *out = malloc(ol), *op = out, *ip = (char *)utf8;
    assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
    iconv_close(cd);
    *n = (size_t)(op - out);
    return out;
}

static void expectn(const char *in, size_t len, const char *forced, const char *text,
                    size_t textlen, const char *enc, uint64_t invalid, int binary)
{
    dc_decoded d;
    assert_int_equal(dc_decode(in, len, forced, &d), 0);
    assert_string_equal(d.encoding, enc);
    assert_int_equal(d.len, textlen);
    assert_memory_equal(d.text, text, d.len);
    assert_int_equal(d.text[d.len], '\0');
    assert_int_equal(d.invalid_bytes, invalid);
    assert_int_equal(d.binary, binary);
    if (binary) assert_non_null(d.binary_reason);
    free(d.text);
}

static void expect(const char *in, size_t len, const char *forced, const char *text,
                   const char *enc, uint64_t invalid, int binary)
{
    expectn(in, len, forced, text, strlen(text), enc, invalid, binary);
}

static void test_utf8_plain(void **s)
{
    (void)s;
    expect("中文 abc\n", strlen("中文 abc\n"), NULL, "中文 abc\n", "utf-8", 0, 0);
    expect("plain ascii", 11, NULL, "plain ascii", "utf-8", 0, 0);
    /* 4-byte sequence (U+1F600) is valid */
    expect("\xf0\x9f\x98\x80", 4, NULL, "\xf0\x9f\x98\x80", "utf-8", 0, 0);
}

static void test_empty(void **s)
{
    (void)s;
    expect("", 0, NULL, "", "utf-8", 0, 0);
    expect(NULL, 0, NULL, "", "utf-8", 0, 0);
}

static void test_utf8_bom(void **s)
{
    (void)s;
    expect("\xef\xbb\xbf中文", 9, NULL, "中文", "utf-8-bom", 0, 0);
    expect("\xef\xbb\xbf", 3, NULL, "", "utf-8-bom", 0, 0);
}

static void test_utf16_bom(void **s)
{
    (void)s;
    /* 中 = U+4E2D, a = U+0061 */
    expect("\xff\xfe\x2d\x4e\x61\x00", 6, NULL, "中a", "utf-16le", 0, 0);
    expect("\xfe\xff\x4e\x2d\x00\x61", 6, NULL, "中a", "utf-16be", 0, 0);
    /* odd length: the dangling byte becomes U+FFFD */
    expect("\xff\xfe\x2d\x4e\x61", 5, NULL, "中\xef\xbf\xbd", "utf-16le", 1, 0);
}

static void test_strict_utf8_validator(void **s)
{
    (void)s;
    assert_int_equal(dc_utf8_valid_prefix("abc", 3), 3);
    assert_int_equal(dc_utf8_valid_prefix("a\xc0\xaf", 3), 1);          /* overlong '/' */
    assert_int_equal(dc_utf8_valid_prefix("a\xe0\x80\xaf", 4), 1);      /* overlong 3-byte */
    assert_int_equal(dc_utf8_valid_prefix("a\xed\xa0\x80", 4), 1);      /* surrogate D800 */
    assert_int_equal(dc_utf8_valid_prefix("a\xf4\x90\x80\x80", 5), 1);  /* > U+10FFFF */
    assert_int_equal(dc_utf8_valid_prefix("a\xf4\x8f\xbf\xbf", 5), 5);  /* U+10FFFF */
    assert_int_equal(dc_utf8_valid_prefix("abcdefgh\xe4\xb8", 10), 8);  /* truncated */
    assert_int_equal(dc_utf8_valid_prefix("\xed\x9f\xbf", 3), 3);       /* U+D7FF */
}

static void test_gb18030(void **s)
{
    (void)s;
    size_t n;
    char *gb = encode("GB18030", SIMPLIFIED, &n);
    expect(gb, n, NULL, SIMPLIFIED, "gb18030", 0, 0);
    /* the traditional sentence in GB18030 is still GB18030 */
    free(gb);
    gb = encode("GB18030", TRADITIONAL, &n);
    expect(gb, n, NULL, TRADITIONAL, "gb18030", 0, 0);
    free(gb);
}

static void test_big5(void **s)
{
    (void)s;
    size_t n;
    char *b5 = encode("BIG5", TRADITIONAL, &n);
    expect(b5, n, NULL, TRADITIONAL, "big5-hkscs", 0, 0);
    free(b5);
}

static void test_invalid_utf8_keeps_utf8(void **s)
{
    (void)s;
    /* Mostly UTF-8 with one stray byte: UTF-8 with one U+FFFD wins. */
    const char in[] = "我们的国家在这个时候\xff需要更多的人";
    expect(in, strlen(in), NULL, "我们的国家在这个时候\xef\xbf\xbd需要更多的人", "utf-8", 1, 0);
}

static void test_gb_with_invalid_bytes(void **s)
{
    (void)s;
    size_t n;
    char *gb = encode("GB18030", SIMPLIFIED, &n);
    char *in = malloc(n + 1);
    memcpy(in, gb, n);
    in[n] = '\x80'; /* a lone 0x80 is not GB18030 */
    char *want = malloc(strlen(SIMPLIFIED) + 4);
    sprintf(want, "%s\xef\xbf\xbd", SIMPLIFIED);
    expect(in, n + 1, NULL, want, "gb18030", 1, 0);
    free(gb);
    free(in);
    free(want);
}

static void test_binary(void **s)
{
    (void)s;
    /* NUL bytes outside UTF-16 */
    expectn("ab\0cd", 5, NULL, "ab\0cd", 5, "utf-8", 0, 1);
    /* mostly control characters */
    expect("\x01\x02\x03\x04hello", 9, NULL, "\x01\x02\x03\x04hello", "utf-8", 0, 1);
    /* a few controls are fine */
    expect("\x1b[1mhello world", 15, NULL, "\x1b[1mhello world", "utf-8", 0, 0);
    /* random high bytes: > 30% undecodable whatever the candidate */
    const char junk[] = "\x80\x81\xff\xfe\x80\xff\x80\xff\x81\xfe\xff\x80";
    dc_decoded d;
    dc_decode(junk, sizeof junk - 1, NULL, &d);
    assert_int_equal(d.binary, 1);
    assert_true(d.invalid_bytes > 0);
    free(d.text);
}

static void test_forced(void **s)
{
    (void)s;
    size_t n;
    char *gb = encode("GB18030", SIMPLIFIED, &n);
    expect(gb, n, "gbk", SIMPLIFIED, "gb18030", 0, 0);
    expect(gb, n, "GB2312", SIMPLIFIED, "gb18030", 0, 0);
    expect(gb, n, "cp936", SIMPLIFIED, "gb18030", 0, 0);
    free(gb);
    char *b5 = encode("BIG5", TRADITIONAL, &n);
    expect(b5, n, "big5", TRADITIONAL, "big5-hkscs", 0, 0);
    free(b5);
    /* forced UTF-8 never guesses: bad bytes become U+FFFD */
    expect("abcdefgh\xb0\xa1", 10, "utf-8", "abcdefgh\xef\xbf\xbd\xef\xbf\xbd", "utf-8", 2, 0);
    /* any other iconv name is used as given */
    expect("caf\xe9", 4, "ISO-8859-1", "caf\xc3\xa9", "ISO-8859-1", 0, 0);
    /* unknown names fall back to detection */
    expect("abc", 3, "no-such-encoding", "abc", "utf-8", 0, 0);
}

/* Much longer than the 4 KB scoring sample, with ASCII before the first
 * Chinese byte: the whole text is decoded. */
static void test_large_gb18030(void **s)
{
    (void)s;
    size_t n, one = strlen(SIMPLIFIED), reps = 400 * 1024 / one + 1, pre = 10000;
    char *big = malloc(pre + one * reps + 1);
    memset(big, 'x', pre);
    for (size_t i = 0; i < reps; i++) memcpy(big + pre + i * one, SIMPLIFIED, one);
    big[pre + one * reps] = '\0';
    char *gb = encode("GB18030", big, &n);
    expect(gb, n, NULL, big, "gb18030", 0, 0);
    free(gb);
    free(big);
}

typedef struct thread_arg {
    const char *in;
    size_t len;
    int ok;
} thread_arg;

static void *decode_many(void *p)
{
    thread_arg *a = p;
    a->ok = 1;
    for (int i = 0; i < 200; i++) {
        dc_decoded d;
        dc_decode(a->in, a->len, NULL, &d);
        if (strcmp(d.encoding, "big5-hkscs") || d.len != strlen(TRADITIONAL) ||
            memcmp(d.text, TRADITIONAL, d.len))
            a->ok = 0;
        free(d.text);
    }
    return NULL;
}

static void test_threads(void **s)
{
    (void)s;
    size_t n;
    char *b5 = encode("BIG5", TRADITIONAL, &n);
    pthread_t t[4];
    thread_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thread_arg){b5, n, 0};
        pthread_create(&t[i], NULL, decode_many, &a[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(a[i].ok, 1);
    }
    free(b5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_plain),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf16_bom),
        cmocka_unit_test(test_strict_utf8_validator),
        cmocka_unit_test(test_gb18030),
        cmocka_unit_test(test_big5),
        cmocka_unit_test(test_invalid_utf8_keeps_utf8),
        cmocka_unit_test(test_gb_with_invalid_bytes),
        cmocka_unit_test(test_binary),
        cmocka_unit_test(test_forced),
        cmocka_unit_test(test_large_gb18030),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
