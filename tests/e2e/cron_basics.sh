# Unattended runs: only new files, settle time and partial names, locking
# (exit 5, --wait), status, one grep-able summary line per run.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > p.ini
mkdir in
for i in 1 2 3; do printf '文档%d\n' $i > in/d$i.txt; done
touch -d '5 minutes ago' in/*
"$DOCCLEAN" run -c p.ini -q --state st -o out in 2>log1 || fail "run 1"
grep -E '^docclean: run [0-9a-f]{16} done files=3 docs=3 kept=3 rejected=0 duplicates=0 ' log1 >/dev/null || fail "summary line: $(cat log1)"
expect_eq "outputs after run 1" "$(ls out | sed 's/^[0-9TZ]*-[0-9a-f]*//' | sort | tr '\n' ' ')" ".jsonl.zst .rejects.jsonl.zst .stats.json "
"$DOCCLEAN" run -c p.ini -q --state st -o out in 2>log2 || fail "run 2"
expect_contains log2 "files=0"
expect_eq "no new outputs" "$(ls out | wc -l)" 3
printf '新的\n' > in/new.txt                      # too fresh: left for later
printf 'half' > in/big.part                         # still downloading
touch -d '5 minutes ago' in/big.part
"$DOCCLEAN" run -c p.ini -q --state st -o out in 2>log3 || fail "run 3"
expect_contains log3 "files=0"
"$DOCCLEAN" run -c p.ini -q --settle 0 --state st -o out in 2>log4 || fail "run 4"
expect_contains log4 "files=1 docs=1"
# a changed file is processed again; a touched but unchanged one is not
printf '文档1改\n' > in/d1.txt; touch -d '5 minutes ago' in/d1.txt
touch -d '4 minutes ago' in/d2.txt
"$DOCCLEAN" run -c p.ini -q --state st -o out in 2>log5 || fail "run 5"
expect_contains log5 "files=1 docs=1"
# locking
flock st/lock sleep 3 &
sleep 0.5
"$DOCCLEAN" run -c p.ini -q --state st -o out in 2>log6; rc=$?
expect_eq "locked exit" $rc 5
expect_contains log6 "another docclean run holds"
"$DOCCLEAN" run -c p.ini -q --wait --state st -o out in 2>log7 || fail "--wait run"
wait
"$DOCCLEAN" status --state st > status.txt || fail status
expect_contains status.txt "last error: none"
expect_contains status.txt "files in ledger: 4"
[ "$(grep -c ' ok ' status.txt)" -eq 3 ] || fail "status should list 3 runs with documents: $(cat status.txt)"
# with a dedup index in the pipeline the run lock still decides (exit 5),
# not the index's own lock (regression: plugins were created before the lock)
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nindex = %s/st/idx\n' "$T" > dd.ini
"$DOCCLEAN" run -c dd.ini -q --state st -o out in 2>/dev/null || fail "run with dedup index"
[ -f st/idx/docclean.lock ] || fail "dedup index lock file not where expected"
flock st/lock flock st/idx/docclean.lock sleep 3 &
sleep 0.5
"$DOCCLEAN" run -c dd.ini -q --state st -o out in 2>log9; rc=$?
expect_eq "locked exit with dedup index" $rc 5
wait
# a failing run exits non-zero (cron mails) and is recorded
mkdir ro; printf 'x\n' > in/late.txt; touch -d '5 minutes ago' in/late.txt
printf '[pipeline]\nstages = normalize\n' > bad.ini
"$DOCCLEAN" run -c bad.ini -q --state st -o /proc/forbidden in 2>log8; rc=$?
[ $rc -ne 0 ] || fail "run into an unwritable output dir must fail"
exit 0
