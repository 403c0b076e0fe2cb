# boilerplate (extended): negative controls from ../shared.  Statute text
# (peer-tests/laws-versions) and the OpenCC golden texts come out of the
# stage byte-identical with the shipped profiles.
. "$SRC/tests/lib.sh"
need_shared peer-tests/laws-versions
need_shared peer-tests/opencc/golden
printf '[pipeline]\nstages = boilerplate\n' > conf.ini
"$DOCCLEAN" run -c conf.ini -q --output-format textdir -o out --stats stats.json \
    "$SHARED"/peer-tests/laws-versions/*.md "$SHARED"/peer-tests/opencc/golden/* || fail "run failed"
n=0
for f in "$SHARED"/peer-tests/laws-versions/*.md "$SHARED"/peer-tests/opencc/golden/*; do
  b=$(basename "$f"); o="out/$b"; [ -f "$o" ] || o="out/$b.txt"
  [ -f "$o" ] || fail "no output for $b"
  expect_file_eq "$o" "$f"
  n=$((n + 1))
done
[ "$n" -ge 200 ] || fail "only $n control documents"
expect_contains stats.json '"lines_removed": 0'
