# A task killed mid-run (scancel) leaves no completion marker; the merge
# stage waiting on it can never start; `docclean slurm resume` reruns only
# that task and a new merge, and the result is byte-identical to one
# `docclean run`: nothing lost, nothing twice.
. "$SRC/tests/e2e/slurm_lib.inc"
make_inputs
printf 'this one WAITs for the go file\n' > in/hold.txt
touch go
"$DOCCLEAN" run -c ctl.ini -q -o single.jsonl in || fail "single run"
rm go
"$DOCCLEAN" slurm submit -c ctl.ini --tasks 4 --out out in > submit.txt || fail submit
job=$(awk '$1 == "shards" {print $2}' out/slurm/jobs)
# three tasks finish; the one holding hold.txt keeps running
wait_status out "3/4 done, 1 running" 60
held=$(squeue -h -r -t running -j "$job" -o %i | head -1)
case $held in "${job}_"[0-3]) ;; *) fail "no running task of job $job: [$held]";; esac
task=${held#*_}
scancel "$held" || fail scancel
wait_status out "1 failed" 30
cat status.txt
expect_contains status.txt "task $task failed (job ${job}_$task, CANCELLED): log $T/out/logs/dc-shards-${job}_$task.log"
[ -e out/shards/0000$task.done ] && fail "a killed task has a marker"
# the merge waits for a job that failed: it never runs
wait_status out "DependencyNeverSatisfied" 30
touch go
"$DOCCLEAN" slurm resume out > resume.txt || fail resume
cat resume.txt
expect_contains resume.txt "stage 1 shards: job "
expect_contains resume.txt "(tasks $task)"
expect_contains resume.txt "stage 2 merge: cancelling 1 task(s)"
wait_status out "run: complete" 60
expect_file_eq out/final.jsonl single.jsonl
# every document once, and each finished shard ran exactly once
expect_eq "kept" "$(wc -l < out/final.jsonl)" "$(wc -l < single.jsonl)"
for i in 0 1 2 3; do
  n=$(ls out/logs/dc-shards-*_$i.log | wc -l)
  if [ $i = "$task" ]; then expect_eq "runs of task $i" $n 2; else expect_eq "runs of task $i" $n 1; fi
done

# The same with cluster-wide dedup: a task of the first map phase (lines)
# is killed; every later phase waits on it; resume reruns that task and
# resubmits the chain, and the corpus equals one run's.
cat > ctl-dedup.ini <<INI
[pipeline]
stages = normalize, ctl, dedup
plugin_path = $T/plugins
[ctl]
wait_file = $T/go2
INI
touch go2
"$DOCCLEAN" run -c ctl-dedup.ini -q -o dd-single.jsonl in || fail "single run with dedup"
rm go2
"$DOCCLEAN" slurm submit -c ctl-dedup.ini --tasks 4 --out dd in > dd-submit.txt || fail "submit dedup"
job=$(awk '$1 == "lines" {print $2}' dd/slurm/jobs)
wait_status dd "stage 1 lines: 3/4 done, 1 running" 60
held=$(squeue -h -r -t running -j "$job" -o %i | head -1)
case $held in "${job}_"[0-3]) ;; *) fail "no running lines task of job $job: [$held]";; esac
task=${held#*_}
scancel "$held" || fail "scancel lines task"
wait_status dd "DependencyNeverSatisfied" 30
[ -e dd/cluster/lines/0000$task.done ] && fail "a killed lines task has a marker"
touch go2
"$DOCCLEAN" slurm resume dd > dd-resume.txt || fail "resume dedup run"
cat dd-resume.txt
expect_contains dd-resume.txt "stage 1 lines: job "
expect_contains dd-resume.txt "(tasks $task)"
expect_contains dd-resume.txt "stage 2 linewin: cancelling 16 task(s)"
wait_status dd "run: complete" 120
expect_file_eq dd/final.jsonl dd-single.jsonl
exit 0
