/*
 * explain.h - `docclean explain`: per-stage view of what changed and why.
 */
#ifndef DC_EXPLAIN_H
#define DC_EXPLAIN_H

#include <stdint.h>

#include "io.h"
#include "loader.h"

typedef struct dc_explain_opts {
    const char *id; /* explain only documents with this id (NULL: all)      */
    uint64_t line;  /* ...and/or at this input line (0: any)                */
    int colour;
} dc_explain_opts;

/* Explain the documents of `inputs` (read exactly as `run` reads them) on
 * stdout.  Returns a DC_EXIT_* status. */
int dc_explain(dc_pipeline *p, char *const *inputs, size_t ninputs, const dc_input_opts *in,
               const dc_explain_opts *eo);

#endif
