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

#include "atomic.h"
#include "buf.h"
#include "core.h"

struct dc_state {
    char *dir;
    char *out_dir;
    char *staging_root; /* OUT/.staging/STATE_ID: this state's runs only */
    char *staging;      /* OUT/.staging/STATE_ID/NAME                    */
    char *dir_real, *out_real; /* resolved, to recognise our own files   */
    int lock_fd;
    sqlite3 *db;
    /* The ledger and lock files as opened: the commit checks that they are
     * still the ones in the state dir (not deleted or replaced). */
    struct stat db_st, lock_st;
    char state_id[17];
    char run_id[17];
    char run_tag[40]; /* STATE_ID/RUN_ID: names the run to plugins */
    char run_name[64];
    char started[32];
    int64_t settle;
};

static const char *const schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
    " hash TEXT, run_id TEXT, at TEXT);"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS runs(run_id TEXT PRIMARY KEY, name TEXT, started TEXT,"
    " finished TEXT, status TEXT, files INTEGER, docs_in INTEGER, kept INTEGER,"
    " rejected INTEGER, duplicates INTEGER, seconds REAL, error TEXT);"
    "CREATE TABLE IF NOT EXISTS outputs(run_id TEXT, staged TEXT, final TEXT,"
    " published INTEGER DEFAULT 0);";

/* Columns added later: what was read (see dc_read_fingerprint).  Ledgers
 * written before have NULL there and are compared by content. */
static const char *const added_columns[] = {
    "ALTER TABLE files ADD COLUMN mtime_ns INTEGER",
    "ALTER TABLE files ADD COLUMN dev INTEGER",
    "ALTER TABLE files ADD COLUMN ino INTEGER",
    "ALTER TABLE files ADD COLUMN lines INTEGER",
    "ALTER TABLE files ADD COLUMN resumable INTEGER",
    NULL,
};

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
        char who[512] = "";
        ssize_t n = pread(s->lock_fd, who, sizeof who - 1, 0);
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        snprintf(err, errlen, "another docclean run holds %s (%s); use --wait to wait for it", path,
                 who[0] ? who : "holder unknown");
        *locked = 1;
        close(s->lock_fd); /* not ours: never touch the holder's line */
        s->lock_fd = -1;
        return -1;
    }
    char line[512], host[256] = "?";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    int n = snprintf(line, sizeof line, "pid %d, host %s, started %s, run %s\n", (int)getpid(), host,
                     s->started, s->run_id);
    if (ftruncate(s->lock_fd, 0) == 0 && pwrite(s->lock_fd, line, (size_t)n, 0) < 0) {
        /* informational only */
    }
    if (fstat(s->lock_fd, &s->lock_st) != 0) memset(&s->lock_st, 0, sizeof s->lock_st);
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
        if (access(staged, F_OK) != 0 && access(final, F_OK) != 0)
            /* Committed, so its inputs will not be read again: say so
             * loudly (someone removed OUT/.staging or the output). */
            dc_log_core(DC_LOG_ERROR, "recovery: output %s of a committed run is missing (neither "
                        "staged at %s nor published)", final, staged);
        if (access(staged, F_OK) == 0 && dc_atomic_rename(staged, final) != 0) {
            snprintf(err, errlen, "recovery: rename %s -> %s: %s", staged, final, strerror(errno));
            sqlite3_finalize(st);
            return -1;
        }
        rolled++;
    }
    sqlite3_finalize(st);
    if (rolled) {
        dc_fsync_dir(s->out_dir);
        dc_log_core(DC_LOG_WARN, "recovered %d output file(s) of an interrupted run", rolled);
        if (exec_sql(s->db, "UPDATE outputs SET published = 1 WHERE published = 0", err, errlen))
            return -1;
    }
    /* Only this state's staging dir: another state may be writing beside
     * us into the same OUT (its runs have their own STATE_ID). */
    const char *staging_root = s->staging_root;
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

