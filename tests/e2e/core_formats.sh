# Input/output formats: stdin, gzip and zstd in and out, text and textdir
# output, atomic output (no final file from a failed run).
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
printf '{"id":"1","text":"甲  \\r\\n乙"}\n{"id":"2","text":"丙"}\n' > d.jsonl
gzip -k d.jsonl; zstd -q d.jsonl -o d.jsonl.zst
"$DOCCLEAN" run -c n.ini -q -o plain.jsonl d.jsonl || fail plain
"$DOCCLEAN" run -c n.ini -q -o gz.jsonl d.jsonl.gz || fail gz
"$DOCCLEAN" run -c n.ini -q -o zst.jsonl d.jsonl.zst || fail zst
for f in plain gz zst; do
  [ ! -s $f.jsonl.rejects.jsonl ] || fail "$f input: unexpected rejects: $(cat $f.jsonl.rejects.jsonl)"
done
for f in gz zst; do
  expect_eq "$f input" "$(jq_field $f.jsonl text | tr '\n' '|')" "$(jq_field plain.jsonl text | tr '\n' '|')"
done
cat d.jsonl | "$DOCCLEAN" run -c n.ini -q --format jsonl -o - - > stdin.jsonl || fail stdin
expect_eq "stdin docs" "$(nlines stdin.jsonl)" 2
expect_eq "normalized text" "$(jq_field plain.jsonl text | head -2 | tr '\n' '|')" "甲|乙|"
"$DOCCLEAN" run -c n.ini -q -o out.jsonl.gz d.jsonl || fail "gz out"
expect_eq "gz out" "$(zcat out.jsonl.gz | cmp - plain.jsonl && echo same)" same
"$DOCCLEAN" run -c n.ini -q -o out.jsonl.zst d.jsonl || fail "zst out"
expect_eq "zst out" "$(zstd -dc out.jsonl.zst | cmp - plain.jsonl && echo same)" same
"$DOCCLEAN" run -c n.ini -q -o out.txt d.jsonl || fail "text out"
printf '甲\n乙\n\n丙\n' > want.txt
expect_file_eq out.txt want.txt
mkdir -p tree/sub; printf 'x\n' > tree/sub/a.txt; printf 'y\n' > tree/b.txt
"$DOCCLEAN" run -c n.ini -q -o outdir/ --output-format textdir tree || fail textdir
expect_eq "textdir" "$(cat outdir/sub/a.txt outdir/b.txt | tr '\n' ' ')" "x y "
ls -a | grep -q '\.tmp' && fail "temporary files left behind"
# an output directory that does not exist: refused before reading (usage status), nothing left
"$DOCCLEAN" run -c n.ini -q -o /nonexistent-dir/out.jsonl d.jsonl 2>err.txt; rc=$?
expect_eq "unwritable output exit" $rc 2
# Output to a device (regression: renaming the temporary file over /dev/null
# replaced the device node when run as root)
"$DOCCLEAN" run -c n.ini -q -o /dev/null --rejects /dev/null d.jsonl || fail "-o /dev/null"
[ -c /dev/null ] || fail "/dev/null is no longer a character device"
exit 0
