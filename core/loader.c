/*
 * loader.c - dlopen()ing stage plugins and building the pipeline.
 *
 * Plugins are opened RTLD_NOW (a missing symbol fails at load time, not in
 * the middle of a run) and RTLD_LOCAL (two plugins may use the same helper
 * names).  The descriptor's ABI fields are checked before anything else in
 * it is touched, and the descriptor is copied into a zeroed struct of the
 * core's size so that an older plugin's missing trailing fields read NULL.
 */
#include "loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

static void dirs_add(dc_plugin_dirs *d, const char *p)
{
    if (!p || !*p) return;
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i], p) == 0) return;
    d->v = dc_xrealloc(d->v, (d->n + 1) * sizeof *d->v);
    d->v[d->n++] = dc_xstrdup(p);
}

void dc_plugin_dirs_init(dc_plugin_dirs *d, const dc_config *cfg)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; cfg && i < cfg->nplugin_path; i++) dirs_add(d, cfg->plugin_path[i]);
    const char *env = getenv("DOCCLEAN_PLUGIN_PATH");
    if (env) {
        char *copy = dc_xstrdup(env), *save = NULL;
        for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
            dirs_add(d, t);
        free(copy);
    }
    char p[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/plugins", dc_exe_dir());
    dirs_add(d, p);
    dirs_add(d, dc_exe_dir());
    snprintf(p, sizeof p, "%s/../lib/docclean/plugins", dc_exe_dir());
    dirs_add(d, p);
    dirs_add(d, DC_PREFIX "/lib/docclean/plugins");
}

void dc_plugin_dirs_free(dc_plugin_dirs *d)
{
    for (size_t i = 0; i < d->n; i++) free(d->v[i]);
    free(d->v);
    memset(d, 0, sizeof *d);
}

int dc_plugin_check(const dc_plugin *found, const char *file, dc_plugin *out, char *err,
                    size_t errlen)
{
    if (found->abi_major != DC_ABI_MAJOR || found->abi_minor > DC_ABI_MINOR) {
        snprintf(err, errlen,
                 "%s: plugin ABI version mismatch: plugin was built for ABI %u.%u, "
                 "this docclean provides ABI %d.%d (rebuild the plugin against this docclean's "
                 "plugin.h)",
                 file, found->abi_major, found->abi_minor, DC_ABI_MAJOR, DC_ABI_MINOR);
        return -1;
    }
    size_t min = offsetof(dc_plugin, destroy) + sizeof(found->destroy);
    if (found->struct_size < min) {
        snprintf(err, errlen, "%s: plugin descriptor too small (%u bytes, need at least %zu)",
                 file, found->struct_size, min);
        return -1;
    }
    memset(out, 0, sizeof *out);
    size_t n = found->struct_size < sizeof *out ? found->struct_size : sizeof *out;
    memcpy(out, found, n);
    if (!out->name || !out->create || !out->process) {
        snprintf(err, errlen, "%s: plugin descriptor lacks a name, create() or process()", file);
        return -1;
    }
    return 0;
}

/* access(R_OK), not mere existence: a plugin we cannot read is not found. */
static int file_readable(const char *p)
{
    return access(p, R_OK) == 0;
}

int dc_plugin_load(dc_stage *s, const char *name, const dc_plugin_dirs *dirs, char *err,
                   size_t errlen)
{
    char path[PATH_MAX + 64] = "";
    if (strchr(name, '/')) {
        snprintf(path, sizeof path, "%s", name);
    } else {
        for (size_t i = 0; i < dirs->n && !path[0]; i++) {
            snprintf(path, sizeof path, "%s/%s.so", dirs->v[i], name);
            if (!file_readable(path)) path[0] = '\0';
        }
    }
    if (!path[0] || !file_readable(path)) {
        size_t w = (size_t)snprintf(err, errlen, "plugin '%s' not found (searched:", name);
        for (size_t i = 0; i < dirs->n && w < errlen; i++)
            w += (size_t)snprintf(err + w, errlen - w, " %s", dirs->v[i]);
        if (w < errlen) snprintf(err + w, errlen - w, ")");
        return -1;
    }
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        snprintf(err, errlen, "%s: cannot load plugin: %s", path, dlerror());
        return -1;
    }
    const dc_plugin *found = dlsym(dl, DC_PLUGIN_SYMBOL);
    if (!found) {
        snprintf(err, errlen, "%s: not a docclean plugin: missing symbol '%s'", path,
                 DC_PLUGIN_SYMBOL);
        dlclose(dl);
        return -1;
    }
    if (dc_plugin_check(found, path, &s->desc, err, errlen) != 0) {
        dlclose(dl);
        return -1;
    }
    s->dl = dl;
    s->plugin = &s->desc;
    s->plugin_file = dc_xstrdup(path);
    s->plugin_name = dc_xstrdup(s->desc.name);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dc_plugin_list(const dc_plugin_dirs *dirs, size_t *n)
{
    char **names = NULL;
    *n = 0;
    for (size_t i = 0; i < dirs->n; i++) {
        DIR *d = opendir(dirs->v[i]);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t l = strlen(e->d_name);
            if (l < 4 || strcmp(e->d_name + l - 3, ".so") != 0) continue;
            char *nm = dc_xstrndup(e->d_name, l - 3);
            int dup = 0;
            for (size_t j = 0; j < *n; j++)
                if (strcmp(names[j], nm) == 0) dup = 1;
            if (dup) {
                free(nm);
                continue;
            }
            names = dc_xrealloc(names, (*n + 1) * sizeof *names);
            names[(*n)++] = nm;
        }
        closedir(d);
    }
    if (*n) qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

