#!/usr/bin/env bash
# spin: own fixtures through `docclean run`.
#   - spun.txt is original.txt run through spin_copy.py (every occurrence of
#     25 words swapped, like a spinner); the generator reproduces it;
#   - mode=repair restores >= 90% of the spun words (exact expected output
#     in repaired.expected: the 4 left are ambiguous contexts) and leaves
#     the original text byte-identical;
#   - mode=tag leaves the text and writes spin_score / spin_hits / spun;
#   - with ../shared: sample 002 (spun) scores >= 3x the mean of the other
#     samples.
set -u
STAGE=spin; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/spin"
run() { # run CONF INPUT OUT [FORMAT]
  "$DOCCLEAN" run -q -c "$1" --output-format "${4:-text}" -o "$3" --rejects rej.jsonl "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
python3 "$F/spin_copy.py" < "$F/original.txt" > spun.txt
check "spin_copy.py reproduces spun.txt" "$F/spun.txt" spun.txt

conf rep mode=repair
run rep.ini "$F/spun.txt" rep.out
check "repair of the spun copy" "$F/repaired.expected" rep.out
python3 - "$F/original.txt" "$F/spun.txt" rep.out > ratio.got <<'PY'
import difflib, sys
o, s, r = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
edits = lambda a, b: sum(op[0] != "equal" for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
n, left = edits(o, s), edits(o, r)
print("restored %d of %d" % (n - left, n), "ok" if (n - left) >= 0.9 * n else "below 90%")
PY
echo "restored 78 of 82 ok" > ratio.want
check "repair restores >= 90% of spun words" ratio.want ratio.got
run rep.ini "$F/original.txt" orig.out
check "repair leaves clean text unchanged" "$F/original.txt" orig.out

conf tag
run tag.ini "$F/spun.txt" tag.jsonl jsonl
python3 -c 'import json; r=json.loads(open("tag.jsonl").readline()); print(r["text"] == open("'"$F"'/spun.txt").read(), r["spin_hits"], r.get("spun"), round(r["spin_score"], 1))' > tag.got
echo "True 59 1 144.3" > tag.want
check "tag mode: text kept, score in metadata" tag.want tag.got

if [ -n "${SHARED:-}" ] && [ -d "$SHARED/samples" ]; then
  run tag.ini "$SHARED/samples" samples.jsonl jsonl
  python3 - samples.jsonl > ratio2.got <<'PY'
import json, sys
rows = {json.loads(l)["id"][:3]: json.loads(l)["spin_score"] for l in open(sys.argv[1])}
clean = [v for k, v in rows.items() if k != "002"]
mean = sum(clean) / len(clean)
print("sample 002 >= 3x clean:", rows["002"] >= 3 * mean and rows["002"] > 0)
PY
  echo "sample 002 >= 3x clean: True" > ratio2.want
  check "sample 002 scores >= 3x the clean samples" ratio2.want ratio2.got
else
  echo "skip sample 002 check: ../shared/samples is not available"
fi
exit $fail
