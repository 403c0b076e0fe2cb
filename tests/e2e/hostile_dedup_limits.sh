#!/usr/bin/env bash
# Hostile dedup (issue 14 item 12, dedup side): runtime trouble with the
# index is reported as what it is.
# 1. A busy index is refused with a message that says so; the pid it names is
#    the holder's, not that of an earlier run that has exited (the lock file
#    is emptied on release).
# 2. Under `ulimit -v` (2 GiB) a run with a persistent index, with keep =
#    longest and without an index works and gives the same output as without
#    the limit (the LMDB map used to be 256 GiB whatever the limit).
# 3. A limit too small for the map is refused before reading, with a message
#    that names the address-space limit (not "Cannot allocate memory"), and
#    not with a crash.
# The limits run in subshells; the test skips when docclean cannot run under
# `ulimit -v` at all here (sanitizer builds reserve terabytes).
. "$SRC/tests/lib.sh"
set -e
cp "$FIXTURES"/dedup/run1.jsonl .
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idx\n' > first.ini
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idxl\nkeep = longest\n' > longest.ini
printf '[pipeline]\nstages = dedup\n' > noindex.ini
printf '[pipeline]\nstages = normalize\n' > plain.ini

# 1. busy: a run wrote its pid and exited; another process now holds the lock
"$DOCCLEAN" run -q -c first.ini -o b0.jsonl run1.jsonl
[ ! -s idx/docclean.lock ] || fail "the lock file still names a run that has exited: $(cat idx/docclean.lock)"
flock idx/docclean.lock sleep 5 &
holder=$!
sleep 0.5
rc=0
"$DOCCLEAN" run -q -c first.ini -o b1.jsonl run1.jsonl 2> busy.err || rc=$?
kill $holder 2>/dev/null || true
wait $holder 2>/dev/null || true
[ $rc -ne 0 ] || fail "a busy index was not refused"
# exit_kind RC ERRFILE WANT: a core that lets a plugin say what failed (ABI
# 1.2, host->set_failure) must exit WANT and not call it a config error;
# before that, every create() failure is a config error (exit 3).
exit_kind() {
  if grep -q "config error" "$2"; then [ "$1" -eq 3 ] || fail "config error with exit $1"
  else [ "$1" -eq "$3" ] || { cat "$2" >&2; fail "exit $1, want $3"; }; fi
}
exit_kind $rc busy.err 5
expect_contains busy.err "dedup: index ./idx is busy: it is in use by another process;"

hard=$(ulimit -H -v)
[ "$hard" = unlimited ] || [ "$hard" -ge 2097152 ] || skip "skipped after part 1: the hard ulimit -v ($hard KiB) is below 2 GiB"
(ulimit -v 2097152; "$DOCCLEAN" run -q -c plain.ini -o plain.jsonl run1.jsonl) 2> plain.err ||
  skip "skipped after part 1: docclean cannot run under ulimit -v here (sanitizer build?): $(head -1 plain.err | cut -c1-80)"

# 2. the same output with and without the limit
for c in first longest noindex; do
  rm -rf idx idxl
  "$DOCCLEAN" run -q -c $c.ini -o ref-$c.jsonl --rejects ref-$c.rej run1.jsonl
  rm -rf idx idxl
  rc=0
  (ulimit -v 2097152; "$DOCCLEAN" run -q -c $c.ini -o lim-$c.jsonl --rejects lim-$c.rej run1.jsonl) 2> lim-$c.err || rc=$?
  [ $rc -eq 0 ] || { cat lim-$c.err >&2; fail "$c under ulimit -v 2 GiB: exit $rc"; }
  expect_file_eq lim-$c.jsonl ref-$c.jsonl
  expect_file_eq lim-$c.rej ref-$c.rej
done
# ... and the next run against an index built under the limit, too
rm -rf idx
(ulimit -v 2097152; "$DOCCLEAN" run -q -c first.ini -o once.jsonl run1.jsonl)
(ulimit -v 2097152; "$DOCCLEAN" run -q -c first.ini -o again.jsonl --rejects again.rej run1.jsonl)
[ ! -s again.jsonl ] || fail "a rerun under the limit kept documents again"

# 3. a limit the map cannot fit in: a clear refusal, not a crash
if (ulimit -v 204800; "$DOCCLEAN" run -q -c plain.ini -o p2.jsonl run1.jsonl) 2>/dev/null; then
  for c in first noindex; do
    rc=0
    (ulimit -v 204800; "$DOCCLEAN" run -q -c $c.ini -o small.jsonl run1.jsonl) 2> small-$c.err || rc=$?
    [ $rc -ne 0 ] && [ $rc -lt 128 ] || { cat small-$c.err >&2; fail "$c under ulimit -v 200 MiB: exit $rc"; }
    exit_kind $rc small-$c.err 1
    expect_contains small-$c.err "address-space limit (ulimit -v, 200 MiB)"
    expect_contains small-$c.err "raise it to at least"
    ! grep -q "Cannot allocate memory" small-$c.err || fail "$c: the message is the bare errno"
    [ ! -e small.jsonl ] || fail "$c: output written although the stage could not start"
  done
else
  echo "note: a plain run does not fit in 200 MiB here; refusal part skipped"
fi

echo ok
