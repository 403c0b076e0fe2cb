# issue 14 item 7: two --state dirs writing into the same -o.  A run of
# state B starting (and recovering) while a run of state A is writing its
# staged files must not delete them: staging belongs to one state.
. "$SRC/tests/lib.sh"
build_test_plugin hook
mkdir inA inB
printf 'RUNHOOK 甲的文档\n' > inA/a.txt
printf '乙的文档\n' > inB/b.txt
touch -d '5 minutes ago' inA/* inB/*
printf '[pipeline]\nstages = normalize\n' > b.ini
# in the middle of A's run (its output is open in staging), B runs whole
printf '"%s" run -c %s/b.ini -q --state %s/stB -o %s/out %s/inB 2>%s/logB; echo $? > %s/rcB\n' \
  "$DOCCLEAN" "$T" "$T" "$T" "$T" "$T" "$T" > hook.sh
printf '[pipeline]\nstages = normalize, hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > a.ini
# B's staging of a killed run must still be cleaned by B's next run
"$DOCCLEAN" run -c b.ini -q --state stB -o out inB 2>/dev/null || fail "B run 0"
printf '乙的第二个\n' > inB/b2.txt; touch -d '5 minutes ago' inB/b2.txt
(DOCCLEAN_TEST_CRASH_AT=before-ledger-commit "$DOCCLEAN" run -c b.ini -q --state stB -o out inB) 2>/dev/null
"$DOCCLEAN" run -c a.ini -q --state stA -o out inA 2>logA; rc=$?
expect_eq "B's run inside A's (exit)" "$(cat rcB)" 0
expect_eq "A's run (exit) — B's recovery deleted A's staging before the fix" $rc 0
pub() { for f in out/*.jsonl.zst; do case $f in *.rejects.*) ;; *) zstd -dc "$f";; esac; done; }
expect_eq "A's document published once" "$(pub | grep -c 甲的文档)" 1
expect_eq "B's documents published once" "$(pub | grep -c '乙的')" 2
[ -z "$(find out/.staging -type f 2>/dev/null)" ] || fail "staging files left: $(find out/.staging -type f)"
exit 0
