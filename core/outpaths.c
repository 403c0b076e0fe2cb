/*
 * outpaths.c - validate a run's output locations before reading input.
 *
 * Why up front: an output that cannot be created used to fail only at the
 * end of the run (hours of work lost), and outputs that name each other or
 * an input silently destroyed data (`-o x --stats x` kept only the stats,
 * `--rejects` equal to an input replaced the input).  Everything here only
 * looks (stat, access, realpath); nothing is created.
 *
 * Identity: an existing file is identified by (device, inode), which sees
 * through symbolic links, hard links and "./a" vs "a".  A file that does
 * not exist yet is identified by its normalized absolute path: the parent
 * directory resolved with realpath(), then the last component.
 */
#include "outpaths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

typedef struct ident {
    int exists;
    struct stat st;
    char *norm; /* normalized absolute path */
} ident;

/* Split "dir/base" (trailing slashes ignored); dir is "." without a slash. */
static void split_path(const char *path, char **dir, char **base)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/') b--;
    *base = dc_xstrndup(path + b, n - b);
    if (b == 0) *dir = dc_xstrdup(".");
    else *dir = dc_xstrndup(path, b == 1 ? 1 : b - 1);
}

/* Lexical normalization of an absolute path: no "//", ".", "..". */
static char *lexical_norm(const char *abs)
{
    dc_buf b = {0};
    const char *p = abs;
    while (*p) {
        while (*p == '/') p++;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0) break;
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (b.len && b.data[b.len - 1] != '/') b.len--;
            if (b.len) b.len--; /* the slash */
        } else {
            dc_buf_putc(&b, '/');
            dc_buf_append(&b, p, n);
        }
        p += n;
    }
    if (!b.len) dc_buf_putc(&b, '/');
    return dc_buf_take(&b, NULL);
}

static char *normalize(const char *path)
{
    char *dir, *base, *out;
    split_path(path, &dir, &base);
    char *real = realpath(dir, NULL);
    dc_buf b = {0};
    if (real) {
        dc_buf_puts(&b, real);
    } else {
        char cwd[PATH_MAX];
        if (dir[0] != '/' && getcwd(cwd, sizeof cwd)) dc_buf_printf(&b, "%s/", cwd);
        dc_buf_puts(&b, dir);
    }
    dc_buf_printf(&b, "/%s", base);
    out = lexical_norm(b.data);
    dc_buf_free(&b);
    free(real);
    free(dir);
    free(base);
    return out;
}

static void identify(const char *path, ident *id)
{
    memset(id, 0, sizeof *id);
    id->exists = stat(path, &id->st) == 0;
    id->norm = normalize(path);
}

static int same(const ident *a, const ident *b)
{
    if (a->exists && b->exists) return a->st.st_dev == b->st.st_dev && a->st.st_ino == b->st.st_ino;
    return strcmp(a->norm, b->norm) == 0;
}

/* The nearest existing ancestor directory of path (for outputs whose
 * missing parents are created, like a textdir). */
static char *existing_ancestor(const char *path)
{
    char *cur = dc_xstrdup(path);
    for (;;) {
        char *dir, *base;
        split_path(cur, &dir, &base);
        free(base);
        struct stat st;
        if (stat(dir, &st) == 0 || !strcmp(dir, ".") || !strcmp(dir, "/") || !strcmp(dir, cur)) {
            free(cur);
            return dir;
        }
        free(cur);
        cur = dir;
    }
}

/* Can this output be written where it is?  The writers create a temporary
 * in the output's directory and rename it into place, except onto an
 * existing device or FIFO, which is written directly. */
