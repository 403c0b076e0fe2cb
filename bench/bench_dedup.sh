#!/usr/bin/env bash
# bench_dedup.sh BUILD - the dedup plugin's quality and speed numbers.
#   1. precision/recall at threshold 0.8 on seeded synthetic pairs labelled
#      with their true character-5-gram Jaccard (bench/dedup_gen.py);
#   2. signature throughput (MB/s per core, CPU time) and the whole stage;
#   3. law revisions from ../shared/peer-tests/laws-versions vs MANIFEST.tsv
#      (skipped without ../shared);
#   4. an index of DEDUP_SCALE_DOCS (default 1,000,000; the issue's 10M run:
#      DEDUP_SCALE_DOCS=10000000) documents built from synthetic signatures:
#      bytes per document, lookup and incremental insert timings.
set -euo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
DATA="$SRC/bench/data/dedup"
mkdir -p "$DATA"
make -C "$SRC" --no-print-directory -s BUILD="$BUILD" "$BUILD/plugins/dedup.so" "$BUILD/libdccore.a" >/dev/null
B=$(cd "$SRC" && cd "$BUILD" && pwd)
cc -std=gnu11 -O2 -g -Wall -Wextra -I"$SRC/include" -I"$SRC/core" -I"$SRC/plugins/dedup" -o "$DATA/dedup_eval" \
   "$SRC/bench/dedup_eval.c" "$B"/plugins/obj/dedup/*.o "$B/libdccore.a" \
   $(pkg-config --libs inih libpcre2-8 zlib libzstd libxxhash jansson) -llmdb -lsqlite3 -ldl -lpthread -lm
TABLE="$SRC/tests/fixtures/dedup/ts_small.txt"
# default-config instances (laws) find third_party/opencc/TSCharacters.txt here
export DOCCLEAN_DATA_DIR="$SRC"
NPAIRS=${DEDUP_PAIRS:-2000}
[ -s "$DATA/pairs-$NPAIRS.tsv" ] || python3 "$SRC/bench/dedup_gen.py" 1 "$NPAIRS" "$TABLE" > "$DATA/pairs-$NPAIRS.tsv"

echo "== dedup quality: $NPAIRS labelled pairs (seed 1), defaults (14 bands x 8 rows)"
"$DATA/dedup_eval" pairs "$DATA/pairs-$NPAIRS.tsv" "$TABLE"
echo "== same pairs, 20 bands x 8 rows (K=160)"
DEDUP_EVAL_OPTS="bands=20" "$DATA/dedup_eval" pairs "$DATA/pairs-$NPAIRS.tsv" "$TABLE"
echo "== dedup speed"
"$DATA/dedup_eval" speed "$DATA/pairs-$NPAIRS.tsv" "$TABLE"
SHARED_DIR="$SRC/../shared/peer-tests/laws-versions"
if [ -f "$SHARED_DIR/MANIFEST.tsv" ]; then
  echo "== law revisions (pairs within a group; manifest J is the group's max)"
  "$DATA/dedup_eval" laws "$SHARED_DIR" | tail -1
else
  echo "== law revisions: skipped (../shared not present)"
fi
N=${DEDUP_SCALE_DOCS:-1000000}
echo "== index scale: $N documents from synthetic signatures"
rm -rf "$DATA/scale-index"
"$DATA/dedup_eval" scale "$N" "$DATA/scale-index"
rm -rf "$DATA/scale-index"
