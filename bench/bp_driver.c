/*
 * bp_driver.c - run the boilerplate stage over files without the CLI: for
 * scoring on labelled pages and for bench/bench_boilerplate.sh.
 *
 *   bp_driver [-o key=value]... [-s STAGE.so]... [-t SECONDS] FILE...
 *
 * -o   an option of the boilerplate stage (repeatable)
 * -s   a stage plugin run with default options before boilerplate
 * -c   print the value of this counter of the boilerplate stage at the end
 *      (repeatable: which rules fired)
 * -t   bench mode: process all files repeatedly for at least SECONDS and
 *      print "MB/s <n>" for the boilerplate stage alone; no output
 * Without -t writes one JSONL record {"id": basename, "text": ...} per kept
 * document to stdout.
 *
 * Build: see bench/bench_boilerplate.sh (links build/libdccore.a and the
 * plugin objects).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "testkit.h"

extern const dc_plugin docclean_plugin;

typedef struct stage {
    const dc_plugin *p;
    void *inst;
} stage;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    b[*len] = '\0';
    fclose(f);
    return b;
}

static int make_stage(stage *s, const dc_plugin *p, const char *const *kv, dc_stage **out) {
    char err[1024];
    dc_options *o = dc_options_from_pairs(p->options, kv, "bp_driver", err, sizeof err);
    if (!o) {
        fprintf(stderr, "%s: %s\n", p->name, err);
        return -1;
    }
    s->p = p;
    dc_stage *st = dc_stage_new_standalone(p->name);
    if (out) *out = st;
    s->inst = p->create(dc_host_get(), st, o, err, sizeof err);
    if (!s->inst) {
        fprintf(stderr, "%s: %s\n", p->name, err);
        return -1;
    }
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    const char *kv[64];
    size_t nkv = 0;
    stage pre[8], bp;
    size_t npre = 0;
    double bench = 0;
    const char *counters[256];
    size_t ncounters = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) break;
        if (strcmp(argv[i], "-o") == 0 && nkv < 63) kv[nkv++] = argv[i + 1];
        else if (strcmp(argv[i], "-c") == 0 && ncounters < 256) counters[ncounters++] = argv[i + 1];
        else if (strcmp(argv[i], "-t") == 0) bench = atof(argv[i + 1]);
        else if (strcmp(argv[i], "-s") == 0 && npre < 8) {
            void *h = dlopen(argv[i + 1], RTLD_NOW | RTLD_LOCAL);
            const dc_plugin *p = h ? dlsym(h, DC_PLUGIN_SYMBOL) : NULL;
            if (!p || make_stage(&pre[npre++], p, NULL, NULL) < 0) {
                fprintf(stderr, "cannot load %s: %s\n", argv[i + 1], h ? "create failed" : dlerror());
                return 2;
            }
        }
    }
    kv[nkv] = NULL;
    if (getenv("BP_DEBUG")) dc_log_verbosity = DC_LOG_DEBUG;
    dc_stage *bp_stage = NULL;
    if (make_stage(&bp, &docclean_plugin, kv, &bp_stage) < 0) return 2;
    size_t nfiles = (size_t)(argc - i);
    char **texts = calloc(nfiles + 1, sizeof(char *));
    size_t *lens = calloc(nfiles + 1, sizeof(size_t)), total = 0;
    for (size_t f = 0; f < nfiles; f++) {
        texts[f] = slurp(argv[i + f], &lens[f]);
        if (!texts[f]) {
            fprintf(stderr, "cannot read %s\n", argv[i + f]);
            return 2;
        }
        total += lens[f];
    }
    if (bench > 0) {
        size_t bytes = 0;
        double t0 = now(), t;
        do {
            for (size_t f = 0; f < nfiles; f++) {
                dc_doc *d = dc_doc_new("b", texts[f], lens[f]);
                bp.p->process(bp.inst, d);
                dc_doc_free(d);
                bytes += lens[f];
            }
        } while ((t = now() - t0) < bench);
        printf("MB/s %.1f\n", bytes / t / 1e6);
        return 0;
    }
    for (size_t f = 0; f < nfiles; f++) {
        const char *base = strrchr(argv[i + f], '/');
        base = base ? base + 1 : argv[i + f];
        dc_doc *d = dc_doc_new(base, texts[f], lens[f]);
        dc_verdict v = DC_KEEP;
        for (size_t k = 0; k < npre && v == DC_KEEP; k++) v = pre[k].p->process(pre[k].inst, d);
        if (v == DC_KEEP) v = bp.p->process(bp.inst, d);
        if (v != DC_KEEP) {
            fprintf(stderr, "%s: dropped: %s\n", base, dc_doc_reason(d));
        } else {
            json_t *o = json_pack("{s:s, s:s%}", "id", base, "text", d->text, d->len);
            char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII * 0);
            puts(line);
            free(line);
            json_decref(o);
        }
        dc_doc_free(d);
    }
    for (size_t c = 0; c < ncounters; c++)
        fprintf(stderr, "counter %s %lld\n", counters[c],
                (long long)dc_stage_counter_get(bp_stage, counters[c]));
    return 0;
}
