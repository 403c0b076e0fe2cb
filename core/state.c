/*
 * state.c - run lock and ledger for unattended runs (SQLite).
 *
 * Why SQLite for the ledger: it is a small relational record (files, runs,
 * outputs) read by humans through `docclean status`, written once per run;
 * its transactions with synchronous=FULL give the single durable commit
 * point the exactly-once protocol in state.h needs.
 */
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "core.h"

struct dc_state {
    char *dir;
    char *out_dir;
    char *staging;   /* OUT/.staging/NAME */
    int lock_fd;
    sqlite3 *db;
    char run_id[17];
    char run_name[64];
    char started[32];
    int64_t settle;
};

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
    " hash TEXT, run_id TEXT, at TEXT);"
    "CREATE TABLE IF NOT EXISTS runs(run_id TEXT PRIMARY KEY, name TEXT, started TEXT,"
    " finished TEXT, status TEXT, files INTEGER, docs_in INTEGER, kept INTEGER,"
    " rejected INTEGER, duplicates INTEGER, seconds REAL, error TEXT);"
    "CREATE TABLE IF NOT EXISTS outputs(run_id TEXT, staged TEXT, final TEXT,"
    " published INTEGER DEFAULT 0);";

/* Fault injection for the crash tests: DOCCLEAN_TEST_CRASH_AT=NAME kills
 * the process with SIGKILL when it reaches crash point NAME. */
static void crash_point(const char *name)
{
    const char *at = getenv("DOCCLEAN_TEST_CRASH_AT");
    if (at && strcmp(at, name) == 0) raise(SIGKILL);
}

static void utc_stamp(char *buf, size_t n, const char *fmt)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, fmt, &tm);
}

static int mkdir_parents(const char *path)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "ledger: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Take DIR/lock.  The holder writes its pid and start time into the file
 * so a refused run can say who holds it. */
static int take_lock(dc_state *s, int wait, char *err, size_t errlen, int *locked)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/lock", s->dir);
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (s->lock_fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(s->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
        char who[128] = "";
        ssize_t n = pread(s->lock_fd, who, sizeof who - 1, 0);
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        snprintf(err, errlen, "another docclean run holds %s (%s); use --wait to wait for it", path,
                 who[0] ? who : "holder unknown");
        *locked = 1;
        return -1;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "pid %d, started %s\n", (int)getpid(), s->started);
    if (ftruncate(s->lock_fd, 0) == 0 && pwrite(s->lock_fd, line, (size_t)n, 0) < 0) {
        /* informational only */
    }
    return 0;
}

static void rm_rf(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[PATH_MAX];
            snprintf(p, sizeof p, "%s/%s", path, e->d_name);
            rm_rf(p);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Step 3 again for committed runs whose outputs were not all published,
 * then drop whatever uncommitted runs left in staging. */
static int recover(dc_state *s, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT rowid, staged, final FROM outputs WHERE published = 0",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "ledger: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    int rolled = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *staged = (const char *)sqlite3_column_text(st, 1);
        const char *final = (const char *)sqlite3_column_text(st, 2);
        if (access(staged, F_OK) == 0 && rename(staged, final) != 0) {
            snprintf(err, errlen, "recovery: rename %s -> %s: %s", staged, final, strerror(errno));
            sqlite3_finalize(st);
            return -1;
        }
        rolled++;
    }
    sqlite3_finalize(st);
    if (rolled) {
        fsync_dir(s->out_dir);
        dc_log_core(DC_LOG_WARN, "recovered %d output file(s) of an interrupted run", rolled);
        if (exec_sql(s->db, "UPDATE outputs SET published = 1 WHERE published = 0", err, errlen))
            return -1;
    }
    char staging_root[PATH_MAX];
    snprintf(staging_root, sizeof staging_root, "%s/.staging", s->out_dir);
    DIR *d = opendir(staging_root);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[PATH_MAX + 300];
            snprintf(p, sizeof p, "%s/%s", staging_root, e->d_name);
            dc_log_core(DC_LOG_WARN, "removing uncommitted output of an interrupted run: %s", p);
            rm_rf(p);
        }
        closedir(d);
    }
    return 0;
}

static void make_run_id(dc_state *s)
{
    unsigned char r[8] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        memcpy(r, &x, sizeof r);
    }
    if (fd >= 0) close(fd);
    for (int i = 0; i < 8; i++) snprintf(s->run_id + 2 * i, 3, "%02x", r[i]);
    char ts[32];
    utc_stamp(ts, sizeof ts, "%Y%m%dT%H%M%SZ");
    snprintf(s->run_name, sizeof s->run_name, "%s-%.8s", ts, s->run_id);
}

