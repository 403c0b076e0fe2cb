#!/usr/bin/env bash
# spam: own fixtures through `docclean run` with the shipped lexicons:
# ad lines deleted, ads spliced into sentences cut (sentence kept), keyword
# stuffing deleted, real uses of ad-like words kept (ads.txt ->
# ads.expected); a user lexicon via extra_lexicons (relative to the INI);
# mode=keep counts without changing; rule names in `docclean explain`.
set -u
STAGE=spam; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/spam"
run() { # run CONF INPUT OUT [FORMAT]
  "$DOCCLEAN" run -q -c "$1" --output-format "${4:-text}" -o "$3" --rejects rej.jsonl "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
conf rm
run rm.ini "$F/ads.txt" ads.out
check "ads removed, sentences kept" "$F/ads.expected" ads.out

cp "$F/my-terms.txt" .
conf extra extra_lexicons=my-terms.txt
printf '本周菜鸟彩票站开业，欢迎光临。\n' > e.txt; printf '本周开业，欢迎光临。\n' > e.want
run extra.ini e.txt e.out
check "extra_lexicons adds the user's terms" e.want e.out

conf keep mode=keep
run keep.ini "$F/ads.txt" keep.jsonl jsonl
python3 -c 'import json,sys; r=json.loads(open("keep.jsonl").readline()); sys.stdout.write(r["text"]); print(r.get("spam_lines"), r.get("spam_spans"), r.get("spam_stuffed"), file=open("meta.got","w"))' > keep.text
check "mode=keep leaves the text" "$F/ads.txt" keep.text
echo "5 6 1" > meta.want
check "metadata: deleted lines, cut spans, stuffed lines" meta.want meta.got

"$DOCCLEAN" explain -c rm.ini "$F/ads.txt" > explain.out 2>>log
if grep -q 'spam:gambling:span' explain.out && grep -q 'spam:stuffing' explain.out && grep -q 'spam:loans:line' explain.out; then
  echo "ok   explain rule names"
else echo "FAIL explain rule names"; fail=1; fi

printf '[pipeline]\nstages = spam\n[spam]\nextra_lexicons = missing.txt\n' > bad.ini
if "$DOCCLEAN" check-config -c bad.ini > bad.out 2>&1; then echo "FAIL missing lexicon accepted"; fail=1
elif grep -q 'missing.txt' bad.out; then echo "ok   missing lexicon is a config error"
else echo "FAIL missing lexicon message"; cat bad.out; fail=1; fi
exit $fail
