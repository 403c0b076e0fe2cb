# boilerplate: a bad profile is a config error naming FILE:LINE and key, with
# the core's config-error exit status; long and ';'-bearing values are
# refused loudly instead of being cut by inih.
. "$SRC/tests/lib.sh"
printf 'x\n' > doc.txt
check() { # NAME PROFILE-TEXT EXPECTED-SUBSTRING
  printf '%b' "$2" > "$1.profile.ini"
  printf '[pipeline]\nstages = boilerplate\n[boilerplate]\nprofiles = %s\n' "$1.profile.ini" > "$1.ini"
  "$DOCCLEAN" run -c "$1.ini" -q -o out.jsonl doc.txt 2>err.txt; rc=$?
  [ $rc -eq 3 ] || fail "$1: exit $rc, want 3 ($(cat err.txt))"
  expect_contains err.txt "$3"
  [ ! -e out.jsonl ] || fail "$1: output written despite config error"
}
check badregex '[site]\nname = s\n[rule:r]\nkind = regex\nmatch = (unclosed\n' \
  "badregex.profile.ini:5: match: bad regex '(unclosed'"
long=$(printf '很%.0s' $(seq 1 70))
check longline "[rule:r]\nkind = substring\nmatch = $long\n" "longline.profile.ini:3: profile: line is 218 bytes; inih cuts lines at 198 bytes"
check semicolon '[rule:r]\nmatch = a ;b\n' "semicolon.profile.ini:2: profile: ' ;' starts an inline comment"
check badkind '[rule:r]\nkind = glob\nmatch = a\n' "badkind.profile.ini:2: kind: 'glob' is not one of"
check nomatch '[rule:r]\nkind = exact\n' "nomatch.profile.ini:1: rule nomatch.profile/r: no match or match_file"
