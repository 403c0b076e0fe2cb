#!/usr/bin/env bash
# bench_boilerplate.sh BUILD - boilerplate stage throughput, in one run.
#
# Data (generated, never committed, bench/data/bp_*): the boilerplate
# fixtures (tests/fixtures/boilerplate/*.txt: junk-heavy template page,
# clean news, statute) concatenated and cut into 64 KiB documents, BP_MB
# (default 16) MB in all; with ../shared present also the 146 real
# pages-dev pages (small documents, junk on nearly every page).
#
# Prints single-thread MB/s of the stage's process() alone (bench/bp_driver.c)
#   generic   conf/sites/generic-docsite.ini (the shipped generic profile)
#   rules10   10 synthetic rules (exact/prefix/substring/regex mix)
#   rules200  200 synthetic rules of the same mix
# and the ratio rules200/rules10 (1.0 = cost independent of rule count;
# the prefilter scans each line once whatever the number of rules).
# The generic rows run the scored detector too (default on); the figure
# with scored=false beside it is the rules alone.
# Goal: generic >= 100 MB/s; rules200/rules10 close to 1.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
D=bench/data
MB=${BP_MB:-16}
SECS=${BP_SECS:-3}
mkdir -p "$D"
[ -f "$BUILD/libdccore.a" ] && [ -f "$BUILD/plugins/boilerplate.so" ] || { echo "run make first"; exit 1; }
PKGS="jansson zlib libzstd inih libpcre2-8 libxxhash libhs"
cc -std=gnu11 -O2 -Iinclude -Icore -Iplugins/boilerplate -o "$D/bp_driver" bench/bp_driver.c \
   "$BUILD"/plugins/obj/boilerplate/*.o "$BUILD/libdccore.a" \
   $(pkg-config --libs $PKGS) -ldl -lpthread -lm || exit 1

# corpus: fixtures repeated, cut into 64 KiB documents on line boundaries
rm -rf "$D/bp_docs" && mkdir -p "$D/bp_docs"
F=tests/fixtures/boilerplate
need=$((MB * 1024 * 1024))
: > "$D/bp_all.txt"
while [ "$(stat -c %s "$D/bp_all.txt")" -lt "$need" ]; do
  cat "$F/template-site.txt" "$F/news-clean.txt" "$F/statute-clean.txt" >> "$D/bp_all.txt"
done
split -C 65536 -d -a 4 "$D/bp_all.txt" "$D/bp_docs/doc"

# synthetic profiles: N rules, distinct literals, four kinds in turn
gen_rules() { # N FILE
  { echo "[site]"; echo "name = synth$1"
    for i in $(seq 1 "$1"); do
      echo "[rule:r$i]"
      case $((i % 4)) in
        0) echo "kind = exact";     echo "match = 广告位招租第${i}号" ;;
        1) echo "kind = prefix";    echo "match = 推广链接${i}:" ;;
        2) echo "kind = substring"; echo "max_chars = 80"; echo "match = 点击领取${i}号礼包" ;;
        3) echo "kind = regex";     echo "match = ^会员专区${i}[:：]\\s*\\d+元$" ;;
      esac
    done; } > "$2"
}
gen_rules 10 "$D/bp_rules10.ini"
gen_rules 200 "$D/bp_rules200.ini"

rate() { # PROFILE DOCS...   (BP_OPT: one more stage option, e.g. scored=false)
  local p=$1; shift
  "$D/bp_driver" -o "profiles=$PWD/$p" ${BP_OPT:+-o "$BP_OPT"} -t "$SECS" "$@" | awk '{print $2}'
}
docs=("$D"/bp_docs/doc*)
g=$(rate conf/sites/generic-docsite.ini "${docs[@]}")
g0=$(BP_OPT=scored=false rate conf/sites/generic-docsite.ini "${docs[@]}")
r10=$(rate "$D/bp_rules10.ini" "${docs[@]}")
r200=$(rate "$D/bp_rules200.ini" "${docs[@]}")
echo "boilerplate fixtures corpus ($MB MB, 64 KiB docs), single thread:"
echo "  generic profile        $g MB/s (scored detector on; off: $g0 MB/s)"
echo "  10 synthetic rules     $r10 MB/s"
echo "  200 synthetic rules    $r200 MB/s"
awk -v a="$r200" -v b="$r10" 'BEGIN{printf "  ratio 200/10 rules     %.2f\n", a/b}'
if [ -d ../shared/pages-dev/raw ]; then
  p=$(rate conf/sites/generic-docsite.ini ../shared/pages-dev/raw/*.txt)
  p0=$(BP_OPT=scored=false rate conf/sites/generic-docsite.ini ../shared/pages-dev/raw/*.txt)
  echo "pages-dev (305 real pages, ~1 KB each), generic profile: $p MB/s (scored off: $p0 MB/s)"
fi
