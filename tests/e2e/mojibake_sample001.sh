#!/usr/bin/env bash
# mojibake on sample 001 (a traditional page with ~46 GBK misalignment runs):
# the number of repaired runs, no strong mojibake character left (private
# use, U+FFFD, ideographic description characters, box drawing, bopomofo),
# and the exact output (sha256; the expected text is not stored here).
set -u
[ -n "${SHARED:-}" ] || { echo "needs ../shared/samples"; exit 77; }
S="$SHARED/samples/001_e57b600bd7338ec5.txt"
[ -f "$S" ] || { echo "missing $S"; exit 1; }
printf '[pipeline]\nstages = mojibake\n' > m.ini
"$DOCCLEAN" run -c m.ini --output-format text -o out.txt --stats stats.json "$S" 2>log || { cat log; exit 1; }
python3 - "$S" <<'PY'
import hashlib, json, re, sys
src = open(sys.argv[1], encoding="utf-8").read()
out = open("out.txt", encoding="utf-8").read()
st = {s["name"]: s["counters"] for s in json.load(open("stats.json"))["stages"]}["mojibake"]
fail = 0
def check(ok, what):
    global fail
    print(("ok   " if ok else "FAIL ") + what)
    fail |= not ok
strong = re.compile("[\ue000-\uf8ff\ufffd\u2ff0-\u2fff\u2500-\u257f\u3100-\u312f\u31a0-\u31bf]")
check(len(strong.findall(src)) > 40, "input has strong mojibake (%d)" % len(strong.findall(src)))
check(not strong.findall(out), "no strong mojibake left: %r" % strong.findall(out)[:5])
check(st["misaligned_runs"] == 40, "misaligned_runs == 40 (got %s)" % st["misaligned_runs"])
check(st["unrecoverable_runs"] == 0 and st["latin1_runs"] == 0, "no other rule fired")
# Lines without any sign of damage are untouched.
sa, so = src.rstrip("\n").split("\n"), out.rstrip("\n").split("\n")
check(len(sa) == len(so), "same number of lines")
touched = sum(a != b for a, b in zip(sa, so))
check(touched <= 40, "at most 40 lines changed (got %d)" % touched)
# Headings "（一）" .. "（六）" come back whole.
heads = re.findall("^ （[一二三四五六]）", out, re.M)
check(len(heads) >= 25, "repaired headings (got %d)" % len(heads))
h = hashlib.sha256(out.encode("utf-8")).hexdigest()
want = "0d308d3db9c3f61581ed21993d00de4481f34b50c43ecac77da033bdd548659d"
check(h == want, "output sha256 %s" % h)
sys.exit(fail)
PY
