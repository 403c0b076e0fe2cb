#!/usr/bin/env bash
# bench_report.sh BUILD - what the run report costs (issue 18).
#
# Data (generated, seeded, never committed): bench/data/report_sSEED_MBmb.jsonl,
# BENCH_REPORT_MB (default 64) MB from bench/gen_corpus.py.
#
# Measures in one run, on the same bytes, `docclean run -c conf/default.ini -j2`
# (best of BENCH_REPORT_REPS, default 3, interleaved):
#   plain     no --stats / --report
#   report    --stats and --report FILE.html
#   base      the same run with the binary in BASE_BUILD (optional: e.g. a
#             build of the commit before the report, whose core measured no
#             edits), to price the per-document measuring that every run does
# and prints wall seconds, peak RSS (/usr/bin/time %M), the ratios
# report/plain and plain/base, the HTML size and the time to render it
# (`docclean report`).  Goal: report/plain and plain/base < 1.05.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
MB=${BENCH_REPORT_MB:-64}
SEED=${BENCH_REPORT_SEED:-1}
REPS=${BENCH_REPORT_REPS:-3}
D=bench/data
mkdir -p "$D"
C="$D/report_s${SEED}_${MB}mb.jsonl"
[ -s "$C" ] || python3 bench/gen_corpus.py --seed "$SEED" --mb "$MB" -o "$C" || exit 1
W=$(mktemp -d "${TMPDIR:-/tmp}/dc-bench-report.XXXXXX")
trap 'rm -rf "$W"' EXIT
one() { # one NAME BINARY ARGS...: prints "seconds kB"
  local name=$1 bin=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$W/$name.time" "$bin" run -c conf/default.ini -q -j2 -o "$W/$name.jsonl" "$@" "$C" \
    2> "$W/$name.err" || { echo "run $name failed"; cat "$W/$name.err"; exit 1; }
  cat "$W/$name.time"
}
best() { sort -n | head -1; }
declare -A T R
for r in $(seq "$REPS"); do
  for v in plain report base; do
    case $v in
      plain) out=$(one plain "$BUILD/docclean") ;;
      report) out=$(one report "$BUILD/docclean" --stats "$W/s.json" --report "$W/r.html") ;;
      base) [ -n "${BASE_BUILD:-}" ] || continue; out=$(one base "$BASE_BUILD/docclean") ;;
    esac
    T[$v]+="${out% *}"$'\n'; R[$v]=${out#* }
  done
done
printf '%-8s %9s %12s\n' run seconds "peak RSS MB"
for v in plain report base; do
  [ -n "${T[$v]:-}" ] || continue
  printf '%-8s %9s %12.0f\n' $v "$(printf '%s' "${T[$v]}" | best)" "$(echo "${R[$v]} / 1024" | bc -l)"
done
tp=$(printf '%s' "${T[plain]}" | best); tr=$(printf '%s' "${T[report]}" | best)
printf 'report/plain = %.3f (goal < 1.05)\n' "$(echo "$tr / $tp" | bc -l)"
if [ -n "${T[base]:-}" ]; then
  tb=$(printf '%s' "${T[base]}" | best)
  printf 'plain/base   = %.3f (goal < 1.05)\n' "$(echo "$tp / $tb" | bc -l)"
fi
cmp -s "$W/plain.jsonl" "$W/report.jsonl" && echo "outputs: same bytes" || echo "outputs: DIFFER"
t0=$(date +%s.%N); "$BUILD/docclean" report "$W/s.json" -o "$W/r2.html"; t1=$(date +%s.%N)
printf 'html: %d bytes, stats json: %d bytes, docclean report: %.3f s\n' "$(stat -c %s "$W/r.html")" \
  "$(stat -c %s "$W/s.json")" "$(echo "$t1 - $t0" | bc -l)"
