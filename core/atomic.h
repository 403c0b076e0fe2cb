/*
 * atomic.h - replace a file atomically: a reader sees the previous file or
 * the complete new one, never a torn one, even across a crash.
 *
 * The recipe, in one place: a temporary in the destination's own directory
 * (so the rename never crosses file systems), write, fsync, rename, fsync
 * the directory (so the rename itself is durable).  Only a regular file is
 * ever replaced: a rename over a device or FIFO (/dev/stdout, /dev/null)
 * would put a regular file in place of the node, so such a destination is
 * written in place (dc_write_file_atomic) or refused (dc_atomic_publish).
 * Streaming writers (writer.c, shard.c, run.c's spool) keep their own
 * temporary open while they write and publish it with dc_atomic_publish.
 */
#ifndef DC_ATOMIC_H
#define DC_ATOMIC_H

#include <stddef.h>

/* 1 when path exists and is neither a regular file nor a directory (a
 * device, FIFO, socket; symlinks followed): write it in place, never
 * rename onto it. */
int dc_is_special_file(const char *path);

/* 1 when path exists (any type, symlinks not followed beyond access(2)). */
int dc_file_exists(const char *path);

/* fsync a directory / the directory holding path ("." when path has no
 * '/').  0 or -1 (errno); callers that only want best effort ignore it. */
int dc_fsync_dir(const char *dir);
int dc_fsync_dir_of(const char *path);

/* Rename the complete, fsynced temporary tmp onto path and fsync path's
 * directory.  Refuses (-1, errno ENOTSUP; tmp left for the caller) when
 * path is a device, FIFO or socket.  0 or -1 (errno). */
int dc_atomic_publish(const char *tmp, const char *path);

/* Rename only, with the same refusal: for callers that publish several
 * files into one directory and fsync it once with dc_fsync_dir. */
int dc_atomic_rename(const char *tmp, const char *path);

/* Write data to path: "-" is stdout and a special file is written in
 * place; otherwise path.tmp.PID + fsync + dc_atomic_publish.  On failure
 * the temporary is removed.  0 or -1 (errno). */
int dc_write_file_atomic(const char *path, const void *data, size_t len);

/* A completion marker (shard, phase, merge done): a short printf-formatted
 * text written with dc_write_file_atomic, so its existence means the work
 * it names is complete.  0 or -1 (errno). */
int dc_write_marker(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
