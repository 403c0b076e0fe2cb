# Issue 14 item 11: huge and endless inputs (a 1 GiB sparse .txt,
# /dev/zero, an endless FIFO, an endless JSONL line) are bounded by
# [input] max_doc_bytes: rejected at stage input with their size and xxh3
# hash, never buffered whole, never copied into the rejects.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n[input]\nmax_doc_bytes = 1048576\n' > m.ini
truncate -s 1G sparse.txt      # sparse: no disk space used
printf '正常的文档\n' > ok.txt
TIME=(); [ -x /usr/bin/time ] && TIME=(/usr/bin/time -f %M -o rss.txt)
"${TIME[@]}" timeout 120 "$DOCCLEAN" run -c m.ini -q -j2 -o o.jsonl sparse.txt ok.txt 2>err.txt; rc=$?
expect_eq "exit" $rc 0
expect_eq "kept" "$(jq_field o.jsonl id)" "ok.txt"
expect_eq "rejected" "$(nlines o.jsonl.rejects.jsonl)" 1
python3 - <<'PY' || fail "sparse reject record"
import json
r = json.loads(open("o.jsonl.rejects.jsonl").readline())
assert r["id"] == "sparse.txt" and r["stage"] == "input", r
assert "max_doc_bytes" in r["reason"] and r["text"] == "", r
assert r["input_bytes"] == 1 << 30, r
assert len(r["input_xxh3"]) == 16, r
assert "input_complete" not in r, r
PY
[ "$(stat -c %s o.jsonl.rejects.jsonl)" -lt 4096 ] || fail "the rejects file holds the payload"
if [ -s rss.txt ]; then # bound 1 MiB per document: far below the 1 GiB input
  [ "$(cat rss.txt)" -lt 200000 ] || fail "max RSS $(cat rss.txt) KB for a 1 MiB bound"
fi
# /dev/zero and an endless FIFO as INPUT arguments: the run ends
mkfifo endless
( yes '无尽的输入' > endless 2>/dev/null & echo $! > writer.pid ) 
timeout 60 "$DOCCLEAN" run -c m.ini -q -o z.jsonl /dev/zero endless 2>/dev/null; rc=$?
kill "$(cat writer.pid)" 2>/dev/null
expect_eq "endless inputs exit" $rc 0
expect_eq "endless inputs rejected" "$(nlines z.jsonl.rejects.jsonl)" 2
expect_contains z.jsonl.rejects.jsonl '"input_complete":false'
expect_contains z.jsonl.rejects.jsonl 'at least'
[ "$(stat -c %s z.jsonl.rejects.jsonl)" -lt 4096 ] || fail "the rejects file holds the payload"
# a JSONL line over the bound: rejected by line, the next line is kept
python3 -c '
import json
with open("l.jsonl", "w") as f:
    f.write(json.dumps({"id": "big", "text": "a" * 3000000}) + "\n")
    f.write(json.dumps({"id": "small", "text": "小"}) + "\n")'
"$DOCCLEAN" run -c m.ini -q -o l.out.jsonl l.jsonl 2>/dev/null || fail "long line run"
expect_eq "after the long line" "$(jq_field l.out.jsonl id)" "small"
expect_contains l.out.jsonl.rejects.jsonl '"id":"l.jsonl:1"'
expect_contains l.out.jsonl.rejects.jsonl '"input_bytes":3000025'
# over-long lines across shard chunk boundaries: the shards and merge
# give exactly the single-run output and the same rejects
mkdir -p shx/in
python3 -c '
import json
with open("shx/in/a.jsonl", "w") as f:
    for i in range(40):
        n = 9000 if i % 7 == 3 else 300
        f.write(json.dumps({"id": "d%d" % i, "text": "文" * (n // 3) + str(i)}, ensure_ascii=False) + "\n")'
printf '[pipeline]\nstages = normalize\n[input]\nmax_doc_bytes = 5000\n[run]\nshard_chunk_bytes = 4096\n' > shx/c.ini
"$DOCCLEAN" run -c shx/c.ini -q -o shx/plain.jsonl shx/in 2>/dev/null || fail "plain run"
for i in 0 1 2; do "$DOCCLEAN" run -c shx/c.ini -q --shard $i/3 -o shx/out shx/in 2>/dev/null || fail "shard $i"; done
"$DOCCLEAN" merge shx/out -o shx/merged.jsonl || fail "merge"
cmp -s shx/plain.jsonl shx/merged.jsonl || fail "sharded output differs"
expect_eq "long lines rejected" "$(nlines shx/plain.jsonl.rejects.jsonl)" 6
expect_eq "shard rejects" "$(zstdcat shx/out/shards/*.rejects.jsonl.zst | grep -c max_doc_bytes)" 6
# a binary file: rejected at decode with size and hash, not the bytes
head -c 100000 /dev/urandom > bin.txt
"$DOCCLEAN" run -c m.ini -q -o b.jsonl bin.txt 2>/dev/null
expect_contains b.jsonl.rejects.jsonl '"stage":"decode"'
expect_contains b.jsonl.rejects.jsonl '"input_bytes":100000'
expect_contains b.jsonl.rejects.jsonl '"text":""'
[ "$(stat -c %s b.jsonl.rejects.jsonl)" -lt 4096 ] || fail "binary payload copied into rejects"
# binary bytes left by a corrupt stream: size and hash, not the bytes
head -c 200000 /dev/urandom | gzip > rb.gz; head -c 150000 rb.gz > cutbin.txt.gz
"$DOCCLEAN" run -c m.ini -q -o cb.jsonl cutbin.txt.gz 2>/dev/null
expect_contains cb.jsonl.rejects.jsonl 'truncated or corrupt gzip stream'
expect_contains cb.jsonl.rejects.jsonl '"input_xxh3"'
[ "$(stat -c %s cb.jsonl.rejects.jsonl)" -lt 4096 ] || fail "binary payload of a corrupt stream copied into rejects"
# a bad bound is a config error naming FILE:LINE
printf '[pipeline]\nstages = normalize\n[input]\nmax_doc_bytes = -5\n' > bad.ini
"$DOCCLEAN" run -c bad.ini -q -o x.jsonl ok.txt 2>err.txt; rc=$?
expect_eq "bad bound exit" $rc 3
expect_contains err.txt "bad.ini:4"
echo ok
