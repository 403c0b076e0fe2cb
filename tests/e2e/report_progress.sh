# Progress on a terminal: the pass it is in during a prepass, a fill from
# the compressed bytes of a .gz input, 100% at the end of each pass; and
# nothing at all when stderr is not a terminal.  `script` gives the run a
# terminal.
. "$SRC/tests/lib.sh"
command -v script >/dev/null || skip "skipped: script(1) is not installed (util-linux)"
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nnear = false\nlines = false\n' > d.ini
python3 - <<'PY'
import json, gzip
with gzip.open("in.jsonl.gz", "wt", encoding="utf-8") as f:
    for i in range(3000):
        f.write(json.dumps({"id": str(i), "text": "第%d段 正文内容 %d\n" % (i, i % 2500)}, ensure_ascii=False) + "\n")
PY
script -qec "\"$DOCCLEAN\" run -c d.ini -j2 -o out.jsonl in.jsonl.gz" typescript > /dev/null || fail "run under script"
tr '\r' '\n' < typescript | sed 's/\x1b\[K//g' > lines.txt
expect_contains lines.txt "pass 1/2: prepass (dedup)  ["
expect_contains lines.txt "pass 1/2: prepass (dedup)  [####################] 100%  3000 docs"
expect_contains lines.txt "pass 2/2: cleaning  [####################] 100%  3000 docs"
# a run without a prepass has no pass label, and still ends at 100%
printf '[pipeline]\nstages = normalize\n' > n.ini
script -qec "\"$DOCCLEAN\" run -c n.ini -j2 -o out2.jsonl in.jsonl.gz" typescript2 > /dev/null || fail "run 2"
tr '\r' '\n' < typescript2 | sed 's/\x1b\[K//g' > lines2.txt
expect_contains lines2.txt "[####################] 100%  3000 docs"
grep -q "pass 1/2" lines2.txt && fail "a pass label without a prepass"
# not a terminal: not one progress byte
"$DOCCLEAN" run -c d.ini -j2 -o out3.jsonl in.jsonl.gz 2> err.txt || fail "run 3"
grep -q "docs  .* MB/s" err.txt && fail "progress drawn on a non-terminal stderr"
grep -q $'\r' err.txt && fail "a carriage return on a non-terminal stderr"
expect_contains err.txt "docclean: done"
exit 0
