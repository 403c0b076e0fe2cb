/*
 * report_html.c - the run report as one self-contained HTML file.
 *
 * It is rendered from the stats JSON only (what --stats writes, or what
 * `docclean slurm report` merged from shards), so `docclean run --report`
 * and `docclean report STATS.json` give the same page.  The page has no
 * script and loads nothing: inline CSS, inline SVG charts (svg.c), so it
 * reads offline and as a mail attachment.  Every string that comes from
 * the data (document text, ids, reasons, rule and site names, paths) goes
 * through dc_html_escape: document text can never become markup.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "atomic.h"
#include "svg.h"

#define MAX_SITE_ROWS 200
#define MAX_RULE_ROWS 300

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
    "margin:24px auto;max-width:1200px;padding:0 16px;color:#1d2330;background:#fff}"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d5dae3;"
    "padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}"
    ".sub{color:#5b6474;margin:0 0 16px}"
    ".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #d5dae3;border-radius:6px;"
    "padding:8px 14px;min-width:110px}.card b{display:block;font-size:20px}.card span{color:#5b6474;font-size:12px}"
    ".bad b{color:#b3261e}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}"
    "th,td{border-bottom:1px solid #e4e8ef;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f3f5f9;position:sticky;top:0}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dl.kv dt{color:#5b6474}"
    "dl.kv dd{margin:0;word-break:break-all}"
    ".charts{display:flex;flex-wrap:wrap;gap:14px}"
    "svg.chart{border:1px solid #e4e8ef;border-radius:6px;background:#fcfdff}"
    "svg .ct{font-size:13px;font-weight:600;fill:#1d2330}svg .ax{font-size:10px;fill:#5b6474}"
    "svg .grid{stroke:#e4e8ef}svg .mark{stroke:#b3261e;stroke-width:2;stroke-dasharray:4 3}"
    "svg .mk{font-size:10px;fill:#b3261e}"
    "details{margin:2px 0}summary{cursor:pointer;color:#2b5fb4}"
    ".ex{border-left:3px solid #d5dae3;margin:6px 0 6px 4px;padding:2px 8px}"
    ".ex .id{color:#5b6474;font-size:12px}"
    "pre{white-space:pre-wrap;word-break:break-all;margin:2px 0;font:12px/1.4 ui-monospace,monospace}"
    "del{background:#fde2e1;text-decoration:line-through;color:#7a1c16}ins{background:#dff3e3;"
    "text-decoration:none;color:#14532d}"
    ".muted{color:#5b6474}.bar{display:inline-block;height:8px;background:#7aa2e3;vertical-align:middle}"
    "footer{margin:30px 0 10px;color:#5b6474;font-size:12px}";

/* ---------------- small helpers ---------------- */

static void esc(dc_buf *b, const char *s)
{
    dc_html_escape(b, s ? s : "", s ? strlen(s) : 0);
}

static void esc_json(dc_buf *b, json_t *v)
{
    if (json_is_string(v)) dc_html_escape(b, json_string_value(v), json_string_length(v));
}

