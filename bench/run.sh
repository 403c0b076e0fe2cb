#!/usr/bin/env bash
# `make bench`: run every bench/bench_*.sh in turn and keep their output in
# bench/results/LAST.txt.  Benchmarks print ratios measured in the same run
# (machines are shared and noisy: compare ratios, not absolute MB/s).
BUILD=${1:-build}
cd "$(dirname "$0")/.."
mkdir -p bench/results bench/data
out=bench/results/LAST.txt
: > "$out"
for b in bench/bench_*.sh; do
  [ -f "$b" ] || continue
  echo "=== $b" | tee -a "$out"
  bash "$b" "$BUILD" 2>&1 | tee -a "$out"
done
echo "results: $out"