dc_state *dc_state_open(const dc_state_opts *o, const char *out_dir, char *err, size_t errlen,
                        int *locked)
{
    *locked = 0;
    dc_state *s = dc_xcalloc(1, sizeof *s);
    s->lock_fd = -1;
    s->dir = dc_xstrdup(o->dir);
    s->out_dir = dc_xstrdup(out_dir);
    s->settle = o->settle_seconds;
    utc_stamp(s->started, sizeof s->started, "%Y-%m-%dT%H:%M:%SZ");
    make_run_id(s);
    if (mkdir_parents(s->dir) != 0 || mkdir_parents(s->out_dir) != 0) {
        snprintf(err, errlen, "cannot create %s or %s: %s", s->dir, s->out_dir, strerror(errno));
        goto fail;
    }
    if (take_lock(s, o->wait, err, errlen, locked) != 0) goto fail;
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/ledger.sqlite", s->dir);
    if (sqlite3_open(db, &s->db) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", db, sqlite3_errmsg(s->db));
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 10000);
    if (exec_sql(s->db, schema, err, errlen) != 0) goto fail;
    if (recover(s, err, errlen) != 0) goto fail;
    char staging[PATH_MAX + 128];
    snprintf(staging, sizeof staging, "%s/.staging/%s", s->out_dir, s->run_name);
    s->staging = dc_xstrdup(staging);
    if (mkdir_parents(s->staging) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", s->staging, strerror(errno));
        goto fail;
    }
    return s;
fail:
    dc_state_close(s);
    return NULL;
}

void dc_state_close(dc_state *s)
{
    if (!s) return;
    if (s->staging) rmdir(s->staging); /* only if empty: a failed run's files are removed */
    if (s->db) sqlite3_close(s->db);
    if (s->lock_fd >= 0) close(s->lock_fd); /* releases the flock */
    free(s->dir);
    free(s->out_dir);
    free(s->staging);
    free(s);
}

const char *dc_state_run_id(const dc_state *s)
{
    return s->run_id;
}

const char *dc_state_run_name(const dc_state *s)
{
    return s->run_name;
}

char *dc_state_staging_path(dc_state *s, const char *name)
{
    size_t n = strlen(s->staging) + strlen(name) + 2;
    char *p = dc_xmalloc(n);
    snprintf(p, n, "%s/%s", s->staging, name);
    return p;
}

static int file_hash(const char *path, char out[33])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    static const size_t bufsz = 1 << 20;
    char *buf = dc_xmalloc(bufsz);
    ssize_t n;
    while ((n = read(fd, buf, bufsz)) > 0) XXH3_128bits_update(st, buf, (size_t)n);
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    free(buf);
    close(fd);
    if (n < 0) return -1;
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
    return 0;
}

static char *abs_path(const char *p)
{
    char buf[PATH_MAX];
    return realpath(p, buf) ? dc_xstrdup(buf) : dc_xstrdup(p);
}

static int still_being_written(const dc_state *s, const dc_input_file *f, time_t now)
{
    static const char *const patterns[] = {"*.part", "*.tmp", "*.crdownload", NULL};
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    for (size_t i = 0; patterns[i]; i++)
        if (fnmatch(patterns[i], base, 0) == 0) return 1;
    return s->settle > 0 && f->mtime > (int64_t)now - s->settle;
}

/* 1 if the ledger already has this exact file. */
static int already_done(dc_state *s, sqlite3_stmt *q, const dc_input_file *f)
{
    char *ap = abs_path(f->path);
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, ap, -1, SQLITE_TRANSIENT);
    int done = 0;
    if (sqlite3_step(q) == SQLITE_ROW) {
        int64_t size = sqlite3_column_int64(q, 0), mtime = sqlite3_column_int64(q, 1);
        const char *hash = (const char *)sqlite3_column_text(q, 2);
        if ((uint64_t)size == f->size && mtime == f->mtime) {
            done = 1;
        } else if ((uint64_t)size == f->size && hash) { /* touched: compare content */
            char h[33];
            done = file_hash(f->path, h) == 0 && strcmp(h, hash) == 0;
        }
    }
    free(ap);
    return done;
}

size_t dc_state_filter_inputs(dc_state *s, dc_input_list *files, size_t *unsettled)
{
    sqlite3_stmt *q;
    *unsettled = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT size, mtime, hash FROM files WHERE path = ?", -1, &q,
                           NULL) != SQLITE_OK)
        return 0;
    time_t now = time(NULL);
    size_t w = 0, skipped = 0;
    for (size_t i = 0; i < files->n; i++) {
        dc_input_file *f = &files->v[i];
        int drop = 0;
        if (strcmp(f->path, "-") != 0) {
            if (still_being_written(s, f, now)) {
                (*unsettled)++;
                drop = 1;
            } else if (already_done(s, q, f)) {
                skipped++;
                drop = 1;
            }
        }
        if (drop) {
            free(f->path);
            free(f->rel);
        } else {
            files->v[w++] = *f;
        }
    }
    files->n = w;
    sqlite3_finalize(q);
    return skipped;
}

