/*
 * outpaths.h - check a run's output locations before any input is read.
 *
 * A careless command line must not destroy data or fail after hours of
 * work: two outputs naming the same file, an output naming an input, or an
 * output whose directory does not exist or cannot be written are refused
 * up front (exit 2) with a message naming the paths.
 */
#ifndef DC_OUTPATHS_H
#define DC_OUTPATHS_H

#include <stddef.h>

typedef struct dc_outpath {
    const char *option; /* "-o", "--rejects", "--stats" (for messages)          */
    const char *path;   /* NULL: not used; "-": stdout                           */
    int is_dir;         /* a directory output (textdir, --state / --shard OUT)    */
} dc_outpath;

/* 0 when every output can be written and none names another output or an
 * input (an existing file inside an input directory is an input);
 * otherwise -1 with a message in err.  Files are compared by device
 * and inode where they exist, by normalized absolute path otherwise.  Two
 * outputs may share a character device (/dev/null). */
int dc_outpaths_check(const dc_outpath *outs, size_t nouts, char *const *inputs, size_t ninputs,
                      char *err, size_t errlen);

#endif