static double num(json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* 1234567 -> "1,234,567" */
static void put_int(dc_buf *b, double v)
{
    char t[32], g[48];
    snprintf(t, sizeof t, "%.0f", v);
    size_t n = strlen(t), o = 0, start = t[0] == '-';
    for (size_t i = 0; i < n; i++) {
        if (i > start && (n - i) % 3 == 0) g[o++] = ',';
        g[o++] = t[i];
    }
    g[o] = '\0';
    dc_buf_puts(b, g);
}

static void td_int(dc_buf *b, double v)
{
    dc_buf_puts(b, "<td class=\"n\">");
    put_int(b, v);
    dc_buf_puts(b, "</td>");
}

static void td_pct(dc_buf *b, double part, double whole)
{
    if (whole > 0) dc_buf_printf(b, "<td class=\"n\">%.1f%%</td>", 100.0 * part / whole);
    else dc_buf_puts(b, "<td class=\"n muted\">-</td>");
}

static void card(dc_buf *b, const char *label, double v, int bad)
{
    dc_buf_printf(b, "<div class=\"card%s\"><b>", bad ? " bad" : "");
    put_int(b, v);
    dc_buf_puts(b, "</b><span>");
    esc(b, label);
    dc_buf_puts(b, "</span></div>\n");
}

/* Sort the members of an object by a numeric field, descending (ties:
 * by key, so the page is stable). */
typedef struct kv {
    const char *key;
    json_t *val;
    double n;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

static kv *sorted(json_t *obj, const char *field, size_t *n)
{
    *n = json_object_size(obj);
    kv *v = dc_xcalloc(*n ? *n : 1, sizeof *v);
    size_t i = 0;
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        v[i].key = key;
        v[i].val = val;
        v[i].n = field ? num(val, field) : json_number_value(val);
        i++;
    }
    if (*n) qsort(v, *n, sizeof *v, kv_cmp);
    return v;
}

/* ---------------- sections ---------------- */

static void summary(dc_buf *b, json_t *root)
{
    json_t *t = json_object_get(root, "totals"), *run = json_object_get(root, "run");
    double docs = num(t, "docs_in"), secs = num(t, "seconds");
    dc_buf_puts(b, "<h2 id=\"run\">Run</h2>\n<div class=\"cards\">\n");
    card(b, "documents in", docs, 0);
    card(b, "kept", num(t, "kept"), 0);
    card(b, "rejected", num(t, "rejected"), 0);
    card(b, "duplicates", num(t, "duplicates"), 0);
    card(b, "input errors", num(t, "input_errors"), num(t, "input_errors") > 0);
    dc_buf_puts(b, "</div>\n<dl class=\"kv\">\n");
    if (json_object_get(root, "run_id")) {
        dc_buf_puts(b, "<dt>run id</dt><dd>");
        esc(b, str(root, "run_id"));
        dc_buf_puts(b, "</dd>\n");
    }
    if (json_object_get(root, "shards"))
        dc_buf_printf(b, "<dt>shards</dt><dd>%.0f (statistics merged from every shard)</dd>\n",
                      num(root, "shards"));
    dc_buf_puts(b, "<dt>config</dt><dd>");
    esc(b, json_object_get(run, "config") ? str(run, "config") : "the default (conf/default.ini)");
    dc_buf_puts(b, "</dd>\n<dt>inputs</dt><dd>");
    json_t *in = json_object_get(run, "inputs");
    for (size_t i = 0; i < json_array_size(in); i++) {
        if (i) dc_buf_puts(b, ", ");
        esc_json(b, json_array_get(in, i));
    }
    if (num(run, "ninputs") > (double)json_array_size(in))
        dc_buf_printf(b, " … (%.0f in all)", num(run, "ninputs"));
    dc_buf_printf(b, "; %.0f file(s)</dd>\n", num(t, "files"));
    if (num(run, "started") > 0) {
        time_t st = (time_t)num(run, "started");
        struct tm tm;
        char when[64];
        gmtime_r(&st, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
        dc_buf_printf(b, "<dt>started</dt><dd>%s</dd>\n", when);
    }
    dc_buf_printf(b, "<dt>time</dt><dd>%.2f s%s</dd>\n", secs,
                  json_object_get(t, "max_shard_seconds") ? " (summed over shards)" : "");
    dc_buf_printf(b, "<dt>throughput</dt><dd>%.2f MB/s, %.0f documents/s</dd>\n", num(t, "mb_per_s"),
                  secs > 0 ? docs / secs : 0);
    dc_buf_printf(b, "<dt>bytes</dt><dd>%.1f MB in, %.1f MB out</dd>\n", num(t, "bytes_in") / 1e6,
                  num(t, "bytes_out") / 1e6);
    json_t *es = json_object_get(t, "exit_status");
    if (es) {
        static const char *const what[] = {"ok", "runtime error", "usage error", "config error",
                                           "some inputs unreadable", "locked"};
        int e = (int)json_integer_value(es);
        dc_buf_printf(b, "<dt>exit status</dt><dd>%d (%s)</dd>\n", e, e >= 0 && e <= 5 ? what[e] : "?");
    }
    dc_buf_printf(b, "<dt>docclean</dt><dd>");
    esc(b, str(root, "version"));
    dc_buf_puts(b, "</dd>\n</dl>\n");
}

static void stage_table(dc_buf *b, json_t *root)
{
    json_t *stages = json_object_get(root, "stages");
    dc_buf_puts(b, "<h2 id=\"stages\">Stages</h2>\n<p class=\"muted\">Documents changed, lines and characters "
                   "removed are measured by docclean from the edits each stage made (a line counts when it was "
                   "deleted whole). Characters dropped: text of the documents the stage rejected.</p>\n"
                   "<table><tr><th>stage</th><th>plugin</th><th class=\"n\">in</th><th class=\"n\">kept</th>"
                   "<th class=\"n\">dropped</th><th class=\"n\">errors</th><th class=\"n\">changed</th>"
                   "<th class=\"n\">edits</th><th class=\"n\">lines removed</th><th class=\"n\">chars removed</th>"
                   "<th class=\"n\">chars added</th><th class=\"n\">chars dropped</th><th class=\"n\">cpu s</th>"
                   "<th>plugin counters</th></tr>\n");
    for (size_t i = 0; i < json_array_size(stages); i++) {
        json_t *s = json_array_get(stages, i);
        dc_buf_puts(b, "<tr><td>");
        esc(b, str(s, "name"));
        dc_buf_puts(b, "</td><td>");
        esc(b, str(s, "plugin"));
        dc_buf_puts(b, "</td>");
        static const char *const f[] = {"docs_in", "kept", "dropped", "errors", "docs_changed", "edits",
                                        "lines_removed", "chars_removed", "chars_added", "chars_dropped"};
        for (size_t k = 0; k < sizeof f / sizeof *f; k++) td_int(b, num(s, f[k]));
        dc_buf_printf(b, "<td class=\"n\">%.2f</td><td class=\"muted\">", num(s, "seconds"));
        /* the plugin's own counters, non-zero ones only, folded: some plugins have dozens */
        const char *key;
        json_t *val;
        size_t nz = 0;
        json_object_foreach(json_object_get(s, "counters"), key, val) nz += json_number_value(val) != 0;
        if (nz) dc_buf_printf(b, "<details><summary>%zu counter%s</summary>", nz, nz == 1 ? "" : "s");
        json_object_foreach(json_object_get(s, "counters"), key, val) {
            if (json_number_value(val) == 0) continue;
            esc(b, key);
            dc_buf_puts(b, " ");
            put_int(b, json_number_value(val));
            dc_buf_puts(b, "<br>");
        }
        if (nz) dc_buf_puts(b, "</details>");
        dc_buf_puts(b, "</td></tr>\n");
    }
    dc_buf_puts(b, "</table>\n");
}

static void text_block(dc_buf *b, const char *tag, json_t *v)
{
    if (!json_is_string(v) || !json_string_length(v)) return;
    dc_buf_printf(b, "<pre><%s>", tag);
    esc_json(b, v);
    dc_buf_printf(b, "</%s></pre>", tag);
}

/* A rules or rejects table row starts with its stage and what fired. */
static void row_start(dc_buf *b, const char *stage, const char *what)
{
    dc_buf_puts(b, "<tr><td>");
    esc(b, stage);
    dc_buf_puts(b, "</td><td>");
    esc(b, what);
    dc_buf_puts(b, "</td>");
}

/* The examples cell opens folded, saying how many it holds. */
static void examples_open(dc_buf *b, json_t *ex)
{
    size_t n = json_array_size(ex);
    dc_buf_printf(b, "<td><details><summary>%zu example%s</summary>\n", n, n == 1 ? "" : "s");
}

static void rule_table(dc_buf *b, json_t *root)
{
    size_t n;
    kv *v = sorted(json_object_get(root, "rules"), "edits", &n);
    dc_buf_puts(b, "<h2 id=\"rules\">Rules</h2>\n<p class=\"muted\">Every named edit the stages made, with up to "
                   "five examples each, sampled reproducibly (the same for any -j and for sharded runs).</p>\n");
    if (!n) dc_buf_puts(b, "<p>No stage changed any text.</p>\n");
    else
        dc_buf_puts(b, "<table><tr><th>stage</th><th>rule</th><th class=\"n\">documents</th><th class=\"n\">edits"
                       "</th><th class=\"n\">lines removed</th><th class=\"n\">chars removed</th><th class=\"n\">"
                       "chars added</th><th>examples</th></tr>\n");
    for (size_t i = 0; i < n && i < MAX_RULE_ROWS; i++) {
        json_t *r = v[i].val;
        row_start(b, str(r, "stage"), str(r, "rule"));
        td_int(b, num(r, "docs"));
        td_int(b, num(r, "edits"));
        td_int(b, num(r, "lines_removed"));
        td_int(b, num(r, "chars_removed"));
        td_int(b, num(r, "chars_added"));
        json_t *ex = json_object_get(r, "examples");
        examples_open(b, ex);
        for (size_t k = 0; k < json_array_size(ex); k++) {
            json_t *e = json_array_get(ex, k);
            dc_buf_puts(b, "<div class=\"ex\"><span class=\"id\">document ");
            esc(b, str(e, "id"));
            if (num(e, "edits") > 1) dc_buf_printf(b, " (%.0f edits, the first shown)", num(e, "edits"));
            dc_buf_puts(b, "</span>");
            text_block(b, "del", json_object_get(e, "removed"));
            text_block(b, "ins", json_object_get(e, "inserted"));
            dc_buf_puts(b, "</div>\n");
        }
        dc_buf_puts(b, "</details></td></tr>\n");
    }
    if (n) dc_buf_puts(b, "</table>\n");
    if (n > MAX_RULE_ROWS) dc_buf_printf(b, "<p class=\"muted\">%zu more rules in the stats JSON.</p>\n", n - MAX_RULE_ROWS);
    free(v);
}

static void reject_section(dc_buf *b, json_t *root)
{
    json_t *t = json_object_get(root, "totals");
    dc_buf_puts(b, "<h2 id=\"rejects\">Rejects</h2>\n");
    size_t n;
    kv *by = sorted(json_object_get(t, "rejected_by_stage"), NULL, &n);
    if (!n) dc_buf_puts(b, "<p>No document was rejected.</p>\n");
    else dc_buf_puts(b, "<h3>By stage</h3><table><tr><th>stage</th><th class=\"n\">documents</th><th class=\"n\">"
                        "share of input</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        dc_buf_puts(b, "<tr><td>");
        esc(b, by[i].key);
        dc_buf_puts(b, "</td>");
        td_int(b, by[i].n);
        td_pct(b, by[i].n, num(t, "docs_in"));
        dc_buf_puts(b, "</tr>\n");
    }
    if (n) dc_buf_puts(b, "</table>\n");
    free(by);
    kv *v = sorted(json_object_get(root, "rejects"), "docs", &n);
    if (n)
        dc_buf_puts(b, "<h3>By reason</h3><p class=\"muted\">Reasons grouped with ids and numbers left out; the "
                       "examples show the full reason and the start of the original text.</p><table><tr>"
                       "<th>stage</th><th>reason</th><th class=\"n\">documents</th><th class=\"n\">chars</th>"
                       "<th>examples</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        json_t *r = v[i].val;
        row_start(b, str(r, "stage"), str(r, "reason"));
        td_int(b, num(r, "docs"));
        td_int(b, num(r, "chars"));
        json_t *ex = json_object_get(r, "examples");
        examples_open(b, ex);
        for (size_t k = 0; k < json_array_size(ex); k++) {
            json_t *e = json_array_get(ex, k);
            dc_buf_puts(b, "<div class=\"ex\"><span class=\"id\">document ");
            esc(b, str(e, "id"));
            if (json_object_get(e, "dup_of")) {
                dc_buf_puts(b, ", duplicate of ");
                esc(b, str(e, "dup_of"));
            }
            dc_buf_puts(b, ": ");
            esc(b, str(e, "reason"));
            dc_buf_puts(b, "</span>");
            text_block(b, "span", json_object_get(e, "text"));
            dc_buf_puts(b, "</div>\n");
        }
        dc_buf_puts(b, "</details></td></tr>\n");
    }
    if (n) dc_buf_puts(b, "</table>\n");
    free(v);
}

/* The top three keys of a {name: count} object as "name (n)". */
static void top3(dc_buf *b, json_t *obj)
{
    size_t n;
    kv *v = sorted(obj, NULL, &n);
    for (size_t i = 0; i < n && i < 3; i++) {
        if (i) dc_buf_puts(b, "<br>");
        esc(b, v[i].key);
        dc_buf_puts(b, " <span class=\"muted\">");
        put_int(b, v[i].n);
        dc_buf_puts(b, "</span>");
    }
    free(v);
}

static void site_table(dc_buf *b, json_t *root)
{
    size_t n;
    kv *v = sorted(json_object_get(root, "sites"), "docs", &n);
    dc_buf_printf(b, "<h2 id=\"sites\">Sites</h2>\n<p class=\"muted\">%zu site%s (host of the record's "
                     "<code>url</code>, else its <code>site</code> field). Removed share: characters taken out "
                     "of the kept documents by cleaning.</p>\n", n, n == 1 ? "" : "s");
    if (n)
        dc_buf_puts(b, "<table><tr><th>site</th><th class=\"n\">documents</th><th class=\"n\">kept</th>"
                       "<th class=\"n\">removed share</th><th>top rules (edits)</th><th>top reject reasons</th>"
                       "</tr>\n");
    for (size_t i = 0; i < n && i < MAX_SITE_ROWS; i++) {
        json_t *s = v[i].val;
        double in = num(s, "chars_in_kept"), out = num(s, "chars_out");
        dc_buf_puts(b, "<tr><td>");
        esc(b, v[i].key);
        dc_buf_puts(b, "</td>");
        td_int(b, num(s, "docs"));
        td_pct(b, num(s, "kept"), num(s, "docs"));
        td_pct(b, in > out ? in - out : 0, in);
        dc_buf_puts(b, "<td>");
        top3(b, json_object_get(s, "rules"));
        dc_buf_puts(b, "</td><td>");
        top3(b, json_object_get(s, "rejects"));
        dc_buf_puts(b, "</td></tr>\n");
    }
    if (n) dc_buf_puts(b, "</table>\n");
    if (n > MAX_SITE_ROWS)
        dc_buf_printf(b, "<p class=\"muted\">%zu smaller sites in the stats JSON.</p>\n", n - MAX_SITE_ROWS);
    free(v);
}

/* ---------------- charts ---------------- */

static size_t read_bins(json_t *a, double *out, size_t max)
{
    size_t n = json_array_size(a);
    if (n > max) n = max;
    for (size_t i = 0; i < n; i++) out[i] = json_number_value(json_array_get(a, i));
    return n;
}

static void fmt_count(char *out, size_t len, double v)
{
    if (v >= 1e6) snprintf(out, len, "%gM", v / 1e6);
    else if (v >= 1e3) snprintf(out, len, "%gk", v / 1e3);
    else snprintf(out, len, "%g", v);
}

static void length_chart(dc_buf *b, json_t *h)
{
    double edges[32], before[32], after[32];
    size_t n = read_bins(json_object_get(h, "length_edges"), edges, 32);
    if (!n || read_bins(json_object_get(h, "length_before"), before, 32) != n ||
        read_bins(json_object_get(h, "length_after"), after, 32) != n)
        return;
    /* drop empty bins at both ends */
    size_t lo = 0, hi = n;
    while (lo + 1 < hi && before[lo] == 0 && after[lo] == 0) lo++;
    while (hi - 1 > lo && before[hi - 1] == 0 && after[hi - 1] == 0) hi--;
    char lab[32][32];
    const char *labels[32];
    for (size_t i = lo; i < hi; i++) {
        char a[16], z[16];
        fmt_count(a, sizeof a, edges[i]);
        if (i + 1 < n) {
            fmt_count(z, sizeof z, edges[i + 1]);
            snprintf(lab[i], sizeof lab[i], "%s-%s", a, z);
        } else {
            snprintf(lab[i], sizeof lab[i], "%s+", a);
        }
        labels[i - lo] = lab[i];
    }
    dc_svg_series s[2] = {{"before (all documents)", before + lo, "#9db4d9"},
                          {"after (kept)", after + lo, "#2b5fb4"}};
    dc_svg_bars(b, "Document length in characters", labels, hi - lo, s, 2, NULL, 0);
}

static void share_chart(dc_buf *b, json_t *h)
{
    double v[21];
    if (read_bins(json_object_get(h, "removed_share"), v, 21) != 21) return;
    char lab[21][16];
    const char *labels[21];
    snprintf(lab[0], sizeof lab[0], "none");
    labels[0] = lab[0];
    for (int i = 1; i < 21; i++) {
        snprintf(lab[i], sizeof lab[i], "%d-%d%%", (i - 1) * 5, i * 5);
        labels[i] = lab[i];
    }
    dc_svg_series s = {"kept documents", v, "#c0713a"};
    dc_svg_bars(b, "Share of each kept document removed by cleaning", labels, 21, &s, 1, NULL, 0);
}

static void cluster_chart(dc_buf *b, json_t *h)
{
    double edges[16], v[16];
    size_t n = read_bins(json_object_get(h, "cluster_edges"), edges, 16);
    if (!n || read_bins(json_object_get(h, "cluster_sizes"), v, 16) != n) return;
    if (num(h, "clusters") <= 0) {
        dc_buf_puts(b, "<p class=\"muted\">No duplicate clusters in this run (no rejected document carries "
                       "<code>dup_of</code>).</p>\n");
        return;
    }
    char lab[16][24];
    const char *labels[16];
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && edges[i + 1] - edges[i] == 1) snprintf(lab[i], sizeof lab[i], "%.0f", edges[i]);
        else if (i + 1 < n) snprintf(lab[i], sizeof lab[i], "%.0f-%.0f", edges[i], edges[i + 1] - 1);
        else snprintf(lab[i], sizeof lab[i], "%.0f+", edges[i]);
        labels[i] = lab[i];
    }
    dc_svg_series s = {"clusters", v, "#6a4fb0"};
    dc_svg_bars(b, "Duplicate cluster sizes (documents per cluster)", labels, n, &s, 1, NULL, 0);
}

