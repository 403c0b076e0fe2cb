/*
 * commit.c - group commit of a plain run's output files (see commit.h).
 *
 * The journal is a list of NUL-terminated paths, three per file
 * (temporary, final, backup or ""), written under a temporary name,
 * fsynced and renamed: it exists whole or not at all.
 *
 * Test hooks (fault injection for tests/e2e/hostile_state_*.sh; nothing
 * else sets them):
 *   DOCCLEAN_TEST_FAIL_PUBLISH=TEXT  the rename onto a final path that
 *                                    contains TEXT fails with EIO;
 *   DOCCLEAN_TEST_CRASH_AT=mid-group-publish  SIGKILL after the first
 *                                    rename of a group.
 */
#include "commit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "core.h"

typedef struct entry {
    char *tmp, *final, *backup;
    int had_final, published;
} entry;

struct dc_commit_group {
    entry *v;
    size_t n, cap;
};

static int test_rename(const char *from, const char *to)
{
    const char *fail = getenv("DOCCLEAN_TEST_FAIL_PUBLISH");
    if (fail && *fail && strstr(to, fail)) {
        errno = EIO;
        return -1;
    }
    return dc_atomic_rename(from, to);
}

static void test_crash(const char *name)
{
    const char *at = getenv("DOCCLEAN_TEST_CRASH_AT");
    if (at && !strcmp(at, name)) raise(SIGKILL);
}

/* "<dir>/.<name><suffix>" next to path. */
static char *beside(const char *path, const char *suffix)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    dc_buf b = {0};
    dc_buf_append(&b, path, dirlen);
    dc_buf_printf(&b, ".%s%s", path + dirlen, suffix);
    return dc_buf_take(&b, NULL);
}

dc_commit_group *dc_commit_group_new(void)
{
    return dc_xcalloc(1, sizeof(dc_commit_group));
}

void dc_commit_group_add(dc_commit_group *g, char *tmp, char *final)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 4;
        g->v = dc_xrealloc(g->v, g->cap * sizeof *g->v);
    }
    entry *e = &g->v[g->n++];
    memset(e, 0, sizeof *e);
    e->tmp = tmp;
    e->final = final;
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".prev.%ld", (long)getpid());
    e->backup = beside(final, suffix);
}

static void group_free(dc_commit_group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].tmp);
        free(g->v[i].final);
        free(g->v[i].backup);
    }
    free(g->v);
    free(g);
}

void dc_commit_group_abort(dc_commit_group *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n; i++) unlink(g->v[i].tmp);
    group_free(g);
}

static int write_journal(dc_commit_group *g, const char *journal, char *err, size_t errlen)
{
    dc_buf b = {0};
    for (size_t i = 0; i < g->n; i++) {
        entry *e = &g->v[i];
        dc_buf_append(&b, e->tmp, strlen(e->tmp) + 1);
        dc_buf_append(&b, e->final, strlen(e->final) + 1);
        const char *bk = e->had_final ? e->backup : "";
        dc_buf_append(&b, bk, strlen(bk) + 1);
    }
    int rc = dc_write_file_atomic(journal, b.data ? b.data : "", b.len);
    if (rc != 0) snprintf(err, errlen, "commit journal %s: %s", journal, strerror(errno));
    dc_buf_free(&b);
    return rc;
}

/* Undo the renames done so far: previous finals come back from their
 * backups, finals that are new are removed. */
static void roll_back(dc_commit_group *g)
{
    for (size_t i = 0; i < g->n; i++) {
        entry *e = &g->v[i];
        if (e->published) {
            if (e->had_final) rename(e->backup, e->final);
            else unlink(e->final);
            dc_fsync_dir_of(e->final);
        } else {
            unlink(e->tmp);
            if (e->had_final) unlink(e->backup);
        }
    }
}

int dc_commit_group_publish(dc_commit_group *g, char *err, size_t errlen)
{
    if (g->n == 0) {
        group_free(g);
        return 0;
    }
    char *journal = beside(g->v[0].final, ".commit");
    int rc = 0;
    /* Backups first: a hard link costs nothing and makes every step after
     * the journal undoable. */
    for (size_t i = 0; i < g->n && rc == 0; i++) {
        entry *e = &g->v[i];
        struct stat st;
        unlink(e->backup);
        if (lstat(e->final, &st) != 0) continue;
        if (!S_ISREG(st.st_mode)) {
            snprintf(err, errlen, "cannot publish %s: it exists and is not a regular file", e->final);
            rc = -1;
        } else if (link(e->final, e->backup) != 0) {
            snprintf(err, errlen, "cannot keep the previous %s as %s: %s", e->final, e->backup,
                     strerror(errno));
            rc = -1;
        } else {
            e->had_final = 1;
        }
    }
    if (rc == 0) rc = write_journal(g, journal, err, errlen);
    if (rc != 0) {
        for (size_t i = 0; i < g->n; i++)
            if (g->v[i].had_final) unlink(g->v[i].backup);
        dc_commit_group_abort(g);
        free(journal);
        return -1;
    }
    for (size_t i = 0; i < g->n; i++) {
        entry *e = &g->v[i];
        if (test_rename(e->tmp, e->final) != 0) {
            snprintf(err, errlen, "rename %s -> %s: %s; the previous outputs were restored, none "
                     "of this run's is published", e->tmp, e->final, strerror(errno));
            rc = -1;
            break;
        }
        e->published = 1;
        dc_fsync_dir_of(e->final);
        if (i == 0) test_crash("mid-group-publish");
    }
    if (rc != 0) roll_back(g);
    else
        for (size_t i = 0; i < g->n; i++)
            if (g->v[i].had_final) unlink(g->v[i].backup);
    unlink(journal);
    dc_fsync_dir_of(journal);
    free(journal);
    group_free(g);
    return rc;
}

int dc_commit_recover(const char *first_final, char *err, size_t errlen)
{
    char *journal = beside(first_final, ".commit");
    int fd = open(journal, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        free(journal);
        return 0;
    }
    dc_buf b = {0};
    char chunk[4096];
    ssize_t got;
    while ((got = read(fd, chunk, sizeof chunk)) > 0) dc_buf_append(&b, chunk, (size_t)got);
    close(fd);
    int rc = 0, n = 0;
    for (size_t off = 0; off < b.len;) {
        const char *tmp = b.data + off;
        size_t l1 = strnlen(tmp, b.len - off);
        const char *final = tmp + l1 + 1;
        if (off + l1 + 1 >= b.len) break;
        size_t l2 = strnlen(final, b.len - off - l1 - 1);
        const char *backup = final + l2 + 1;
        if (off + l1 + l2 + 2 >= b.len) break;
        size_t l3 = strnlen(backup, b.len - off - l1 - l2 - 2);
        off += l1 + l2 + l3 + 3;
        if (access(tmp, F_OK) == 0) {
            if (dc_atomic_rename(tmp, final) != 0) {
                snprintf(err, errlen, "recovering %s: rename %s -> %s: %s", journal, tmp, final,
                         strerror(errno));
                rc = -1;
                break;
            }
            n++;
            dc_fsync_dir_of(final);
        }
        if (*backup) unlink(backup);
    }
    if (rc == 0) {
        if (n) dc_log_core(DC_LOG_WARN, "completed publishing %d output file(s) of an interrupted run "
                           "(journal %s)", n, journal);
        unlink(journal);
        dc_fsync_dir_of(journal);
    }
    dc_buf_free(&b);
    free(journal);
    return rc;
}
