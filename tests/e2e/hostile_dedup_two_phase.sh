# Hostile dedup: --state runs commit the dedup index and the ledger as one
# (two-phase: the index is prepared before the ledger commit, marked with
# the run's tag, and resolved by asking the ledger).  Each case kills a
# cron run with SIGKILL at a crash point and goes on with the same
# documents; every document must be published exactly once across all runs.
#  A. killed between the ledger commit and publishing (after-ledger-commit),
#     then the same documents redelivered under another name: the next run
#     publishes the killed run's outputs and must drop the redelivery (the
#     index must know the committed run's documents).
#  B. killed after the index was prepared, before the ledger commit
#     (before-ledger-commit), then the same files again: the redone run must
#     keep its documents (not drop them as copies of themselves).
#  C. a prepare that fails (the index map is full) fails the run with
#     nothing published, and the next run takes the inputs again (before,
#     the outputs were published and the index lacked their documents).
#  E. the undo is exact (repeated-line counts too): a redone run publishes
#     what an uninterrupted one does.
#  D. a pending index cannot be resolved without its ledger: a plain run
#     (no --state) is refused instead of guessing.
. "$SRC/tests/lib.sh"
gen() { # FILE PREFIX N: N distinct documents
  python3 - "$@" <<'PY'
import json, random, sys
path, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(prefix)
cjk = lambda k: "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(k))
with open(path, "w", encoding="utf-8") as f:
    for i in range(n):
        f.write(json.dumps({"id": f"{prefix}{i}", "text": cjk(120) + "\n" + cjk(120)}, ensure_ascii=False) + "\n")
PY
  touch -d '10 minutes ago' "$1"
}
published_ids() { # OUTDIR: ids in every published output, one per line
  for f in "$1"/*.jsonl.zst; do
    case "$f" in *.rejects.jsonl.zst) continue ;; esac
    zstd -dc "$f"
  done | python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]' | sort
}
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = %s/state/dedup-index\n' "$T" > p.ini

# A. crash after the ledger commit, then a redelivery under another name
mkdir inA
gen inA/a.jsonl a 30
DOCCLEAN_TEST_CRASH_AT=after-ledger-commit "$DOCCLEAN" run -c p.ini -q --state state -o outA inA 2>/dev/null
rc=$?
expect_eq "A: killed run" $rc 137
cp inA/a.jsonl inA/a-redelivered.jsonl
touch -d '10 minutes ago' inA/a-redelivered.jsonl
"$DOCCLEAN" run -c p.ini -q --state state -o outA inA 2>logA || { cat logA >&2; fail "A: run 2"; }
published_ids outA > idsA
expect_eq "A: documents published" "$(wc -l < idsA)" 30
expect_eq "A: published twice" "$(uniq -d idsA | wc -l)" 0
rej=$(for f in outA/*.rejects.jsonl.zst; do zstd -dc "$f"; done | grep -c '"dup_of_run"' || true)
expect_eq "A: redelivered documents rejected as copies" "$rej" 30
expect_contains logA "had committed: its entries are kept"

# B. crash after the index prepare, before the ledger commit
rm -rf state; mkdir inB
gen inB/b.jsonl b 30
DOCCLEAN_TEST_CRASH_AT=before-ledger-commit "$DOCCLEAN" run -c p.ini -q --state state -o outB inB 2>/dev/null
rc=$?
expect_eq "B: killed run" $rc 137
[ -z "$(ls outB/*.jsonl.zst 2>/dev/null)" ] || fail "B: the killed run published something"
"$DOCCLEAN" run -c p.ini -q --state state -o outB inB 2>logB || { cat logB >&2; fail "B: run 2"; }
published_ids outB > idsB
expect_eq "B: documents published" "$(wc -l < idsB)" 30
expect_eq "B: published twice" "$(uniq -d idsB | wc -l)" 0
expect_contains logB "never committed: its entries were undone"
# and then a redelivery is still recognised (the redone run's entries are final)
cp inB/b.jsonl inB/b-again.jsonl; touch -d '10 minutes ago' inB/b-again.jsonl
"$DOCCLEAN" run -c p.ini -q --state state -o outB inB 2>logB2 || { cat logB2 >&2; fail "B: run 3"; }
published_ids outB > idsB
expect_eq "B: documents published after the redelivery" "$(wc -l < idsB)" 30

# C. the prepare fails (the index map is full: a 1 MiB map, test hook):
#    the run fails and publishes nothing; the next run takes the inputs again
rm -rf state; mkdir inC outC
gen inC/c.jsonl c 4000
DOCCLEAN_TEST_DEDUP_MAP_MIB=1 "$DOCCLEAN" run -c p.ini -q --state state -o outC inC 2>logC
rc=$?
expect_eq "C: full index: exit" $rc 1
expect_contains logC "is full"
[ -z "$(ls outC/*.jsonl.zst 2>/dev/null)" ] || fail "C: a run whose index commit failed published outputs"
"$DOCCLEAN" run -c p.ini -q --state state -o outC inC 2>logC2 || { cat logC2 >&2; fail "C: run 2"; }
published_ids outC > idsC
expect_eq "C: documents published by the next run" "$(wc -l < idsC)" 4000
"$DOCCLEAN" status --state state > statusC
expect_contains statusC "failed"

# E. the undo is exact: with lines = true (repeated-line counts are read-
#    modify-write), a run killed after its prepare and redone publishes the
#    same as an uninterrupted run, and so does the run after it.
footer() { # FILE PREFIX NY: documents sharing footer lines (counted in the index);
  # the first NY of them also share line Y, which reaches line_min_docs = 4
  # only if a killed run's counts were not undone (2 + 2 + 1 instead of 2 + 1)
  python3 - "$@" <<'PY'
import json, random, sys
path, prefix, ny = sys.argv[1], sys.argv[2], int(sys.argv[3])
y = "偶然重复的一行" * 4
rng = random.Random(prefix)
cjk = lambda k: "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(k))
foot = "\n".join("本站声明" + str(i) + "：" + "版权所有不得转载违者必究" * 2 for i in range(2))
with open(path, "w", encoding="utf-8") as f:
    for i in range(12):
        body = cjk(100) + "\n" + (y + "\n" if i < ny else "") + cjk(100)
        f.write(json.dumps({"id": f"{prefix}{i}", "text": body + "\n" + foot}, ensure_ascii=False) + "\n")
PY
  touch -d '10 minutes ago' "$1"
}
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = %s/sE/dedup-index\nlines = true\nline_min_docs = 4\n' "$T" > e.ini
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = %s/rE/dedup-index\nlines = true\nline_min_docs = 4\n' "$T" > r.ini
mkdir inE
footer inE/e1.jsonl e1 0
"$DOCCLEAN" run -c r.ini -q --state rE -o refE inE 2>/dev/null || fail "E: reference run 1"
"$DOCCLEAN" run -c e.ini -q --state sE -o outE inE 2>/dev/null || fail "E: run 1"
footer inE/e2.jsonl e2 2
"$DOCCLEAN" run -c r.ini -q --state rE -o refE inE 2>/dev/null || fail "E: reference run 2"
DOCCLEAN_TEST_CRASH_AT=before-ledger-commit "$DOCCLEAN" run -c e.ini -q --state sE -o outE inE 2>/dev/null
"$DOCCLEAN" run -c e.ini -q --state sE -o outE inE 2>/dev/null || fail "E: run 2 redone"
footer inE/e3.jsonl e3 1
"$DOCCLEAN" run -c r.ini -q --state rE -o refE inE 2>/dev/null || fail "E: reference run 3"
"$DOCCLEAN" run -c e.ini -q --state sE -o outE inE 2>/dev/null || fail "E: run 3"
texts() { for f in "$1"/*.jsonl.zst; do zstd -dc "$f"; done | python3 -c 'import json,sys; [print(json.dumps([d.get("id"), d.get("text"), d.get("reason")], ensure_ascii=False)) for d in map(json.loads, sys.stdin)]' | sort; }
texts refE > refE.txt; texts outE > outE.txt
expect_eq "E: documents" "$(wc -l < outE.txt)" 36
grep -c "偶然重复的一行" refE.txt | grep -qx 3 || fail "E: line Y should be kept in the reference (3 documents)"
cmp refE.txt outE.txt || { diff refE.txt outE.txt | head -5 >&2; fail "E: the redone run differs from an uninterrupted one"; }

# D. a pending index and no ledger to resolve it
rm -rf state; mkdir inD
gen inD/d.jsonl d 5
DOCCLEAN_TEST_CRASH_AT=before-ledger-commit "$DOCCLEAN" run -c p.ini -q --state state -o outD inD 2>/dev/null
"$DOCCLEAN" run -c p.ini -q -o plain.jsonl inD/d.jsonl 2>logD
rc=$?
expect_eq "D: plain run on a pending index: exit" $rc 1
expect_contains logD "prepared (written before its ledger commit)"
echo ok
