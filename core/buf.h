/*
 * buf.h - growable byte buffer (dc_buf from the plugin ABI) for the core.
 *
 * One implementation serves the core, the writers and (through the host
 * table) the plugins, so nobody reinvents buffers.  Allocation failure aborts
 * the process: docclean cannot make progress without memory and a partial
 * document must never be written.
 */
#ifndef DC_BUF_H
#define DC_BUF_H

#include <stddef.h>

#include "docclean/plugin.h"

void dc_buf_reserve(dc_buf *b, size_t extra);
void dc_buf_append(dc_buf *b, const void *p, size_t n);
void dc_buf_putc(dc_buf *b, char c);
void dc_buf_puts(dc_buf *b, const char *s);
void dc_buf_printf(dc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dc_buf_free(dc_buf *b);
/* Detach the data (NUL-terminated) and leave the buffer empty. */
char *dc_buf_take(dc_buf *b, size_t *len);

/* Allocation helpers that never return NULL. */
void *dc_xmalloc(size_t n);
void *dc_xcalloc(size_t n, size_t m);
void *dc_xrealloc(void *p, size_t n);
char *dc_xstrdup(const char *s);
char *dc_xstrndup(const char *s, size_t n);

#endif
