# A single 100 MB line (plain text and JSONL) is processed, not truncated.
. "$SRC/tests/lib.sh"
python3 -c '
s = "中文内容" * (100 * 1024 * 1024 // 12)
open("huge.txt", "w", encoding="utf-8").write(s)
import json
open("huge.jsonl", "w", encoding="utf-8").write(json.dumps({"id": "h", "text": s}, ensure_ascii=False) + "\n")
'
printf '[pipeline]\nstages = normalize\n' > n.ini
"$DOCCLEAN" run -c n.ini -q -j2 -o out.txt --output-format text huge.txt || fail "run on huge.txt"
expect_eq "size" "$(stat -c %s out.txt)" "$(( $(stat -c %s huge.txt) + 1 ))"
"$DOCCLEAN" run -c n.ini -q -j2 -o out.jsonl huge.jsonl || fail "run on huge.jsonl"
expect_eq "docs" "$(nlines out.jsonl)" 1
python3 -c 'import json; d=json.loads(open("out.jsonl").read()); assert len(d["text"]) == 4*(100*1024*1024//12), len(d["text"])' || fail "jsonl text length"