static void random_hex(char out[17])
{
    unsigned char r[8] = {0};
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, r, sizeof r) != (ssize_t)sizeof r) {
        uint64_t x = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        memcpy(r, &x, sizeof r);
    }
    if (fd >= 0) close(fd);
    for (int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static void make_run_id(dc_state *s)
{
    random_hex(s->run_id);
    char ts[32];
    utc_stamp(ts, sizeof ts, "%Y%m%dT%H%M%SZ");
    snprintf(s->run_name, sizeof s->run_name, "%s-%.8s", ts, s->run_id);
}

static int record_run(dc_state *s, const dc_run_counts *c, const char *status, const char *error);

/* The state's own id (created with the ledger): it names the state's
 * staging dir under OUT/.staging, so that states sharing an output dir
 * never touch each other's staged files. */
static int load_state_id(dc_state *s, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'state_id'", -1, &st, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "ledger: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    int found = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        snprintf(s->state_id, sizeof s->state_id, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    if (found) return 0;
    random_hex(s->state_id);
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO meta VALUES ('state_id', '%s')", s->state_id);
    return exec_sql(s->db, sql, err, errlen);
}

static int upgrade_schema(dc_state *s)
{
    for (size_t i = 0; added_columns[i]; i++) {
        char *msg = NULL;
        if (sqlite3_exec(s->db, added_columns[i], NULL, NULL, &msg) != SQLITE_OK &&
            (!msg || !strstr(msg, "duplicate column"))) {
            sqlite3_free(msg);
            return -1;
        }
        sqlite3_free(msg);
    }
    return 0;
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
    if (mkdir_parents(s->dir) != 0) {
        snprintf(err, errlen, "cannot create the state dir %s: %s", s->dir, strerror(errno));
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
    if (upgrade_schema(s) != 0) {
        snprintf(err, errlen, "ledger %s: %s", db, sqlite3_errmsg(s->db));
        goto fail;
    }
    if (load_state_id(s, err, errlen) != 0) goto fail;
    snprintf(s->run_tag, sizeof s->run_tag, "%s/%s", s->state_id, s->run_id);
    /* From here on the ledger can say why a run failed (`status`). */
    if (mkdir_parents(s->out_dir) != 0) {
        snprintf(err, errlen, "cannot create the output dir %s: %s", s->out_dir, strerror(errno));
        goto fail_recorded;
    }
    if (stat(db, &s->db_st) != 0) {
        snprintf(err, errlen, "%s: %s", db, strerror(errno));
        goto fail;
    }
    char root[PATH_MAX + 64];
    snprintf(root, sizeof root, "%s/.staging/%s", s->out_dir, s->state_id);
    s->staging_root = dc_xstrdup(root);
    if (recover(s, err, errlen) != 0) goto fail_recorded;
    char staging[PATH_MAX + 128];
    snprintf(staging, sizeof staging, "%s/%s", s->staging_root, s->run_name);
    s->staging = dc_xstrdup(staging);
    if (mkdir_parents(s->staging) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", s->staging, strerror(errno));
        goto fail_recorded;
    }
    char rp[PATH_MAX];
    s->dir_real = dc_xstrdup(realpath(s->dir, rp) ? rp : s->dir);
    s->out_real = dc_xstrdup(realpath(s->out_dir, rp) ? rp : s->out_dir);
    return s;
fail_recorded: {
    dc_run_counts none;
    memset(&none, 0, sizeof none);
    record_run(s, &none, "failed", err);
}
fail:
    dc_state_close(s);
    return NULL;
}

void dc_state_close(dc_state *s)
{
    if (!s) return;
    if (s->staging) rmdir(s->staging); /* only if empty: a failed run's files are removed */
    if (s->staging_root) rmdir(s->staging_root);
    if (s->db) sqlite3_close(s->db);
    if (s->lock_fd >= 0) {
        /* No run holds the lock any more: `status` must not name us. */
        if (ftruncate(s->lock_fd, 0) != 0) { /* informational only */
        }
        close(s->lock_fd); /* releases the flock */
    }
    free(s->staging_root);
    free(s->dir_real);
    free(s->out_real);
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

const char *dc_state_run_tag(const dc_state *s)
{
    return s->run_tag;
}

/* A run is committed when the ledger has it with status "ok": that row is
 * written in the commit transaction (record_run in dc_state_commit), and a
 * committed run stays "ok" whatever fails afterwards.  A run killed before
 * its COMMIT has no row; one that failed before it is "failed". */
int dc_state_run_committed(dc_state *s, const char *tag)
{
    size_t n = strlen(s->state_id);
    if (!tag || strncmp(tag, s->state_id, n) != 0 || tag[n] != '/') return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM runs WHERE run_id = ? AND status = 'ok'", -1,
                           &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, tag + n + 1, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) > 0 : -1;
    sqlite3_finalize(st);
    return rc;
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

/* 1 if the ledger already has this exact file: the same inode, size and
 * modification time (ns) as the bytes recorded, or else the same size and
 * content hash (touched, copied or replaced by identical bytes). */
static int already_done(dc_state *s, sqlite3_stmt *q, dc_input_file *f)
{
    struct stat now;
    if (stat(f->path, &now) != 0) return 0; /* the reader will say why */
    char *ap = abs_path(f->path);
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, ap, -1, SQLITE_TRANSIENT);
    int done = 0;
    if (sqlite3_step(q) == SQLITE_ROW) {
        int64_t size = sqlite3_column_int64(q, 0);
        const char *hash = (const char *)sqlite3_column_text(q, 1);
        int exact = sqlite3_column_type(q, 2) != SQLITE_NULL;
        int64_t mtime_ns = sqlite3_column_int64(q, 2);
        uint64_t dev = (uint64_t)sqlite3_column_int64(q, 3), ino = (uint64_t)sqlite3_column_int64(q, 4);
        int64_t now_ns = (int64_t)now.st_mtim.tv_sec * 1000000000 + now.st_mtim.tv_nsec;
        if (size < (int64_t)now.st_size && hash && sqlite3_column_int64(q, 6)) {
            /* Grown JSONL (a log appended to): continue where the last read
             * ended, if the reader finds the same first `size` bytes. */
            f->resume_offset = (uint64_t)size;
            f->resume_line = (uint64_t)sqlite3_column_int64(q, 5);
            snprintf(f->resume_hash, sizeof f->resume_hash, "%s", hash);
        } else if (size != (int64_t)now.st_size) {
            done = 0;
        } else if (exact && mtime_ns == now_ns && dev == (uint64_t)now.st_dev &&
                   ino == (uint64_t)now.st_ino) {
            done = 1;
        } else if (hash) {
            char h[33];
            done = file_hash(f->path, h) == 0 && strcmp(h, hash) == 0;
        }
    }
    (void)s;
    free(ap);
    return done;
}

/* 1 if `path` (resolved) is `dir` or below it. */
static int is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0' || (n == 1 && *dir == '/'));
}

/* docclean's own files: the state dir (ledger, lock, a dedup index kept
 * there), and in OUT the staging dirs, the published run outputs
 * (RUNNAME.jsonl.zst, .txt.zst, .rejects.jsonl.zst, .stats.json) and
 * writers' temporaries (.NAME.tmp.PID).  An input dir holding OUT or the
 * state dir would otherwise feed every run its own previous outputs. */
static int own_file(const dc_state *s, const char *real)
{
    if (is_under(real, s->dir_real)) return 1;
    if (!is_under(real, s->out_real)) return 0;
    const char *rel = real + strlen(s->out_real);
    while (*rel == '/') rel++;
    if (!strncmp(rel, ".staging/", 9)) return 1;
    if (strchr(rel, '/')) return 0; /* a subdirectory of OUT: not ours */
    static const char *const patterns[] = {
        "[0-9]*T[0-9]*Z-[0-9a-f]*.jsonl.zst", "[0-9]*T[0-9]*Z-[0-9a-f]*.txt.zst",
        "[0-9]*T[0-9]*Z-[0-9a-f]*.stats.json", ".*.tmp.[0-9]*", NULL};
    for (size_t i = 0; patterns[i]; i++)
        if (fnmatch(patterns[i], rel, 0) == 0) return 1;
    return 0;
}

size_t dc_state_filter_inputs(dc_state *s, dc_input_list *files, size_t *unsettled)
{
    sqlite3_stmt *q;
    *unsettled = 0;
    /* Without the ledger every file would look new and be published again:
     * that is a failure, not "0 already processed". */
    if (sqlite3_prepare_v2(s->db,
                           "SELECT size, hash, mtime_ns, dev, ino, lines, resumable FROM files"
                           " WHERE path = ?",
                           -1, &q, NULL) != SQLITE_OK) {
        dc_log_core(DC_LOG_ERROR, "ledger: %s", sqlite3_errmsg(s->db));
        return (size_t)-1;
    }
    time_t now = time(NULL);
    size_t w = 0, skipped = 0, own = 0;
    for (size_t i = 0; i < files->n; i++) {
        dc_input_file *f = &files->v[i];
        int drop = 0;
        if (strcmp(f->path, "-") != 0) {
            char *ap = abs_path(f->path);
            if (own_file(s, ap)) {
                if (own++ < 5)
                    dc_log_core(DC_LOG_INFO, "skipping %s: docclean's own output or state", f->path);
                drop = 1;
            } else if (still_being_written(s, f, now)) {
                (*unsettled)++;
                drop = 1;
            } else if (already_done(s, q, f)) {
                skipped++;
                drop = 1;
            }
            free(ap);
        }
        if (drop) {
            free(f->path);
            free(f->rel);
        } else {
            files->v[w++] = *f;
        }
    }
    if (own)
        dc_log_core(DC_LOG_WARN, "skipped %zu file(s) inside the inputs that are docclean's own "
                    "outputs or state (%s, %s)", own, s->out_dir, s->dir);
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

/* Only files read whole and unchanged (fps[i].complete, !changed) enter
 * the ledger, with what was read: a file that could not be opened or read
 * is taken again by the next run. */
static int record_files(dc_state *s, const dc_input_list *files, const dc_read_fingerprint *fps)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT OR REPLACE INTO files(path, size, mtime, hash, run_id, at, mtime_ns,"
                           " dev, ino, lines, resumable) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < files->n && rc == 0; i++) {
        const dc_input_file *f = &files->v[i];
        const dc_read_fingerprint *fp = &fps[i];
        if (!strcmp(f->path, "-") || !fp->complete || fp->changed) continue;
        char *ap = abs_path(f->path);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, ap, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)fp->size);
        sqlite3_bind_int64(st, 3, fp->mtime_ns / 1000000000);
        sqlite3_bind_text(st, 4, fp->hash, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, s->run_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, s->started, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, fp->mtime_ns);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)fp->dev);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)fp->ino);
        sqlite3_bind_int64(st, 10, (sqlite3_int64)fp->lines);
        sqlite3_bind_int(st, 11, fp->resumable);
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