/* A score's distribution from its sampled values, thresholds marked. */
static void score_chart(dc_buf *b, const char *key, json_t *sc)
{
    json_t *ex = json_object_get(sc, "examples"), *th = json_object_get(sc, "thresholds");
    size_t n = json_array_size(ex);
    if (!n) return;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double x = num(json_array_get(ex, i), "value");
        lo = x < lo ? x : lo, hi = x > hi ? x : hi;
    }
    for (size_t i = 0; i < json_array_size(th); i++) {
        double x = num(json_array_get(th, i), "value");
        lo = x < lo ? x : lo, hi = x > hi ? x : hi;
    }
    if (hi <= lo) lo -= 0.5, hi += 0.5; /* one value: a bin in the middle */
    enum { NB = 20 };
    double bins[NB] = {0}, w = (hi - lo) / NB;
    for (size_t i = 0; i < n; i++) {
        int k = (int)((num(json_array_get(ex, i), "value") - lo) / w);
        bins[k < 0 ? 0 : k >= NB ? NB - 1 : k]++;
    }
    char lab[NB][24];
    const char *labels[NB];
    for (int i = 0; i < NB; i++) {
        snprintf(lab[i], sizeof lab[i], "%.3g", lo + w * i);
        labels[i] = lab[i];
    }
    dc_svg_marker mk[8];
    char mlab[8][300];
    size_t nm = 0;
    for (size_t i = 0; i < json_array_size(th) && nm < 8; i++) {
        json_t *t = json_array_get(th, i);
        snprintf(mlab[nm], sizeof mlab[nm], "%s = %g", str(t, "option"), num(t, "value"));
        mk[nm] = (dc_svg_marker){(num(t, "value") - lo) / w, mlab[nm]};
        nm++;
    }
    char title[300];
    snprintf(title, sizeof title, "%s (%zu sampled of %.0f documents)", key, n, num(sc, "n"));
    dc_svg_series s = {"documents", bins, "#2f8f6b"};
    dc_svg_bars(b, title, labels, NB, &s, 1, mk, nm);
}

