/*
 * testkit.h - the core's host services for code that is not a running
 * pipeline: unit tests and benchmarks drive a plugin descriptor directly,
 * with the real host table, real option validation and real text edits.
 *
 * Unit tests link build/libdccore.a, which contains all of this.  Only
 * tests and benches include this header.
 */
#ifndef DC_TESTKIT_H
#define DC_TESTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "docclean/plugin.h"

/* dc_host_get, dc_doc_new, dc_doc_free, dc_doc_reason and dc_options_free
 * are the core's own (core.h): production code includes core.h, never
 * this header. */
#include "core.h"

/* Validate "key=value" pairs (NULL-terminated array; may be NULL) against a
 * plugin's declared options.  Unknown keys and bad values fail with a message
 * in err.  `where` names the origin for error messages (e.g. "test"). */
dc_options *dc_options_from_pairs(const dc_option_decl *decls, const char *const *kv,
                                  const char *where, char *err, size_t errlen);

/* A stage that is not part of a pipeline: logging goes to stderr, counters
 * are kept and readable. */
dc_stage *dc_stage_new_standalone(const char *name);
void dc_stage_free_standalone(dc_stage *s);
/* Current value of a registered counter (0 if never registered). */
int64_t dc_stage_counter_get(const dc_stage *s, const char *name);

/* One-shot: create an instance of `p` with options kv, run process() on a
 * document with text `in`, copy the resulting text to *out (malloc'd,
 * NUL-terminated) and the reason (for drop/error) to *reason (malloc'd, may
 * be NULL), destroy the instance.  Returns the verdict, or -1 if create
 * failed (message in *reason).  Counters are discarded. */
int dc_test_run(const dc_plugin *p, const char *const *kv, const char *in, size_t len,
                char **out, size_t *outlen, char **reason);

#endif
