#!/usr/bin/env bash
# pii: the generated fixtures (tests/fixtures/pii/gen_fixtures.py: valid and
# invalid ID checksums and Luhn digits, every phone form, cues, e-mails and
# look-alikes) through `docclean run`: exact tag-mode output, the generator
# reproduces the committed files, mode=keep leaves the text and counts each
# type, mode=mask, and the rule names `docclean explain` shows.
set -u
STAGE=pii; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/pii"
run() { # run CONF INPUT OUT [FORMAT]
  "$DOCCLEAN" run -q -c "$1" --output-format "${4:-text}" -o "$3" --rejects rej.jsonl "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}

python3 "$F/gen_fixtures.py" . || { echo "generator failed"; exit 1; }
check "generator reproduces cases.txt" "$F/cases.txt" cases.txt
check "generator reproduces cases.expected" "$F/cases.expected" cases.expected

conf tag
run tag.ini "$F/cases.txt" tag.out
check "tag mode, 1100 cases" "$F/cases.expected" tag.out

conf keep mode=keep
run keep.ini "$F/cases.txt" keep.jsonl jsonl
python3 -c 'import json,sys; sys.stdout.write(json.loads(open("keep.jsonl").readline())["text"])' > keep.text
check "mode=keep leaves the text" "$F/cases.txt" keep.text
python3 -c 'import json; r=json.loads(open("keep.jsonl").readline()); print(json.dumps({k: r.get(k) for k in ("pii","pii_mobile","pii_landline","pii_idcard","pii_bankcard","pii_qq","pii_wechat","pii_email")}, separators=(",",":")))' > meta.got
# counted from the generator: 60 ids, 80 cards, 120 mobiles, 80 landlines,
# 60 qq, 60 wechat, 30 e-mails
echo '{"pii":490,"pii_mobile":120,"pii_landline":80,"pii_idcard":60,"pii_bankcard":80,"pii_qq":60,"pii_wechat":60,"pii_email":30}' > meta.want
check "metadata counts per type" meta.want meta.got

conf mask mode=mask
printf '联系人 13812345678，QQ：12345678\n' > m.txt
printf '联系人 138******78，QQ：123***78\n' > m.want
run mask.ini m.txt m.out
check "mode=mask" m.want m.out

"$DOCCLEAN" explain -c tag.ini m.txt > explain.out 2>>log
if grep -q 'pii:mobile' explain.out && grep -q 'pii:qq' explain.out; then echo "ok   explain rule names"
else echo "FAIL explain rule names"; cat explain.out; fail=1; fi
exit $fail
