# The launcher's bookkeeping without a cluster: stand-in sbatch/squeue/
# scancel in PATH record the argument arrays they get (no shell ever sees a
# path) and answer with canned states, so submit, status and resume are
# checked exactly, also where no Slurm can run.  The generated scripts are
# then run by hand as Slurm would, and the merge equals one `docclean run`.
. "$SRC/tests/lib.sh"
mkdir bin
cat > bin/sbatch <<'SH'
#!/bin/bash
n=$(cat "$T/next_id" 2>/dev/null || echo 101); echo $((n + 1)) > "$T/next_id"
echo "sbatch $*" >> "$T/calls"; echo "$n"
SH
cat > bin/squeue <<'SH'
#!/bin/bash
echo "squeue $*" >> "$T/calls"; [ -f "$T/squeue.out" ] || exit 1; cat "$T/squeue.out"
SH
cat > bin/scancel <<'SH'
#!/bin/bash
echo "scancel $*" >> "$T/calls"
SH
chmod +x bin/*
export PATH="$T/bin:$PATH"
printf '[pipeline]\nstages = normalize\n' > n.ini
mkdir -p "in dir"
for i in $(seq 1 12); do printf '{"id":"d%d","text":"文档%d  "}\n' $i $i > "in dir/f$i.jsonl"; done
printf "a quote's file\n" > "in dir/it's \$HOME.txt"
"$DOCCLEAN" run -c n.ini -q -o single.jsonl "in dir" || fail "single run"

# submit: two stages, chained, with the argument arrays intact
"$DOCCLEAN" slurm submit -c n.ini --tasks 3 --out out --partition p1 --sbatch-arg='--comment=two words' \
  "in dir" > submit.txt || fail submit
cat > want <<W
sbatch --parsable --array=0-2 $T/out/slurm/1-shards.sbatch
sbatch --parsable --array=0 --dependency=afterok:101 $T/out/slurm/2-merge.sbatch
W
expect_file_eq calls want
printf 'shards 101 0-2\nmerge 102 0\n' > want
expect_file_eq out/slurm/jobs want
expect_contains submit.txt "stage 1 shards: job 101 (tasks 0-2)"
expect_contains out/slurm/1-shards.sbatch "#SBATCH --comment=two words"
expect_contains out/slurm/1-shards.sbatch "#SBATCH --partition=p1"
expect_contains out/slurm/1-shards.sbatch "#SBATCH --output=$T/out/logs/%x-%A_%a.log"

# run the tasks as Slurm would (from elsewhere: the script cds itself)
( cd / && for i in 0 1 2; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 bash "$T/out/slurm/1-shards.sbatch" \
    > "$T/out/logs/dc-shards-101_$i.log" 2>&1 || exit 1; done ) || fail "running the shard scripts"
( cd / && SLURM_ARRAY_TASK_ID=0 bash "$T/out/slurm/2-merge.sbatch" > "$T/out/logs/dc-merge-102_0.log" 2>&1 ) ||
  { cat out/logs/dc-merge-102_0.log; fail "running the merge script"; }
expect_file_eq out/final.jsonl single.jsonl
[ -f out/final.done ] && [ -f out/report.json ] || fail "finish wrote no marker/report"
expect_eq "report kept" "$(jq .totals.kept out/report.json)" "$(wc -l < single.jsonl | tr -d ' ')"
expect_eq "report shards" "$(jq .shards out/report.json)" 3
"$DOCCLEAN" slurm report out -o r2.json || fail report
expect_file_eq r2.json out/report.json

# complete: status says so (squeue remembers nothing)
: > squeue.out
"$DOCCLEAN" slurm status out > st.txt || fail status
expect_contains st.txt "stage 1 shards: 3/3 done, 0 running, 0 failed, 0 pending"
expect_contains st.txt "run: complete"

# task 1 was killed, the merge can never start
rm out/shards/00001.done out/final.done
printf '101_0|COMPLETED|None\n101_1|CANCELLED|None\n101_2|COMPLETED|None\n102_0|PENDING|DependencyNeverSatisfied\n' > squeue.out
"$DOCCLEAN" slurm status out > st.txt || fail status
cat > want <<W
stage 1 shards: 2/3 done, 0 running, 1 failed, 0 pending
  task 1 failed (job 101_1, CANCELLED): log $T/out/logs/dc-shards-101_1.log
stage 2 merge: 0/1 done, 0 running, 0 failed, 1 pending
  task 0 pending (job 102_0): DependencyNeverSatisfied: an earlier stage failed; it will not start
run: incomplete: fix the failures, then \`docclean slurm resume $T/out\`
W
expect_file_eq st.txt want
: > calls
"$DOCCLEAN" slurm resume --dry-run out > dry.txt || fail "resume --dry-run"
expect_contains dry.txt "would run: sbatch --parsable --array=1 $T/out/slurm/1-shards.sbatch"
expect_contains dry.txt "would run: scancel 102_0"
grep -q '^s\(batch\|cancel\)' calls && fail "resume --dry-run submitted or cancelled"
: > calls
"$DOCCLEAN" slurm resume out > resume.txt || fail resume
cat > want <<W
squeue --me -h -r -t all -o %i|%T|%r
sbatch --parsable --array=1 $T/out/slurm/1-shards.sbatch
scancel 102_0
sbatch --parsable --array=0 --dependency=afterok:103 $T/out/slurm/2-merge.sbatch
W
expect_file_eq calls want
printf 'shards 101 0-2\nmerge 102 0\nshards 103 1\nmerge 104 0\n' > want
expect_file_eq out/slurm/jobs want

# while the new tasks are queued, resume does nothing; status follows the
# latest job of each task
printf '101_1|CANCELLED|None\n103_1|RUNNING|None\n104_0|PENDING|Dependency\n' > squeue.out
: > calls
"$DOCCLEAN" slurm resume out > resume.txt || fail "resume while queued"
expect_contains resume.txt "run: nothing resubmitted"
grep -q '^s\(batch\|cancel\)' calls && fail "resume submitted or cancelled while tasks are queued"
"$DOCCLEAN" slurm status out > st.txt
expect_contains st.txt "stage 1 shards: 2/3 done, 1 running, 0 failed, 0 pending"
expect_contains st.txt "run: in progress"

# some tasks still queued, another failed: the new merge waits for both
printf '101_0|COMPLETED|None\n103_1|RUNNING|None\n104_0|PENDING|Dependency\n' > squeue.out
rm out/shards/00000.done
: > calls
"$DOCCLEAN" slurm resume out > resume.txt || fail "resume partial"
cat > want <<W
squeue --me -h -r -t all -o %i|%T|%r
sbatch --parsable --array=0 $T/out/slurm/1-shards.sbatch
scancel 104_0
sbatch --parsable --array=0 --dependency=afterok:103_1:105 $T/out/slurm/2-merge.sbatch
W
expect_file_eq calls want

# only the merge failed: it is resubmitted alone, with no dependency
touch out/shards/00000.done out/shards/00001.done
printf '106_0|FAILED|NonZeroExitCode\n' > squeue.out
: > calls
"$DOCCLEAN" slurm resume out > resume.txt || fail "resume merge"
expect_eq "merge only" "$(grep sbatch calls)" "sbatch --parsable --array=0 $T/out/slurm/2-merge.sbatch"

# without squeue, resume refuses (it could start a second writer on a shard)
rm squeue.out
: > calls
"$DOCCLEAN" slurm resume out > resume.txt 2>err.txt; expect_eq "resume without squeue" $? 1
grep -q '^sbatch' calls && fail "resume submitted without squeue"
expect_contains err.txt "resume needs squeue"

# usage errors
"$DOCCLEAN" slurm submit -c n.ini --tasks 2 --out "a b" "in dir" 2>err.txt; expect_eq "space in --out" $? 2
"$DOCCLEAN" slurm submit -c n.ini --tasks 0 --out o2 "in dir" 2>err.txt; expect_eq "--tasks 0" $? 2
"$DOCCLEAN" slurm submit -c n.ini --tasks 2 --out o2 - 2>err.txt; expect_eq "stdin input" $? 2
"$DOCCLEAN" slurm status nowhere 2>err.txt; expect_eq "status of no run" $? 2
expect_contains err.txt "docclean slurm submit"
"$DOCCLEAN" slurm frobnicate 2>/dev/null; expect_eq "unknown subcommand" $? 2
exit 0
