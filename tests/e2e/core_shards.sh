# A run split into shards combines exactly: the merge of 4 shard outputs is
# byte-identical to one run over all inputs; a finished shard is not redone
# without --force; shard assignment does not move when files are added.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
mkdir in
for i in $(seq 1 40); do
  printf '{"id":"j%d-1","text":"第一篇%d  "}\n{"id":"j%d-2","text":"第二篇%d"}\n' $i $i $i $i > in/f$i.jsonl
  printf '纯文本%d\n' $i > in/t$i.txt
done
"$DOCCLEAN" run -c n.ini -q -j2 -o single.jsonl in || fail single
for i in 0 1 2 3; do "$DOCCLEAN" run -c n.ini -q -j2 --shard $i/4 -o out in || fail "shard $i"; done
"$DOCCLEAN" merge out -o merged.jsonl || fail merge
expect_file_eq merged.jsonl single.jsonl
# every shard got something, and nothing twice
total=0; for i in 0 1 2 3; do n=$(zstd -dc out/shards/0000$i.jsonl.zst | wc -l); [ $n -gt 0 ] || fail "shard $i empty"; total=$((total+n)); done
expect_eq "docs over shards" $total 120
"$DOCCLEAN" run -c n.ini --shard 2/4 -o out in 2>err.txt || fail "rerun"
expect_contains err.txt "already complete"
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4 "$DOCCLEAN" run -c n.ini -o out in 2>err.txt || fail "env shard"
expect_contains err.txt "shard 1/4 already complete"
# adding files does not move existing ones
zstd -dc out/shards/00003.jsonl.zst | jq -r .id | sort > before.txt
for i in $(seq 41 60); do printf '新%d\n' $i > in/n$i.txt; done
"$DOCCLEAN" run -c n.ini -q --shard 3/4 -o out2 in || fail "shard after adding"
zstd -dc out2/shards/00003.jsonl.zst | jq -r .id | grep -v '^n' | sort > after.txt
expect_file_eq after.txt before.txt
# an incomplete set of shards is refused by merge
rm out/shards/00001.done
"$DOCCLEAN" merge out -o m2.jsonl 2>err.txt; expect_eq "merge incomplete exit" $? 4
expect_contains err.txt "shard 1 of 4 is not complete"
"$DOCCLEAN" run -c n.ini --shard 4/4 -o out in 2>/dev/null; expect_eq "bad shard exit" $? 2

# Big uncompressed JSONL files are cut into byte chunks, each with its own
# shard, so shards balance by bytes.  Chunks start and end mid-line, at a
# line boundary, inside a line longer than a chunk, at a CRLF; a BOM, blank
# and broken lines; one file exactly 2 chunks long.  The merge still equals
# one run, rejects included, with the whole file's line numbers.
mkdir -p big
python3 - <<'PY'
import json, random
r = random.Random(5)
with open("big/a.jsonl", "wb") as o:
    o.write(b"\xef\xbb\xbf")
    for i in range(1500):
        t = "第%d篇 " % i + "内容" * r.randrange(1, 300)
        if i == 700: t = "长" * 20000           # longer than a chunk
        o.write(json.dumps({"text": t}, ensure_ascii=False).encode() + (b"\r\n" if i % 7 == 0 else b"\n"))
        if i % 300 == 11: o.write(b"\n   \n{broken json\n")
# exactly two chunks of 8192 bytes, a line ending at the boundary
body = json.dumps({"text": "y" * (8192 - 13)}).encode()
assert len(body) + 1 == 8192, len(body)
with open("big/b.jsonl", "wb") as o: o.write(body + b"\n" + body + b"\n")
PY
printf '[pipeline]\nstages = normalize\n[run]\nshard_chunk_bytes = 8192\n' > chunk.ini
"$DOCCLEAN" run -c chunk.ini -q -o big-single.jsonl --rejects big-single.rej big || fail "single big"
for i in 0 1 2; do "$DOCCLEAN" run -c chunk.ini -q --shard $i/3 -o bigout big || fail "big shard $i"; done
"$DOCCLEAN" merge bigout -o big-merged.jsonl || fail "merge big"
expect_file_eq big-merged.jsonl big-single.jsonl
zstd -qdc bigout/shards/*.rejects.jsonl.zst | sort > big-rej.sorted; sort big-single.rej > big-single.rej.sorted
expect_file_eq big-rej.sorted big-single.rej.sorted
expect_eq "kept" "$(wc -l < big-merged.jsonl)" 1502
# bytes, not files: every shard got part of the one big file
for i in 0 1 2; do
  n=$(zstd -qdc bigout/shards/0000$i.jsonl.zst | grep -c '"source":"big/a.jsonl"')
  [ "$n" -gt 100 ] || fail "shard $i got only $n documents of the big file"
done
printf '[pipeline]\nstages = normalize\n[run]\nshard_chunk_bytes = 100\n' > badchunk.ini
"$DOCCLEAN" run -c badchunk.ini --shard 0/2 -o x big 2>err.txt; expect_eq "bad chunk size" $? 3
expect_contains err.txt "badchunk.ini:4: [run] shard_chunk_bytes: must be 0 or at least 4096"
