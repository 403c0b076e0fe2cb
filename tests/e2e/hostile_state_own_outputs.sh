# issue 14 item 16: -o and the state dir inside the input dir.  Each run
# used to ingest its own previous outputs (and the ledger, the dedup index);
# they are skipped, and the run says so.
. "$SRC/tests/lib.sh"
mkdir -p data
printf '原始文档\n' > data/a.txt
printf '{"text":"行文档"}\n' > data/b.jsonl
touch -d '5 minutes ago' data/*
printf '[pipeline]\nstages = normalize, dedup\n[dedup]\nindex = %s/data/st/dedup-index\n' "$T" > p.ini
"$DOCCLEAN" run -c p.ini --state data/st -o data/out data 2>log1 || fail "run 1: $(cat log1)"
grep -E ' done files=2 docs=2 kept=2 ' log1 >/dev/null || fail "run 1 summary: $(cat log1)"
touch -d '5 minutes ago' data/out/* data/st/* 2>/dev/null
"$DOCCLEAN" run -c p.ini --state data/st -o data/out data 2>log2 || fail "run 2: $(cat log2)"
expect_contains log2 "nothing new"
expect_contains log2 "docclean's own outputs or state"
# a user's file that merely lives in OUT is still an input
printf '用户的文件\n' > data/out/notes.txt; touch -d '5 minutes ago' data/out/notes.txt
"$DOCCLEAN" run -c p.ini --state data/st -o data/out data 2>log3 || fail "run 3: $(cat log3)"
grep -E ' done files=1 docs=1 kept=1 ' log3 >/dev/null || fail "run 3 summary: $(cat log3)"
exit 0