static void charts(dc_buf *b, json_t *root)
{
    json_t *h = json_object_get(root, "histograms");
    dc_buf_puts(b, "<h2 id=\"charts\">Charts</h2>\n<div class=\"charts\">\n");
    if (h) {
        length_chart(b, h);
        share_chart(b, h);
        cluster_chart(b, h);
    }
    const char *key;
    json_t *sc;
    json_object_foreach(json_object_get(root, "scores"), key, sc) score_chart(b, key, sc);
    dc_buf_puts(b, "</div>\n");
    if (!json_object_size(json_object_get(root, "scores")))
        dc_buf_puts(b, "<p class=\"muted\">No score distributions: no document carries a real-valued metadata "
                       "field.</p>\n");
}

/* ---------------- the page ---------------- */

void dc_report_html(json_t *root, dc_buf *b)
{
    dc_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'; img-src data:\">\n<title>docclean report");
    if (json_object_get(root, "run_id")) {
        dc_buf_puts(b, " ");
        esc(b, str(root, "run_id"));
    }
    dc_buf_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>docclean run report</h1>\n"
                     "<p class=\"sub\"><a href=\"#run\">run</a> · <a href=\"#charts\">charts</a> · "
                     "<a href=\"#stages\">stages</a> · <a href=\"#rules\">rules</a> · <a href=\"#sites\">sites</a>"
                     " · <a href=\"#rejects\">rejects</a></p>\n", css);
    summary(b, root);
    charts(b, root);
    stage_table(b, root);
    rule_table(b, root);
    site_table(b, root);
    reject_section(b, root);
    dc_buf_puts(b, "<footer>Written by docclean ");
    esc(b, str(root, "version"));
    dc_buf_puts(b, " from its statistics JSON; the same numbers are in <code>--stats</code>.</footer>\n"
                   "</body>\n</html>\n");
}

