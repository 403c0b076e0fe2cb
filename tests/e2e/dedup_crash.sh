#!/usr/bin/env bash
# dedup crash safety: a run killed with SIGKILL at a random moment leaves the
# index exactly as the last committed run left it.  Each iteration restores
# the index after run 1, starts run 2, kills it, then reruns run 2 to the
# end: the rerun's kept set and rejects must equal those of an uninterrupted
# run 2 (nothing of the killed run leaked into the index).  A kill that lands
# after the run finished is recognised by its exit status and skipped.
set -eu
python3 - <<'PY'
import json, random
rng = random.Random(11)
pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之"
def doc(): return "".join(rng.choice(pool) for _ in range(rng.randint(200, 600)))
base = [doc() for _ in range(3000)]
def edited(t):
    t = list(t); t[rng.randrange(len(t))] = "鑫"; return "".join(t)
with open("run1.jsonl", "w") as f:
    for i, t in enumerate(base[:1500]):
        f.write(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False) + "\n")
with open("run2.jsonl", "w") as f:
    for i in range(20000):
        t = edited(rng.choice(base)) if rng.random() < 0.5 else doc()
        f.write(json.dumps({"id": f"b{i}", "text": t}, ensure_ascii=False) + "\n")
PY
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idx\nlines = false\n' > c.ini
"$DOCCLEAN" run -q -c c.ini -o o1.jsonl run1.jsonl
cp -r idx idx.after1
"$DOCCLEAN" run -q -c c.ini -o ref.jsonl --rejects ref.rej run2.jsonl
killed=0
for i in 1 2 3 4 5 6; do
  rm -rf idx; cp -r idx.after1 idx
  "$DOCCLEAN" run -q -c c.ini -j2 -o k.jsonl --rejects k.rej run2.jsonl & pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 $pid 2>/dev/null || true
  rc=0; wait $pid || rc=$?
  if [ $rc -eq 0 ]; then echo "iteration $i: run finished before the kill"; continue; fi
  killed=$((killed + 1))
  "$DOCCLEAN" run -q -c c.ini -o again.jsonl --rejects again.rej run2.jsonl
  cmp ref.jsonl again.jsonl
  cmp ref.rej again.rej
done
[ $killed -gt 0 ] || { echo "never managed to kill a run mid-way"; exit 77; }
# Without an index the per-run index lives in TMPDIR; a killed run leaves nothing there.
mkdir tmpd
printf '[pipeline]\nstages = dedup\n[dedup]\nlines = false\n' > t.ini
TMPDIR=$PWD/tmpd "$DOCCLEAN" run -q -c t.ini -o t.jsonl run2.jsonl & pid=$!
sleep 0.3; kill -9 $pid 2>/dev/null || true; wait $pid || true
[ -z "$(ls tmpd)" ] || { echo "killed run left files in TMPDIR: $(ls tmpd)"; exit 1; }
echo "ok: $killed killed runs left the index consistent"
