#!/usr/bin/env bash
# bench_t2s.sh BUILD - t2s throughput against OpenCC's CLI, in one run.
#
# Data (generated, never committed): bench/data/t2s_trad.txt, at least
# T2S_MB (default 64) MB of traditional Chinese: OpenCC's zuozhuan.txt and
# ../shared/samples converted with `opencc -c s2t.json`, repeated (without
# ../shared: the t2s fixtures, repeated).  Also as JSONL documents of about
# 64 KiB (t2s_trad.jsonl) for the end-to-end run.
#
# Prints MB/s of
#   opencc -c t2s.json -i FILE -o OUT      (Debian's OpenCC 1.1.6 CLI)
#   t2s plugin only (bench/t2s_bench.c: process() on 64 KiB documents)
#   docclean run, pipeline = t2s only, -j1 and default threads
# with ratios against OpenCC measured in this run, and peak RSS.
# Goal: plugin >= 30x OpenCC; peak RSS <= 16 MB beyond the core's own.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
MB=${T2S_MB:-64}
D=bench/data
mkdir -p "$D"
[ -f "$BUILD/libdccore.a" ] && [ -f "$BUILD/plugins/t2s.so" ] || { echo "run make first"; exit 1; }
SHARED=
[ -d ../shared/peer-tests/opencc ] && SHARED=$(cd ../shared && pwd)

PKGS="jansson zlib libzstd inih libpcre2-8 libxxhash"
cc -std=gnu11 -O2 -Iinclude -Icore -o "$D/t2s_bench" bench/t2s_bench.c \
   "$BUILD"/plugins/obj/t2s/*.o "$BUILD/gen/t2s_tables.o" "$BUILD/libdccore.a" \
   $(pkg-config --libs $PKGS) -ldl -lpthread -lm || exit 1

F=$D/t2s_trad.txt J=$D/t2s_trad.jsonl
if [ ! -f "$F" ] || [ "$(cat "$D/t2s_trad.mb" 2>/dev/null)" != "$MB" ]; then
  echo "generating $MB MB of traditional text ..."
  seed=$D/t2s_seed.txt; : > "$seed"
  if [ -n "$SHARED" ]; then
    cat "$SHARED/peer-tests/opencc/zuozhuan.txt" >> "$seed"
    for f in "$SHARED"/samples/*; do opencc -c s2t.json < "$f" >> "$seed"; echo >> "$seed"; done
  else
    cat tests/fixtures/t2s/*.txt >> "$seed"
  fi
  : > "$F"
  while [ "$(stat -c %s "$F")" -lt $((MB * 1000000)) ]; do cat "$seed" >> "$F"; done
  python3 - "$F" "$J" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
data = open(src, encoding="utf-8").read()
with open(dst, "w", encoding="utf-8") as out:
    i = n = 0
    while i < len(data):
        j = data.find("\n", i + 21000)   # ~64 KB of 3-byte characters
        j = len(data) if j < 0 else j + 1
        out.write(json.dumps({"id": f"d{n}", "text": data[i:j]}, ensure_ascii=False) + "\n")
        i, n = j, n + 1
PY
  echo "$MB" > "$D/t2s_trad.mb"
fi
size() { stat -c %s "$1"; }
SZ=$(size "$F")
# wall seconds and peak RSS (KB) of a command: sets W and RSS
tv() { /usr/bin/time -f '%e %M' -o "$D/t2s_time" "$@" > /dev/null 2>&1; read W RSS < "$D/t2s_time"; }
mbps() { echo "scale=1; $1 / 1000000 / $2" | bc -l; }
cat "$F" "$J" > /dev/null # warm the page cache
echo "input: $F, $(echo "scale=1; $SZ / 1000000" | bc) MB"

tv opencc -c t2s.json -i "$F" -o "$D/t2s_opencc.out"
OC=$(mbps "$SZ" "$W"); OC_RSS=$RSS
printf '%-44s %8.1f MB/s  %6s  peak RSS %6d KB\n' "opencc 1.1.6 -c t2s.json" "$OC" "1.0x" "$OC_RSS"

read -r _ PL _ PL_RSS _ CREATE _ TABLES _ < <("$D/t2s_bench" bench "$F")
printf '%-44s %8.1f MB/s  %5.1fx  tables %d KB RSS, built in %.1f ms\n' "t2s plugin only (t2s_bench)" "$PL" \
  "$(echo "$PL / $OC" | bc -l)" "$TABLES" "$CREATE"
for cfg in tw2s hk2s; do
  read -r _ P2 _ _ _ _ _ T2 _ < <("$D/t2s_bench" bench "$F" config=$cfg)
  printf '%-44s %8.1f MB/s  %5.1fx  tables %d KB RSS\n' "t2s plugin only, config=$cfg" "$P2" \
    "$(echo "$P2 / $OC" | bc -l)" "$T2"
done

printf '[pipeline]\nstages = t2s\n[t2s]\nconfig = t2s\n' > "$D/t2s_only.ini"
printf '[pipeline]\nstages = normalize\n' > "$D/t2s_normalize_only.ini"
e2e() { # e2e LABEL CONF J
  tv "$BUILD/docclean" run -j "$3" -c "$2" --format jsonl -o "$D/t2s_e2e.out.jsonl" --rejects "$D/t2s_e2e.rej.jsonl" "$J"
  E2E=$(mbps "$SZ" "$W")
  printf '%-44s %8.1f MB/s  %5.1fx  peak RSS %6d KB\n' "$1" "$E2E" "$(echo "$E2E / $OC" | bc -l)" "$RSS"
}
e2e "docclean run -j1, stages = t2s" "$D/t2s_only.ini" 1; E2E_RSS=$RSS
e2e "docclean run -j2, stages = t2s" "$D/t2s_only.ini" 2
if [ -f "$BUILD/plugins/normalize.so" ]; then
  e2e "docclean run -j1, stages = normalize (ref.)" "$D/t2s_normalize_only.ini" 1
  echo "peak RSS t2s-only run minus normalize-only run: $(( E2E_RSS - RSS )) KB"
fi
rm -f "$D/t2s_e2e.out.jsonl" "$D/t2s_e2e.rej.jsonl" "$D/t2s_opencc.out"
echo "plugin/opencc throughput ratio: $(echo "scale=1; $PL / $OC" | bc -l)x (goal >= 30x)"
echo "t2s tables: $TABLES KB resident (goal: <= 16 MB beyond the core)"
