#!/usr/bin/env bash
# t2s: every t2s/tw2s/hk2s case of OpenCC's own test suite
# ($SHARED/peer-tests/opencc/testcases.json) with the built-in tables.
# Extended test: skips without ../shared.
set -u
if [ -z "${SHARED:-}" ] || [ ! -f "$SHARED/peer-tests/opencc/testcases.json" ]; then
  echo "skip: needs ../shared/peer-tests/opencc/testcases.json"; exit 77
fi
python3 - "$SHARED/peer-tests/opencc/testcases.json" <<'PY' || exit 1
import json, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
s = re.sub(r",(\s*[\]}])", r"\1", s)          # upstream has a trailing comma
cases = json.loads(s)["cases"]
for cfg in ("t2s", "tw2s", "hk2s"):
    with open(f"{cfg}.in.jsonl", "w", encoding="utf-8") as f, \
         open(f"{cfg}.want.jsonl", "w", encoding="utf-8") as w:
        for c in cases:
            if cfg in c["expected"]:
                f.write(json.dumps({"id": c["id"], "text": c["input"]}, ensure_ascii=False) + "\n")
                w.write(json.dumps({"id": c["id"], "text": c["expected"][cfg]}, ensure_ascii=False) + "\n")
PY
fail=0; total=0
for cfg in t2s tw2s hk2s; do
  printf '[pipeline]\nstages = t2s\n[t2s]\nconfig = %s\n' "$cfg" > "$cfg.ini"
  "$DOCCLEAN" run -c "$cfg.ini" --format jsonl -o "$cfg.out.jsonl" "$cfg.in.jsonl" 2>"$cfg.log" \
    || { echo "docclean failed for $cfg"; cat "$cfg.log"; exit 1; }
  r=$(python3 - "$cfg" <<'PY'
import json, sys
cfg = sys.argv[1]
want = [json.loads(l) for l in open(f"{cfg}.want.jsonl", encoding="utf-8")]
got = {}
for l in open(f"{cfg}.out.jsonl", encoding="utf-8"):
    d = json.loads(l); got[d["id"]] = d["text"]
bad = 0
for w in want:
    g = got.get(w["id"])
    if g != w["text"]:
        bad += 1
        print(f"FAIL {cfg} {w['id']}: want {w['text']!r} got {g!r}", file=sys.stderr)
print(len(want), bad)
PY
)
  set -- $r; total=$((total + $1)); fail=$((fail + $2))
  echo "$cfg: $1 cases, $2 failed"
done
echo "opencc peer cases: $total, failed: $fail"
[ "$total" -ge 100 ] && [ "$fail" -eq 0 ]
