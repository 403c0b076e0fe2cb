#!/usr/bin/env bash
# bench_linejoin_fragments.sh BUILD - how much of a fragmented text linejoin
# puts back.  The clean documents in tests/fixtures/linejoin/frag (written
# for this project: titles, headings, lists, tables, signatures and dates)
# are cut into runs of 1-12 characters by bench/linejoin_frag.py with SEEDS
# different seeds, once with paragraph ends as plain line ends and once as
# blank lines; linejoin (default options) runs over them, and the script
# prints the share of layout breaks joined (goal >= 95%) and of real line
# breaks kept (goal >= 97%).  Also: every clean document is left unchanged.
# SEEDS=N (default 20) and CLEAN="files..." choose the input.  The held-out
# documents (tests/fixtures/linejoin/frag-heldout, never tuned on) are scored
# with CLEAN="$PWD/tests/fixtures/linejoin/frag-heldout/held*.txt"; report them
# separately.
set -euo pipefail
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "$SRC" && cd "$BUILD" && pwd)
SEEDS=${SEEDS:-20}
CLEAN=${CLEAN:-"$SRC/tests/fixtures/linejoin/frag/clean*.txt"}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
printf '[pipeline]\nstages = linejoin\n' > "$W/lj.ini"
for mode in adjacent blank; do
  mkdir -p "$W/$mode/in" "$W/$mode/out"
  for seed in $(seq 1 "$SEEDS"); do
    python3 "$SRC/bench/linejoin_frag.py" gen $CLEAN --seed "$seed" --out "$W/$mode/in" \
      $([ $mode = blank ] && echo --blank)
  done
  for f in "$W/$mode/in"/*.txt; do
    "$B/docclean" run -q -c "$W/lj.ini" --output-format text -o "$W/$mode/out/$(basename "$f")" "$f"
  done
  printf '%-9s ' "$mode"
  python3 "$SRC/bench/linejoin_frag.py" eval "$W/$mode/in" "$W/$mode/out"
done
changed=0
for f in $CLEAN; do
  "$B/docclean" run -q -c "$W/lj.ini" --output-format text -o "$W/c.out" "$f"
  cmp -s "$f" "$W/c.out" || { echo "clean document changed: $f"; changed=1; }
done
[ $changed = 0 ] && echo "clean documents unchanged"