/* The ledger and the lock are still the files we opened.  Someone who
 * deletes the state dir's contents during a run would otherwise get a
 * commit into an unlinked database (exit 0) and a next run that
 * publishes everything again. */
static int state_intact(dc_state *s, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    struct stat now;
    snprintf(path, sizeof path, "%s/ledger.sqlite", s->dir);
    if (stat(path, &now) != 0 || now.st_dev != s->db_st.st_dev || now.st_ino != s->db_st.st_ino) {
        snprintf(err, errlen, "the ledger %s was deleted or replaced during the run; nothing "
                 "of this run is published (restore it, or start over with an empty state dir)",
                 path);
        return -1;
    }
    snprintf(path, sizeof path, "%s/lock", s->dir);
    if (stat(path, &now) != 0 || now.st_dev != s->lock_st.st_dev || now.st_ino != s->lock_st.st_ino) {
        snprintf(err, errlen, "the lock file %s was deleted or replaced during the run: another run "
                 "may be running on this state; nothing of this run is published", path);
        return -1;
    }
    return 0;
}

int dc_state_commit(dc_state *s, const dc_input_list *files, const dc_read_fingerprint *fps,
                    const dc_run_counts *c, const char *const *outputs, size_t noutputs, char *err,
                    size_t errlen)
{
    crash_point("before-ledger-commit");
    if (state_intact(s, err, errlen) != 0) return -1;
    if (exec_sql(s->db, "BEGIN IMMEDIATE", err, errlen) != 0) return -1;
    /* Checked again inside the transaction: the window left is the COMMIT. */
    if (state_intact(s, err, errlen) != 0) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (record_files(s, files, fps) != 0 || record_run(s, c, "ok", NULL) != 0 ||
        record_outputs(s, outputs, noutputs) != 0) {
        snprintf(err, errlen, "ledger: %s", sqlite3_errmsg(s->db));
        exec_sql(s->db, "ROLLBACK", err + strlen(err), 0);
        return -1;
    }
    if (exec_sql(s->db, "COMMIT", err, errlen) != 0) {
        /* A failed COMMIT may leave the transaction open: end it, so that
         * nobody (dc_state_run_committed) reads this run's row as committed. */
        if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    crash_point("after-ledger-commit");
    /* Committed: publishing may be repeated by recovery if we die now. */
    for (size_t i = 0; i < noutputs; i++) {
        if (i == 1) crash_point("mid-publish");
        char *staged = dc_state_staging_path(s, outputs[i]);
        char final[PATH_MAX + 256];
        snprintf(final, sizeof final, "%s/%s", s->out_dir, outputs[i]);
        if (dc_atomic_rename(staged, final) != 0) {
            snprintf(err, errlen, "rename %s -> %s: %s (the run is committed: the next run "
                     "publishes its outputs)", staged, final, strerror(errno));
            free(staged);
            record_run(s, c, "ok", err);
            return 1;
        }
        free(staged);
    }
    dc_fsync_dir(s->out_dir);
    return exec_sql(s->db, "UPDATE outputs SET published = 1 WHERE published = 0", err, errlen) ? 1 : 0;
}

void dc_state_record_failure(dc_state *s, const dc_run_counts *c, const char *error)
{
    record_run(s, c, "failed", error);
}

void dc_state_record_late_error(dc_state *s, const dc_run_counts *c, const char *error)
{
    record_run(s, c, "ok", error);
}

/* The lock file names its holder (pid, host, start, run) while a run holds
 * it and is emptied when the run ends; a line left by a killed run names a
 * process that no longer exists. */
static void print_lock_holder(const char *dir)
{
    char path[PATH_MAX + 16], who[512] = "";
    snprintf(path, sizeof path, "%s/lock", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, who, sizeof who - 1);
        who[n > 0 ? n : 0] = '\0';
        who[strcspn(who, "\n")] = '\0';
        close(fd);
    }
    if (!who[0]) {
        printf("run in progress: none\n");
        return;
    }
    int pid = 0;
    char host[256] = "", me[256] = "";
    sscanf(who, "pid %d, host %255[^,]", &pid, host);
    gethostname(me, sizeof me - 1);
    if (pid > 0 && host[0] && strcmp(host, me) == 0 && kill(pid, 0) != 0 && errno == ESRCH)
        printf("run in progress: none (the last holder of %s, %s, ended without releasing it: "
               "killed)\n", path, who);
    else
        printf("run in progress: %s (holds %s)\n", who, path);
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
                           " ORDER BY started DESC, rowid DESC LIMIT 1",
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
    print_lock_holder(dir);
    sqlite3_close(h);
    return DC_EXIT_OK;
}
