/*
 * index.h - the dedup index: every document dedup has seen, in LMDB.
 *
 * Tables (LMDB named databases in one environment):
 *   meta     format, normalization and signature parameters, counters
 *   exact    XXH3-128 of normalized text (16 bytes) -> document number
 *   bands    u32 (band << 16 | top 16 bits of the band hash), DUPFIXED items
 *            of 6 bytes {u16 next 16 bits of the band hash, u32 document number}
 *   docs     u32 document number -> {root, run, source, K-byte sketch, id}
 *   sources  u32 source number -> input path
 *   runs     u32 run number -> "unix-time documents"
 *   lines    u64 (scope, normalized line) hash -> u32 distinct-document count
 *   texts    XXH3-128 of the normalized text as it entered the stage, before
 *            repeated-line removal (16 bytes) -> document number; written
 *            when it differs from the `exact` key (or exact is off), so a
 *            document redelivered in a later run is recognised whatever the
 *            line counts have grown to by then
 * A document's `root` is the kept document of its cluster (itself if kept).
 *
 *   undo     u64 sequence -> how to take back one write of a prepared run
 * All of a run's changes go into ONE write transaction, committed by
 * dx_commit() (the plugin's finish()).  A crash before that leaves the index
 * exactly as the previous committed run left it.  In a --state run that
 * commit is the PREPARE of a two-phase commit: meta "pending" names the
 * run's ledger tag and `undo` can take the run back, until the ledger's
 * answer (dx_settle, or the next dx_open) keeps or undoes it.  The index directory holds a
 * lock file that one process at a time holds with flock(); a second process
 * is refused.  Without a path the index lives in a temporary directory that
 * is removed on close (the same code then dedups within one run only).
 */
#ifndef DEDUP_INDEX_H
#define DEDUP_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define DX_NO_DOC UINT32_MAX
#define DX_BAND_PREFIX_BITS 16

typedef struct dx_index dx_index;

/* Why dx_open failed: the runtime (cannot create, map or open: disk,
 * permissions, address-space limit), another process holds the index, or
 * the index was built with other settings than the config's. */
enum { DX_FAIL_RUNTIME = 1, DX_FAIL_LOCKED, DX_FAIL_CONFIG };

typedef struct dx_docrec {
    uint32_t num, root, run, source;
    const uint8_t *sketch; /* k bytes (mh_sketch), valid until the next write */
    const char *id;      /* not NUL terminated */
    size_t idlen;
} dx_docrec;

/* Open (creating if needed) the index at `path`, or a temporary one under
 * `tmpdir` (NULL: $TMPDIR or /tmp) when path is NULL.  `params` describes the
 * normalization and signature settings; an existing index built with other
 * settings is refused.  k is the signature length stored per document.
 * On failure: NULL, a message in err and DX_FAIL_* in *kind. */
/* The run's ledger, for a two-phase commit (see dx_commit).  NULL, or tag
 * NULL: dx_commit makes the run final at once. */
typedef struct dx_ledger {
    const char *tag;                    /* this run in its ledger, or NULL  */
    int (*committed)(const char *tag);  /* 1 / 0 / -1 cannot tell (host)    */
    void (*log)(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void *ctx;
} dx_ledger;

/* `lg` resolves a run an earlier process prepared but did not settle
 * (rolled forward if its ledger committed it, undone if not; refused if
 * lg cannot tell), and with lg->tag makes this run two-phase. */
dx_index *dx_open(const char *path, const char *tmpdir, const char *params, int k, const dx_ledger *lg,
                  char *err, size_t errlen, int *kind);
/* Roll back everything since open (unless committed), unlock, free. */
void dx_close(dx_index *x);
/* Commit the run. Returns 0, or -1 with a message.  In a two-phase run
 * (lg->tag) this PREPARES: the run's entries are durable but marked pending
 * for the tag, with an undo log, until a dx_settle or the next dx_open
 * asks the ledger whether the tag committed. */
int dx_commit(dx_index *x, char *err, size_t errlen);
/* After the ledger commit: resolve the pending run now (drop its undo log)
 * instead of at the next open.  0, or -1 with a message (harmless: the next
 * dx_open resolves it). */
int dx_settle(dx_index *x, const dx_ledger *lg, char *err, size_t errlen);

uint32_t dx_run(const dx_index *x);
/* Number the next added document will get. */
uint32_t dx_next_doc(const dx_index *x);
int dx_persistent(const dx_index *x);
/* Sticky error: set once any LMDB call fails (message kept for finish()). */
const char *dx_error(const dx_index *x);

/* Exact hashes: returns 1 and *doc when known, 0 when not, -1 on error. */
int dx_exact_get(dx_index *x, const uint8_t h[16], uint32_t *doc);
int dx_exact_put(dx_index *x, const uint8_t h[16], uint32_t doc);

/* Texts before line removal: same contract as the exact hashes. */
int dx_text_get(dx_index *x, const uint8_t h[16], uint32_t *doc);
int dx_text_put(dx_index *x, const uint8_t h[16], uint32_t doc);

/* Band entries.  dx_band_find appends the documents whose band hash equals
 * bh to out[*n] (up to max) and returns 0, or -1 on error. */
int dx_band_find(dx_index *x, int band, uint64_t bh, uint32_t *out, size_t *n, size_t max);
int dx_band_put(dx_index *x, int band, uint64_t bh, uint32_t doc);

/* Documents.  dx_doc_add returns the new document number (DX_NO_DOC on
 * error); root == DX_NO_DOC means "its own root". */
uint32_t dx_doc_add(dx_index *x, uint32_t root, const char *source, const uint8_t *sketch,
                    const char *id, size_t idlen);
int dx_doc_get(dx_index *x, uint32_t doc, dx_docrec *r);
/* Source path of a source number into buf (empty if unknown). */
void dx_source_name(dx_index *x, uint32_t source, char *buf, size_t len);

/* Repeated-line counts of earlier runs, and this run's additions. */
uint32_t dx_line_count(dx_index *x, uint64_t key);
int dx_line_add(dx_index *x, uint64_t key, uint32_t delta);

/* Bytes the index file occupies (for benches). */
uint64_t dx_file_bytes(const dx_index *x);

#endif
