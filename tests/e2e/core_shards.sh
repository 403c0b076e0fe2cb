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
