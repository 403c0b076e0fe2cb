/*
 * explain.h - `docclean explain`: per-stage view of what changed and why.
 */
#ifndef DC_EXPLAIN_H
#define DC_EXPLAIN_H

#include "io.h"
#include "loader.h"

/* Explain every document of `path` on stdout. Returns a DC_EXIT_* status. */
int dc_explain(dc_pipeline *p, const char *path, const dc_input_opts *in, int use_colour);

#endif
