# issue 14 item 1: a file that cannot be read in one --state run (permission
# denied, vanished) is rejected with the reason and exit 4, but it is NOT
# recorded as processed: once readable, the next run takes it.  Root reads
# everything, so as root the runs drop to `nobody` with setpriv.
. "$SRC/tests/lib.sh"
RUN=()
D="$DOCCLEAN"
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || skip "skipped: running as root without setpriv"
  chmod 755 "$T"
  mkdir -p bin/plugins && cp "$DOCCLEAN" bin/ && cp "$BUILD/plugins/normalize.so" bin/plugins/
  RUN=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  D="$T/bin/docclean"
fi
mkdir -p in st out
chmod 777 st out in
printf '可读的文档\n' > in/a.txt
printf '秘密文档\n' > in/b.txt
chmod 000 in/b.txt
touch -d '5 minutes ago' in/*.txt
printf '[pipeline]\nstages = normalize\n' > n.ini
chmod 644 n.ini
"${RUN[@]}" "$D" run -c n.ini -q --state st -o out in 2>log1; rc=$?
expect_eq "run 1 exit (an input unreadable)" $rc 4
zstd -dc out/*.rejects.jsonl.zst > rej1.jsonl
expect_contains rej1.jsonl 'Permission denied'
"${RUN[@]}" "$D" status --state st > status1.txt
expect_contains status1.txt "files in ledger: 1"
chmod 644 in/b.txt
"${RUN[@]}" "$D" run -c n.ini -q --state st -o out in 2>log2; rc=$?
expect_eq "run 2 exit" $rc 0
expect_contains log2 "files=1 docs=1 kept=1"
for f in out/*.jsonl.zst; do case $f in *.rejects.*) ;; *) zstd -dc "$f";; esac; done > all.jsonl
expect_eq "b.txt published once" "$(grep -c '秘密文档' all.jsonl)" 1
expect_eq "a.txt published once" "$(grep -c '可读的文档' all.jsonl)" 1
# a third run has nothing new: both files are in the ledger now
"${RUN[@]}" "$D" run -c n.ini -q --state st -o out in 2>log3 || fail "run 3"
expect_contains log3 "nothing new"

# a file that vanishes between the directory walk and its reading is
# rejected, not recorded; when it comes back (same size and mtime) the next
# run takes it (inputs given as an absolute path: the ledger key).  The hook (run while the reader is held back inside the big
# first file) removes it.
build_test_plugin hook
rm -rf in2 st2 out2; mkdir in2
python3 - <<'PY'
with open("in2/a_big.jsonl", "w") as f:
    f.write('{"text":"RUNHOOK 0"}\n')
    for i in range(1, 20000):
        f.write('{"text":"doc %d"}\n' % i)
PY
printf '会消失的文档\n' > in2/z.txt
touch -d '5 minutes ago' in2/*
cp -p in2/z.txt z.save
printf 'rm -f %s/in2/z.txt\n' "$T" > hook.sh
printf '[pipeline]\nstages = hook\nplugin_path = %s/plugins\n[hook]\nrun = sh %s/hook.sh\n' "$T" "$T" > h.ini
"$DOCCLEAN" run -c h.ini -q -j1 --state st2 -o out2 "$T/in2" 2>log4; rc=$?
expect_eq "vanished file: exit" $rc 4
zstd -dc out2/*.rejects.jsonl.zst | grep -q 'No such file' || fail "no reject for the vanished file"
cp -p z.save in2/z.txt
printf 'true\n' > hook.sh
"$DOCCLEAN" run -c h.ini -q --state st2 -o out2 "$T/in2" 2>log5 || fail "run after it came back: $(cat log5)"
expect_contains log5 "files=1 docs=1 kept=1"
exit 0
