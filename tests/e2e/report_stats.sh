# The run report's numbers, measured by the core from the edits: per stage
# (documents changed, lines / characters removed), per rule, per reject
# reason, per site, histograms and scores, exactly, on a fixture run by a
# test plugin with known edits; the same for any -j and for a sharded run
# merged by `docclean slurm report`; samples bounded.
. "$SRC/tests/lib.sh"
build_test_plugin editor
F="$FIXTURES/report"
cat > p.ini <<INI
[pipeline]
stages = editor, dedup
plugin_path = $T/plugins
[dedup]
near = false
lines = false
INI
"$DOCCLEAN" run -c p.ini -j2 -o out.jsonl --stats s.json "$F/docs.jsonl" 2> err.txt || { cat err.txt; fail "run"; }
python3 "$F/project.py" s.json > got.txt
expect_file_eq got.txt "$F/report.expected"
# the terminal table shows the same measured numbers
expect_contains err.txt "  editor                 6         5         1       0         4         4          81           6"

# -j does not change a number or a sample
for j in 1 3; do
  "$DOCCLEAN" run -c p.ini -q -j$j -o out$j.jsonl --stats s$j.json "$F/docs.jsonl" || fail "run -j$j"
  python3 "$F/project.py" s$j.json > got$j.txt
  expect_file_eq got$j.txt "$F/report.expected"
done

# many documents: five examples per rule at most, the same for any -j, and
# a sharded run merged by `docclean slurm report` shows the same examples
mkdir many
python3 - <<'PY'
import json
for f in range(4):
    with open("many/part%d.jsonl" % f, "w") as o:
        for i in range(150):
            t = "line %d X\n" % i + ("DEL gone %d\n" % i if i % 3 == 0 else "") + "end"
            o.write(json.dumps({"id": "f%d-%d" % (f, i), "url": "http://site%d.example/%d" % (i % 7, i), "text": t}) + "\n")
PY
printf '[pipeline]\nstages = editor\nplugin_path = %s/plugins\n' "$T" > e.ini
"$DOCCLEAN" run -c e.ini -q -j1 -o m1.jsonl --stats m1.json many || fail "many -j1"
"$DOCCLEAN" run -c e.ini -q -j3 -o m3.jsonl --stats m3.json many || fail "many -j3"
python3 "$F/project.py" m1.json > m1.txt
python3 "$F/project.py" m3.json > m3.txt
expect_file_eq m3.txt m1.txt
expect_contains m1.txt 'rule "editor: x-to-yy" docs=600 edits=600 lines_removed=0 chars_removed=600 chars_added=1200'
expect_contains m1.txt 'rule "editor: del-line" docs=200 edits=200 lines_removed=200'
expect_eq "examples per rule" "$(grep -c '^  example' m1.txt)" 10
for i in 0 1; do
  "$DOCCLEAN" run -c e.ini -q -j2 --shard $i/2 -o sh many || fail "shard $i"
done
"$DOCCLEAN" slurm report sh --shards 2 -o sh/report.json || fail "slurm report"
[ -s sh/report.html ] || fail "no sh/report.html next to the merged report.json"
"$DOCCLEAN" run -c e.ini -q --shard 0/2 -o sh2 --report r.html many 2> err.txt
expect_eq "--shard with --report" $? 2
expect_contains err.txt "docclean slurm report DIR --shards N"
python3 "$F/project.py" sh/report.json > msh.txt
expect_file_eq msh.txt m1.txt
exit 0
