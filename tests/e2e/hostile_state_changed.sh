# issue 14 item 2: the --state ledger describes the bytes that were read.
#  - a file replaced (same size) after it was read, during the run: the old
#    version is published by this run, the new one by the next;
#  - a JSONL file appended to after it was read: the next run publishes only
#    the new lines (ids go on with the line numbers);
#  - a file appended to WHILE it is read: the run fails (exit 1), publishes
#    nothing and records nothing; once settled, the next run publishes it all.
# Every document ends up published exactly once.  The `hook` test plugin
# changes the inputs at a precise point of the run.
. "$SRC/tests/lib.sh"
build_test_plugin hook
pub() { for f in out/*.jsonl.zst; do case $f in *.rejects.*) ;; *) zstd -dc "$f";; esac; done; }
count() { pub | grep -c -- "$1"; }
hookini() { # COMMAND (run by the hook plugin from a script: INI lines are short)
  printf '%s\n' "$1" > "$T/hook.sh"
  printf '[pipeline]\nstages = hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > h.ini
}
old() { touch -d '7 minutes ago' "$@"; }

# --- replaced by a file of the same size, after it was read ---
mkdir in
printf 'VERSION-ONE\n' > in/a_target.txt
printf 'RUNHOOK b\n' > in/b.txt
printf 'VERSION-TWO\n' > repl.txt
old in/* repl.txt
hookini "mv $T/repl.txt $T/in/a_target.txt"
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log1 || fail "replace run 1: $(cat log1)"
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log2 || fail "replace run 2: $(cat log2)"
expect_eq "old version published once" "$(count VERSION-ONE)" 1
expect_eq "new version published once (it was never published before the fix)" "$(count VERSION-TWO)" 1
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log3 || fail "replace run 3"
expect_contains log3 "nothing new"

# --- JSONL appended after it was read ---
rm -rf in out st; mkdir in
for i in 1 2 3; do printf '{"text":"LOG-LINE-%d"}\n' $i; done > in/c_log.jsonl
printf 'RUNHOOK d\n' > in/d.txt
old in/*
hookini "printf '{\"text\":\"LOG-LINE-4\"}\\n{\"text\":\"LOG-LINE-5\"}\\n' >> $T/in/c_log.jsonl; touch -d '7 minutes ago' $T/in/c_log.jsonl"
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log4 || fail "append run 1: $(cat log4)"
expect_eq "lines 1-3 in run 1" "$(count LOG-LINE-)" 3
[ "$(wc -l < in/c_log.jsonl)" -eq 5 ] || fail "the hook did not append: $(cat in/c_log.jsonl)"
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log5 || fail "append run 2: $(cat log5)"
expect_contains log5 "files=1 docs=2"
for i in 1 2 3 4 5; do expect_eq "LOG-LINE-$i published once" "$(count "LOG-LINE-$i\"")" 1; done
expect_eq "ids go on with the line numbers" "$(pub | grep -o '"id":"c_log.jsonl:[0-9]*"' | sort | tr '\n' ' ')" \
  '"id":"c_log.jsonl:1" "id":"c_log.jsonl:2" "id":"c_log.jsonl:3" "id":"c_log.jsonl:4" "id":"c_log.jsonl:5" '
# a grown file whose first part changed is read whole again
printf '{"text":"LOG-LINE-X"}\n' | cat - in/c_log.jsonl > tmp && mv tmp in/c_log.jsonl; old in/c_log.jsonl
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log5b || fail "rewritten run: $(cat log5b)"
expect_contains log5b "files=1 docs=6"

# --- compressed JSONL grown by a new gzip member / zstd frame ---
rm -rf in out st; mkdir in
printf '{"text":"GZ-1"}\n{"text":"GZ-2"}\n' | gzip > in/g.jsonl.gz
printf '{"text":"ZS-1"}\n' | zstd -q > in/z.jsonl.zst
old in/*
hookini true
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log5c || fail "compressed run 1"
printf '{"text":"GZ-3"}\n' | gzip >> in/g.jsonl.gz
printf '{"text":"ZS-2"}\n' | zstd -q >> in/z.jsonl.zst
old in/*
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log5d || fail "compressed run 2"
expect_contains log5d "files=2 docs=2"
for d in GZ-1 GZ-2 GZ-3 ZS-1 ZS-2; do expect_eq "$d published once" "$(count "$d\"")" 1; done

# --- appended while it is being read ---
rm -rf in out st; mkdir in
python3 - <<'PY'
with open("in/e_big.jsonl", "w") as f:
    f.write('{"text":"RUNHOOK BIG-0"}\n')
    for i in range(1, 20000):
        f.write('{"text":"BIG-%d"}\n' % i)
PY
old in/*
hookini "printf '{\"text\":\"BIG-LATE\"}\\n' >> $T/in/e_big.jsonl"
"$DOCCLEAN" run -c h.ini -q -j1 --state st -o out in 2>log6; rc=$?
expect_eq "a file changed while read fails the run" $rc 1
expect_contains log6 "changed while it was read"
expect_contains log6 "FAILED"
expect_eq "nothing published" "$(ls out | grep -c 'jsonl.zst$')" 0
"$DOCCLEAN" status --state st > status6.txt
expect_contains status6.txt "files in ledger: 0"
expect_contains status6.txt "e_big.jsonl changed while it was read"
# just written: left for later by the settle time
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log7 || fail "settle run: $(cat log7)"
expect_contains log7 "files=0"
old in/e_big.jsonl
hookini true
"$DOCCLEAN" run -c h.ini -q --state st -o out in 2>log8 || fail "final run: $(cat log8)"
expect_contains log8 "docs=20001 kept=20001"
expect_eq "every document once" "$(pub | grep -c BIG-)" 20001
exit 0
