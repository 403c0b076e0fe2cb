/*
 * index.c - the LMDB dedup index (see index.h for the layout).
 *
 * Why LMDB rather than SQLite: lookups and inserts here are tiny fixed-size
 * key/value operations in one long write transaction; LMDB does them as
 * B+tree operations on a memory map with no SQL layer, and DUPFIXED items
 * pack band entries at 6 bytes each (see docs/plugins/dedup.md for the
 * benchmark that decided it).
 */
/* Error messages are bounded buffers; a truncated path in a message is fine. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"

#define DX_FORMAT "docclean-dedup-index 1"

struct dx_index {
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta, exact, bands, docs, sources, runs, lines, texts, undo;
    const char *tag;   /* two-phase: the run's ledger tag, or NULL */
    uint64_t undo_seq; /* next undo record */
    char dir[PATH_MAX];
    size_t mapsize;    /* bytes of address space the map may use */
    uint64_t aslimit;  /* RLIMIT_AS that bounded mapsize, or 0 */
    int temp;          /* remove dir on close */
    int lockfd;
    int k;             /* signature bytes per document */
    uint32_t run, next_doc, next_source, run_docs;
    char *last_source; /* source of the previous document, and its number */
    uint32_t last_source_num;
    char err[512];
    uint8_t *recbuf;
    size_t reccap;
};

/* ---- the undo log of a prepared run ----
 * A two-phase run (dx_open with a tag) records, for every write of the
 * run, how to take it back: "delete key", "put the old value back" or
 * "delete this duplicate item".  Records are numbered; undoing applies them
 * newest first, which restores the index exactly as the last committed run
 * left it.  The log lives in the same LMDB transaction as the writes, so
 * it is durable exactly when they are. */
enum { UNDO_DEL = 0, UNDO_PUT = 1, UNDO_DELDUP = 2 };

static MDB_dbi *table_of(dx_index *x, unsigned t)
{
    MDB_dbi *v[] = {&x->meta, &x->exact, &x->bands, &x->docs, &x->sources, &x->runs, &x->lines, &x->texts};
    return t < sizeof v / sizeof *v ? v[t] : NULL;
}

static unsigned table_id(dx_index *x, MDB_dbi dbi)
{
    for (unsigned t = 0;; t++)
        if (*table_of(x, t) == dbi) return t;
}

static int fail(dx_index *x, int rc, const char *what);

/* Record how to undo a write to (dbi, key): op, and the old value (UNDO_PUT)
 * or the duplicate item (UNDO_DELDUP) in val. */
static int undo_note(dx_index *x, MDB_dbi dbi, int op, const MDB_val *key, const MDB_val *val)
{
    if (!x->tag) return 0;
    size_t vlen = val ? val->mv_size : 0, need = 4 + key->mv_size + vlen;
    unsigned char *rec = malloc(need);
    if (!rec) abort();
    rec[0] = (unsigned char)table_id(x, dbi);
    rec[1] = (unsigned char)op;
    rec[2] = (unsigned char)(key->mv_size >> 8), rec[3] = (unsigned char)key->mv_size;
    memcpy(rec + 4, key->mv_data, key->mv_size);
    if (vlen) memcpy(rec + 4 + key->mv_size, val->mv_data, vlen);
    uint64_t seq = x->undo_seq++;
    MDB_val k = {8, &seq}, d = {need, rec};
    int rc = mdb_put(x->txn, x->undo, &k, &d, MDB_APPEND);
    free(rec);
    return rc ? fail(x, rc, "write undo") : 0;
}

