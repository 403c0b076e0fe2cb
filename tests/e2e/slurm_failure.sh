# A stage that fails: one input crashes its shard's task (a corrupt
# document that kills the process).  The merge stage stays unscheduled
# (DependencyNeverSatisfied), `status` names the failed task and its log,
# and after the input is fixed `resume` completes the run with the output
# of one `docclean run` over the fixed inputs.
. "$SRC/tests/e2e/slurm_lib.inc"
make_inputs
printf 'a corrupt document: POISON\n' > in/bad.txt
"$DOCCLEAN" slurm submit -c ctl.ini --tasks 4 --out out in > submit.txt || fail submit
job=$(awk '$1 == "shards" {print $2}' out/slurm/jobs)
merge=$(awk '$1 == "merge" {print $2}' out/slurm/jobs)
wait_status out "stage 1 shards: 3/4 done, 0 running, 1 failed, 0 pending" 60
wait_status out "DependencyNeverSatisfied" 30
cat status.txt
expect_contains status.txt "stage 1 shards: 3/4 done, 0 running, 1 failed, 0 pending"
expect_contains status.txt "stage 2 merge: 0/1 done, 0 running, 0 failed, 1 pending"
expect_contains status.txt "task 0 pending (job ${merge}_0): DependencyNeverSatisfied"
line=$(grep 'failed (job' status.txt) || fail "no failed task named"
task=$(echo "$line" | sed -n 's/^  task \([0-9]*\) failed.*/\1/p')
log="$T/out/logs/dc-shards-${job}_$task.log"
expect_contains status.txt "task $task failed (job ${job}_$task, FAILED): log $log"
expect_contains "$log" "docclean slurm: exit status 134"
[ -e out/shards/0000$task.done ] && fail "the failed shard has a marker"
[ -e out/final.jsonl ] && fail "merge ran"
# Slurm must still hold the merge job, never started
expect_eq "merge job state" "$(squeue -h -r -j "$merge" -o '%T %r')" "PENDING DependencyNeverSatisfied"
# resume before the fix fails the same way; fix the input, resume again
printf 'a repaired document\n' > in/bad.txt
"$DOCCLEAN" run -c ctl.ini -q -o single.jsonl in || fail "single run"
"$DOCCLEAN" slurm resume out > resume.txt || fail resume
cat resume.txt
expect_contains resume.txt "(tasks $task)"
wait_status out "run: complete" 60
expect_file_eq out/final.jsonl single.jsonl
expect_contains out/final.jsonl '"text":"a repaired document\n"'
# the abandoned merge job is gone from the queue
expect_eq "old merge job" "$(squeue -h -r -t all -j "$merge" -o '%T')" "CANCELLED"
exit 0
