# Issue 14 item 12: a stage's create() failure has a kind.  Option errors
# are config errors (exit 3, FILE:LINE of the section); a failed resource
# is a runtime error (exit 1) and a busy one exit 5, and neither names the
# config file, which has nothing to do with it.
. "$SRC/tests/lib.sh"
build_test_plugin failkind
printf 'x\n' > doc.txt
for kind in config runtime locked; do
  printf '[pipeline]\nstages = failkind\nplugin_path = %s/plugins\n\n[failkind]\nfail = %s\n' "$T" $kind > $kind.ini
done
check() { # KIND WANT-EXIT [--state]
  "$DOCCLEAN" run -q -c "$1.ini" -o out.jsonl doc.txt 2>err.txt; rc=$?
  expect_eq "$1: exit" $rc "$2"
  [ ! -e out.jsonl ] || fail "$1: output written"
}
check config 3
expect_contains err.txt "config error: config.ini:5: [failkind] (plugin "
expect_contains err.txt "fail: asked to fail (option error)"
check runtime 1
expect_contains err.txt "docclean: stage 'failkind' (plugin "
expect_contains err.txt "cannot map 256 GiB"
grep -q "config" err.txt && fail "runtime failure mentions the config: $(cat err.txt)"
check locked 5
expect_contains err.txt "index is locked by another process"
grep -q "config" err.txt && fail "busy resource mentions the config: $(cat err.txt)"
# the same under --state (the unattended path builds the pipeline after the lock)
mkdir -p od
"$DOCCLEAN" run -q -c runtime.ini --state st -o od doc.txt 2>err.txt; expect_eq "state runtime exit" $? 1
"$DOCCLEAN" run -q -c locked.ini --state st2 -o od doc.txt 2>err.txt; expect_eq "state locked exit" $? 5
echo ok
