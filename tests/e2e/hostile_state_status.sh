# issue 14 item 17: `docclean status` tells the truth.
#  - a run that fails to open its output is recorded with that error (it
#    said "last error: none");
#  - a failed --state run prints "run ID FAILED (why)", never "done";
#  - while a run holds the lock, status names it (pid, host, start);
#    afterwards "run in progress: none".
. "$SRC/tests/lib.sh"
build_test_plugin hook
mkdir in
printf '文档零\n' > in/0.txt
touch -d '5 minutes ago' in/*
printf '[pipeline]\nstages = normalize\n' > n.ini
"$DOCCLEAN" run -c n.ini -q --state st -o out in 2>log0 || fail "run 0"
printf 'RUNHOOK 文档\n' > in/a.txt
touch -d '5 minutes ago' in/*
# the output dir cannot be created
"$DOCCLEAN" run -c n.ini -q --state st -o /proc/forbidden/out in 2>log1; rc=$?
[ $rc -ne 0 ] || fail "an uncreatable output must fail"
"$DOCCLEAN" status --state st > s1.txt || fail "status 1"
expect_contains s1.txt "last error: run"
expect_contains s1.txt "/proc/forbidden/out"
# status during a run, from inside it
printf '"%s" status --state %s/st > %s/s2.txt\n' "$DOCCLEAN" "$T" "$T" > hook.sh
printf '[pipeline]\nstages = normalize, hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > h.ini
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log2 || fail "run 2: $(cat log2)"
expect_contains s2.txt "run in progress: pid "
expect_contains s2.txt "host $(hostname)"
expect_contains s2.txt "started 20"
"$DOCCLEAN" status --state st > s3.txt
expect_contains s3.txt "run in progress: none"
# a failed run says FAILED and why, on its summary line and in status
printf 'x RUNHOOK\n' > in/b.txt; touch -d '5 minutes ago' in/b.txt
printf 'rm -rf %s/out/.staging\n' "$T" > hook.sh
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log4; rc=$?
expect_eq "failed run exit" $rc 1
grep -E '^docclean: run [0-9a-f]{16} FAILED \(' log4 >/dev/null || fail "no FAILED summary line: $(cat log4)"
grep -E '^docclean: run [0-9a-f]{16} done' log4 && fail "a failed run printed 'done'"
"$DOCCLEAN" status --state st > s4.txt
grep -E '^last error: run .*: (output|rejects|committing)' s4.txt >/dev/null || fail "status error: $(cat s4.txt)"
# a killed run leaves its line in the lock file; status says it is gone
printf 'kill -9 $(sed "s/^pid \\([0-9]*\\),.*/\\1/" %s/st/lock)\n' "$T" > hook.sh
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>/dev/null
"$DOCCLEAN" status --state st > s5.txt
expect_contains s5.txt "run in progress: none (the last holder"
exit 0
