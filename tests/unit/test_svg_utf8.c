/*
 * test_svg_utf8.c - the report's UTF-8 cleaning and HTML escaping (svg.c)
 * validate sequences with the public decoder (docclean/utf8.h).  This test
 * keeps the private validator svg.c had before, as the reference, and
 * checks that both agree on every lead byte followed by continuation
 * bytes at the edges of every range (overlongs, surrogates, > U+10FFFF,
 * truncated sequences), plus exact outputs on a few short strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "svg.h"

/* svg.c's validator before it used docclean/utf8.h (the reference). */
static size_t ref_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (len == 2 && c < 0xC2) return 0;
    if (len == 3 && c == 0xE0 && s[1] < 0xA0) return 0;
    if (len == 3 && c == 0xED && s[1] >= 0xA0) return 0;
    if (len == 4 && (c > 0xF4 || (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))) return 0;
    return len;
}

static void ref_clean(dc_buf *out, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t len = ref_seq(s + i, n - i);
        if (len) dc_buf_append(out, s + i, len);
        else dc_buf_puts(out, "\xEF\xBF\xBD");
        i += len ? len : 1;
    }
}

static void check(const unsigned char *s, size_t n)
{
    dc_buf a = {0}, b = {0};
    dc_utf8_clean(&a, (const char *)s, n);
    ref_clean(&b, s, n);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    dc_buf_free(&a);
    dc_buf_free(&b);
}

static void test_same_as_reference(void **st)
{
    (void)st;
    static const unsigned char edge[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xE0, 0xFF};
    const size_t ne = sizeof edge;
    unsigned long cases = 0;
    for (unsigned lead = 0; lead < 256; lead++)
        for (size_t a = 0; a < ne; a++)
            for (size_t b = 0; b < ne; b++)
                for (size_t c = 0; c < ne; c++) {
                    unsigned char s[4] = {(unsigned char)lead, edge[a], edge[b], edge[c]};
                    for (size_t n = 1; n <= 4; n++, cases++) check(s, n); /* n < 4: truncated */
                }
    assert_true(cases > 1000000);
}

static void test_exact(void **st)
{
    (void)st;
    dc_buf b = {0};
    /* valid 2/3/4-byte, overlong C0 AF, surrogate ED A0 80, F4 90 (> U+10FFFF), truncated E4 B8 */
    const char in[] = "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80|\xC0\xAF|\xED\xA0\x80|\xF4\x90\x80\x80|\xE4\xB8";
    dc_utf8_clean(&b, in, sizeof in - 1);
    dc_buf_putc(&b, '\0');
    assert_string_equal(b.data, "\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80|\xEF\xBF\xBD\xEF\xBF\xBD|"
                                "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|"
                                "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD");
    dc_buf_free(&b);
    dc_html_escape(&b, "<a\x01\xE4\xB8\xAD>", 7);
    dc_buf_putc(&b, '\0');
    assert_string_equal(b.data, "&lt;a\xEF\xBF\xBD\xE4\xB8\xAD&gt;");
    dc_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_reference),
        cmocka_unit_test(test_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