static int check_location(const dc_outpath *o, const ident *id, char *err, size_t errlen)
{
    if (id->exists) {
        if (o->is_dir && !S_ISDIR(id->st.st_mode)) {
            snprintf(err, errlen, "%s %s: exists and is not a directory", o->option, o->path);
            return -1;
        }
        if (o->is_dir) { /* files are created inside it, not beside it */
            if (access(o->path, W_OK | X_OK) == 0) return 0;
            snprintf(err, errlen, "%s %s: directory is not writable: %s", o->option, o->path, strerror(errno));
            return -1;
        }
        if (!o->is_dir && S_ISDIR(id->st.st_mode)) {
            snprintf(err, errlen, "%s %s: is a directory", o->option, o->path);
            return -1;
        }
        if (!o->is_dir && !S_ISREG(id->st.st_mode)) {
            if (access(o->path, W_OK) != 0) {
                snprintf(err, errlen, "%s %s: cannot be written: %s", o->option, o->path, strerror(errno));
                return -1;
            }
            return 0; /* a device or FIFO: written in place, nothing renamed */
        }
    }
    char *dir, *base;
    split_path(o->path, &dir, &base);
    free(base);
    if (o->is_dir) { /* missing parents are created */
        free(dir);
        dir = existing_ancestor(o->path);
    }
    struct stat st;
    int rc = -1;
    if (stat(dir, &st) != 0)
        snprintf(err, errlen, "%s %s: directory %s: %s", o->option, o->path, dir, strerror(errno));
    else if (!S_ISDIR(st.st_mode))
        snprintf(err, errlen, "%s %s: %s is not a directory", o->option, o->path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        snprintf(err, errlen, "%s %s: directory %s is not writable: %s", o->option, o->path, dir,
                 strerror(errno));
    else
        rc = 0;
    free(dir);
    return rc;
}

/* An existing regular file under an input directory is itself an input:
 * the run would read it and then replace it. */
static int inside_dir(const char *file, const char *dir)
{
    char *rf = realpath(file, NULL), *rd = realpath(dir, NULL);
    size_t n = rd ? strlen(rd) : 0;
    int in = rf && rd && !strncmp(rf, rd, n) && (rf[n] == '/' || (n == 1 && rd[0] == '/'));
    free(rf);
    free(rd);
    return in;
}

int dc_outpaths_check(const dc_outpath *outs, size_t nouts, char *const *inputs, size_t ninputs,
                      char *err, size_t errlen)
{
    ident *ids = dc_xcalloc(nouts ? nouts : 1, sizeof *ids);
    int rc = 0;
    for (size_t i = 0; i < nouts && rc == 0; i++) {
        const dc_outpath *o = &outs[i];
        if (!o->path) continue;
        if (!strcmp(o->path, "-")) {
            for (size_t j = 0; j < i && rc == 0; j++)
                if (outs[j].path && !strcmp(outs[j].path, "-")) {
                    snprintf(err, errlen, "%s - and %s - would both write to stdout", outs[j].option, o->option);
                    rc = -1;
                }
            continue;
        }
        identify(o->path, &ids[i]);
        if (check_location(o, &ids[i], err, errlen) != 0) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < i && rc == 0; j++) {
            if (!outs[j].path || !strcmp(outs[j].path, "-") || !same(&ids[i], &ids[j])) continue;
            if (ids[i].exists && S_ISCHR(ids[i].st.st_mode)) continue; /* /dev/null twice is fine */
            snprintf(err, errlen, "%s %s and %s %s are the same file", outs[j].option, outs[j].path, o->option,
                     o->path);
            rc = -1;
        }
        for (size_t k = 0; k < ninputs && rc == 0; k++) {
            if (!strcmp(inputs[k], "-")) continue;
            ident in;
            identify(inputs[k], &in);
            if (same(&ids[i], &in) && !(in.exists && S_ISCHR(in.st.st_mode))) {
                snprintf(err, errlen, "%s %s is the input %s: refusing to overwrite an input", o->option, o->path,
                         inputs[k]);
                rc = -1;
            } else if (ids[i].exists && S_ISREG(ids[i].st.st_mode) && in.exists && S_ISDIR(in.st.st_mode) &&
                       inside_dir(o->path, inputs[k])) {
                snprintf(err, errlen, "%s %s is a file inside the input directory %s: it would be read as an "
                         "input and then replaced", o->option, o->path, inputs[k]);
                rc = -1;
            }
            free(in.norm);
        }
    }
    for (size_t i = 0; i < nouts; i++) free(ids[i].norm);
    free(ids);
    return rc;
}
