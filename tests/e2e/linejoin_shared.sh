#!/usr/bin/env bash
# linejoin on real data (extended test, skips without ../shared):
#  - samples/003 has exactly 12 broken lines to rejoin (招\n\n生工作,
#    "随班就\n\n读" ...); its output hash is pinned;
#  - negative controls must come out byte-identical: the OpenCC golden
#    documents and every statute in laws-versions (markdown headings,
#    article lists, revision histories).
set -u
if [ -z "${SHARED:-}" ] || [ ! -d "$SHARED/samples" ] || [ ! -d "$SHARED/peer-tests/laws-versions" ]; then
  echo "skip: needs ../shared/samples and ../shared/peer-tests"; exit 77
fi
fail=0
printf '[pipeline]\nstages = linejoin\n' > lj.ini
run() { # run OUTDIR INPUT...
  local out=$1; shift
  "$DOCCLEAN" run -q -c lj.ini --output-format textdir -o "$out" --stats "$out.stats" "$@" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}

run s003 "$SHARED/samples/003_db2c958f4c7b2da7.txt"
joins=$(jq -r '.stages[0].counters.joins' s003.stats)
[ "$joins" = 12 ] && echo "ok   sample 003: 12 joins" || { echo "FAIL sample 003: $joins joins, want 12"; fail=1; }
h=$(sha256sum < s003/003_db2c958f4c7b2da7.txt | cut -c1-16)
[ "$h" = "07ceafcb7a38cdc6" ] && echo "ok   sample 003 output hash" || { echo "FAIL sample 003 output hash $h"; fail=1; }

# negative controls: byte-identical
run golden "$SHARED"/peer-tests/opencc/golden/*
run laws "$SHARED"/peer-tests/laws-versions/*.md
for d in golden laws; do
  j=$(jq -r '.stages[0].counters.joins' $d.stats)
  [ "$j" = 0 ] && echo "ok   $d: 0 joins" || { echo "FAIL $d: $j joins"; fail=1; }
done
n=0
for f in "$SHARED"/peer-tests/opencc/golden/* "$SHARED"/peer-tests/laws-versions/*.md; do
  case $f in */golden/*) d=golden ;; *) d=laws ;; esac
  o="$d/$(basename "$f")"; case $o in *.txt) ;; *) o="$o.txt" ;; esac  # textdir names end in .txt
  if ! cmp -s "$f" "$o"; then echo "FAIL changed: $f"; fail=1; fi
  n=$((n+1))
done
echo "checked $n control documents"
exit $fail
