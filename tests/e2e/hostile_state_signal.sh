# issue 14 item 18 (part): SIGTERM / SIGINT during a run.  The run stops,
# removes its temporaries (plain runs: .NAME.tmp.PID next to the outputs;
# --state: its staging files), records the failure, and dies of the signal.
# Temporaries of a run killed with SIGKILL are removed by the next run
# that writes the same output (only that output's, only of dead pids).
. "$SRC/tests/lib.sh"
build_test_plugin hook
mkdir in
python3 - <<'PY'
with open("in/big.jsonl", "w") as f:
    f.write('{"text":"RUNHOOK 0"}\n')
    for i in range(1, 20000):
        f.write('{"text":"doc %d"}\n' % i)
PY
touch -d '5 minutes ago' in/*
# the hook signals docclean (the holder named in the lock file, or the
# pid file the plain run test writes) while the run is in full flight
printf '[pipeline]\nstages = hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > h.ini
sig_pid() { printf 'kill -%s $(cat %s/pid)\n' "$1" "$T" > hook.sh; }
for sig in TERM INT; do
  rm -rf o; mkdir o
  sig_pid $sig
  ( echo $BASHPID > pid; exec "$DOCCLEAN" run -c h.ini -q -j1 -o o/out.jsonl --rejects o/rej.jsonl in ) 2>log_$sig; rc=$?
  want=$((128 + $(kill -l $sig)))
  expect_eq "plain run dies of SIG$sig" $rc $want
  [ -z "$(ls -A o)" ] || fail "SIG$sig left files: $(ls -A o)"
done
# --state
printf 'kill -TERM $(sed "s/^pid \\([0-9]*\\),.*/\\1/" %s/st/lock)\n' "$T" > hook.sh
"$DOCCLEAN" run -c h.ini -q -j1 --state st -o out in 2>log_state; rc=$?
expect_eq "state run dies of SIGTERM" $rc 143
[ -z "$(find out -type f)" ] || fail "staging files left: $(find out -type f)"
"$DOCCLEAN" status --state st > status.txt
expect_contains status.txt "interrupted by Terminated"
expect_contains status.txt "run in progress: none"
# a temporary of a killed earlier run (a pid that does not exist) of the
# same output is removed; one of another output is not
printf 'true\n' > hook.sh
mkdir -p p; printf 'junk' > p/.out.jsonl.tmp.999999999; printf 'other' > p/.other.jsonl.tmp.999999999
"$DOCCLEAN" run -c h.ini -q -o p/out.jsonl --rejects p/rej.jsonl in 2>/dev/null || fail "clean run"
[ ! -e p/.out.jsonl.tmp.999999999 ] || fail "stale temporary of out.jsonl not removed"
[ -e p/.other.jsonl.tmp.999999999 ] || fail "another output's temporary was removed"
exit 0
