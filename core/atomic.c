/*
 * atomic.c - atomic replacement of whole files (see atomic.h): the one
 * write-temp, fsync, rename, fsync-directory recipe of the core.
 */
#include "atomic.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

int dc_is_special_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int dc_file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

int dc_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int dc_fsync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? dc_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : dc_xstrdup(".");
    int rc = dc_fsync_dir(dir);
    int e = errno;
    free(dir);
    errno = e;
    return rc;
}

int dc_atomic_rename(const char *tmp, const char *path)
{
    if (dc_is_special_file(path)) {
        errno = ENOTSUP; /* never replace a device node with a regular file */
        return -1;
    }
    return rename(tmp, path);
}

int dc_atomic_publish(const char *tmp, const char *path)
{
    if (dc_atomic_rename(tmp, path) != 0) return -1;
    dc_fsync_dir_of(path); /* best effort: the data itself is already durable */
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        done += (size_t)n;
    }
    return 0;
}

/* stdout or a device: nothing to rename, the bytes go where they point. */
static int write_in_place(const char *path, const char *data, size_t len)
{
    int fd = !strcmp(path, "-") ? dup(1) : open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int bad = write_all(fd, data, len) != 0;
    int e = errno;
    bad |= close(fd) != 0;
    if (bad && !e) e = errno;
    errno = e;
    return bad ? -1 : 0;
}

int dc_write_file_atomic(const char *path, const void *data, size_t len)
{
    if (!strcmp(path, "-") || dc_is_special_file(path)) return write_in_place(path, data, len);
    size_t n = strlen(path) + 32;
    char *tmp = dc_xmalloc(n);
    snprintf(tmp, n, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    int bad = write_all(fd, data, len) != 0 || fsync(fd) != 0;
    int e = errno;
    bad |= close(fd) != 0;
    if (!bad && dc_atomic_publish(tmp, path) == 0) {
        free(tmp);
        return 0;
    }
    if (!bad) e = errno;
    unlink(tmp);
    free(tmp);
    errno = e;
    return -1;
}

int dc_write_marker(const char *path, const char *fmt, ...)
{
    char text[512]; /* a marker is one short line */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof text) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return dc_write_file_atomic(path, text, (size_t)n);
}
