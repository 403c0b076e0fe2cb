/*
 * testkit.c - drive a plugin without a pipeline (unit tests, benches).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "testkit.h"

dc_options *dc_options_from_pairs(const dc_option_decl *decls, const char *const *kv,
                                  const char *where, char *err, size_t errlen)
{
    size_t n = 0;
    while (kv && kv[n]) n++;
    dc_kv *v = dc_xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(kv[i], '=');
        v[i].key = eq ? dc_xstrndup(kv[i], (size_t)(eq - kv[i])) : dc_xstrdup(kv[i]);
        v[i].val = dc_xstrdup(eq ? eq + 1 : "");
        v[i].file = (char *)(where ? where : "test");
        v[i].line = (int)i + 1;
    }
    dc_options *o = dc_options_build(decls, v, n, where ? where : "test", err, errlen);
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].val);
    }
    free(v);
    return o;
}

dc_stage *dc_stage_new_standalone(const char *name)
{
    dc_stage *s = dc_xcalloc(1, sizeof *s);
    s->name = dc_xstrdup(name ? name : "test");
    dc_stage_init_counters(s);
    return s;
}

void dc_stage_free_standalone(dc_stage *s)
{
    if (!s) return;
    dc_stage_destroy_counters(s);
    free(s->name);
    free(s);
}

int64_t dc_stage_counter_get(const dc_stage *s, const char *name)
{
    int n = atomic_load(&((dc_stage *)s)->ncounters);
    for (int i = 0; i < n; i++)
        if (strcmp(s->counters[i].name, name) == 0) return atomic_load(&((dc_stage *)s)->counters[i].value);
    return 0;
}

int dc_test_run(const dc_plugin *p, const char *const *kv, const char *in, size_t len,
                char **out, size_t *outlen, char **reason)
{
    char err[1024] = "";
    *out = NULL;
    if (outlen) *outlen = 0;
    if (reason) *reason = NULL;
    dc_options *o = dc_options_from_pairs(p->options, kv, p->name, err, sizeof err);
    if (!o) {
        if (reason) *reason = dc_xstrdup(err);
        return -1;
    }
    dc_stage *s = dc_stage_new_standalone(p->name);
    void *inst = p->create(dc_host_get(), s, o, err, sizeof err);
    if (!inst) {
        if (reason) *reason = dc_xstrdup(err[0] ? err : "create failed");
        dc_options_free(o);
        dc_stage_free_standalone(s);
        return -1;
    }
    dc_doc *d = dc_doc_new("test", in, len);
    dc_verdict v = p->process(inst, d);
    *out = dc_xstrndup(d->text, d->len);
    if (outlen) *outlen = d->len;
    if (reason && dc_doc_reason(d)) *reason = dc_xstrdup(dc_doc_reason(d));
    if (p->finish) p->finish(inst, err, sizeof err);
    if (p->destroy) p->destroy(inst);
    dc_doc_free(d);
    dc_options_free(o);
    dc_stage_free_standalone(s);
    return (int)v;
}
