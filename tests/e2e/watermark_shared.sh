#!/usr/bin/env bash
# watermark on real data (extended test, skips without ../shared):
#  - the stray marks of the samples are removed, counted exactly
#    (001: 3 的` and 3 的.; 004: 1 的.), and output hashes are pinned;
#  - the Discuz noise pages of pages-dev lose their noise (counts pinned);
#  - negative controls come out byte-identical: samples 000/002/003, the
#    OpenCC golden documents, zuozhuan.txt and every statute in laws-versions.
set -u
if [ -z "${SHARED:-}" ] || [ ! -d "$SHARED/samples" ] || [ ! -d "$SHARED/peer-tests/laws-versions" ]; then
  echo "skip: needs ../shared/samples and ../shared/peer-tests"; exit 77
fi
fail=0
printf '[pipeline]\nstages = watermark\n' > wm.ini
run() { # run OUTDIR INPUT...
  local out=$1; shift
  "$DOCCLEAN" run -q -c wm.ini --output-format textdir -o "$out" --stats "$out.stats" "$@" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
counters() { jq -r '.stages[0].counters | [.de_backtick, .de_quote, .de_dot, .han_backtick, .noise_runs, .noise_lines] | join(" ")' "$1.stats"; }
expect() { # expect NAME OUTDIR "COUNTS"
  local got; got=$(counters "$2")
  [ "$got" = "$3" ] && echo "ok   $1: $got" || { echo "FAIL $1: counters $got, want $3"; fail=1; }
}
hash_is() { # hash_is FILE PREFIX
  local h; h=$(sha256sum < "$1" | cut -c1-16)
  [ "$h" = "$2" ] && echo "ok   hash $(basename "$1")" || { echo "FAIL hash $(basename "$1"): $h"; fail=1; }
}
same() { # same ORIGINAL OUTDIR
  local o="$2/$(basename "$1")"; case $o in *.txt) ;; *) o="$o.txt" ;; esac
  cmp -s "$1" "$o" || { echo "FAIL changed: $1"; fail=1; }
}

S="$SHARED/samples"
run s001 "$S/001_e57b600bd7338ec5.txt"; expect "sample 001" s001 "3 0 3 0 0 0"
hash_is s001/001_e57b600bd7338ec5.txt 8a34ede48f14e042
run s004 "$S/004_d6adde2fbe4bdeda.txt"; expect "sample 004" s004 "0 0 1 0 0 0"
hash_is s004/004_d6adde2fbe4bdeda.txt d4b3d3c7913da398
P="$SHARED/pages-dev/raw"
if [ -f "$P/023.txt" ] && [ -f "$P/081.txt" ]; then
  run p023 "$P/023.txt"; expect "pages-dev 023" p023 "0 0 0 0 11 8"
  run p081 "$P/081.txt"; expect "pages-dev 081" p081 "0 0 0 0 5 12"
  # no ASCII run of 5+ two-character fragments is left
  if grep -qP '(^|[^\x20-\x7e])([\x21-\x7e]{1,2} ){4,}[\x21-\x7e]{1,2}' p023/023.txt p081/081.txt; then
    echo "FAIL noise left in 023/081"; fail=1
  else echo "ok   no noise left in 023/081"; fi
fi

run clean "$S/000_44b2737ff61d4d22.txt" "$S/002_94f0555eafe58452.txt" "$S/003_db2c958f4c7b2da7.txt" \
  "$SHARED"/peer-tests/opencc/golden/* "$SHARED/peer-tests/opencc/zuozhuan.txt" \
  "$SHARED"/peer-tests/laws-versions/*.md
expect "negative controls" clean "0 0 0 0 0 0"
n=0
for f in "$S/000_44b2737ff61d4d22.txt" "$S/002_94f0555eafe58452.txt" "$S/003_db2c958f4c7b2da7.txt" \
         "$SHARED"/peer-tests/opencc/golden/* "$SHARED/peer-tests/opencc/zuozhuan.txt" \
         "$SHARED"/peer-tests/laws-versions/*.md; do
  same "$f" clean; n=$((n+1))
done
echo "checked $n control documents"
exit $fail
