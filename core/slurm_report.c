/*
 * slurm_report.c - the report of a sharded run, aggregated from the
 * per-shard stats (DIR/shards/NNNNN.stats.json) that each task wrote.
 *
 * The shards ran the same config, so their reports have the same shape:
 * numbers are summed key by key (stage lists position by position) and the
 * result reads like a single run's --stats.  Seconds therefore become the
 * sum over tasks (compute time, what a projection to more nodes needs), and
 * mb_per_s is recomputed from it: throughput per task.  The slowest task's
 * seconds are added as "max_shard_seconds" (the array's critical path).
 */
/* Paths in bounded buffers; a truncated path only fails to open. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "runstats.h"
#include "atomic.h"
#include "slurm_util.h"

static void sum_into(json_t *acc, json_t *v);

static json_t *sum_numbers(json_t *a, json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer(json_integer_value(a) + json_integer_value(b));
    return json_real(json_number_value(a) + json_number_value(b));
}

static void sum_object(json_t *acc, json_t *v)
{
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) {
        json_t *a = json_object_get(acc, key);
        if (!a) json_object_set_new(acc, key, json_deep_copy(val));
        else if (json_is_number(a) && json_is_number(val))
            json_object_set_new(acc, key, sum_numbers(a, val));
        else sum_into(a, val);
    }
}

static void sum_into(json_t *acc, json_t *v)
{
    if (json_is_object(acc) && json_is_object(v)) {
        sum_object(acc, v);
    } else if (json_is_array(acc) && json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *a = json_array_get(acc, i), *b = json_array_get(v, i);
            if (!a) json_array_append_new(acc, json_deep_copy(b));
            else if (json_is_number(a) && json_is_number(b)) json_array_set_new(acc, i, sum_numbers(a, b));
            else sum_into(a, b);
        }
    }
    /* strings (version, stage and plugin names) are the same in every shard */
}

static double number_at(json_t *o, const char *a, const char *b)
{
    return json_number_value(json_object_get(json_object_get(o, a), b));
}

/* Bytes of every regular file under path (recursively). */
static uint64_t tree_bytes(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return 0;
    if (!S_ISDIR(st.st_mode)) return S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
    DIR *d = opendir(path);
    uint64_t sum = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        sum += tree_bytes(p);
    }
    if (d) closedir(d);
    return sum;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in a directory (not . and ..). */
static char **dir_names(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    char **v = NULL;
    struct dirent *e;
    *n = 0;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        v = dc_xrealloc(v, (*n + 1) * sizeof *v);
        v[(*n)++] = dc_xstrdup(e->d_name);
    }
    if (d) closedir(d);
    if (*n) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

/* "cluster": per phase the summed and the longest task time
 * (DIR/cluster/PHASE/NNNNN.stats.json), and the bytes of the corpus-wide
 * stages' intermediate files (DIR/<stage>/<part>/) per input document. */
static json_t *cluster_section(const char *dir, double docs)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/cluster", dir);
    size_t np;
    char **phases = dir_names(p, &np);
    if (!np) return NULL;
    json_t *c = json_object(), *ph = json_object();
    for (size_t i = 0; i < np; i++) {
        char pd[PATH_MAX];
        snprintf(pd, sizeof pd, "%s/%s", p, phases[i]);
        size_t nf;
        char **files = dir_names(pd, &nf);
        double sum = 0, max = 0;
        unsigned tasks = 0;
        for (size_t k = 0; k < nf; k++) {
            size_t l = strlen(files[k]);
            if (l > 11 && !strcmp(files[k] + l - 11, ".stats.json")) {
                char fp[PATH_MAX];
                snprintf(fp, sizeof fp, "%s/%s", pd, files[k]);
                json_t *o = json_load_file(fp, 0, NULL);
                json_t *t = json_object_get(o, "seconds");
                double s = t ? json_number_value(t) : number_at(o, "totals", "seconds");
                sum += s, max = s > max ? s : max, tasks++;
                json_decref(o);
            }
            free(files[k]);
        }
        free(files);
        json_object_set_new(ph, phases[i], json_pack("{s:i,s:f,s:f}", "tasks", (json_int_t)tasks, "seconds", sum,
                                                     "max_task_seconds", max));
        free(phases[i]);
    }
    free(phases);
    json_object_set_new(c, "phases", ph);
    /* the dedup stage keeps its files under DIR/dedup */
    snprintf(p, sizeof p, "%s/dedup", dir);
    size_t nparts;
    char **parts = dir_names(p, &nparts);
    json_t *bytes = json_object();
    uint64_t total = 0;
    for (size_t i = 0; i < nparts; i++) {
        char pp[PATH_MAX];
        snprintf(pp, sizeof pp, "%s/%s", p, parts[i]);
        uint64_t b = tree_bytes(pp);
        total += b;
        json_object_set_new(bytes, parts[i], json_integer((json_int_t)b));
        free(parts[i]);
    }
    free(parts);
    json_object_set_new(bytes, "total", json_integer((json_int_t)total));
    json_object_set_new(c, "intermediate_bytes", bytes);
    json_object_set_new(c, "intermediate_bytes_per_doc", json_real(docs > 0 ? (double)total / docs : 0));
    return c;
}

