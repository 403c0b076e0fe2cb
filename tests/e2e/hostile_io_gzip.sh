# Issue 14 item 3: bytes after a gzip member that are not a gzip member
# (trailing garbage, a member whose header was damaged) become a reject with
# the reason and the byte offset; concatenated members are all read.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
printf '{"id":"a","text":"甲文"}\n' | gzip > m1.gz
printf '{"id":"b","text":"乙文"}\n' | gzip > m2.gz
off=$(stat -c %s m1.gz); off2=$(( off + $(stat -c %s m2.gz) ))
# concatenated members: both documents, no reject
cat m1.gz m2.gz > cat.jsonl.gz
"$DOCCLEAN" run -c n.ini -q -o cat.jsonl cat.jsonl.gz 2>/dev/null || fail "concatenated members"
expect_eq "concatenated ids" "$(jq_field cat.jsonl id | tr '\n' ' ')" "a b "
expect_eq "concatenated rejects" "$(nlines cat.jsonl.rejects.jsonl)" 0
# trailing garbage after two members
{ cat m1.gz m2.gz; printf 'GARBAGE{"id":"c","text":"丙"}\n'; } > tail.jsonl.gz
"$DOCCLEAN" run -c n.ini -q -o tail.jsonl tail.jsonl.gz 2>/dev/null
expect_eq "kept before the garbage" "$(jq_field tail.jsonl id | tr '\n' ' ')" "a b "
expect_eq "garbage rejected" "$(nlines tail.jsonl.rejects.jsonl)" 1
expect_contains tail.jsonl.rejects.jsonl '"stage":"input"'
expect_contains tail.jsonl.rejects.jsonl "are not a gzip member (incorrect header check) at byte offset $off2"
# a second member whose header was damaged (crash during an append)
{ cat m1.gz; head -c 3 m2.gz; printf '\377\377\377\377\377\377\377'; tail -c +11 m2.gz; } > dmg.jsonl.gz
"$DOCCLEAN" run -c n.ini -q -o dmg.jsonl dmg.jsonl.gz 2>/dev/null
expect_eq "kept before the damage" "$(jq_field dmg.jsonl id)" "a"
expect_eq "damaged member rejected" "$(nlines dmg.jsonl.rejects.jsonl)" 1
expect_contains dmg.jsonl.rejects.jsonl "at byte offset $off"
# plain text .gz with garbage: the document is kept, the garbage is a reject
{ printf '正文内容\n' | gzip; printf '\0\0\0\0'; } > t.txt.gz
"$DOCCLEAN" run -c n.ini -q -o t.jsonl t.txt.gz 2>/dev/null
expect_eq "text gz rejects" "$(nlines t.jsonl.rejects.jsonl)" 1
expect_contains t.jsonl.rejects.jsonl 'not a gzip member'
# .zst (the sibling): garbage after a frame names its offset too
printf '{"id":"a","text":"甲文"}\n' | zstd -q > f.zst
zoff=$(stat -c %s f.zst)
{ cat f.zst; printf 'GARBAGE'; } > z.jsonl.zst
"$DOCCLEAN" run -c n.ini -q -o z.jsonl z.jsonl.zst 2>/dev/null
expect_eq "zst kept" "$(jq_field z.jsonl id)" "a"
expect_contains z.jsonl.rejects.jsonl "truncated or corrupt zstd stream: Unknown frame descriptor at byte offset $zoff"
echo ok
