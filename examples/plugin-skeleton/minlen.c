/*
 * minlen - an example out-of-tree docclean plugin: drops documents with
 * fewer than `min_chars` characters (code points) and records the count in
 * the document's metadata.
 *
 * Copy this directory, rename the plugin, and build it with `make` against
 * an installed docclean (pkg-config docclean).  See docs/writing-plugins.md.
 */
#include <stdio.h>
#include <stdlib.h>

#include <docclean/plugin.h>

/* All state lives in the instance: no globals. */
typedef struct minlen {
    const dc_host *host;
    dc_stage *stage;
    long long min_chars;
    int counter_dropped;
} minlen;

static const dc_option_decl minlen_options[] = {
    {"min_chars", DC_OPT_INT, "50", "drop documents with fewer code points than this", NULL},
    {NULL, 0, NULL, NULL, NULL},
};

static void *minlen_create(const dc_host *host, dc_stage *stage, const dc_options *opts,
                           char *err, size_t errlen)
{
    long long min = host->opt_int(opts, "min_chars");
    if (min < 0) {
        /* The core prefixes this with the config file and stage name. */
        snprintf(err, errlen, "min_chars must be >= 0 (set at %s)", host->opt_where(opts, "min_chars"));
        return NULL;
    }
    minlen *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->host = host;
    m->stage = stage;
    m->min_chars = min;
    m->counter_dropped = host->counter_register(stage, "too_short");
    return m;
}

/* Count code points: every byte that is not a UTF-8 continuation byte. */
static long long count_code_points(const char *s, size_t len)
{
    long long n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static dc_verdict minlen_process(void *inst, dc_doc *doc)
{
    minlen *m = inst;
    long long n = count_code_points(doc->text, doc->len); /* doc->len, never strlen */
    m->host->meta_set_int(doc, "chars", n);
    if (n < m->min_chars) {
        m->host->counter_add(m->stage, m->counter_dropped, 1);
        m->host->set_reason(doc, "minlen: %lld characters, fewer than %lld", n, m->min_chars);
        return DC_DROP;
    }
    return DC_KEEP;
}

static void minlen_destroy(void *inst)
{
    free(inst);
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT), /* process() is thread safe */
    .name = "minlen",
    .description = "drop documents shorter than min_chars code points",
    .version = "1.0",
    .options = minlen_options,
    .create = minlen_create,
    .process = minlen_process,
    .destroy = minlen_destroy,
};
