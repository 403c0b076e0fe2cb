/* A test plugin whose create() fails with the kind of failure its `fail`
 * option names (none|config|runtime|locked), through host->set_failure
 * (ABI 1.2).  Built by tests/e2e/core_plugin_failure_kinds.sh. */
#include <string.h>

#include "docclean/plugin.h"

static const dc_option_decl opts[] = {
    {"fail", DC_OPT_ENUM, "none", "which failure create() reports", "none|config|runtime|locked"},
    {NULL, 0, NULL, NULL, NULL}};
static int the_inst; /* stateless */

static void *create(const dc_host *h, dc_stage *s, const dc_options *o, char *e, size_t n)
{
    const char *f = h->opt_str(o, "fail");
    if (!strcmp(f, "none")) return &the_inst;
    if (!strcmp(f, "config")) {
        strncpy(e, "fail: asked to fail (option error)", n - 1);
        return NULL; /* no set_failure: the default is a config error */
    }
    if (h->struct_size < offsetof(dc_host, set_failure) + sizeof h->set_failure) {
        strncpy(e, "host too old", n - 1);
        return NULL;
    }
    h->set_failure(s, !strcmp(f, "runtime") ? DC_FAIL_RUNTIME : DC_FAIL_LOCKED);
    strncpy(e, !strcmp(f, "runtime") ? "cannot map 256 GiB: Cannot allocate memory"
                                     : "index is locked by another process",
            n - 1);
    return NULL;
}

static dc_verdict process(void *p, dc_doc *d)
{
    (void)p, (void)d;
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "failkind",
    .description = "test plugin: create() fails with a chosen kind",
    .options = opts,
    .create = create,
    .process = process,
};