/* Note the old value of key (or its absence) before overwriting it. */
static int undo_old(dx_index *x, MDB_dbi dbi, const MDB_val *key)
{
    if (!x->tag) return 0;
    MDB_val old;
    int rc = mdb_get(x->txn, dbi, (MDB_val *)key, &old);
    if (rc == MDB_NOTFOUND) return undo_note(x, dbi, UNDO_DEL, key, NULL);
    if (rc) return fail(x, rc, "read for undo");
    /* old points into the map: copy before the next write moves pages */
    void *copy = malloc(old.mv_size ? old.mv_size : 1);
    if (!copy) abort();
    memcpy(copy, old.mv_data, old.mv_size);
    MDB_val v = {old.mv_size, copy};
    int r = undo_note(x, dbi, UNDO_PUT, key, &v);
    free(copy);
    return r;
}

/* Take back every write the pending run made, newest first. */
static int undo_apply(dx_index *x)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(x->txn, x->undo, &c);
    if (rc) return fail(x, rc, "undo cursor");
    MDB_val k, d;
    for (rc = mdb_cursor_get(c, &k, &d, MDB_LAST); rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_PREV)) {
        /* a copy: values read are valid only until the next write */
        unsigned char *r = malloc(d.mv_size ? d.mv_size : 1);
        if (!r) abort();
        memcpy(r, d.mv_data, d.mv_size);
        size_t klen = d.mv_size >= 4 ? (size_t)r[2] << 8 | r[3] : 0;
        MDB_dbi *dbi = d.mv_size >= 4 ? table_of(x, r[0]) : NULL;
        if (!dbi || 4 + klen > d.mv_size) {
            free(r);
            rc = MDB_CORRUPTED;
            break;
        }
        MDB_val key = {klen, r + 4}, val = {d.mv_size - 4 - klen, r + 4 + klen};
        int w = r[1] == UNDO_PUT ? mdb_put(x->txn, *dbi, &key, &val, 0)
                : mdb_del(x->txn, *dbi, &key, r[1] == UNDO_DELDUP ? &val : NULL);
        free(r);
        if (w && w != MDB_NOTFOUND) {
            rc = w;
            break;
        }
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? 0 : fail(x, rc, "undo");
}

static int fail(dx_index *x, int rc, const char *what)
{
    if (x->err[0]) return -1;
    if (rc == MDB_MAP_FULL && x->aslimit)
        snprintf(x->err, sizeof x->err,
                 "index %s is full: its map may use %zu MiB of address space, half of what the address-space "
                 "limit (ulimit -v, %llu MiB) left at start; raise the limit and rerun (nothing of this run "
                 "was committed)",
                 x->dir, x->mapsize >> 20, (unsigned long long)(x->aslimit >> 20));
    else if (rc == MDB_MAP_FULL)
        snprintf(x->err, sizeof x->err, "index %s is full: its map of %zu MiB is used up (nothing of this run "
                 "was committed)", x->dir, x->mapsize >> 20);
    else
        snprintf(x->err, sizeof x->err, "index %s: %s: %s", x->dir, what, mdb_strerror(rc));
    return -1;
}

const char *dx_error(const dx_index *x) { return x->err[0] ? x->err : NULL; }
uint32_t dx_run(const dx_index *x) { return x->run; }
uint32_t dx_next_doc(const dx_index *x) { return x->next_doc; }
int dx_persistent(const dx_index *x) { return !x->temp; }

static int meta_get_u32(dx_index *x, const char *key, uint32_t *v)
{
    MDB_val k = {strlen(key), (void *)key}, d;
    int rc = mdb_get(x->txn, x->meta, &k, &d);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return fail(x, rc, "read meta");
    if (d.mv_size != 4) return fail(x, MDB_CORRUPTED, "meta value size");
    memcpy(v, d.mv_data, 4);
    return 1;
}

static int meta_put(dx_index *x, const char *key, const void *val, size_t len)
{
    MDB_val k = {strlen(key), (void *)key}, d = {len, (void *)val};
    if (undo_old(x, x->meta, &k)) return -1;
    int rc = mdb_put(x->txn, x->meta, &k, &d, 0);
    return rc ? fail(x, rc, "write meta") : 0;
}