/* The HTML report of the merged statistics next to the JSON (NAME.json ->
 * NAME.html); a failure is only a warning: the JSON is the record. */
static void html_beside(json_t *acc, const char *json_path)
{
    size_t n = strlen(json_path);
    if (n < 5 || strcmp(json_path + n - 5, ".json") != 0) return;
    char *html = dc_xmalloc(n + 1);
    memcpy(html, json_path, n - 5);
    memcpy(html + n - 5, ".html", 6);
    dc_buf b = {0};
    dc_report_html(acc, &b);
    if (dc_write_file_atomic(html, b.data, b.len) != 0)
        fprintf(stderr, "docclean: report: warning: cannot write %s: %s\n", html, strerror(errno));
    dc_buf_free(&b);
    free(html);
}

int dc_slurm_write_report(const char *dir, unsigned count, const char *out_path)
{
    json_t *acc = NULL;
    double max_seconds = 0;
    for (unsigned i = 0; i < count; i++) {
        char p[PATH_MAX + 64];
        snprintf(p, sizeof p, "%s/shards/%05u.stats.json", dir, i);
        json_error_t err;
        json_t *one = json_load_file(p, 0, &err);
        if (!one || !json_is_object(one)) {
            fprintf(stderr, "docclean: report: %s: %s\n", p, one ? "not a JSON object" : err.text);
            json_decref(one);
            json_decref(acc);
            return -1;
        }
        double s = number_at(one, "totals", "seconds");
        if (s > max_seconds) max_seconds = s;
        if (!acc) acc = one;
        else {
            dc_runstats_merge_samples(acc, one); /* sampled examples: not sums */
            sum_into(acc, one);
            json_decref(one);
        }
    }
    if (!acc) acc = json_object();
    json_t *totals = json_object_get(acc, "totals");
    if (json_is_object(totals)) {
        double secs = number_at(acc, "totals", "seconds");
        double bytes = number_at(acc, "totals", "bytes_in");
        json_object_set_new(totals, "mb_per_s", json_real(secs > 0 ? bytes / 1e6 / secs : 0));
        json_object_set_new(totals, "max_shard_seconds", json_real(max_seconds));
    }
    json_object_set_new(acc, "shards", json_integer(count));
    json_t *cl = cluster_section(dir, number_at(acc, "totals", "docs_in"));
    if (cl) json_object_set_new(acc, "cluster", cl);
    char *text = json_dumps(acc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text) html_beside(acc, out_path); /* report.json -> report.html */
    json_decref(acc);
    if (!text) return -1;
    dc_buf b = {0};
    dc_buf_puts(&b, text);
    dc_buf_putc(&b, '\n');
    free(text);
    int rc = dc_write_file_atomic(out_path, b.data, b.len);
    if (rc != 0) fprintf(stderr, "docclean: report: cannot write %s: %s\n", out_path, strerror(errno));
    dc_buf_free(&b);
    return rc;
}
