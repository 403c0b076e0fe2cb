#!/usr/bin/env bash
# bench_linejoin_watermark.sh BUILD - plugin-only throughput of `linejoin`
# and `watermark` (single thread, CPU time of process() only).  Each plugin
# is dlopen'ed from BUILD/plugins and driven through the real host table
# (core/testkit.h).  Ratios are against copying the document (dc_doc_new),
# measured in the same run; the goals for linejoin are >= 150 MB/s on clean
# text and >= 50 MB/s on fragmented text.
#
# Corpora (generated under bench/data/linejoin_watermark/, ~50 MB each):
#   clean   - laws texts + OpenCC golden from ../shared when present,
#             otherwise this plugin pair's "keep" fixtures, repeated
#   broken  - the clean corpus with every line longer than 30 characters
#             broken after its 20th character by a blank line (linejoin's
#             slow path: every line is a candidate)
#   fragmented - the clean corpus cut into runs of 1-12 characters, one per
#             line (bench/linejoin_frag.py): linejoin's fragment blocks
#   marked  - the clean corpus with 的` after every 的 and an ASCII noise run
#             at the end of every line (watermark's slow path)
set -euo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
DATA="$SRC/bench/data/linejoin_watermark"
mkdir -p "$DATA"
make -C "$SRC" --no-print-directory -s BUILD="$BUILD" "$BUILD/plugins/linejoin.so" \
    "$BUILD/plugins/watermark.so" "$BUILD/libdccore.a" >/dev/null
B=$(cd "$SRC" && cd "$BUILD" && pwd)

cat > "$DATA/lw_bench.c" <<'C'
/* Drive one plugin over one corpus file cut into ~64 KB documents at
 * newlines; print MB/s of CPU time for process() and for the copy. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "testkit.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: PLUGIN.so CORPUS ROUNDS\n"); return 2; }
    void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!so) { fprintf(stderr, "%s\n", dlerror()); return 1; }
    const dc_plugin *p = dlsym(so, "docclean_plugin");
    FILE *f = fopen(argv[2], "rb");
    if (!p || !f) return 1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc(n + 1);
    if (fread(buf, 1, n, f) != (size_t)n) return 1;
    fclose(f);
    int rounds = atoi(argv[3]);
    char err[256];
    dc_options *o = dc_options_from_pairs(p->options, NULL, "bench", err, sizeof err);
    dc_stage *st = dc_stage_new_standalone(p->name);
    void *inst = p->create(dc_host_get(), st, o, err, sizeof err);
    if (!inst) { fprintf(stderr, "%s\n", err); return 1; }
    size_t ndocs = 0, *off = malloc(sizeof *off * (n / 1024 + 2));
    off[ndocs++] = 0;
    for (long i = 65536; i < n; i += 65536) {
        char *nl = memchr(buf + i, '\n', n - i);
        if (!nl) break;
        i = nl + 1 - buf;
        off[ndocs++] = i;
    }
    off[ndocs] = n;
    for (size_t d = 0; d < ndocs; d++) { /* warm up */
        dc_doc *doc = dc_doc_new("b", buf + off[d], off[d + 1] - off[d]);
        p->process(inst, doc);
        dc_doc_free(doc);
    }
    double copy = 0, plugin = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t d = 0; d < ndocs; d++) {
            double t0 = cpu();
            dc_doc *doc = dc_doc_new("b", buf + off[d], off[d + 1] - off[d]);
            double t1 = cpu();
            p->process(inst, doc);
            double t2 = cpu();
            dc_doc_free(doc);
            copy += t1 - t0;
            plugin += t2 - t1;
        }
    double mb = (double)n * rounds / 1e6;
    printf("%-10s %-7s %6.1f MB  plugin %7.1f MB/s   copy %7.1f MB/s   plugin/copy time %5.1fx\n",
           p->name, strrchr(argv[2], '/') + 1, mb, mb / plugin, mb / copy, plugin / copy);
    p->destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
    return 0;
}
C
cc -std=gnu11 -O2 -I"$SRC/include" -I"$SRC/core" -o "$DATA/lw_bench" "$DATA/lw_bench.c" \
   "$B/libdccore.a" $(pkg-config --libs inih libpcre2-8 zlib libzstd libxxhash jansson) -ldl -lpthread -lm

python3 - "$DATA" "$SRC/../shared" "$SRC/tests/fixtures" "$SRC/bench" <<'PY'
import glob, os, random, sys
data, shared, fixtures, bench = sys.argv[1:5]
sys.path.insert(0, bench)
import linejoin_frag
files = sorted(glob.glob(os.path.join(shared, "peer-tests/laws-versions/*.md")) +
               glob.glob(os.path.join(shared, "peer-tests/opencc/golden/*.txt")))
if not files:
    files = [os.path.join(fixtures, "linejoin/keep.txt")]
base = "".join(open(f, encoding="utf-8").read() + "\n" for f in files)
text = base
while len(text.encode("utf-8")) < 50_000_000:
    text += base
open(os.path.join(data, "clean"), "w", encoding="utf-8").write(text)
lines = text.split("\n")
broken = [l[:20] + "\n\n" + l[20:] if len(l) > 30 else l for l in lines]
open(os.path.join(data, "broken"), "w", encoding="utf-8").write("\n".join(broken))
marked = [l.replace("的", "的`") + (" i( j( e7 Z2 {! |0 K" if l else "") for l in lines]
open(os.path.join(data, "marked"), "w", encoding="utf-8").write("\n".join(marked))
rnd = random.Random(1)
frag = "\n".join("\n".join(linejoin_frag.cut_line(l, rnd)) if l.strip() else l
                 for l in base[:4_000_000].split("\n"))
text = frag
while len(text.encode("utf-8")) < 50_000_000:
    text += "\n" + frag
open(os.path.join(data, "fragmented"), "w", encoding="utf-8").write(text)
PY
ROUNDS=${LW_ROUNDS:-3}
echo "== linejoin / watermark, single thread, CPU time, $ROUNDS rounds"
"$DATA/lw_bench" "$B/plugins/linejoin.so" "$DATA/clean" "$ROUNDS"
"$DATA/lw_bench" "$B/plugins/linejoin.so" "$DATA/broken" 1
"$DATA/lw_bench" "$B/plugins/linejoin.so" "$DATA/fragmented" 1
"$DATA/lw_bench" "$B/plugins/watermark.so" "$DATA/clean" "$ROUNDS"
"$DATA/lw_bench" "$B/plugins/watermark.so" "$DATA/marked" 1