static int record_run(dc_state *s, const dc_run_counts *c, const char *status, const char *error)
{
    sqlite3_stmt *st;
    char fin[32];
    utc_stamp(fin, sizeof fin, "%Y-%m-%dT%H:%M:%SZ");
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, s->run_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, s->run_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->started, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, fin, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)c->files);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)c->docs_in);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)c->kept);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)c->rejected);
    sqlite3_bind_int64(st, 10, (sqlite3_int64)c->duplicates);
    sqlite3_bind_double(st, 11, c->seconds);
    if (error) sqlite3_bind_text(st, 12, error, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, 12);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

static int record_files(dc_state *s, const dc_input_list *files)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?)", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < files->n && rc == 0; i++) {
        const dc_input_file *f = &files->v[i];
        if (!strcmp(f->path, "-")) continue;
        char h[33];
        char *ap = abs_path(f->path);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ap, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)f->size);
        sqlite3_bind_int64(st, 3, f->mtime);
        if (file_hash(f->path, h) == 0) sqlite3_bind_text(st, 4, h, -1, SQLITE_TRANSIENT);
        else sqlite3_bind_null(st, 4);
        sqlite3_bind_text(st, 5, s->run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, s->started, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        free(ap);
    }
    sqlite3_finalize(st);
    return rc;
}

static int record_outputs(dc_state *s, const char *const *outputs, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO outputs VALUES (?,?,?,0)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char *staged = dc_state_staging_path(s, outputs[i]);
        char final[PATH_MAX + 256];
        snprintf(final, sizeof final, "%s/%s", s->out_dir, outputs[i]);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, s->run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, staged, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, final, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        free(staged);
    }
    sqlite3_finalize(st);
    return rc;
}

int dc_state_commit(dc_state *s, const dc_input_list *files, const dc_run_counts *c,
                    const char *const *outputs, size_t noutputs, char *err, size_t errlen)
{
    crash_point("before-ledger-commit");
    if (exec_sql(s->db, "BEGIN IMMEDIATE", err, errlen) != 0) return -1;
    if (record_files(s, files) != 0 || record_run(s, c, "ok", NULL) != 0 ||
        record_outputs(s, outputs, noutputs) != 0) {
        snprintf(err, errlen, "ledger: %s", sqlite3_errmsg(s->db));
        exec_sql(s->db, "ROLLBACK", err + strlen(err), 0);
        return -1;
    }
    if (exec_sql(s->db, "COMMIT", err, errlen) != 0) return -1;
    crash_point("after-ledger-commit");
    /* Committed: publishing may be repeated by recovery if we die now. */
    for (size_t i = 0; i < noutputs; i++) {
        if (i == 1) crash_point("mid-publish");
        char *staged = dc_state_staging_path(s, outputs[i]);
        char final[PATH_MAX + 256];
        snprintf(final, sizeof final, "%s/%s", s->out_dir, outputs[i]);
        if (rename(staged, final) != 0) {
            snprintf(err, errlen, "rename %s -> %s: %s", staged, final, strerror(errno));
            free(staged);
            return -1;
        }
        free(staged);
    }
    fsync_dir(s->out_dir);
    return exec_sql(s->db, "UPDATE outputs SET published = 1 WHERE published = 0", err, errlen);
}

void dc_state_record_failure(dc_state *s, const dc_run_counts *c, const char *error)
{
    record_run(s, c, "failed", error);
}

int dc_state_print_status(const char *dir, int limit)
{
    char db[PATH_MAX + 32];
    snprintf(db, sizeof db, "%s/ledger.sqlite", dir);
    sqlite3 *h;
    if (access(db, R_OK) != 0 || sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "docclean: status: no ledger at %s\n", db);
        return DC_EXIT_USAGE;
    }
    sqlite3_busy_timeout(h, 5000);
    sqlite3_stmt *st;
    printf("%-26s %-7s %6s %8s %8s %8s %6s %8s\n", "run", "status", "files", "docs", "kept",
           "rejected", "dups", "seconds");
    if (sqlite3_prepare_v2(h,
                           "SELECT name, status, files, docs_in, kept, rejected, duplicates, seconds"
                           " FROM runs ORDER BY started DESC, rowid DESC LIMIT ?",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, limit);
        while (sqlite3_step(st) == SQLITE_ROW)
            printf("%-26s %-7s %6lld %8lld %8lld %8lld %6lld %8.1f\n", sqlite3_column_text(st, 0),
                   sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
                   sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
                   sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
                   sqlite3_column_double(st, 7));
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(h,
                           "SELECT name, finished, error FROM runs WHERE error IS NOT NULL"
                           " ORDER BY started DESC LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            printf("last error: run %s at %s: %s\n", sqlite3_column_text(st, 0),
                   sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
        else
            printf("last error: none\n");
        sqlite3_finalize(st);
    }
    if (sqlite3_prepare_v2(h, "SELECT count(*) FROM files", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            printf("files in ledger: %lld\n", sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return DC_EXIT_OK;
}
