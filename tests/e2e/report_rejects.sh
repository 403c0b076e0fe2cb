# Rejects: compressed like a compressed output, under a clean default name;
# --rejects-omit-text leaves out the text of duplicates (dup_of says of
# what) and of binary files, and says so in text_omitted.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nnear = false\nlines = false\n' > d.ini
mkdir in
printf '同一段文字\n' > in/a.txt
printf '同一段文字\n' > in/b.txt
printf 'PK\003\004\000\000\377\376\000\001\002' > in/c.bin.txt
"$DOCCLEAN" run -c d.ini -q -o out.jsonl.zst in || fail "zst run"
[ -f out.rejects.jsonl.zst ] || fail "no out.rejects.jsonl.zst: $(ls)"
[ ! -e out.jsonl.zst.rejects.jsonl ] || fail "the old uncompressed name"
zstd -dcq out.rejects.jsonl.zst > rej.jsonl || fail "rejects are not zstd"
expect_eq "rejects" "$(nlines rej.jsonl)" 2
"$DOCCLEAN" run -c d.ini -q -o out.jsonl.gz in || fail "gz run"
gzip -dc out.rejects.jsonl.gz > rejgz.jsonl || fail "rejects are not gzip"
expect_file_eq rejgz.jsonl rej.jsonl
"$DOCCLEAN" run -c d.ini -q -o plain.jsonl in || fail "plain run"
[ -f plain.jsonl.rejects.jsonl ] || fail "uncompressed default name changed"
# the text of duplicates and binary files left out on request
"$DOCCLEAN" run -c d.ini -q -o o.jsonl --rejects r.jsonl --rejects-omit-text dups,binary in || fail "omit"
python3 - r.jsonl rej.jsonl <<'PY' || fail "omitted text"
import json, sys
got = {r["id"]: r for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
full = {r["id"]: r for r in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
b, c = got["b.txt"], got["c.bin.txt"]
assert b["text"] == "" and b["text_omitted"] == "duplicate" and b["dup_of"] == "a.txt", b
assert c["text"] == "" and c["text_omitted"] == "binary" and c["stage"] == "decode", c
assert full["b.txt"]["text"] == "同一段文字\n" and "text_omitted" not in full["b.txt"], full["b.txt"]
# a binary payload is never copied into rejects (size and hash instead)
assert full["c.bin.txt"]["text"] == "" and full["c.bin.txt"]["text_omitted"] == "binary", full["c.bin.txt"]
assert full["c.bin.txt"]["input_bytes"] == 11, full["c.bin.txt"]
PY
"$DOCCLEAN" run -c d.ini -q -o o2.jsonl --rejects r2.jsonl --rejects-omit-text dups in || fail "omit dups"
expect_eq "binary text omitted anyway" "$(python3 -c 'import json,sys
print([json.loads(l).get("text_omitted") for l in open("r2.jsonl")])')" "['duplicate', 'binary']"
"$DOCCLEAN" run -c d.ini -q -o o3.jsonl --rejects-omit-text everything in 2>err.txt
expect_eq "bad --rejects-omit-text" $? 2
expect_contains err.txt "--rejects-omit-text takes dups, binary or dups,binary"
exit 0
