# An unreadable input file is reported (exit 4) and rejected with a reason;
# the other files are processed.  Root reads everything, so as root the
# run drops to the `nobody` user with setpriv.
. "$SRC/tests/lib.sh"
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || skip "skipped: running as root without setpriv"
  chmod 755 "$T"
  mkdir -p bin/plugins && cp "$DOCCLEAN" bin/ && cp "$BUILD/plugins/normalize.so" bin/plugins/
  RUN=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  D="$T/bin/docclean"
else
  D="$DOCCLEAN"
fi
mkdir -p in outdir
printf 'readable\n' > in/a.txt
printf 'secret\n' > in/b.txt
chmod 000 in/b.txt
chmod 777 outdir
printf '[pipeline]\nstages = normalize\n' > n.ini
chmod 644 n.ini
"${RUN[@]}" "$D" run -c n.ini -q -o outdir/out.jsonl --rejects outdir/rej.jsonl in 2>err.txt; rc=$?
expect_eq "exit status" $rc 4
expect_eq "kept" "$(jq_field outdir/out.jsonl id)" "a.txt"
expect_contains outdir/rej.jsonl '"id":"b.txt"'
expect_contains outdir/rej.jsonl 'Permission denied'
