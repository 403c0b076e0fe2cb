/* A test plugin for the hostile_state_* tests: when it sees the first
 * document whose text contains "RUNHOOK" it runs the shell command of its
 * `run` option (once per process), then keeps every document.  It runs in
 * input order on the ordered thread, after the reader has read every
 * earlier file: tests use it to change inputs or the state dir at a
 * precise moment of a run.  Built by e2e tests only. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"

static const dc_option_decl opts[] = {
    {"run", DC_OPT_STRING, "", "shell command to run at the first RUNHOOK document", NULL},
    {NULL, 0, NULL, NULL, NULL},
};
typedef struct inst {
    const dc_host *h;
    const char *run;
    int fired;
} inst;
static inst the_inst; /* one stage per test pipeline */

static void *create(const dc_host *h, dc_stage *s, const dc_options *o, char *e, size_t n)
{
    (void)s, (void)e, (void)n;
    the_inst.h = h;
    the_inst.run = h->opt_str(o, "run");
    the_inst.fired = 0;
    return &the_inst;
}

static dc_verdict process(void *p, dc_doc *d)
{
    inst *in = p;
    if (!in->fired && in->run && *in->run && memmem(d->text, d->len, "RUNHOOK", 7)) {
        in->fired = 1;
        if (system(in->run) != 0) in->h->log(NULL, DC_LOG_WARN, "hook: command failed");
    }
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(0),
    .name = "hook",
    .description = "test plugin: runs a command at the first RUNHOOK document",
    .options = opts,
    .create = create,
    .process = process,
};
