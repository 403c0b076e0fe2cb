#!/usr/bin/env bash
# bench_dedup_cron.sh BUILD [BUILD2] - throughput of `stages = dedup` alone on
# a bench/gen_corpus.py corpus (BENCH_DEDUP_MB, default 50 MB, seed 1), in the
# three ways cron uses it:
#   noindex   one run without an index (-j1 and -j2)
#   index-1   the first run against a fresh persistent index (-j1)
#   index-2   the same file again under another name against that index
#             (-j1): every document is a redelivery (issue 14 item 10)
# Best CPU seconds (user+sys) of BENCH_DEDUP_REPS (3) runs; MB/s of input per
# CPU second (BENCH_DEDUP_CASES picks cases).  With BUILD2 (e.g. a build of
# the previous commit), both are measured on the same bytes, their runs
# alternating (the shared machine's load drifts), and the speed ratio
# BUILD/BUILD2 is printed.
set -u
cd "$(dirname "$0")/.."
MB=${BENCH_DEDUP_MB:-50}
REPS=${BENCH_DEDUP_REPS:-3}
D=bench/data
mkdir -p "$D"
C=$D/e2e_s1_${MB}mb.jsonl
[ -f "$C" ] || python3 bench/gen_corpus.py --seed 1 --mb "$MB" -o "$C" || exit 1
BYTES=$(stat -L -c %s "$C")
W=$(mktemp -d "${TMPDIR:-/tmp}/dc-bench-dedup.XXXXXX")
trap 'rm -rf "$W"' EXIT
printf '[pipeline]\nstages = dedup\n' > "$W/noindex.ini"
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = %s/idx\n' "$W" > "$W/index.ini"
ln -s "$(pwd)/$C" "$W/again.jsonl"

export DOCCLEAN_DATA_DIR=${DOCCLEAN_DATA_DIR:-$(pwd)} # the same tables (t2s folding) for both builds
cpu() { # BUILD CONFIG JOBS INPUT -> CPU seconds of the run
  /usr/bin/time -f '%U %S' -o "$W/t" "$1/docclean" run -q -j"$3" -c "$2" -o "$W/o.jsonl" --rejects "$W/r.jsonl" "$4" ||
    { echo "run failed: $*" >&2; exit 1; }
  awk '{ printf "%.2f", $1 + $2 }' "$W/t"
}
one() { # BUILD CASE -> CPU seconds of one run
  case $2 in
    noindex-j1) cpu "$1" "$W/noindex.ini" 1 "$C" ;;
    noindex-j2) cpu "$1" "$W/noindex.ini" 2 "$C" ;;
    index-1) rm -rf "$W/idx"; cpu "$1" "$W/index.ini" 1 "$C" ;;
    index-2) rm -rf "$W/idx"; cpu "$1" "$W/index.ini" 1 "$C" > /dev/null; cpu "$1" "$W/index.ini" 1 "$W/again.jsonl" ;;
  esac
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
echo "dedup alone on $C ($BYTES bytes), best of $REPS, CPU seconds and MB/s per CPU second"
printf '%-12s %10s %8s' case "${1##*/}" MB/s
[ $# -ge 2 ] && printf ' %10s %8s %6s' "${2##*/}" MB/s ratio
echo
for c in ${BENCH_DEDUP_CASES:-noindex-j1 noindex-j2 index-1 index-2}; do
  a="" b=""
  for _ in $(seq "$REPS"); do
    a=$(min "$a" "$(one "$1" $c)") || exit 1
    [ $# -ge 2 ] && { b=$(min "$b" "$(one "$2" $c)") || exit 1; }
  done
  printf '%-12s %10s %8.1f' $c "$a" "$(echo "$BYTES / 1000000 / $a" | bc -l)"
  [ $# -ge 2 ] && printf ' %10s %8.1f %6.2f' "$b" "$(echo "$BYTES / 1000000 / $b" | bc -l)" "$(echo "$b / $a" | bc -l)"
  echo
done
