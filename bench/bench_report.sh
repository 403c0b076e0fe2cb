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
one() { # one NAME BINARY ARGS...: prints "seconds cpu_seconds kB"
  local name=$1 bin=$2; shift 2
  /usr/bin/time -f "%e %U+%S %M" -o "$W/$name.time" "$bin" run -c conf/default.ini -q -j2 -o "$W/$name.jsonl" "$@" "$C" \
    2> "$W/$name.err" || { echo "run $name failed"; cat "$W/$name.err"; exit 1; }
  cat "$W/$name.time"
}
best() { sort -n | head -1; }
declare -A T R U
for r in $(seq "$REPS"); do
  for v in plain report base; do
    case $v in
      plain) out=$(one plain "$BUILD/docclean") ;;
      report) out=$(one report "$BUILD/docclean" --stats "$W/s.json" --report "$W/r.html") ;;
      base) [ -n "${BASE_BUILD:-}" ] || continue; out=$(one base "$BASE_BUILD/docclean") ;;
    esac
    read -r wall cpu kb <<< "$out"
    T[$v]+="$wall"$'\n'; U[$v]+="$(echo "$cpu" | bc -l)"$'\n'; R[$v]=$kb
  done
done
printf '%-8s %9s %9s %12s\n' run "wall s" "cpu s" "peak RSS MB"
for v in plain report base; do
  [ -n "${T[$v]:-}" ] || continue
  printf '%-8s %9s %9s %12.0f\n' $v "$(printf '%s' "${T[$v]}" | best)" "$(printf '%s' "${U[$v]}" | best)" \
    "$(echo "${R[$v]} / 1024" | bc -l)"
done
ratio() { # ratio A B: best wall and best cpu of A over B
  printf '%-12s = %.3f wall, %.3f cpu (goal < 1.05)\n' "$1/$2" \
    "$(echo "$(printf '%s' "${T[$1]}" | best) / $(printf '%s' "${T[$2]}" | best)" | bc -l)" \
    "$(echo "$(printf '%s' "${U[$1]}" | best) / $(printf '%s' "${U[$2]}" | best)" | bc -l)"
}
ratio report plain
[ -n "${T[base]:-}" ] && ratio plain base
cmp -s "$W/plain.jsonl" "$W/report.jsonl" && echo "outputs: same bytes" || echo "outputs: DIFFER"
t0=$(date +%s.%N); "$BUILD/docclean" report "$W/s.json" -o "$W/r2.html"; t1=$(date +%s.%N)
printf 'html: %d bytes, stats json: %d bytes, docclean report: %.3f s\n' "$(stat -c %s "$W/r.html")" \
  "$(stat -c %s "$W/s.json")" "$(echo "$t1 - $t0" | bc -l)"
