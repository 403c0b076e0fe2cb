# Issue 14 item 4: `docclean merge` checks every write (stdout, /dev/full, a
# full disk), never renames over a device or FIFO, and says why it failed.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
mkdir in
for i in 1 2 3 4 5 6; do printf '{"id":"d%s","text":"文档%s %s"}\n' $i $i "$(head -c 3000 /dev/zero | tr '\0' x)" > in/f$i.jsonl; done
"$DOCCLEAN" run -c n.ini -q --shard 0/2 -o sh in 2>/dev/null || fail "shard 0"
"$DOCCLEAN" run -c n.ini -q --shard 1/2 -o sh in 2>/dev/null || fail "shard 1"
"$DOCCLEAN" merge sh -o all.jsonl || fail "merge"
expect_eq "merged" "$(nlines all.jsonl)" 6
if [ -c /dev/full ]; then
  "$DOCCLEAN" merge sh > /dev/full 2>err1.txt; rc=$?
  [ $rc -ne 0 ] || fail "merge > /dev/full exited 0"
  expect_contains err1.txt "No space left on device"
  "$DOCCLEAN" merge sh -o /dev/full 2>err2.txt; rc=$?
  [ $rc -ne 0 ] || fail "merge -o /dev/full exited 0"
  expect_contains err2.txt "/dev/full"
  [ -c /dev/full ] || fail "/dev/full is no longer a character device"
  # sibling: every command's stdout is checked
  "$DOCCLEAN" plugins > /dev/full 2>err5.txt && fail "plugins > /dev/full exited 0"
  expect_contains err5.txt "write error on standard output"
  "$DOCCLEAN" run -c n.ini -q -o - in/f1.jsonl > /dev/full 2>/dev/null && fail "run -o - > /dev/full exited 0"
fi
# a full disk: the file size limit makes writes fail like ENOSPC does
( trap '' XFSZ; ulimit -f 8; "$DOCCLEAN" merge sh -o limited.jsonl ) 2>err3.txt; rc=$?
[ $rc -ne 0 ] || fail "merge onto a full disk exited 0"
[ ! -e limited.jsonl ] || fail "a truncated merge output was left behind"
[ -s err3.txt ] || fail "no message for a failed merge"
ls -a | grep -q '\.tmp\.' && fail "temporary file left behind"
# -o a FIFO: written in place, still a FIFO afterwards
mkfifo ff
cat ff > fifo.out & reader=$!
timeout 20 "$DOCCLEAN" merge sh -o ff || fail "merge -o FIFO"
wait $reader
[ -p ff ] || fail "the FIFO was replaced"
expect_eq "through the FIFO" "$(nlines fifo.out)" 6
# an output directory that does not exist: a message, not silence
"$DOCCLEAN" merge sh -o nodir/x.jsonl 2>err4.txt; rc=$?
[ $rc -ne 0 ] || fail "merge into a missing directory exited 0"
expect_contains err4.txt "nodir"
echo ok
