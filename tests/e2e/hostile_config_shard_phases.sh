# Red team, issue 14 item 18 (part): `run --shard` with a stage that declares
# cluster phases (dedup), but without running those phases, keeps
# duplicates that sit in different shards.  Each shard must warn, naming the
# stage; a pipeline without such stages must not warn.
. "$SRC/tests/lib.sh"
mkdir -p in
for i in 0 1 2 3 4 5; do
  printf '{"id":"d%d","text":"同一篇文档的内容，足够长，可以用来检测重复的文本。第二句也在这里。"}\n' $i > in/f$i.jsonl
done
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nlines = false\n' > d.ini
printf '[pipeline]\nstages = normalize\n' > n.ini
for i in 0 1; do
  "$DOCCLEAN" run -c d.ini -q -j1 --shard $i/2 -o out in 2>err$i.txt || fail "shard $i: $(cat err$i.txt)"
  expect_contains err$i.txt "stage 'dedup' works across the whole corpus (it declares cluster phases)"
done
"$DOCCLEAN" merge out -o merged.jsonl 2>/dev/null || fail "merge"
# the silent part this warning is about: one copy per shard survives
expect_eq "kept after merge" "$(nlines merged.jsonl)" 2
"$DOCCLEAN" run -c n.ini -q --shard 0/2 -o nout in 2>nerr.txt || fail "plain shard"
grep -q "cluster phases" nerr.txt && fail "warning without a corpus-wide stage: $(cat nerr.txt)"
echo ok
