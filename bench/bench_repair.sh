#!/usr/bin/env bash
# bench_repair.sh BUILD - plugin-only throughput of the repair stages
# `mojibake` and `pinyin_strip` (single thread, CPU time), on clean text (the
# fast path: must stay >= 100 MB/s) and on damaged text (the slow path).
# Each plugin is dlopen'ed from BUILD/plugins and driven through the real
# host table (core/testkit.h).  Ratios are against copying the document
# (dc_doc_new + dc_doc_free), measured in the same run.
#
# Corpora (generated under bench/data/repair/):
#   clean     - laws texts + OpenCC golden from ../shared when present,
#               otherwise the clean fixtures repeated; ~8 MB
#   damaged   - the clean corpus with one byte deleted from the GBK encoding
#               of every line, decoded as GB18030 (every line misaligned)
#   annotated - the clean corpus with ten frequent characters replaced by
#               "traditional(pinyin)" (學(xué)), the content-farm pattern
set -euo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
DATA="$SRC/bench/data/repair"
mkdir -p "$DATA"
make -C "$SRC" --no-print-directory -s BUILD="$BUILD" "$BUILD/plugins/mojibake.so" \
    "$BUILD/plugins/pinyin_strip.so" "$BUILD/libdccore.a" >/dev/null
B=$(cd "$SRC" && cd "$BUILD" && pwd)

cat > "$DATA/repair_bench.c" <<'C'
/* Drive one plugin over one corpus file split into documents at blank
 * lines; print MB/s of CPU time for the plugin and for the copy baseline. */
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
    /* Documents: chunks of about 64 KB ending at a newline. */
    size_t ndocs = 0, *off = malloc(sizeof *off * (n / 1024 + 2));
    off[ndocs++] = 0;
    for (long i = 65536; i < n; i += 65536) {
        char *nl = memchr(buf + i, '\n', n - i);
        if (!nl) break;
        i = nl + 1 - buf;
        off[ndocs++] = i;
    }
    off[ndocs] = n;
    /* Warm up (page faults, caches), then time copies and process() calls
     * separately: the copy is the baseline the ratio is against. */
    for (size_t d = 0; d < ndocs; d++) {
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
    printf("%-12s %-10s %6.1f MB  plugin %7.1f MB/s   copy %7.1f MB/s   plugin/copy time %6.1fx\n",
           p->name, strrchr(argv[2], '/') + 1, mb, mb / plugin, mb / copy, plugin / copy);
    p->destroy(inst);
    dc_stage_free_standalone(st);
    dc_options_free(o);
    return 0;
}
C
cc -std=gnu11 -O2 -I"$SRC/include" -I"$SRC/core" -o "$DATA/repair_bench" "$DATA/repair_bench.c" \
   "$B/libdccore.a" $(pkg-config --libs inih libpcre2-8 zlib libzstd libxxhash jansson) -ldl -lpthread -lm

SHARED_DIR="$SRC/../shared"
python3 - "$DATA" "$SHARED_DIR" "$SRC/tests/fixtures" <<'PY'
import glob, os, random, sys
data, shared, fixtures = sys.argv[1:4]
files = sorted(glob.glob(os.path.join(shared, "peer-tests/laws-versions/*.md")) +
               glob.glob(os.path.join(shared, "peer-tests/opencc/golden/*.txt")))
if not files:
    files = [os.path.join(fixtures, "mojibake/clean_mixed.txt"), os.path.join(fixtures, "pinyin_strip/teaching.txt")]
text = "".join(open(f, encoding="utf-8").read() + "\n" for f in files)
while len(text.encode("utf-8")) < 8_000_000:
    text += text
open(os.path.join(data, "clean"), "w", encoding="utf-8").write(text)
rnd = random.Random(1)
out = []
for line in text.split("\n"):
    b = line.encode("gb18030")
    if len(b) > 4:
        k = rnd.randrange(len(b))
        b = b[:k] + b[k + 1:]
    out.append(b.decode("gb18030", errors="replace"))
open(os.path.join(data, "damaged"), "w", encoding="utf-8").write("\n".join(out))
ann = {"学": "學(xué)", "区": "區(qū)", "发": "發(fā)", "国": "國(guó)", "会": "會(huì)", "实": "實(shí)",
       "关": "關(guān)", "这": "這(zhè)", "门": "門(mén)", "结": "結(jié)"}
open(os.path.join(data, "annotated"), "w", encoding="utf-8").write("".join(ann.get(ch, ch) for ch in text))
PY
ROUNDS=${REPAIR_ROUNDS:-3}
echo "== repair plugins, single thread, CPU time, $ROUNDS rounds"
for p in mojibake pinyin_strip; do
  for c in clean damaged annotated; do
    "$DATA/repair_bench" "$B/plugins/$p.so" "$DATA/$c" "$ROUNDS"
  done
done
