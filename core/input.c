/*
 * input.c - expand INPUT arguments into the ordered list of files to read.
 *
 * Order is part of the output contract (it defines dc_doc.seq): arguments in
 * the order given, each directory walked recursively with its entries sorted
 * byte-wise (strcmp, independent of the locale), so the same tree always
 * yields the same list.  Symbolic links are followed, except a link back to
 * a directory already on the current path (a loop), which is skipped.
 * Problems with a path (does not exist, directory cannot be read, dangling
 * link) are collected in dc_input_errors and the rest of the input goes on.
 * FIFOs, sockets and devices found inside a directory are not documents
 * (opening a FIFO would block the run): they are skipped with a warning
 * naming them, so nothing is left out without a word.  Given as an INPUT
 * argument they are read (bounded by [input] max_doc_bytes).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "core.h"
#include "io.h"
#include "json_scan.h"

/* Directories on the path from the argument down to the current one. */
typedef struct dir_stack {
    dev_t dev[256];
    ino_t ino[256];
    size_t n;
} dir_stack;

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

static void resolve_format(const char *name, const dc_input_opts *opts, dc_input_file *f)
{
    size_t n = strlen(name);
    dc_compress c = DC_COMP_NONE;
    if (ends_with(name, n, ".gz")) c = DC_COMP_GZIP, n -= 3;
    else if (ends_with(name, n, ".zst")) c = DC_COMP_ZSTD, n -= 4;
    else if (ends_with(name, n, ".zstd")) c = DC_COMP_ZSTD, n -= 5;
    dc_format fmt = DC_FMT_TEXT;
    if (ends_with(name, n, ".jsonl") || ends_with(name, n, ".ndjson") || ends_with(name, n, ".json"))
        fmt = DC_FMT_JSONL;
    f->format = opts && opts->format != DC_FMT_AUTO ? opts->format : fmt;
    f->compress = opts && opts->compress != DC_COMP_AUTO ? opts->compress : c;
}

static void add_error(dc_input_errors *e, const char *path, const char *reason)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->v = dc_xrealloc(e->v, e->cap * sizeof *e->v);
    }
    e->v[e->n].path = dc_xstrdup(path);
    e->v[e->n].reason = dc_xstrdup(reason);
    e->n++;
}

static void add_file(dc_input_list *l, const char *path, const char *rel, const struct stat *st,
                     const dc_input_opts *opts)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = dc_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    dc_input_file *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    f->path = dc_xstrdup(path);
    f->rel = dc_xstrdup(rel);
    f->size = st ? (uint64_t)st->st_size : 0;
    f->mtime = st ? (int64_t)st->st_mtime : 0;
    resolve_format(rel, opts, f);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
    dc_buf b = {0};
    size_t n = strlen(dir);
    dc_buf_append(&b, dir, n);
    if (n && dir[n - 1] != '/') dc_buf_putc(&b, '/');
    dc_buf_puts(&b, name);
    return dc_buf_take(&b, NULL);
}

/* Sorted entry names of a directory, or NULL with errno set. */
static char **list_dir(const char *path, size_t *count)
{
    DIR *d = opendir(path);
    if (!d) return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = dc_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = dc_xstrdup(de->d_name);
    }
    int saved = errno;
    closedir(d);
    if (saved) {
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
        errno = saved;
        return NULL;
    }
    if (n) qsort(names, n, sizeof *names, cmp_names);
    *count = n;
    return names ? names : dc_xcalloc(1, sizeof *names);
}

static const char *special_kind(mode_t m)
{
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISSOCK(m)) return "a socket";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    return "a special file";
}

static void walk(const char *path, const char *rel, const struct stat *st, dir_stack *stack,
                 const dc_input_opts *opts, dc_input_list *out, dc_input_errors *errs)
{
    for (size_t i = 0; i < stack->n; i++)
        if (stack->dev[i] == st->st_dev && stack->ino[i] == st->st_ino) return; /* loop */
    if (stack->n == sizeof stack->dev / sizeof stack->dev[0]) {
        add_error(errs, path, "directory nesting too deep");
        return;
    }
    size_t n = 0;
    char **names = list_dir(path, &n);
    if (!names) {
        add_error(errs, path, strerror(errno));
        return;
    }
    stack->dev[stack->n] = st->st_dev;
    stack->ino[stack->n] = st->st_ino;
    stack->n++;
    for (size_t i = 0; i < n; i++) {
        char *child = join(path, names[i]);
        char *crel = *rel ? join(rel, names[i]) : dc_xstrdup(names[i]);
        struct stat cst;
        if (stat(child, &cst) != 0) {
            add_error(errs, child, errno == ENOENT ? "dangling symbolic link" : strerror(errno));
        } else if (S_ISDIR(cst.st_mode)) {
            walk(child, crel, &cst, stack, opts, out, errs);
        } else if (S_ISREG(cst.st_mode)) {
            add_file(out, child, crel, &cst, opts);
        } else {
            dc_log_core(DC_LOG_WARN, "input: %s: skipped: %s, not a regular file", child,
                        special_kind(cst.st_mode));
        }
        free(child);
        free(crel);
        free(names[i]);
    }
    free(names);
    stack->n--;
}

static const char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    const char *s = path + n;
    while (s > path && s[-1] != '/') s--;
    return s;
}

void dc_inputs_collect(char *const *args, size_t nargs, const dc_input_opts *opts,
                       dc_input_list *out, dc_input_errors *errs)
{
    for (size_t i = 0; i < nargs; i++) {
        const char *a = args[i];
        if (!strcmp(a, "-")) {
            add_file(out, "-", "-", NULL, opts);
            continue;
        }
        struct stat st;
        if (stat(a, &st) != 0) {
            add_error(errs, a, strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            dir_stack *stack = dc_xcalloc(1, sizeof *stack);
            walk(a, "", &st, stack, opts, out, errs);
            free(stack);
        } else {
            add_file(out, a, base_name(a), S_ISREG(st.st_mode) ? &st : NULL, opts);
        }
    }
}

char *dc_path_display(const char *raw)
{
    static const char hex[] = "0123456789abcdef";
    dc_buf b = {0};
    size_t n = strlen(raw), i = 0;
    dc_buf_reserve(&b, n);
    while (i < n) {
        size_t ok = dc_utf8_valid_prefix(raw + i, n - i);
        for (size_t k = 0; k < ok; k++) {
            if (raw[i + k] == '\\') dc_buf_putc(&b, '\\');
            dc_buf_putc(&b, raw[i + k]);
        }
        i += ok;
        if (i < n) { /* one byte that does not start a valid sequence */
            unsigned char c = (unsigned char)raw[i++];
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            dc_buf_append(&b, esc, 4);
        }
    }
    return dc_buf_take(&b, NULL);
}

void dc_input_list_free(dc_input_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].rel);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

void dc_input_errors_free(dc_input_errors *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].path);
        free(e->v[i].reason);
    }
    free(e->v);
    memset(e, 0, sizeof *e);
}
