#!/usr/bin/env bash
# bench_io.sh BUILD - throughput of the I/O layer and of a normalize-only run.
#
# Data (generated, seeded, never committed): bench/data/io_zh.jsonl, about
# IO_MB (default 200) MB of pseudo-Chinese JSONL documents, the same texts as
# plain UTF-8 (io_zh.txt) and as GB18030 (io_zh.gb18030.txt).
#
# Prints MB/s of each step and ratios against `cat` measured in this run
# (the machine is shared: compare ratios, not absolute numbers).  Goal: a
# normalize-only `docclean run -j1` at >= 200 MB/s.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
MB=${IO_MB:-200}
D=bench/data
mkdir -p "$D"
[ -f "$BUILD/libdccore.a" ] || { echo "no $BUILD/libdccore.a: run make first"; exit 1; }

PKGS="jansson zlib libzstd inih libpcre2-8 libxxhash"
cc -std=gnu11 -O2 -Iinclude -Icore -o "$D/io_bench" bench/io_bench.c "$BUILD/libdccore.a" \
   $(pkg-config --libs $PKGS) -ldl -lpthread -lm || exit 1

J=$D/io_zh.jsonl TXT=$D/io_zh.txt GB=$D/io_zh.gb18030.txt
if [ ! -f "$J" ] || [ "$(cat "$D/io_zh.mb" 2>/dev/null)" != "$MB" ]; then
  echo "generating $MB MB of test data ..."
  "$D/io_bench" gen "$J" "$TXT" "$MB" 42 || exit 1
  iconv -f UTF-8 -t GB18030 "$TXT" > "$GB" || exit 1
  echo "$MB" > "$D/io_zh.mb"
fi
size() { stat -c %s "$1"; }
# t CMD... : best wall seconds and best CPU seconds (user+sys) of REPS runs
# of a command, output discarded.  Best-of and CPU time because other jobs
# share the machine: CPU time is what the run itself costs.
REPS=${IO_REPS:-3}
t() {
  local w c bw= bc= TIMEFORMAT='%R %U %S' out
  for _ in $(seq "$REPS"); do
    out=$( { time "$@" > /dev/null 2>&1; } 2>&1 )
    w=$(echo "$out" | awk '{print $1}'); c=$(echo "$out" | awk '{print $2 + $3}')
    if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc -l)" = 1 ]; then bw=$w; fi
    if [ -z "$bc" ] || [ "$(echo "$c < $bc" | bc -l)" = 1 ]; then bc=$c; fi
  done
  echo "$bw $bc"
}
# mb2 BYTES "WALL CPU": "MB/s-wall MB/s-cpu"
mb2() { set -- "$1" $2; echo "$(mbps "$1" "$2") $(mbps "$1" "$(echo "if ($3 < 0.001) 0.001 else $3" | bc -l)")"; }
# best MB/s reported by REPS runs of io_bench
best_io() {
  local r best=0
  for _ in $(seq "$REPS"); do
    r=$("$D/io_bench" "$@" | awk '/MB\/s/ {print $(NF-1)}')
    if [ "$(echo "$r > $best" | bc -l)" = 1 ]; then best=$r; fi
  done
  echo "$best"
}
mbps() { echo "scale=1; $1 / 1000000 / $2" | bc -l; }
line() { printf '%-36s %8.1f MB/s  (%5.2fx cat)\n' "$1" "$2" "$(echo "$2 / $CAT" | bc -l)"; }

cat "$J" > /dev/null # warm the page cache
read -r CAT CATCPU <<< "$(mb2 "$(size "$J")" "$(t cat "$J")")"
printf '%-36s %8.1f MB/s  (cpu: %.1f MB/s)\n' "cat io_zh.jsonl" "$CAT" "$CATCPU"
# line2 WHAT "WALL CPU"
line2() { set -- "$1" $2; printf '%-36s %8.1f MB/s  (%5.2fx cat)  cpu: %8.1f MB/s\n' "$1" "$2" "$(echo "$2 / $CAT" | bc -l)" "$3"; }
line2 "iconv GB18030 -> UTF-8" "$(mb2 "$(size "$GB")" "$(t iconv -f GB18030 -t UTF-8 "$GB")")"

# The driver's own timings (text bytes per second).
for mode in read decode; do
  for f in "$J" "$TXT" "$GB"; do
    line "io_bench $mode $(basename "$f")" "$(best_io $mode "$f")"
  done
done
"$D/io_bench" escape "$TXT" 50 | sed 's/^/  /'
line "io_bench read+write jsonl" "$(best_io write "$J" "$D/io_out.jsonl")"
rm -f "$D/io_out.jsonl"

# The whole pipeline with only the normalize stage (MB of input JSONL).
if [ -x "$BUILD/docclean" ]; then
  for j in 1 2; do
    line2 "docclean run normalize -j$j" \
      "$(mb2 "$(size "$J")" "$(t "$BUILD/docclean" run -c bench/normalize-only.ini -q -j $j -o "$D/io_run.jsonl" "$J")")"
  done
  rm -f "$D/io_run.jsonl" "$D/io_run.jsonl.rejects.jsonl"
fi
