/*
 * cluster.c - the phases of a run split over a cluster (cluster.h).
 */
#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static unsigned phase_tasks(const dc_stage *s, const dc_phase_decl *d, char *err, size_t errlen)
{
    const char *t = d->tasks ? d->tasks : "1";
    char *end;
    long n = strtol(t, &end, 10);
    if (end == t || *end) n = (long)dc_host_get()->opt_int(s->opts, t);
    if (n < 1 || n > 100000) {
        snprintf(err, errlen, "stage '%s': phase '%s' asks for %ld tasks (from '%s')", s->name, d->name, n, t);
        return 0;
    }
    return (unsigned)n;
}

int dc_cluster_plan(const dc_pipeline *p, unsigned nshards, dc_phase **out, size_t *n, char *err, size_t errlen)
{
    const dc_stage *owner = NULL;
    *out = NULL, *n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const dc_stage *s = p->stages[i];
        if (!s->desc.phases || !s->desc.phases[0].name) continue;
        if (owner) {
            snprintf(err, errlen, "stages '%s' and '%s' both split into cluster phases; a cluster run "
                     "supports one corpus-wide stage", owner->name, s->name);
            return -1;
        }
        owner = s;
    }
    size_t cnt = 0;
    if (owner)
        while (owner->desc.phases[cnt].name) cnt++;
    dc_phase *v = dc_xcalloc(cnt ? cnt : 1, sizeof *v);
    if (!owner) {
        snprintf(v[0].name, sizeof v[0].name, "shards");
        snprintf(v[0].what, sizeof v[0].what, "run the pipeline on shard $task of N");
        v[0].tasks = nshards, v[0].output = 1;
        *out = v, *n = 1;
        return 0;
    }
    size_t last_map = cnt;
    for (size_t i = 0; i < cnt; i++) {
        const dc_phase_decl *d = &owner->desc.phases[i];
        snprintf(v[i].name, sizeof v[i].name, "%s", d->name);
        snprintf(v[i].what, sizeof v[i].what, "%s", d->what ? d->what : "");
        snprintf(v[i].stage, sizeof v[i].stage, "%s", owner->name);
        v[i].reduce = d->reduce != 0;
        v[i].tasks = v[i].reduce ? phase_tasks(owner, d, err, errlen) : nshards;
        if (!v[i].tasks || !strcmp(d->name, "merge") || !strcmp(d->name, "shards")) {
            if (v[i].tasks) snprintf(err, errlen, "stage '%s': phase name '%s' is reserved", owner->name, d->name);
            free(v);
            return -1;
        }
        if (!v[i].reduce) last_map = i;
    }
    if (last_map == cnt || last_map != cnt - 1) {
        snprintf(err, errlen, "stage '%s': its last cluster phase must be a map phase (it writes the output)",
                 owner->name);
        free(v);
        return -1;
    }
    v[last_map].output = 1;
    *out = v, *n = cnt;
    return 0;
}

const dc_phase *dc_cluster_find(const dc_phase *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name)) return &v[i];
    return NULL;
}
