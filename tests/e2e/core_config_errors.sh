# Config errors: one clear line naming FILE:LINE and key (or the plugin
# file), and exit status 3.
. "$SRC/tests/lib.sh"
printf 'x\n' > doc.txt
check() { # NAME CONF EXPECTED-SUBSTRING
  "$DOCCLEAN" run -c "$2" -q -o out.jsonl doc.txt 2>err.txt; rc=$?
  [ $rc -eq 3 ] || fail "$1: exit $rc, want 3 ($(cat err.txt))"
  expect_contains err.txt "$3"
  [ "$(wc -l < err.txt)" -le 2 ] || fail "$1: more than one error line: $(cat err.txt)"
  [ ! -e out.jsonl ] || fail "$1: output written despite config error"
}
printf '[pipeline]\nstages = normalize\n\n[normalize]\ncrlf = true\ncolour = red\n' > unknown-key.ini
check "unknown key" unknown-key.ini "unknown-key.ini:6: [normalize] colour: unknown option"
printf '[pipeline]\nstages = normalize\n[normalize]\ntrim = maybe\n' > bad-value.ini
check "bad value" bad-value.ini "bad-value.ini:4: [normalize] trim: 'maybe' is not a boolean"
printf '[pipeline]\nstages = nosuchplugin\n' > unknown-plugin.ini
check "unknown plugin" unknown-plugin.ini "plugin 'nosuchplugin' not found"
build_test_plugin failing -DWRONG_ABI
printf '[pipeline]\nstages = failing\nplugin_path = %s/plugins\n' "$T" > wrong-abi.ini
check "ABI mismatch" wrong-abi.ini "plugin ABI version mismatch: plugin was built for ABI 99.0"
cc -shared -fPIC -o "$T/plugins/nosymbol.so" "$SRC/tests/plugins/nosymbol.c"
printf '[pipeline]\nstages = nosymbol\nplugin_path = %s/plugins\n' "$T" > nosym.ini
check "missing symbol" nosym.ini "missing symbol 'docclean_plugin'"
printf '[pipeline]\nstages = normalize\n[normalize]\ntrim = %0300d\n' 0 > long.ini
check "long line" long.ini "long.ini:4: line longer than"
printf '[pipeline]\nstages = normalize\nthis is not ini\n' > syntax.ini
check "syntax" syntax.ini "syntax.ini:3: syntax error"
"$DOCCLEAN" run -c does-not-exist.ini doc.txt 2>err.txt; expect_eq "missing config exit" $? 3
"$DOCCLEAN" run --bogus doc.txt 2>err.txt; expect_eq "bad flag exit" $? 2
"$DOCCLEAN" run -c unknown-key.ini 2>err.txt; expect_eq "no input exit" $? 2
# check-config prints the resolved pipeline
"$DOCCLEAN" check-config -c "$SRC/conf/default.ini" > cc.txt || fail "check-config of default.ini failed: $(cat cc.txt)"
expect_contains cc.txt "1. [normalize] plugin normalize"
