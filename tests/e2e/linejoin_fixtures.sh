#!/usr/bin/env bash
# linejoin: own fixtures through `docclean run`: a broken document is
# rejoined exactly (6 joins), a document of look-alikes (headings, lists,
# tables, dated records, labels, titles, indents, Latin) is left
# byte-identical with and without the ratio gate, and the gap options work.
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
exit $fail
