# boilerplate (extended): the five ../shared/samples pages.  The expected
# result is stored as the input line numbers that must be kept (and the
# sha256 of the output), never as copied text: the test rebuilds the
# expected output from the input and compares line by line.
. "$SRC/tests/lib.sh"
need_shared samples
printf '[pipeline]\nstages = boilerplate\n' > conf.ini
"$DOCCLEAN" run -c conf.ini -q --output-format textdir -o out "$SHARED"/samples/*.txt || fail "run failed"
n=0
while IFS=$'\t' read -r file keep sum cut; do
  case "$file" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  # kept lines, each with its newline; "cut" (optional): LINE:BYTES, a
  # span of BYTES cut from the start of input line LINE
  sedprog=$(echo "$keep" | tr ',' '\n' | sed -e 's/-/,/' -e 's/$/p/')
  LC_ALL=C awk -v cuts="$cut" 'BEGIN { n = split(cuts, c, ","); for (i = 1; i <= n; i++) { split(c[i], lb, ":"); cb[lb[1]] = lb[2] } }
       { if (NR in cb) print substr($0, cb[NR] + 1); else print }' "$SHARED/samples/$file" \
    | sed -n "$sedprog" > "want.$file"
  [ -n "$(tail -c1 "want.$file")" ] && echo >> "want.$file"
  expect_file_eq "out/$file" "want.$file"
  expect_eq "sha256 $file" "$(sha256sum < "out/$file" | cut -d' ' -f1)" "$sum"
done < "$FIXTURES/boilerplate/samples.expected"
expect_eq "samples checked" "$n" 5
