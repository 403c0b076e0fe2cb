#!/usr/bin/env bash
# Hostile dedup (issue 14 item 10): cron redelivery must not publish a
# document twice.  Six cron-like runs share one persistent index with
# lines = true.  Every run brings new documents whose footer lines grow past
# line_min_docs in the next run (tests/fixtures/dedup/cron_gen.py), plus every
# earlier run's file again under a new name.  By the time a document comes
# back, more of its lines count as repeated than when it was first seen, so
# the text it is hashed by has changed.  Checked, for keep = first, keep =
# longest and exact = false: no redelivered document is kept again (each is rejected as a copy
# of a document of the run that first indexed it, with dup_of_run), and every
# new document that is not an in-run copy is kept.  Last, redelivered copies do
# not count their lines again.
. "$SRC/tests/lib.sh"
set -e
RUNS=6
for k in $(seq 1 $RUNS); do python3 "$FIXTURES/dedup/cron_gen.py" "$k"; done

check_runs() { # KEEP EXACT
  rm -rf idx in; mkdir in
  printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idx\nlines = true\nkeep = %s\nexact = %s\n' "$1" "$2" > c.ini
  for k in $(seq 1 $RUNS); do
    rm -f in/*
    cp "new_$k.jsonl" "in/b_new_$k.jsonl"
    for j in $(seq 1 $((k - 1))); do cp "new_$j.jsonl" "in/a_again_${k}_from_$j.jsonl"; done
    "$DOCCLEAN" run -q -c c.ini -o "o$k.jsonl" --rejects "r$k.jsonl" in
    python3 - "$k" "o$k.jsonl" "r$k.jsonl" <<'PY' || fail "keep=$1 run $k"
import json, sys
k = int(sys.argv[1])
kept = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
rej = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8")]
again = [d for d in kept if not d["id"].startswith(f"r{k}-")]
if again:
    sys.exit(f"run {k}: {len(again)} redelivered documents kept again, e.g. {again[0]['id']}")
want = sorted(f"r{k}-{s}-{j}" for s in ("s1.example", "s2.example") for j in range(3))
got = sorted(d["id"] for d in kept)
if got != want:
    sys.exit(f"run {k}: kept {got}, want {want}")
redelivered = [d for d in rej if not d["id"].startswith(f"r{k}-")]
if len(redelivered) != 10 * (k - 1):
    sys.exit(f"run {k}: {len(redelivered)} redelivered documents rejected, want {10 * (k - 1)}")
for d in redelivered:
    first_run = int(d["id"][1:d["id"].index("-")])
    if d.get("dup_of_run") != first_run or "exact duplicate" not in d["reason"]:
        sys.exit(f"run {k}: {d['id']}: dup_of_run {d.get('dup_of_run')}, reason {d['reason']}")
# the footers did grow: new documents lost last run's footer line
if k > 1 and not all(d.get("dedup_lines_removed") == 1 for d in kept):
    sys.exit(f"run {k}: the footer line of run {k} was not removed from every new document")
PY
  done
}
check_runs first true
check_runs longest true
check_runs first false # near only: the texts table still knows every document

# Sibling: redelivery alone must not make a line "repeated".  Run 1 has two
# documents sharing a line X (count 2); runs 2-4 bring that file again under
# new names.  Counting the redelivered copies again would reach 8 >=
# line_min_docs and strip X from a new document of run 5.
python3 - <<'PY'
import json, random
rng = random.Random("recount")
cjk = lambda n: "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(n))
x = cjk(40)
doc = lambda i: {"id": i, "text": "\n".join(cjk(40) for _ in range(5)) + "\n" + x}
with open("ab.jsonl", "w", encoding="utf-8") as f:
    for i in ("A", "B"): f.write(json.dumps(doc(i), ensure_ascii=False) + "\n")
with open("c.jsonl", "w", encoding="utf-8") as f:
    f.write(json.dumps(doc("C"), ensure_ascii=False) + "\n")
open("x.txt", "w", encoding="utf-8").write(x)
PY
rm -rf idx
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idx\n' > c.ini
"$DOCCLEAN" run -q -c c.ini -o rc1.jsonl ab.jsonl
for k in 2 3 4; do cp ab.jsonl "ab-again-$k.jsonl"; "$DOCCLEAN" run -q -c c.ini -o "rc$k.jsonl" "ab-again-$k.jsonl"; done
"$DOCCLEAN" run -q -c c.ini -o rc5.jsonl c.jsonl
expect_contains rc5.jsonl "$(cat x.txt)"
echo ok
