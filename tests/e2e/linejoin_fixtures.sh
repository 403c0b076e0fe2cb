#!/usr/bin/env bash
# linejoin: own fixtures through `docclean run`: a broken document is
# rejoined exactly (6 joins), a document of look-alikes (headings, lists,
# tables, dated records, labels, titles, indents, Latin) is left
# byte-identical with and without the ratio gate, and the gap options work;
# fragmented documents (text runs one per line) are rejoined, their clean
# originals are untouched.
set -u
STAGE=linejoin; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/linejoin"
run() { # run CONF IN OUT
  "$DOCCLEAN" run -q -c "$1" --output-format text -o "$3" --stats "$3.stats" "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
counter() { jq -r ".stages[0].counters.$2" "$1.stats"; }
want_counter() { # want_counter NAME OUT COUNTER VALUE
  local got; got=$(counter "$2" "$3")
  if [ "$got" = "$4" ]; then echo "ok   $1: $3=$4"; else echo "FAIL $1: $3=$got, want $4"; fail=1; fi
}

conf default
run default.ini "$F/broken.txt" broken.out
check "broken document rejoined" "$F/broken.expected" broken.out
want_counter "broken" broken.out joins 6
want_counter "broken" broken.out joins_across_blank 6

run default.ini "$F/keep.txt" keep.out
check "look-alikes untouched" "$F/keep.txt" keep.out
want_counter "look-alikes" keep.out joins 0
conf nogate min_join_ratio=0
run nogate.ini "$F/keep.txt" keep2.out
check "look-alikes untouched without the ratio gate" "$F/keep.txt" keep2.out

# halves on adjacent lines: same joins, no blank lines
grep -v '^$' "$F/broken.txt" > adjacent.txt
grep -v '^$' "$F/broken.expected" > adjacent.expected
run default.ini adjacent.txt adjacent.out
check "adjacent lines rejoined" adjacent.expected adjacent.out
want_counter "adjacent" adjacent.out joins_across_blank 0

conf noblank allow_blank_between=false
run noblank.ini "$F/broken.txt" noblank.out
check "allow_blank_between=false keeps blank-separated halves" "$F/broken.txt" noblank.out

# two blank lines between the halves: only with max_gap_lines=2
sed 's/^$/\n/' "$F/broken.txt" > gap2.txt
run default.ini gap2.txt gap2a.out
check "max_gap_lines=1 leaves double gaps" gap2.txt gap2a.out
conf gap2 max_gap_lines=2
run gap2.ini gap2.txt gap2b.out
want_counter "max_gap_lines=2" gap2b.out joins 6

conf nostruct protect_structure=false
run nostruct.ini "$F/keep.txt" nostruct.out
if cmp -s "$F/keep.txt" nostruct.out; then echo "FAIL protect_structure=false changed nothing"; fail=1
else echo "ok   protect_structure=false joins a heading"; fi
# fragmented text (bench/linejoin_frag.py cut tests/fixtures/linejoin/frag/*
# into runs of 1-12 characters, numbers and XX on their own lines): joined
# back into the clean document; headings, list items, the table and the
# signature/date keep their lines.
run default.ini "$F/fragmented-plan.txt" plan.out
check "fragmented plan rejoined to the clean text" "$F/frag/clean4.txt" plan.out
want_counter "fragmented plan (before and after the table)" plan.out fragment_blocks 2
# paragraph ends as blank lines: each paragraph comes back whole
run default.ini "$F/fragmented-blank.txt" blank.out
check "fragmented report with blank paragraph ends" "$F/fragmented-blank.expected" blank.out
# a break after a sentence end inside a paragraph is kept (大家好！ / 我是):
# the one kind of layout break that is not joined
run default.ini "$F/fragmented-talk.txt" talk.out
check "fragmented talk: table, list, signature and date kept" "$F/fragmented-talk.expected" talk.out
conf nofrag fragments=false
run nofrag.ini "$F/fragmented-plan.txt" nofrag.out
want_counter "fragments=false" nofrag.out fragment_blocks 0
# the clean documents themselves are left alone
for c in "$F"/frag/clean*.txt; do
  run default.ini "$c" clean.out
  check "clean $(basename "$c") untouched" "$c" clean.out
done
exit $fail
