# Issue 14 items 5 and 15: outputs are checked against each other and the
# inputs, and every output location is checked, before anything is read:
# exit 2 with a message naming the paths, inputs untouched, nothing written.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
printf '{"id":"a","text":"甲文"}\n' > in.jsonl
cp in.jsonl in.orig
mkfifo never   # an input that blocks if it is ever opened: proves nothing was read
refused() { # WHAT WANT_IN_MESSAGE... -- ARGS
  local what=$1; shift; local want=()
  while [ "$1" != "--" ]; do want+=("$1"); shift; done; shift
  timeout 20 "$DOCCLEAN" run -c n.ini -q "$@" 2>err.txt; local rc=$?
  expect_eq "$what: exit" $rc 2
  for w in "${want[@]}"; do expect_contains err.txt "$w"; done
  cmp -s in.jsonl in.orig || fail "$what: the input was changed"
}
refused "-o x --stats x" "-o x" "--stats x" "same file" -- -o x --stats x in.jsonl never
[ ! -e x ] || fail "-o x --stats x wrote x"
refused "-o same --rejects same" "-o same" "--rejects same" -- -o same --rejects same in.jsonl never
refused "-o ./x --stats x" "same file" -- -o ./x --stats x in.jsonl never
refused "--rejects = input" "--rejects in.jsonl" "input in.jsonl" -- -o o.jsonl --rejects in.jsonl in.jsonl never
refused "-o = input" "-o ./in.jsonl" "input in.jsonl" -- -o ./in.jsonl in.jsonl never
ln -s in.jsonl link.jsonl
refused "--stats = input via a symlink" "--stats link.jsonl" -- -o o.jsonl --stats link.jsonl in.jsonl never
mkdir tree; cp in.jsonl tree/
refused "textdir -o = input dir" "input tree" -- -o tree --output-format textdir tree never
mkdir -p intree/sub; printf '乙文\n' > intree/sub/b.txt; cp intree/sub/b.txt b.orig
timeout 20 "$DOCCLEAN" run -c n.ini -q -o intree/sub/b.txt intree never 2>err.txt; rc=$?
expect_eq "-o = a file inside an input dir: exit" $rc 2
expect_contains err.txt "inside the input directory intree"
cmp -s intree/sub/b.txt b.orig || fail "a file inside an input directory was replaced"
# item 15: missing or unwritable output locations fail before the run
refused "--stats into a missing dir" "--stats nodir/s.json" "nodir" -- -o o.jsonl --stats nodir/s.json in.jsonl never
refused "--rejects into a missing dir" "--rejects nodir/r.jsonl" -- -o o.jsonl --rejects nodir/r.jsonl in.jsonl never
refused "-o into a missing dir" "-o nodir/o.jsonl" -- -o nodir/o.jsonl in.jsonl never
mkdir adir
refused "--stats is a directory" "--stats adir" "is a directory" -- -o o.jsonl --stats adir in.jsonl never
refused "--stats under a file" "--stats in.jsonl/s.json" -- -o o.jsonl --stats in.jsonl/s.json in.jsonl never
[ ! -e o.jsonl ] || fail "an output was written by a refused run"
# what must still work: distinct outputs, /dev/null twice
"$DOCCLEAN" run -c n.ini -q -o o.jsonl --rejects r.jsonl --stats s.json in.jsonl 2>/dev/null || fail "distinct outputs"
expect_eq "kept" "$(nlines o.jsonl)" 1
"$DOCCLEAN" run -c n.ini -q -o /dev/null --rejects /dev/null in.jsonl 2>/dev/null || fail "-o /dev/null --rejects /dev/null"
[ -c /dev/null ] || fail "/dev/null replaced"
# -o a device: no default rejects file next to it (was /dev/null.rejects.jsonl)
if [ ! -e /dev/null.rejects.jsonl ]; then
  "$DOCCLEAN" run -c n.ini -q -o /dev/null in.jsonl 2>/dev/null || fail "-o /dev/null"
  [ ! -e /dev/null.rejects.jsonl ] || { rm -f /dev/null.rejects.jsonl; fail "-o /dev/null made /dev/null.rejects.jsonl"; }
fi
echo ok
