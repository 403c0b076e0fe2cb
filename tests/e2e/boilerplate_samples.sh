# boilerplate (extended): the five ../shared/samples pages.  The expected
# result is stored as the input line numbers that must be kept (and the
# sha256 of the output), never as copied text: the test rebuilds the
# expected output from the input and compares line by line.
. "$SRC/tests/lib.sh"
need_shared samples
printf '[pipeline]\nstages = boilerplate\n' > conf.ini
"$DOCCLEAN" run -c conf.ini -q --output-format textdir -o out "$SHARED"/samples/*.txt || fail "run failed"
n=0
while IFS=$'\t' read -r file keep sum; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  # kept lines, each with its newline
  sedprog=$(echo "$keep" | tr ',' '\n' | sed -e 's/-/,/' -e 's/$/p/')
  sed -n "$sedprog" "$SHARED/samples/$file" > "want.$file"
  [ -n "$(tail -c1 "want.$file")" ] && echo >> "want.$file"
  expect_file_eq "out/$file" "want.$file"
  expect_eq "sha256 $file" "$(sha256sum < "out/$file" | cut -d' ' -f1)" "$sum"
done < "$FIXTURES/boilerplate/samples.expected"
expect_eq "samples checked" "$n" 5
