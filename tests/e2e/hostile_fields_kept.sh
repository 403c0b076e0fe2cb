# Red team, issue 14 item 9: a record's own fields survive `docclean run`
# byte for byte - fields named source/line/docclean, ids of every JSON type,
# integers beyond int64, NUL in strings, odd spacing and escapes in nested
# values - and docclean's provenance goes under its own "docclean" object.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > p.ini
cat > in.jsonl <<'J'
{"id":"a1","text":"一","source":"crawler-7","line":42,"n":123456789012345678901234567890}
{"id":{"k": [1.50, 1e2]},"text":"二","x":"c\u0000d"}
{"id":null,"text":"三"}
{"id":true,"text":"四", "y" : [1, 2.50, "\u00e9\/"]}
{"id":"a\u0000b","text":"x\u0000y","docclean":{"mine":1},"m":-0}
{"id":99999999999999999999,"text":"六","big":-99999999999999999999.5e-3}
{"text":"七","id":"dup","id":"dup2"}
J
"$DOCCLEAN" run -q -c p.ini -o out.jsonl --rejects rej.jsonl in.jsonl 2>err.txt || fail "run: $(cat err.txt)"
cat > want.jsonl <<'J'
{"id":"a1","text":"一","source":"crawler-7","line":42,"n":123456789012345678901234567890,"docclean":{"source":"in.jsonl","line":1}}
{"id":{"k": [1.50, 1e2]},"text":"二","x":"c\u0000d","docclean":{"source":"in.jsonl","line":2,"id":"in.jsonl:2"}}
{"id":null,"text":"三","docclean":{"source":"in.jsonl","line":3,"id":"in.jsonl:3"}}
{"id":true,"text":"四","y" : [1, 2.50, "\u00e9\/"],"docclean":{"source":"in.jsonl","line":4,"id":"in.jsonl:4"}}
{"id":"a\u0000b","text":"x\u0000y","docclean":{"mine":1},"m":-0,"docclean_":{"source":"in.jsonl","line":5,"id":"in.jsonl:5"}}
{"id":99999999999999999999,"text":"六","big":-99999999999999999999.5e-3,"docclean":{"source":"in.jsonl","line":6}}
J
expect_file_eq out.jsonl want.jsonl
# a repeated key would lose one of its values: the record goes to rejects whole
expect_eq "rejects" "$(nlines rej.jsonl)" 1
expect_contains rej.jsonl '"reason":"duplicate key \"id\" at line 7'
expect_contains rej.jsonl '"text":"{\"text\":\"七\",\"id\":\"dup\",\"id\":\"dup2\"}"'
# every output line is valid JSON
python3 -c 'import json,sys; [json.loads(l) for l in open("out.jsonl")]' || fail "invalid JSON in output"
# the same through the prepass spool (a stage with a prepass: dedup's repeated lines)
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nexact = false\nnear = false\n' > pre.ini
"$DOCCLEAN" run -q -c pre.ini -o pre.jsonl in.jsonl 2>err.txt || fail "run with prepass: $(cat err.txt)"
for m in '"n":123456789012345678901234567890' '"id":{"k": [1.50, 1e2]}' '"y" : [1, 2.50, "\u00e9\/"]' \
         '"text":"x\u0000y","docclean":{"mine":1},"m":-0,"docclean_":{' '"big":-99999999999999999999.5e-3'; do
  expect_contains pre.jsonl "$m"
done
# with a stage that adds metadata: beside the fields, or inside "docclean" on a clash
printf '[pipeline]\nstages = t2s\n' > t.ini
printf '%s\n' '{"id":"t","text":"後來","t2s_changed":"mine"}' '{"id":"u","text":"後來"}' > t.jsonl
"$DOCCLEAN" run -q -c t.ini -o t.out t.jsonl 2>err.txt || fail "run t2s: $(cat err.txt)"
cat > t.want <<'J'
{"id":"t","text":"后来","t2s_changed":"mine","docclean":{"source":"t.jsonl","line":1,"t2s_changed":2}}
{"id":"u","text":"后来","t2s_changed":2,"docclean":{"source":"t.jsonl","line":2}}
J
expect_file_eq t.out t.want
# --text-field: the cleaned text keeps its field's name; a "text" field is just another field
printf '%s\n' '{"body":" 正文 ","text":"not the body"}' > b.jsonl
"$DOCCLEAN" run -q -c p.ini --text-field body -o b.out b.jsonl 2>err.txt || fail "run --text-field: $(cat err.txt)"
printf '%s\n' '{"id":"b.jsonl:1","body":" 正文","text":"not the body","docclean":{"source":"b.jsonl","line":1}}' > b.want
expect_file_eq b.out b.want
# an id of -0 is the digits as written, record untouched
printf '%s\n' '{"id":-0,"text":"t","o":{ "a" : 1 }}' > m0.jsonl
"$DOCCLEAN" run -q -c p.ini -o m0.out m0.jsonl 2>err.txt || fail "run -0: $(cat err.txt)"
printf '%s\n' '{"id":-0,"text":"t","o":{ "a" : 1 },"docclean":{"source":"m0.jsonl","line":1}}' > m0.want
expect_file_eq m0.out m0.want
echo "ok"
