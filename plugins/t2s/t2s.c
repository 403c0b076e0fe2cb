/*
 * t2s.c - the `t2s` stage: traditional to simplified Chinese with OpenCC's
 * exact semantics (configs t2s, tw2s, hk2s) and OpenCC's dictionaries
 * compiled in (third_party/opencc, npm opencc 1.4.2), or loaded from
 * `dict_dir`.
 *
 * The instance holds only read-only tables after create(), so process()
 * runs concurrently.  Every document gets the metadata key `t2s_changed`
 * (characters changed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docclean/plugin.h"
#include "t2s_conv.h"

typedef struct t2s_stage {
    const dc_host *host;
    dc_stage *stage;
    t2s_conv conv;
    int only_if_traditional;
    double threshold;
    int c_converted, c_chars, c_skipped;
} t2s_stage;

static const dc_option_decl t2s_options[] = {
    {"config", DC_OPT_ENUM, "t2s",
     "OpenCC config: t2s (OpenCC standard), tw2s (Taiwan), hk2s (Hong Kong)", "t2s|tw2s|hk2s"},
    {"dict_dir", DC_OPT_PATH, NULL,
     "load OpenCC text dictionaries (TSPhrases.txt, TSCharacters.txt, ...) from this "
     "directory instead of the built-in OpenCC 1.4.2 tables",
     NULL},
    {"normalize_compat", DC_OPT_BOOL, "true",
     "first map CJK compatibility ideographs to unified ones (OpenCC 1.4 normalization; "
     "skipped when dict_dir has no CJK_Compatibility_Ideographs.txt)",
     NULL},
    {"ext_chars", DC_OPT_BOOL, "true",
     "use TSCharactersExt (rare simplified forms OpenCC marks may_output_tofu; skipped "
     "when dict_dir has no TSCharactersExt.txt)",
     NULL},
    {"ids", DC_OPT_BOOL, "true",
     "copy an ideographic description sequence such as ⿰氵青 unconverted, as OpenCC 1.4 "
     "does (1.1.6 converts the characters inside)",
     NULL},
    {"only_if_traditional", DC_OPT_BOOL, "false",
     "convert only documents whose share of traditional-only characters among Han "
     "characters is above `threshold`",
     NULL},
    {"threshold", DC_OPT_DOUBLE, "0.05",
     "share of traditional-only Han characters above which only_if_traditional converts", "0..1"},
    {NULL, 0, NULL, NULL, NULL},
};

static void *t2s_create(const dc_host *host, dc_stage *stage, const dc_options *opts, char *err,
                        size_t errlen)
{
    t2s_stage *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->host = host;
    s->stage = stage;
    const char *cfg = host->opt_str(opts, "config");
    t2s_conv_opts co = {
        .config = !cfg || strcmp(cfg, "t2s") == 0 ? T2S_CONFIG_T2S
                  : strcmp(cfg, "tw2s") == 0      ? T2S_CONFIG_TW2S
                                                  : T2S_CONFIG_HK2S,
        .dict_dir = host->opt_str(opts, "dict_dir"),
        .normalize = host->opt_bool(opts, "normalize_compat"),
        .ext_chars = host->opt_bool(opts, "ext_chars"),
        .ids = host->opt_bool(opts, "ids"),
    };
    s->only_if_traditional = host->opt_bool(opts, "only_if_traditional");
    s->threshold = host->opt_double(opts, "threshold");
    if (s->threshold < 0 || s->threshold > 1) {
        snprintf(err, errlen, "%s: threshold must be between 0 and 1",
                 host->opt_where(opts, "threshold"));
        free(s);
        return NULL;
    }
    if (t2s_conv_init(&s->conv, &co, err, errlen) < 0) {
        free(s);
        return NULL;
    }
    host->log(stage, DC_LOG_DEBUG, "t2s: config %s, %s tables: %s", cfg ? cfg : "t2s",
              co.dict_dir ? co.dict_dir : "built-in", s->conv.what);
    s->c_converted = host->counter_register(stage, "docs_converted");
    s->c_chars = host->counter_register(stage, "chars_changed");
    s->c_skipped = host->counter_register(stage, "docs_not_traditional");
    return s;
}

static dc_verdict t2s_process(void *inst, dc_doc *doc)
{
    t2s_stage *s = inst;
    const dc_host *h = s->host;
    const uint8_t *text = (const uint8_t *)doc->text;
    if (s->only_if_traditional) {
        size_t han, trad;
        t2s_conv_trad_share(&s->conv, text, doc->len, &han, &trad);
        double share = han ? (double)trad / (double)han : 0.0;
        if (!(share > s->threshold)) {
            h->counter_add(s->stage, s->c_skipped, 1);
            h->meta_set_int(doc, "t2s_changed", 0);
            return DC_KEEP;
        }
    }
    t2s_out out = {0};
    /* changed == 0 means every replacement was byte-identical, so the text
     * is unchanged and needs no copy. */
    size_t changed = t2s_conv_run(&s->conv, text, doc->len, &out);
    if (changed) {
        dc_buf b = {0};
        h->buf_append(&b, out.data, out.len);
        h->set_text_buf(doc, &b, "t2s");
        h->counter_add(s->stage, s->c_converted, 1);
        h->counter_add(s->stage, s->c_chars, (int64_t)changed);
    }
    t2s_out_free(&out);
    h->meta_set_int(doc, "t2s_changed", (int64_t)changed);
    return DC_KEEP;
}

static void t2s_destroy(void *inst)
{
    t2s_stage *s = inst;
    if (!s) return;
    t2s_conv_free(&s->conv);
    free(s);
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "t2s",
    .description = "traditional to simplified Chinese, OpenCC-exact (t2s, tw2s, hk2s)",
    .version = "1.0.0",
    .options = t2s_options,
    .create = t2s_create,
    .process = t2s_process,
    .finish = NULL,
    .destroy = t2s_destroy,
};
