/*
 * config.h - the INI configuration: which stages run in which order, each
 * stage's raw settings (validated later against its plugin), the core's own
 * [pipeline]/[run] settings, and `include =` of further files.
 */
#ifndef DC_CONFIG_H
#define DC_CONFIG_H

#include <stddef.h>

#include "core.h"

typedef struct dc_section {
    char *name;
    char *file; /* where the section was first opened */
    int line;
    dc_kv *kv;
    size_t n, cap;
} dc_section;

typedef struct dc_config {
    char *path;          /* top-level file                          */
    dc_section *secs;
    size_t nsecs;
    char **stages;       /* [pipeline] stages, in order              */
    size_t nstages;
    char *stages_where;  /* FILE:LINE of the stages key               */
    char **plugin_path;  /* [pipeline] plugin_path, resolved          */
    size_t nplugin_path;
} dc_config;

/* Parse `path` (and its includes).  NULL + "FILE:LINE: ..." on error. */
dc_config *dc_config_load(const char *path, char *err, size_t errlen);
void dc_config_free(dc_config *c);
const dc_section *dc_config_section(const dc_config *c, const char *name);
/* Last value of `key` in section `sec`, or NULL. */
const dc_kv *dc_config_get(const dc_config *c, const char *sec, const char *key);

#endif
