# `docclean explain` shows each stage's changes with plain markers when
# stdout is not a terminal, naming the rule of every edit.
. "$SRC/tests/lib.sh"
"$DOCCLEAN" explain -c "$FIXTURES/core/explain.ini" "$FIXTURES/core/explain.txt" > got.txt || fail "explain failed"
# the document id is the file name; compare everything
expect_file_eq got.txt "$FIXTURES/core/explain.expected"
"$DOCCLEAN" explain -c "$FIXTURES/core/explain.ini" --color "$FIXTURES/core/explain.txt" > colour.txt || fail "explain --color"
grep -q $'\033\\[31;9m' colour.txt || fail "no colour with --color"
