/*
 * buf.c - growable byte buffers and never-failing allocation.
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dc_oom(size_t n)
{
    fprintf(stderr, "docclean: out of memory allocating %zu bytes\n", n);
    abort();
}

void *dc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) dc_oom(n);
    return p;
}

void *dc_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) dc_oom(n * m);
    return p;
}

void *dc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) dc_oom(n);
    return q;
}

char *dc_xstrndup(const char *s, size_t n)
{
    char *p = dc_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dc_xstrdup(const char *s)
{
    return dc_xstrndup(s, strlen(s));
}

/* Always keep one spare byte so the data can be NUL-terminated for free. */
void dc_buf_reserve(dc_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap < ((size_t)1 << 30) ? cap * 2 : cap + ((size_t)1 << 30);
    b->data = dc_xrealloc(b->data, cap);
    b->cap = cap;
}

void dc_buf_append(dc_buf *b, const void *p, size_t n)
{
    dc_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dc_buf_putc(dc_buf *b, char c)
{
    dc_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void dc_buf_puts(dc_buf *b, const char *s)
{
    dc_buf_append(b, s, strlen(s));
}

void dc_buf_printf(dc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        dc_buf_append(b, tmp, (size_t)n);
        return;
    }
    dc_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void dc_buf_free(dc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *dc_buf_take(dc_buf *b, size_t *len)
{
    if (!b->data) dc_buf_reserve(b, 0);
    b->data[b->len] = '\0';
    char *p = b->data;
    if (len) *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
