# A plugin error on one document sends that document to rejects with the
# message, and the run goes on; the same plugin may run as two stages.
. "$SRC/tests/lib.sh"
build_test_plugin failing
mkdir in
printf 'fine one\n' > in/1.txt
printf 'this one goes BOOM\n' > in/2.txt
printf 'please DROPME\n' > in/3.txt
printf 'fine four\n' > in/4.txt
cat > p.ini <<INI
[pipeline]
stages = normalize, f1, f2
plugin_path = $T/plugins
[f1]
plugin = failing
[f2]
plugin = failing
INI
"$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl --stats stats.json in; rc=$?
expect_eq "exit" $rc 0
expect_eq "kept ids" "$(jq_field out.jsonl id | tr '\n' ' ')" "1.txt 4.txt "
expect_eq "reject stages" "$(jq_field rej.jsonl stage | tr '\n' ' ')" "f1 f1 "
expect_contains rej.jsonl '"reason":"failing: simulated failure on 2.txt"'
expect_contains rej.jsonl '"text":"this one goes BOOM\n"'
python3 - <<'PY' || exit 1
import json
s = json.load(open("stats.json"))
st = {x["name"]: x for x in s["stages"]}
assert st["f1"]["docs_in"] == 4 and st["f1"]["errors"] == 1 and st["f1"]["dropped"] == 1, st["f1"]
assert st["f2"]["docs_in"] == 2 and st["f2"]["kept"] == 2, st["f2"]
assert s["totals"]["kept"] == 2 and s["totals"]["rejected"] == 2, s["totals"]
PY
