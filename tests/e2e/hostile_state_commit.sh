# issue 14 item 6: the outputs of one run (output, rejects, stats) become
# visible together or not at all.  A rejects file that cannot be published
# after the output could be must not leave the new output beside the old
# rejects (the new rejected documents would be in neither file).
. "$SRC/tests/lib.sh"
build_test_plugin failing
printf '[pipeline]\nstages = normalize, f\nplugin_path = %s/plugins\n[f]\nplugin = failing\n' "$T" > p.ini
mkdir in
printf 'first keep\n' > in/1.txt
printf 'first DROPME\n' > in/2.txt
"$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl --stats stats.json in || fail "run 1"
cp out.jsonl out1; cp rej.jsonl rej1; cp stats.json stats1
printf 'second keep\n' > in/1.txt
printf 'second DROPME\n' > in/2.txt
no_leftovers() { # no temporaries, backups or journals of the run
  left=$(ls -A | grep -E '^\.(out|rej|stats)\.' || true)
  [ -z "$left" ] || fail "$1: leftovers: $left"
}
# 1. the rejects path is a (non-empty) directory: the rejects cannot be
#    published, so nothing is (refusing up front is as good)
mv rej.jsonl rej.save; mkdir -p rej.jsonl/x
"$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl --stats stats.json in 2>log1; rc=$?
[ $rc -ne 0 ] || fail "a rejects file that cannot be written must fail the run"
expect_file_eq out.jsonl out1
expect_file_eq stats.json stats1
no_leftovers "directory in the way"
rm -r rej.jsonl; mv rej.save rej.jsonl
# 2. fault injection: a rename fails after others were done (the order is
#    rejects, output, stats): the renamed ones are rolled back
for bad in out.jsonl stats.json; do
  DOCCLEAN_TEST_FAIL_PUBLISH=$bad "$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl \
    --stats stats.json in 2>log2; rc=$?
  expect_eq "failed publish of $bad: exit" $rc 1
  expect_contains log2 "previous outputs were restored"
  expect_file_eq out.jsonl out1
  expect_file_eq rej.jsonl rej1
  expect_file_eq stats.json stats1
  no_leftovers "failed rename of $bad"
done
# 3. killed between the renames: the next run with the same outputs
#    finishes publishing the killed run's set before anything else (here
#    that next run fails to publish its own, so the recovered set stays)
DOCCLEAN_TEST_CRASH_AT=mid-group-publish "$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl \
  --stats stats.json in 2>log3; rc=$?
expect_eq "crash point reached" $rc 137
grep -q 'second DROPME' rej.jsonl || fail "the rejects should be published before the crash"
expect_file_eq out.jsonl out1
printf 'third keep\n' > in/1.txt
DOCCLEAN_TEST_FAIL_PUBLISH=stats.json "$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl \
  --stats stats.json in 2>log4; rc=$?
expect_eq "run after the crash" $rc 1
expect_contains log4 "completed publishing"
grep -q 'second keep' out.jsonl || fail "recovered output"
grep -q 'second DROPME' rej.jsonl || fail "the killed run's rejects were not published: $(cat rej.jsonl)"
grep -q '"kept": 1' stats.json || fail "recovered stats"
no_leftovers "recovery"
# 5. the rejects' file system is full when they are flushed at the end
#    (a 64 KiB tmpfs in a private mount namespace; skipped where that is not
#    allowed): the output must not be published either
if unshare -m true 2>/dev/null; then
  mkdir -p full in5
  python3 -c "
for i in range(200): open('in5/%03d.txt' % i, 'w').write('DROPME ' + 'x' * 1000 + '\\n')
open('in5/keep.txt', 'w').write('kept in run 5\\n')"
  "$DOCCLEAN" run -c p.ini -q -o out5.jsonl --rejects full/rej5.jsonl in 2>/dev/null || fail "run 5a"
  cp out5.jsonl out5.before
  unshare -m sh -c "mount -t tmpfs -o size=64k tmpfs '$T/full' && \
    '$DOCCLEAN' run -c p.ini -q -o out5.jsonl --rejects full/rej5.jsonl in5 2>log5; echo \$? > rc5; \
    ls -A full > full.ls"
  expect_eq "full rejects fs: exit" "$(cat rc5)" 1
  expect_contains log5 "No space left on device"
  expect_file_eq out5.jsonl out5.before
  [ -z "$(cat full.ls)" ] || fail "temporaries left on the full fs: $(cat full.ls)"
  no_leftovers "full fs"
else
  echo "note: no private mount namespace here; the full file system case is skipped"
fi
# 4. a normal run publishes all three
"$DOCCLEAN" run -c p.ini -q -o out.jsonl --rejects rej.jsonl --stats stats.json in || fail "run 5"
grep -q 'third keep' out.jsonl && grep -q 'second DROPME' rej.jsonl || fail "run 5 outputs"
no_leftovers "normal run"
exit 0
