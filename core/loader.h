/*
 * loader.h - finding, loading and checking stage plugins, and turning a
 * config into a list of live stages.
 */
#ifndef DC_LOADER_H
#define DC_LOADER_H

#include "config.h"
#include "core.h"

/* Search order: config plugin_path, $DOCCLEAN_PLUGIN_PATH, the directory
 * of the binary (+ /plugins: the build tree), the install libdir.  A name
 * containing '/' is taken as a path to the .so itself. */
typedef struct dc_plugin_dirs {
    char **v;
    size_t n;
} dc_plugin_dirs;

void dc_plugin_dirs_init(dc_plugin_dirs *d, const dc_config *cfg);
void dc_plugin_dirs_free(dc_plugin_dirs *d);

/* Load plugin `name`.  Fills s->dl, s->desc, s->plugin, s->plugin_file.
 * On failure: -1 and one clear line in err. */
int dc_plugin_load(dc_stage *s, const char *name, const dc_plugin_dirs *dirs, char *err,
                   size_t errlen);
/* Check a descriptor found at `file` against this core's ABI and copy it,
 * zero-extended, into *out.  -1 + err when it does not fit. */
int dc_plugin_check(const dc_plugin *found, const char *file, dc_plugin *out, char *err,
                    size_t errlen);

/* All plugin files found on the search path (names, sorted, unique). */
char **dc_plugin_list(const dc_plugin_dirs *dirs, size_t *n);

typedef struct dc_pipeline {
    dc_stage **stages;
    size_t n;
    dc_config *cfg; /* borrowed */
} dc_pipeline;

/* Load every stage of the config, validate its options, create instances.
 * Returns NULL + err on failure; *kind says whose fault: DC_FAIL_CONFIG for
 * the config (and plugins that do not say), else what a create() set. */
dc_pipeline *dc_pipeline_build(dc_config *cfg, char *err, size_t errlen, dc_failure *kind);
/* Destroy instances and unload. */
void dc_pipeline_free(dc_pipeline *p);
void dc_stage_unload(dc_stage *s);

#endif