static int write_html(json_t *root, const char *path)
{
    dc_buf b = {0};
    dc_report_html(root, &b);
    int rc = dc_write_file_atomic(path, b.data, b.len);
    if (rc != 0) dc_log_core(DC_LOG_ERROR, "cannot write the report %s: %s", path, strerror(errno));
    dc_buf_free(&b);
    return rc;
}

int dc_report_write_html(const dc_run_report *r, const dc_pipeline *p, const char *path)
{
    json_t *root = dc_report_json(r, p);
    int rc = write_html(root, path);
    json_decref(root);
    return rc;
}

int dc_report_html_from_json(const char *json_path, const char *html_path)
{
    json_error_t err;
    json_t *root = json_load_file(json_path, 0, &err);
    if (!root || !json_is_object(root)) {
        dc_log_core(DC_LOG_ERROR, "report: %s: %s", json_path, root ? "not a JSON object" : err.text);
        json_decref(root);
        return -1;
    }
    int rc = write_html(root, html_path);
    json_decref(root);
    return rc;
}

/* `docclean report STATS.json -o FILE.html` */
int dc_cmd_report(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!in && argv[i][0] != '-') in = argv[i];
        else bad = 1;
    }
    if (bad || !in || !out) {
        fprintf(stderr, "usage: docclean report STATS.json -o FILE.html\n"
                        "  the HTML report of a run from its --stats JSON (or a Slurm run's report.json)\n");
        return DC_EXIT_USAGE;
    }
    return dc_report_html_from_json(in, out) == 0 ? DC_EXIT_OK : DC_EXIT_RUNTIME;
}
