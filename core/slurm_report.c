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
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    char *text = json_dumps(acc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
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
