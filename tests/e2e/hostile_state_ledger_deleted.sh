# issue 14 item 8: the ledger (the state dir's contents) deleted during a
# run.  The run must fail at the commit point (non-zero, a clear message)
# and publish nothing; before the fix it exited 0 and the next run
# published everything again.
. "$SRC/tests/lib.sh"
build_test_plugin hook
mkdir in
printf 'RUNHOOK 第一\n' > in/a.txt
printf '第二\n' > in/b.txt
touch -d '5 minutes ago' in/*
printf 'rm -rf %s/st/*\n' "$T" > hook.sh
printf '[pipeline]\nstages = normalize, hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > h.ini
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log1; rc=$?
[ $rc -ne 0 ] || fail "a run whose ledger was deleted must fail: $(cat log1)"
expect_contains log1 "was deleted or replaced during the run"
expect_contains log1 "FAILED"
expect_eq "nothing published" "$(ls out | grep -c 'jsonl.zst$')" 0
# the same with only the ledger file removed (the lock stays)
printf 'rm -f %s/st/ledger.sqlite %s/st/ledger.sqlite-wal %s/st/ledger.sqlite-shm\n' "$T" "$T" "$T" > hook.sh
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log2; rc=$?
[ $rc -ne 0 ] || fail "a run whose ledger file was deleted must fail: $(cat log2)"
expect_contains log2 "ledger.sqlite was deleted or replaced"
expect_eq "nothing published" "$(ls out | grep -c 'jsonl.zst$')" 0
# an undisturbed run then publishes each document once
printf 'true\n' > hook.sh
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log3 || fail "run 3: $(cat log3)"
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log4 || fail "run 4"
expect_contains log4 "nothing new"
pub() { for f in out/*.jsonl.zst; do case $f in *.rejects.*) ;; *) zstd -dc "$f";; esac; done; }
expect_eq "each document once" "$(pub | grep -c '第')" 2
exit 0
