# `docclean slurm submit` on a throwaway local Slurm cluster: a 4-task array
# and a merge stage chained with afterok; the final output is byte-identical
# to one `docclean run` over the same inputs, the report adds up the shards,
# and a second submit into the same DIR is refused.
. "$SRC/tests/e2e/slurm_lib.inc"
make_inputs
printf 'a DROPME-free doc\n' > in/extra.txt
"$DOCCLEAN" run -c ctl.ini -q -o single.jsonl --stats single.stats.json in || fail "single run"
"$DOCCLEAN" slurm submit -c ctl.ini --tasks 4 --out out --time 5 --mem 100M in > submit.txt || fail submit
cat submit.txt
expect_contains submit.txt "stage 1 shards: job "
expect_contains submit.txt "(tasks 0-3)"
expect_contains submit.txt "stage 2 merge: job "
expect_eq "jobs recorded" "$(awk '{print $1, $3}' out/slurm/jobs | tr '\n' ' ')" "shards 0-3 merge 0 "
grep -q -- '--dependency' out/slurm/*.sbatch && fail "scripts must not hard-code the dependency"
expect_contains out/slurm/1-shards.sbatch '#SBATCH --time=5'
expect_contains out/slurm/1-shards.sbatch '#SBATCH --mem=100M'
# the shipped default pipeline too, dedup included (its cluster-wide phases
# run as ten chained arrays), when all its plugins are built
DEF="$SRC/conf/default.ini"
if "$DOCCLEAN" check-config -c "$DEF" >/dev/null 2>&1; then
  "$DOCCLEAN" run -c "$DEF" -q -o def-single.jsonl "$SRC/examples/corpus" in || fail "single run, default config"
  "$DOCCLEAN" slurm submit -c "$DEF" --tasks 4 --out def "$SRC/examples/corpus" in > def-submit.txt || fail "submit default"
  expect_eq "default stages" "$(awk '{print $1}' def/slurm/jobs | tr '\n' ' ')" \
    "lines linewin linecount sign exact bands verify decide apply merge "
  expect_contains def/slurm/9-apply.sbatch "--cluster-phase apply --shard \"\$task/4\""
  expect_contains def/slurm/6-bands.sbatch "cluster bands --task \"\$task/14\" --shards 4"
else
  echo "note: conf/default.ini does not load here; only the normalize pipeline is compared" >&2
  DEF=
fi
wait_status out "run: complete" 60
cat status.txt
expect_contains status.txt "stage 1 shards: 4/4 done, 0 running, 0 failed, 0 pending"
expect_contains status.txt "stage 2 merge: 1/1 done"
expect_file_eq out/final.jsonl single.jsonl
if [ -n "$DEF" ]; then
  wait_status def "run: complete" 120
  expect_file_eq def/final.jsonl def-single.jsonl
  expect_contains status.txt "stage 6 bands: 14/14 done"
fi
for i in 0 1 2 3; do
  [ -f out/shards/0000$i.done ] || fail "no marker for shard $i"
  ls out/logs/dc-shards-*_$i.log >/dev/null 2>&1 || fail "no log for task $i"
done
python3 - <<'PY' || fail "report"
import json
r = json.load(open("out/report.json")); s = json.load(open("single.stats.json"))
assert r["shards"] == 4, r["shards"]
for k in ("files", "docs_in", "kept", "rejected", "bytes_in", "bytes_out"):
    assert r["totals"][k] == s["totals"][k], (k, r["totals"][k], s["totals"][k])
for a, b in zip(r["stages"], s["stages"]):
    assert a["name"] == b["name"] and a["docs_in"] == b["docs_in"] and a["kept"] == b["kept"], (a, b)
    assert a.get("counters") == b.get("counters"), (a.get("counters"), b.get("counters"))
PY
# nothing left to do, and a second submit into the same DIR is refused
"$DOCCLEAN" slurm resume out > resume.txt || fail "resume of a complete run"
expect_contains resume.txt "run: nothing resubmitted"
"$DOCCLEAN" slurm submit -c ctl.ini --tasks 4 --out out in 2>err.txt; expect_eq "resubmit exit" $? 2
expect_contains err.txt "already submitted"
# --dry-run writes the scripts and submits nothing
"$DOCCLEAN" slurm submit -c ctl.ini --tasks 2 --out dry --dry-run in > dry.txt || fail "dry run"
expect_contains dry.txt "would run: sbatch --parsable --array=0-1 $T/dry/slurm/1-shards.sbatch"
[ -e dry/slurm/jobs ] && fail "dry run recorded jobs"
# a config that does not load is refused before anything is submitted
printf '[pipeline]\nstages = nosuchplugin\n' > bad.ini
"$DOCCLEAN" slurm submit -c bad.ini --tasks 2 --out badrun in >/dev/null 2>err.txt; expect_eq "bad config exit" $? 3
[ -e badrun/slurm/jobs ] && fail "bad config submitted"
exit 0