void dc_stage_unload(dc_stage *s)
{
    if (!s) return;
    if (s->instance && s->plugin && s->plugin->destroy) s->plugin->destroy(s->instance);
    s->instance = NULL;
    dc_options_free(s->opts);
    dc_stage_destroy_counters(s);
    /* Plugins are not dlclose()d: a plugin's library (PCRE2 JIT, iconv)
     * may keep thread-local destructors that would run after unmapping. */
    free(s->name);
    free(s->plugin_name);
    free(s->plugin_file);
    free(s->section_where);
    free(s);
}

static const char *const core_sections[] = {"pipeline", "run", "input", "output", NULL};

static int is_core_section(const char *n)
{
    for (size_t i = 0; core_sections[i]; i++)
        if (strcmp(core_sections[i], n) == 0) return 1;
    return 0;
}

/* Does msg quote the FILE:LINE of one of the stage's settings (a plugin
 * that used host->opt_where)?  Then that is the place to point at, not
 * the file where the section began (often default.ini, not the include
 * that set the value). */
static int names_a_setting(const dc_options *o, const char *msg)
{
    for (size_t i = 0; o && i < o->n; i++)
        if (o->v[i].set && o->v[i].where && strstr(msg, o->v[i].where)) return 1;
    return 0;
}

static dc_stage *stage_build(dc_config *cfg, const char *name, const dc_plugin_dirs *dirs,
                             char *err, size_t errlen, dc_failure *kind)
{
    const dc_section *sec = dc_config_section(cfg, name);
    const dc_kv *pk = dc_config_get(cfg, name, "plugin");
    const char *plugin = pk ? pk->val : name;
    dc_stage *s = dc_xcalloc(1, sizeof *s);
    s->name = dc_xstrdup(name);
    dc_stage_init_counters(s);
    char lerr[2048];
    if (dc_plugin_load(s, plugin, dirs, lerr, sizeof lerr) != 0) {
        if (pk) snprintf(err, errlen, "%s:%d: [%s] plugin: %s", pk->file, pk->line, name, lerr);
        else snprintf(err, errlen, "%s: stage '%s': %s", cfg->stages_where, name, lerr);
        dc_stage_unload(s);
        return NULL;
    }
    /* Every key but `plugin` belongs to the plugin. */
    size_t n = 0;
    dc_kv *kv = dc_xcalloc(sec && sec->n ? sec->n : 1, sizeof *kv);
    for (size_t i = 0; sec && i < sec->n; i++)
        if (strcmp(sec->kv[i].key, "plugin") != 0) kv[n++] = sec->kv[i];
    s->opts = dc_options_build(s->desc.options, kv, n, name, lerr, sizeof lerr);
    free(kv);
    if (!s->opts) {
        snprintf(err, errlen, "%s (plugin %s)", lerr, s->plugin_file);
        dc_stage_unload(s);
        return NULL;
    }
    char cerr[1024] = "";
    s->failure = DC_FAIL_CONFIG;
    s->instance = s->desc.create(dc_host_get(), s, s->opts, cerr, sizeof cerr);
    if (!s->instance) {
        /* Only a configuration problem points at the config: a runtime
         * failure (ulimit, a busy index) has nothing to fix there. */
        const char *why = cerr[0] ? cerr : "create() failed without a message";
        *kind = s->failure;
        if (s->failure != DC_FAIL_CONFIG)
            snprintf(err, errlen, "stage '%s' (plugin %s): %s", name, s->plugin_file, why);
        else if (names_a_setting(s->opts, why)) /* the plugin already says FILE:LINE */
            snprintf(err, errlen, "[%s] (plugin %s): %s", name, s->plugin_file, why);
        else if (sec)
            snprintf(err, errlen, "%s:%d: [%s] (plugin %s): %s", sec->file, sec->line, name,
                     s->plugin_file, why);
        else
            snprintf(err, errlen, "%s: stage '%s' (plugin %s): %s", cfg->stages_where, name,
                     s->plugin_file, why);
        dc_stage_unload(s);
        return NULL;
    }
    return s;
}

