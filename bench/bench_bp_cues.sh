#!/usr/bin/env bash
# bench_bp_cues.sh BUILD - cue-vocabulary matching for the scored detector:
# the stage's hashed-gram prefilter against Hyperscan (libhyperscan-dev),
# with the shipped ~300 cues and with 3,000 (2,700 synthetic cues added),
# over the boilerplate fixtures (and pages-dev when ../shared is present).
# Single thread, lines scanned one by one as the stage does.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
D=bench/data
SECS=${BP_SECS:-2}
mkdir -p "$D"
pkg-config --exists libhs || { echo "libhs (libhyperscan-dev) not installed: skipped"; exit 0; }
cc -std=gnu11 -O2 -Iinclude -Icore -Iplugins/boilerplate $(pkg-config --cflags libhs) -o "$D/bp_cues_bench" \
   bench/bp_cues_bench.c plugins/boilerplate/bp_prefilter.c $(pkg-config --libs libhs) || exit 1
grep -o '{"[^"]*", [0-9]*}' plugins/boilerplate/bp_features.c | sed 's/^{"//; s/", [0-9]*}$//' > "$D/cues.txt"
cp "$D/cues.txt" "$D/cues3000.txt"
python3 - "$D/cues3000.txt" <<'PY'
import sys, random
random.seed(7)
han = [chr(c) for c in range(0x4e00, 0x9fa5)]
with open(sys.argv[1], "a", encoding="utf-8") as f:
    for i in range(2700):
        f.write("".join(random.choice(han) for _ in range(random.choice((2, 3, 4)))) + "\n")
PY
F=tests/fixtures/boilerplate
files=("$F"/*.txt "$F"/scored/*.txt)
[ -d ../shared/pages-dev/raw ] && files+=(../shared/pages-dev/raw/*.txt)
cat "${files[@]}" > "$D/cues_corpus.txt"
for i in 1 2 3 4 5 6 7; do cat "$D/cues_corpus.txt"; done > "$D/cues_corpus8.txt"
echo "shipped cues:"; "$D/bp_cues_bench" "$SECS" "$D/cues.txt" "$D/cues_corpus8.txt"
echo "3000 cues:";    "$D/bp_cues_bench" "$SECS" "$D/cues3000.txt" "$D/cues_corpus8.txt"
