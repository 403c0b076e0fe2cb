# Unattended runs are exactly-once: 20 times, new files arrive and a run is
# killed with SIGKILL at a random moment; then runs go on until nothing is
# new.  The union of all published outputs must equal one uninterrupted
# run over the same files: no document missing, none twice.
. "$SRC/tests/lib.sh"
# normalize + dedup with a persistent index next to the ledger: the index
# commit must never make a redone run drop its own documents
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nindex = %s/state/dedup-index\nlines = false\n' "$T" > p.ini
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nlines = false\n' > single.ini
mkdir in
RANDOM=4242
make_batch() { # N: ten ~300 KB files of batch N, old enough to be settled
  python3 - "$1" <<'PY'
import sys, random
b = int(sys.argv[1]); rnd = random.Random(b)
# random Han text: every file differs for real, except file 9 (a copy of
# file 0) which dedup must drop
pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理"
rnd = random.Random(1000 + b)
for k in range(10):
    r = random.Random(1000 * b + (0 if k == 9 else k))  # file 9: an exact copy of file 0
    lines = ["".join(r.choice(pool) for _ in range(40)) + "。  " for i in range(2500)]
    open("in/b%02d_%d.txt" % (b, k), "w", encoding="utf-8").write("\n".join(lines) + "\n")
PY
  touch -d '10 minutes ago' in/b$(printf %02d "$1")_*.txt
}
for i in $(seq 1 20); do
  make_batch "$i"
  "$DOCCLEAN" run -c p.ini -q -j2 --state state -o out in 2>>runs.log &
  pid=$!
  sleep "0.$(printf %03d $((RANDOM % 700)))"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
done
# deterministic crashes at the three points around the commit
for point in before-ledger-commit after-ledger-commit mid-publish; do
  make_batch $((20 + ${#point}))
  DOCCLEAN_TEST_CRASH_AT=$point "$DOCCLEAN" run -c p.ini -q -j2 --state state -o out in 2>>runs.log
  [ $? -eq 137 ] || fail "crash point $point was not reached"
done
for k in 1 2 3; do "$DOCCLEAN" run -c p.ini -q -j2 --state state -o out in 2>>runs.log || fail "final run $k"; done
grep -q "nothing new" runs.log || fail "the last run still found new files"
"$DOCCLEAN" run -c single.ini -q -j2 -o single.jsonl in 2>/dev/null || fail "single run"
python3 - <<'PY' || exit 1
import json, glob, subprocess, collections
def docs(lines):
    return [(d["id"], d["text"]) for d in map(json.loads, lines) if d]
union = []
for f in sorted(glob.glob("out/*.jsonl.zst")):
    if f.endswith(".rejects.jsonl.zst"):
        continue
    union += docs(subprocess.run(["zstd", "-dc", f], capture_output=True, check=True).stdout.decode().splitlines())
single = docs(open("single.jsonl", encoding="utf-8").read().splitlines())
dup = [k for k, n in collections.Counter(i for i, _ in union).items() if n > 1]
assert not dup, "documents published twice: %s" % dup[:5]
assert len(single) == 230 - 23, "single run kept %d documents, want 207" % len(single)
assert sorted(union) == sorted(single), "union %d docs != single run %d docs" % (len(union), len(single))
print("ok: %d documents, exactly once, over %d output files" % (len(union), len(glob.glob("out/*.jsonl.zst"))))
PY
[ -z "$(ls -A out/.staging 2>/dev/null)" ] || fail "staging not cleaned: $(ls out/.staging)"
"$DOCCLEAN" status --state state > status.txt || fail status
expect_contains status.txt "files in ledger: 230"
echo "kills before commit: $(grep -c 'removing uncommitted' runs.log), roll-forwards: $(grep -c 'recovered' runs.log), completed runs: $(grep -c 'done files=[1-9]' runs.log)"
