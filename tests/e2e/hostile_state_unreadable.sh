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
exit 0