/* Same settings as the index was built with, or a fresh index. */
static int check_params(dx_index *x, const char *params, char *err, size_t errlen)
{
    MDB_val k = {6, "params"}, d;
    int rc = mdb_get(x->txn, x->meta, &k, &d);
    if (rc == MDB_NOTFOUND) {
        if (meta_put(x, "format", DX_FORMAT, strlen(DX_FORMAT)) ||
            meta_put(x, "params", params, strlen(params))) {
            snprintf(err, errlen, "%s", x->err);
            return -1;
        }
        return 0;
    }
    if (rc) {
        snprintf(err, errlen, "index %s: %s", x->dir, mdb_strerror(rc));
        return -1;
    }
    if (d.mv_size != strlen(params) || memcmp(d.mv_data, params, d.mv_size) != 0) {
        snprintf(err, errlen,
                 "index %s was built with different settings (%.*s); this config has (%s): "
                 "use a new index path or the old settings",
                 x->dir, (int)d.mv_size, (const char *)d.mv_data, params);
        return -1;
    }
    return 0;
}

/* Lock the index for this process; 0, or DX_FAIL_* with a message.  The
 * file holds the holder's pid while it is held (emptied at close), so that
 * a refusal can name the process in the way. */
static int take_lock(dx_index *x, char *err, size_t errlen)
{
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/docclean.lock", x->dir);
    x->lockfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (x->lockfd < 0) {
        snprintf(err, errlen, "cannot open lock file %s: %s", p, strerror(errno));
        return DX_FAIL_RUNTIME;
    }
    if (flock(x->lockfd, LOCK_EX | LOCK_NB) != 0) {
        char pid[32] = "";
        ssize_t n = pread(x->lockfd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = 0;
        pid[strcspn(pid, "\n")] = 0;
        char who[64] = "another process";
        if (pid[0]) snprintf(who, sizeof who, "another docclean process (pid %s)", pid);
        snprintf(err, errlen,
                 "index %s is busy: it is in use by %s; only one run at a time may use a dedup index: "
                 "retry when that run has finished",
                 x->dir, who);
        return DX_FAIL_LOCKED;
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(x->lockfd, 0) != 0 || pwrite(x->lockfd, pid, (size_t)n, 0) != n) {
        /* the pid is only for the refusal message: not fatal */
    }
    return 0;
}

static int open_dbs(dx_index *x)
{
    struct { const char *name; unsigned flags; MDB_dbi *dbi; } t[] = {
        {"meta", 0, &x->meta},
        {"exact", 0, &x->exact},
        {"bands", MDB_INTEGERKEY | MDB_DUPSORT | MDB_DUPFIXED, &x->bands},
        {"docs", MDB_INTEGERKEY, &x->docs},
        {"sources", MDB_INTEGERKEY, &x->sources},
        {"runs", MDB_INTEGERKEY, &x->runs},
        {"lines", MDB_INTEGERKEY, &x->lines},
        {"texts", 0, &x->texts},
        {"undo", MDB_INTEGERKEY, &x->undo},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int rc = mdb_dbi_open(x->txn, t[i].name, t[i].flags | MDB_CREATE, t[i].dbi);
        if (rc) return fail(x, rc, t[i].name);
    }
    return 0;
}

/* Address space this process maps now (VmSize), 0 if unknown. */
static uint64_t vm_size_now(void)
{
    unsigned long long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%llu", &pages) != 1) pages = 0;
    fclose(f);
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* How much address space the map may take.  LMDB maps the whole mapsize up
 * front, and a run's writes are one transaction, which cannot grow the map
 * halfway (mdb_env_set_mapsize needs no transaction open, and aborting
 * would lose the run).  So the size is chosen at open: 256 GiB, sparse,
 * when the address space is not limited; under `ulimit -v`, half of what
 * the limit leaves beyond RUN_RESERVE (the other half is for the run's
 * buffers, and for the second map of keep = longest, which takes half of
 * what is left then).  RUN_RESERVE is for thread stacks and malloc arenas:
 * a run squeezed below that fails in thread creation, not here.  An index
 * that does not fit is refused here with a message instead of failing
 * inside mmap or in the middle of the run. */
#define RUN_RESERVE ((uint64_t)256 << 20)
static int choose_mapsize(dx_index *x, char *err, size_t errlen)
{
    const uint64_t want = (uint64_t)1 << 38;
    struct rlimit rl;
    x->mapsize = (size_t)want;
    /* Tests: a map of this many MiB, to fill it up on purpose. */
    const char *test_mib = getenv("DOCCLEAN_TEST_DEDUP_MAP_MIB");
    if (test_mib && !x->temp) {
        x->mapsize = (size_t)strtoull(test_mib, NULL, 10) << 20;
        return 0;
    }
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 0;
    uint64_t used = vm_size_now(), limit = (uint64_t)rl.rlim_cur;
    uint64_t left = limit > used ? limit - used : 0;
    uint64_t size = left > RUN_RESERVE ? ((left - RUN_RESERVE) / 2) & ~(((uint64_t)1 << 20) - 1) : 0; /* whole MiB */
    if (size >= want) return 0;
    char p[PATH_MAX + 16];
    struct stat st;
    snprintf(p, sizeof p, "%s/data.mdb", x->dir);
    uint64_t have = !x->temp && stat(p, &st) == 0 ? (uint64_t)st.st_size : 0;
    uint64_t need = have + ((uint64_t)16 << 20); /* room for this run to write */
    if (size < need) {
        char has[64] = "";
        if (have) snprintf(has, sizeof has, " (data.mdb has %llu MiB)", (unsigned long long)(have >> 20));
        snprintf(err, errlen,
                 "cannot map index %s: its map needs %llu MiB of address space%s and the run keeps %llu MiB "
                 "for itself, but the address-space limit (ulimit -v, %llu MiB) leaves %llu MiB: raise it to at "
                 "least %llu MiB",
                 x->dir, (unsigned long long)(need >> 20), has, (unsigned long long)(RUN_RESERVE >> 20),
                 (unsigned long long)(limit >> 20), (unsigned long long)(left >> 20),
                 (unsigned long long)((limit - left + RUN_RESERVE + 2 * need) >> 20));
        return -1;
    }
    x->mapsize = (size_t)size;
    x->aslimit = limit;
    return 0;
}

static void remove_temp_dir(const char *dir)
{
    const char *files[] = {"data.mdb", "lock.mdb"};
    char p[PATH_MAX + 16];
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* An index left by a two-phase run holds meta "pending" = its ledger tag
 * and the run's undo log.  Ask the ledger: committed -> keep the run's
 * entries (drop the log); not committed -> undo them.  Either way in one
 * transaction, committed here, so a crash during it changes nothing.  An
 * index nobody can resolve (no ledger, another state's tag) is refused:
 * guessing either way could publish a document twice or drop one.
 * 0, or -1 with a message; x->txn is NULL after a resolution. */
static int resolve_pending(dx_index *x, const dx_ledger *lg, int quiet, char *err, size_t errlen)
{
    MDB_val k = {7, "pending"}, d;
    int rc = mdb_get(x->txn, x->meta, &k, &d);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) {
        snprintf(err, errlen, "index %s: read meta: %s", x->dir, mdb_strerror(rc));
        return -1;
    }
    char tag[128];
    snprintf(tag, sizeof tag, "%.*s", (int)(d.mv_size < sizeof tag ? d.mv_size : sizeof tag - 1),
             (const char *)d.mv_data);
    int committed = lg && lg->committed ? lg->committed(tag) : -1;
    if (committed < 0) {
        snprintf(err, errlen,
                 "index %s holds run %s prepared (written before its ledger commit): only a run with the "
                 "--state dir of that run can tell whether it committed; run docclean with that --state",
                 x->dir, tag);
        return -1;
    }
    const char *own = x->tag;
    x->tag = NULL; /* resolving is not undone */
    if (!committed && undo_apply(x)) rc = -1;
    if (!rc && (rc = mdb_drop(x->txn, x->undo, 0)) != 0) fail(x, rc, "drop undo");
    if (!rc && (rc = mdb_del(x->txn, x->meta, &k, NULL)) == MDB_NOTFOUND) rc = 0;
    else if (rc > 0) fail(x, rc, "meta");
    x->tag = own;
    if (!rc) {
        rc = mdb_txn_commit(x->txn);
        x->txn = NULL;
        if (rc) fail(x, rc, "commit");
    }
    if (rc) {
        snprintf(err, errlen, "%s", x->err);
        return -1;
    }
    if (!quiet && lg && lg->log) lg->log(lg->ctx, committed ? "index %s: run %s had committed: its entries are kept"
                                                  : "index %s: run %s never committed: its entries were undone",
                               x->dir, tag);
    return 0;
}

int dx_settle(dx_index *x, const dx_ledger *lg, char *err, size_t errlen)
{
    if (x->txn || x->temp) return 0; /* not committed: dx_close rolls back */
    int rc = mdb_txn_begin(x->env, NULL, 0, &x->txn);
    if (rc) {
        x->txn = NULL;
        snprintf(err, errlen, "index %s: %s", x->dir, mdb_strerror(rc));
        return -1;
    }
    rc = resolve_pending(x, lg, 1, err, errlen); /* the normal end of a run: no news */
    if (x->txn) mdb_txn_abort(x->txn);
    x->txn = NULL;
    return rc;
}

dx_index *dx_open(const char *path, const char *tmpdir, const char *params, int k, const dx_ledger *lg,
                  char *err, size_t errlen, int *kind)
{
    dx_index *x = calloc(1, sizeof *x);
    if (!x) abort();
    *kind = DX_FAIL_RUNTIME;
    x->lockfd = -1;
    x->k = k;
    if (path) {
        snprintf(x->dir, sizeof x->dir, "%s", path);
        /* create missing parents too: the index usually lives in a state
         * directory that the first run creates */
        for (char *p = x->dir + 1; *p; p++)
            if (*p == '/') {
                *p = '\0';
                if (mkdir(x->dir, 0755) != 0 && errno != EEXIST) {
                    *p = '/';
                    break;
                }
                *p = '/';
            }
        if (mkdir(x->dir, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create index directory %s: %s", x->dir, strerror(errno));
            goto bad;
        }
        int lk = take_lock(x, err, errlen);
        if (lk) {
            *kind = lk;
            goto bad;
        }
    } else {
        const char *t = tmpdir ? tmpdir : getenv("TMPDIR");
        snprintf(x->dir, sizeof x->dir, "%s/docclean-dedup.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(x->dir)) {
            snprintf(err, errlen, "cannot create temporary index in %s: %s", x->dir, strerror(errno));
            x->dir[0] = 0;
            goto bad;
        }
        x->temp = 1;
    }
    if (choose_mapsize(x, err, errlen)) goto bad;
    int rc = mdb_env_create(&x->env);
    if (!rc) rc = mdb_env_set_maxdbs(x->env, 16);
    if (!rc) rc = mdb_env_set_mapsize(x->env, x->mapsize);
    /* NOLOCK: our flock already guarantees a single process.  A temporary
     * index is never committed, so it need not be synced either. */
    unsigned flags = MDB_NOLOCK | (x->temp ? MDB_NOSYNC | MDB_NOMETASYNC : 0);
    if (!rc) rc = mdb_env_open(x->env, x->dir, flags, 0644);
    /* A temporary index needs no name once mapped: unlink it now so that
     * a run killed with SIGKILL leaves nothing behind in tmp_dir. */
    if (!rc && x->temp) remove_temp_dir(x->dir);
    if (!rc) rc = mdb_txn_begin(x->env, NULL, 0, &x->txn);
    if (rc == ENOMEM) {
        snprintf(err, errlen, "cannot map index %s (%zu MiB of address space): %s", x->dir,
                 x->mapsize >> 20, mdb_strerror(rc));
        goto bad;
    }
    if (rc) {
        snprintf(err, errlen, "cannot open index %s: %s", x->dir, mdb_strerror(rc));
        goto bad;
    }
    if (open_dbs(x)) {
        snprintf(err, errlen, "%s", x->err);
        goto bad;
    }
    if (!x->temp && resolve_pending(x, lg, 0, err, errlen)) goto bad;
    if (!x->txn && (rc = mdb_txn_begin(x->env, NULL, 0, &x->txn)) != 0) {
        x->txn = NULL;
        snprintf(err, errlen, "cannot open index %s: %s", x->dir, mdb_strerror(rc));
        goto bad;
    }
    /* Two-phase from here: every write of this run gets an undo record. */
    if (!x->temp && lg) x->tag = lg->tag;
    if (check_params(x, params, err, errlen)) {
        if (x->err[0]) snprintf(err, errlen, "%s", x->err);
        else *kind = DX_FAIL_CONFIG; /* settings differ from the index's */
        goto bad;
    }
    uint32_t run = 0;
    if (meta_get_u32(x, "next_doc", &x->next_doc) < 0 || meta_get_u32(x, "next_source", &x->next_source) < 0 ||
        meta_get_u32(x, "next_run", &run) < 0) {
        snprintf(err, errlen, "%s", x->err);
        goto bad;
    }
    x->run = run ? run : 1;
    return x;
bad:
    dx_close(x);
    return NULL;
}

int dx_commit(dx_index *x, char *err, size_t errlen)
{
    if (!x->txn) {
        snprintf(err, errlen, "index %s: already committed", x->dir);
        return -1;
    }
    if (x->err[0]) {
        snprintf(err, errlen, "%s", x->err);
        return -1;
    }
    uint32_t next_run = x->run + 1;
    char rec[64];
    int n = snprintf(rec, sizeof rec, "%lld %u", (long long)time(NULL), x->run_docs);
    MDB_val rk = {4, &x->run}, rd = {(size_t)n, rec};
    int rc = undo_old(x, x->runs, &rk) ? -1 : mdb_put(x->txn, x->runs, &rk, &rd, 0);
    if (rc > 0) fail(x, rc, "write run");
    /* two-phase: the run is prepared, not final, until its ledger says so */
    if (!rc && x->tag && meta_put(x, "pending", x->tag, strlen(x->tag))) rc = -1;
    if (!rc && (meta_put(x, "next_doc", &x->next_doc, 4) || meta_put(x, "next_source", &x->next_source, 4) ||
                meta_put(x, "next_run", &next_run, 4)))
        rc = -1;
    if (!rc) {
        rc = mdb_txn_commit(x->txn); /* frees the txn either way */
        x->txn = NULL;
        if (rc) fail(x, rc, "commit");
    }
    if (rc) {
        snprintf(err, errlen, "%s", x->err);
        return -1;
    }
    return 0;
}

void dx_close(dx_index *x)
{
    if (!x) return;
    if (x->txn) mdb_txn_abort(x->txn);
    if (x->env) mdb_env_close(x->env);
    if (x->temp && x->dir[0]) remove_temp_dir(x->dir);
    if (x->lockfd >= 0) {
        /* forget our pid before releasing, so a later refusal does not
         * name a process that has long exited */
        if (ftruncate(x->lockfd, 0) != 0) { /* only the refusal message suffers */ }
        close(x->lockfd); /* releases the flock */
    }
    free(x->last_source);
    free(x->recbuf);
    free(x);
}

int dx_exact_get(dx_index *x, const uint8_t h[16], uint32_t *doc)
{
    MDB_val k = {16, (void *)h}, d;
    int rc = mdb_get(x->txn, x->exact, &k, &d);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return fail(x, rc, "read exact");
    memcpy(doc, d.mv_data, 4);
    return 1;
}

int dx_exact_put(dx_index *x, const uint8_t h[16], uint32_t doc)
{
    MDB_val k = {16, (void *)h}, d = {4, &doc};
    int rc = mdb_put(x->txn, x->exact, &k, &d, MDB_NOOVERWRITE);
    if (rc == 0) return undo_note(x, x->exact, UNDO_DEL, &k, NULL);
    return rc != MDB_KEYEXIST ? fail(x, rc, "write exact") : 0;
}

int dx_text_get(dx_index *x, const uint8_t h[16], uint32_t *doc)
{
    MDB_val k = {16, (void *)h}, d;
    int rc = mdb_get(x->txn, x->texts, &k, &d);
    if (rc == MDB_NOTFOUND) return 0;
    if (rc) return fail(x, rc, "read texts");
    if (d.mv_size != 4) return fail(x, MDB_CORRUPTED, "texts value size");
    memcpy(doc, d.mv_data, 4);
    return 1;
}

int dx_text_put(dx_index *x, const uint8_t h[16], uint32_t doc)
{
    MDB_val k = {16, (void *)h}, d = {4, &doc};
    int rc = mdb_put(x->txn, x->texts, &k, &d, MDB_NOOVERWRITE);
    if (rc == 0) return undo_note(x, x->texts, UNDO_DEL, &k, NULL);
    return rc != MDB_KEYEXIST ? fail(x, rc, "write texts") : 0;
}

static uint32_t band_key(int band, uint64_t bh)
{
    return (uint32_t)band << DX_BAND_PREFIX_BITS | (uint32_t)(bh >> (64 - DX_BAND_PREFIX_BITS));
}

/* 16 more bits of the band hash: with the 16-bit prefix in the key, a band
 * matches on 32 bits; a false match only costs one verified candidate. */
static uint16_t band_suffix(uint64_t bh)
{
    return (uint16_t)(bh >> (64 - DX_BAND_PREFIX_BITS - 16));
}

/* Document numbers in band items are big endian: LMDB sorts duplicates with
 * memcmp, so a band's candidates come back in document (input) order, and a
 * cluster run can reproduce which candidates a lookup sees (the first
 * MAX_CANDIDATES of them) from positions alone. */
static void store_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dx_band_find(dx_index *x, int band, uint64_t bh, uint32_t *out, size_t *n, size_t max)
{
    uint32_t key = band_key(band, bh);
    uint16_t suf = band_suffix(bh);
    MDB_cursor *c;
    int rc = mdb_cursor_open(x->txn, x->bands, &c);
    if (rc) return fail(x, rc, "cursor");
    MDB_val k = {4, &key}, d;
    for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_KEY); rc == 0; rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_DUP)) {
        uint16_t s;
        memcpy(&s, d.mv_data, 2);
        if (s == suf && *n < max) out[(*n)++] = load_be32((const unsigned char *)d.mv_data + 2);
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? 0 : fail(x, rc, "read bands");
}

int dx_band_put(dx_index *x, int band, uint64_t bh, uint32_t doc)
{
    uint32_t key = band_key(band, bh);
    uint16_t suf = band_suffix(bh);
    unsigned char item[6];
    memcpy(item, &suf, 2);
    store_be32(item + 2, doc);
    MDB_val k = {4, &key}, d = {6, item};
    /* NODUPDATA: an item that was there already is not this run's to undo */
    int rc = mdb_put(x->txn, x->bands, &k, &d, MDB_NODUPDATA);
    if (rc == 0) return undo_note(x, x->bands, UNDO_DELDUP, &k, &d);
    return rc != MDB_KEYEXIST ? fail(x, rc, "write bands") : 0;
}

static uint32_t source_num(dx_index *x, const char *source)
{
    if (!source) source = "";
    if (x->last_source && strcmp(x->last_source, source) == 0) return x->last_source_num;
    uint32_t num = x->next_source++;
    MDB_val k = {4, &num}, d = {strlen(source), (void *)source};
    int rc = mdb_put(x->txn, x->sources, &k, &d, MDB_APPEND);
    if (rc) fail(x, rc, "write sources");
    else undo_note(x, x->sources, UNDO_DEL, &k, NULL);
    free(x->last_source);
    x->last_source = strdup(source);
    if (!x->last_source) abort();
    x->last_source_num = num;
    return num;
}

uint32_t dx_doc_add(dx_index *x, uint32_t root, const char *source, const uint8_t *sketch,
                    const char *id, size_t idlen)
{
    uint32_t num = x->next_doc;
    if (num == DX_NO_DOC) {
        fail(x, MDB_MAP_FULL, "too many documents");
        return DX_NO_DOC;
    }
    size_t need = 12 + (size_t)x->k + idlen;
    if (need > x->reccap) {
        x->recbuf = realloc(x->recbuf, need);
        if (!x->recbuf) abort();
        x->reccap = need;
    }
    uint32_t head[3] = {root == DX_NO_DOC ? num : root, x->run, source_num(x, source)};
    memcpy(x->recbuf, head, 12);
    memcpy(x->recbuf + 12, sketch, (size_t)x->k);
    memcpy(x->recbuf + 12 + x->k, id, idlen);
    MDB_val k = {4, &num}, d = {need, x->recbuf};
    int rc = mdb_put(x->txn, x->docs, &k, &d, MDB_APPEND);
    if (rc || undo_note(x, x->docs, UNDO_DEL, &k, NULL)) {
        fail(x, rc, "write docs");
        return DX_NO_DOC;
    }
    x->next_doc++;
    x->run_docs++;
    return num;
}

int dx_doc_get(dx_index *x, uint32_t doc, dx_docrec *r)
{
    MDB_val k = {4, &doc}, d;
    int rc = mdb_get(x->txn, x->docs, &k, &d);
    if (rc) return fail(x, rc, "read docs");
    if (d.mv_size < 12 + (size_t)x->k) return fail(x, MDB_CORRUPTED, "doc record size");
    uint32_t head[3];
    memcpy(head, d.mv_data, 12);
    r->num = doc;
    r->root = head[0];
    r->run = head[1];
    r->source = head[2];
    r->sketch = (const uint8_t *)d.mv_data + 12;
    r->id = (const char *)d.mv_data + 12 + x->k;
    r->idlen = d.mv_size - 12 - (size_t)x->k;
    return 0;
}

void dx_source_name(dx_index *x, uint32_t source, char *buf, size_t len)
{
    MDB_val k = {4, &source}, d;
    buf[0] = 0;
    if (mdb_get(x->txn, x->sources, &k, &d) == 0)
        snprintf(buf, len, "%.*s", (int)d.mv_size, (const char *)d.mv_data);
}

uint32_t dx_line_count(dx_index *x, uint64_t key)
{
    MDB_val k = {8, &key}, d;
    uint32_t v = 0;
    int rc = mdb_get(x->txn, x->lines, &k, &d);
    if (rc == 0 && d.mv_size == 4) memcpy(&v, d.mv_data, 4);
    else if (rc && rc != MDB_NOTFOUND) fail(x, rc, "read lines");
    return v;
}

int dx_line_add(dx_index *x, uint64_t key, uint32_t delta)
{
    uint32_t v = dx_line_count(x, key);
    v = v + delta < v ? UINT32_MAX : v + delta;
    MDB_val k = {8, &key}, d = {4, &v};
    if (undo_old(x, x->lines, &k)) return -1;
    int rc = mdb_put(x->txn, x->lines, &k, &d, 0);
    return rc ? fail(x, rc, "write lines") : 0;
}

uint64_t dx_file_bytes(const dx_index *x)
{
    char p[PATH_MAX + 16];
    struct stat st;
    snprintf(p, sizeof p, "%s/data.mdb", x->dir);
    return stat(p, &st) == 0 ? (uint64_t)st.st_blocks * 512 : 0;
}