/* Edit distance, for "did you mean" (names are short). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static void consider(const char *name, const char *cand, const char **best, size_t *bestd)
{
    size_t d = edit_distance(name, cand);
    if (d < *bestd) *bestd = d, *best = cand;
}

/* Every section must be a stage, a section of the core, or name an
 * installed plugin (a stage switched off in [pipeline] stages keeps its
 * settings); anything else is a typo like [dedupe], whose settings would
 * otherwise be ignored without a word. */
static int check_sections(const dc_config *cfg, const dc_plugin_dirs *dirs, char *err, size_t errlen)
{
    size_t nplug = 0;
    char **plugins = NULL;
    int rc = 0;
    for (size_t i = 0; i < cfg->nsecs && rc == 0; i++) {
        const dc_section *sec = &cfg->secs[i];
        const char *nm = sec->name;
        int known = is_core_section(nm) || dc_config_get(cfg, nm, "plugin") != NULL;
        for (size_t j = 0; j < cfg->nstages && !known; j++) known = strcmp(cfg->stages[j], nm) == 0;
        if (!known && !plugins) plugins = dc_plugin_list(dirs, &nplug);
        for (size_t j = 0; j < nplug && !known; j++) known = strcmp(plugins[j], nm) == 0;
        if (known) {
            int staged = is_core_section(nm);
            for (size_t j = 0; j < cfg->nstages && !staged; j++) staged = !strcmp(cfg->stages[j], nm);
            if (!staged)
                dc_log_core(DC_LOG_INFO, "%s:%d: section [%s] is not a stage of [pipeline] stages; ignored",
                            sec->file, sec->line, nm);
            continue;
        }
        const char *best = NULL;
        size_t bestd = (size_t)-1;
        for (size_t j = 0; core_sections[j]; j++) consider(nm, core_sections[j], &best, &bestd);
        for (size_t j = 0; j < cfg->nstages; j++) consider(nm, cfg->stages[j], &best, &bestd);
        for (size_t j = 0; j < nplug; j++) consider(nm, plugins[j], &best, &bestd);
        int close = best && bestd <= 2 + strlen(nm) / 4;
        snprintf(err, errlen, "%s:%d: [%s]: no stage, docclean section or installed plugin has this "
                 "name%s%s%s", sec->file, sec->line, nm, close ? " (did you mean [" : "",
                 close ? best : "", close ? "]?)" : "");
        rc = -1;
    }
    for (size_t j = 0; j < nplug; j++) free(plugins[j]);
    free(plugins);
    return rc;
}

dc_pipeline *dc_pipeline_build(dc_config *cfg, char *err, size_t errlen, dc_failure *kind)
{
    *kind = DC_FAIL_CONFIG;
    dc_pipeline *p = dc_xcalloc(1, sizeof *p);
    p->cfg = cfg;
    p->stages = dc_xcalloc(cfg->nstages ? cfg->nstages : 1, sizeof *p->stages);
    dc_plugin_dirs dirs;
    dc_plugin_dirs_init(&dirs, cfg);
    /* before any create(): a typo must not cost an index lock or a mapping */
    if (check_sections(cfg, &dirs, err, errlen) != 0) goto fail;
    for (size_t i = 0; i < cfg->nstages; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->stages[i], cfg->stages[j]) == 0) {
                snprintf(err, errlen, "%s: stage '%s' listed twice (use two sections with "
                         "`plugin = %s` to run a plugin twice)", cfg->stages_where,
                         cfg->stages[i], cfg->stages[i]);
                goto fail;
            }
        if (is_core_section(cfg->stages[i])) {
            snprintf(err, errlen, "%s: '%s' is a reserved section name, not a stage",
                     cfg->stages_where, cfg->stages[i]);
            goto fail;
        }
        dc_stage *s = stage_build(cfg, cfg->stages[i], &dirs, err, errlen, kind);
        if (!s) goto fail;
        p->stages[p->n++] = s;
    }
    dc_plugin_dirs_free(&dirs);
    return p;
fail:
    dc_plugin_dirs_free(&dirs);
    dc_pipeline_free(p);
    return NULL;
}

void dc_pipeline_free(dc_pipeline *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) dc_stage_unload(p->stages[i]);
    free(p->stages);
    free(p);
}
