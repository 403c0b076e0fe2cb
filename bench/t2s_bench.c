/*
 * t2s_bench.c - drive the t2s plugin without the pipeline, for the bench
 * and for differential tests.
 *
 *   t2s_bench convert [key=value ...] < IN > OUT
 *       convert stdin as one document, write the text to stdout
 *   t2s_bench bench FILE [key=value ...]
 *       split FILE into documents of about 64 KiB at line ends, run the
 *       plugin's process() over all of them (best of 3 passes) and print
 *       "MBPS <MB/s> RSS_KB <peak RSS> CREATE_MS <table build time>
 *        TABLES_KB <RSS growth from create()> ..."
 *
 * Built by bench/bench_t2s.sh against build/libdccore.a and the plugin's
 * objects (the descriptor `docclean_plugin` is linked in directly).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "docclean/plugin.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size now, in KB (Linux /proc/self/statm). */
static long rss_kb(void)
{
    long pages = 0, res = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    fclose(f);
    return res * 4;
}

static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 20, n = 0, r;
    char *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) b = realloc(b, cap *= 2);
    }
    if (!b) exit(2);
    *len = n;
    return b;
}

static void *make_instance(const char *const *kv, const dc_host *h, dc_stage *st)
{
    char err[512];
    const dc_plugin *p = &docclean_plugin;
    dc_options *o = dc_options_from_pairs(p->options, kv, "t2s_bench", err, sizeof err);
    if (!o) {
        fprintf(stderr, "t2s_bench: %s\n", err);
        exit(2);
    }
    void *inst = p->create(h, st, o, err, sizeof err);
    dc_options_free(o);
    if (!inst) {
        fprintf(stderr, "t2s_bench: %s\n", err);
        exit(2);
    }
    return inst;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: t2s_bench convert [k=v...] | bench FILE [k=v...]\n");
        return 2;
    }
    const dc_host *h = dc_host_get();
    dc_stage *st = dc_stage_new_standalone("t2s");
    if (strcmp(argv[1], "convert") == 0) {
        void *inst = make_instance((const char *const *)argv + 2, h, st);
        size_t len;
        char *in = slurp(stdin, &len);
        dc_doc *d = dc_doc_new("stdin", in, len);
        docclean_plugin.process(inst, d);
        fwrite(d->text, 1, d->len, stdout);
        dc_doc_free(d);
        docclean_plugin.destroy(inst);
        free(in);
        return 0;
    }
    if (strcmp(argv[1], "bench") != 0 || argc < 3) return 2;
    FILE *f = fopen(argv[2], "rb");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    size_t len;
    char *in = slurp(f, &len);
    fclose(f);
    long rss0 = rss_kb();
    double t0 = now();
    void *inst = make_instance((const char *const *)argv + 3, h, st);
    double create_ms = (now() - t0) * 1000;
    long tables_kb = rss_kb() - rss0;
    /* Documents of about 64 KiB, cut after a newline. */
    size_t ndocs = 0, cap = 1024;
    dc_doc **docs = malloc(cap * sizeof *docs);
    for (size_t off = 0; off < len;) {
        size_t end = off + 65536 < len ? off + 65536 : len;
        while (end < len && in[end - 1] != '\n') end++;
        if (ndocs == cap) docs = realloc(docs, (cap *= 2) * sizeof *docs);
        docs[ndocs++] = dc_doc_new("d", in + off, end - off);
        off = end;
    }
    double best = 1e30;
    for (int pass = 0; pass < 3; pass++) {
        /* every pass converts the original text: re-create the documents */
        if (pass) {
            size_t off = 0;
            for (size_t i = 0; i < ndocs; i++) {
                size_t n = docs[i]->len;
                (void)n;
                dc_doc_free(docs[i]);
                size_t end = off + 65536 < len ? off + 65536 : len;
                while (end < len && in[end - 1] != '\n') end++;
                docs[i] = dc_doc_new("d", in + off, end - off);
                off = end;
            }
        }
        double t = now();
        for (size_t i = 0; i < ndocs; i++) docclean_plugin.process(inst, docs[i]);
        t = now() - t;
        if (t < best) best = t;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("MBPS %.1f RSS_KB %ld CREATE_MS %.2f TABLES_KB %ld DOCS %zu CHANGED %lld\n",
           (double)len / 1e6 / best, ru.ru_maxrss, create_ms, tables_kb, ndocs,
           (long long)dc_stage_counter_get(st, "chars_changed"));
    for (size_t i = 0; i < ndocs; i++) dc_doc_free(docs[i]);
    free(docs);
    docclean_plugin.destroy(inst);
    dc_stage_free_standalone(st);
    free(in);
    return 0;
}
