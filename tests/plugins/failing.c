/* A test plugin: returns DC_ERROR for documents containing "BOOM", drops
 * documents containing "DROPME", keeps the rest.  Built by e2e tests. */
#include <string.h>

#include "docclean/plugin.h"

static const dc_option_decl opts[] = {{NULL, 0, NULL, NULL, NULL}};
typedef struct inst { const dc_host *h; } inst;
static inst the_inst; /* read-only after create; a test plugin keeps it simple */

static void *create(const dc_host *h, dc_stage *s, const dc_options *o, char *e, size_t n)
{
    (void)s, (void)o, (void)e, (void)n;
    the_inst.h = h;
    return &the_inst;
}

static int contains(const dc_doc *d, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= d->len; i++)
        if (memcmp(d->text + i, needle, n) == 0) return 1;
    return 0;
}

static dc_verdict process(void *p, dc_doc *d)
{
    inst *in = p;
    if (contains(d, "BOOM")) {
        in->h->set_reason(d, "failing: simulated failure on %s", d->id);
        return DC_ERROR;
    }
    if (contains(d, "DROPME")) {
        in->h->set_reason(d, "failing: asked to drop");
        return DC_DROP;
    }
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
#ifdef WRONG_ABI
    .abi_major = DC_ABI_MAJOR + 98, .abi_minor = 0, .struct_size = sizeof(dc_plugin), .flags = 0,
#else
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
#endif
    .name = "failing",
    .description = "test plugin: errors on BOOM, drops DROPME",
    .options = opts,
    .create = create,
    .process = process,
};
