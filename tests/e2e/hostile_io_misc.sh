# Issue 14 item 18 (input side): UTF-32 with a BOM; FIFOs and devices inside
# input directories are reported and never block the run; file names that
# are not UTF-8 stay distinct (escaped reversibly); -q prints the summary line.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
mkdir in
python3 - <<'PY'
open("in/le.txt", "wb").write("\ufeff中文UTF32测试".encode("utf-32-le"))
open("in/be.txt", "wb").write("\ufeff繁體UTF32".encode("utf-32-be"))
open(b"in/n\xff.txt", "wb").write("名字一".encode())
open(b"in/n\xfe.txt", "wb").write("名字二".encode())
open("in/n\\xff.txt", "wb").write("名字三".encode())
PY
mkfifo in/pipe
timeout 30 "$DOCCLEAN" run -c n.ini -q -o o.jsonl in 2>err.txt; rc=$?
expect_eq "exit" $rc 0
python3 - <<'PY' || fail "documents"
import json
docs = {d["id"]: d for d in map(json.loads, open("o.jsonl", encoding="utf-8"))}
assert docs["le.txt"]["text"] == "中文UTF32测试" and docs["le.txt"]["encoding"] == "utf-32le", docs["le.txt"]
assert docs["be.txt"]["text"] == "繁體UTF32" and docs["be.txt"]["encoding"] == "utf-32be", docs["be.txt"]
assert docs["n\\xff.txt"]["text"] == "名字一", sorted(docs)
assert docs["n\\xfe.txt"]["text"] == "名字二", sorted(docs)
assert docs["n\\\\xff.txt"]["text"] == "名字三", sorted(docs)
assert docs["n\\xff.txt"]["docclean"]["source"] == "in/n\\xff.txt", docs["n\\xff.txt"]
assert len(docs) == 5, sorted(docs)
PY
expect_contains err.txt "in/pipe: skipped: a FIFO, not a regular file"
# -q: exactly the one-line summary (as --help says)
expect_contains err.txt "docclean: done files=5 docs=5 kept=5"
"$DOCCLEAN" --help | grep -q -- "-q, --quiet *only the one-line summary" || fail "--help changed"
echo ok
