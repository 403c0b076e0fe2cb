/* A test plugin for the run report: deletes every line starting with "DEL"
 * (rule "del-line"), replaces each "X" by "YY" (rule "x-to-yy"), rewrites a
 * text containing "WHOLE" through set_text (turning "WHOLE" into "W"),
 * drops documents containing "DROP" with a reason carrying a number, and
 * sets the real-valued metadata "score" = 0.25 on documents containing
 * "SCORE".  Built by e2e tests. */
#include <string.h>

#include "docclean/plugin.h"

static const dc_option_decl opts[] = {
    {"min_score", DC_OPT_DOUBLE, "0.5", "marked on the score chart", NULL},
    {NULL, 0, NULL, NULL, NULL}};
typedef struct inst { const dc_host *h; } inst;
static inst the_inst; /* read-only after create */

static void *create(const dc_host *h, dc_stage *s, const dc_options *o, char *e, size_t n)
{
    (void)s, (void)o, (void)e, (void)n;
    the_inst.h = h;
    return &the_inst;
}

static const char *find(const dc_doc *d, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= d->len; i++)
        if (memcmp(d->text + i, needle, n) == 0) return d->text + i;
    return NULL;
}

static dc_verdict process(void *p, dc_doc *d)
{
    const dc_host *h = ((inst *)p)->h;
    if (find(d, "DROP")) {
        h->set_reason(d, "editor: contains DROP 17 times");
        return DC_DROP;
    }
    if (find(d, "SCORE")) h->meta_set_double(d, "score", 0.25);
    const char *w = find(d, "WHOLE");
    if (w) {
        size_t at = (size_t)(w - d->text);
        char buf[4096];
        size_t n = 0;
        memcpy(buf, d->text, at), n = at;
        buf[n++] = 'W';
        memcpy(buf + n, w + 5, d->len - at - 5), n += d->len - at - 5;
        h->set_text(d, buf, n);
    }
    dc_edits *e = h->edits_begin(d);
    for (size_t i = 0; i < d->len; i++) {
        if ((i == 0 || d->text[i - 1] == '\n') && d->len - i >= 3 && !memcmp(d->text + i, "DEL", 3))
            h->edits_delete_line(e, i, "del-line");
        else if (d->text[i] == 'X') {
            size_t s = i;
            while (s > 0 && d->text[s - 1] != '\n') s--;
            if (d->len - s >= 3 && !memcmp(d->text + s, "DEL", 3)) continue; /* inside a deleted line */
            h->edits_replace(e, i, 1, "YY", 2, "x-to-yy");
        }
    }
    size_t applied;
    if (h->edits_commit(e, &applied) != 0) {
        h->set_reason(d, "editor: bad edit");
        return DC_ERROR;
    }
    return DC_KEEP;
}

DC_PLUGIN_EXPORT const dc_plugin docclean_plugin = {
    DC_PLUGIN_HEADER(DC_PLUGIN_CONCURRENT),
    .name = "editor",
    .description = "test plugin: deletes DEL lines, X -> YY, drops DROP",
    .options = opts,
    .create = create,
    .process = process,
};
