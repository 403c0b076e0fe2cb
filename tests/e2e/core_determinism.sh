# A mixed directory of GB18030, Big5 and UTF-8 files gives the same bytes
# with -j1 and -j2, in input order; encodings are detected.
. "$SRC/tests/lib.sh"
mkdir -p mix/a mix/b
for i in $(seq 1 60); do
  printf '第%d份文件:教育局工作总结,全面推进素质教育,提高教学质量。\n' "$i" > "mix/a/u$i.txt"
  printf '第%d份文件:學校工作總結,加強師資隊伍建設,提高教學質量。\n' "$i" | iconv -f UTF-8 -t BIG5-HKSCS > "mix/b/big5_$i.txt"
  printf '第%d份文件:区教育局安全工作总结,切实加强校园安全管理。\n' "$i" | iconv -f UTF-8 -t GB18030 > "mix/b/gbk_$i.txt"
done
printf '[pipeline]\nstages = normalize\n' > n.ini
"$DOCCLEAN" run -c n.ini -q -j1 -o one.jsonl mix || fail "j1 run"
"$DOCCLEAN" run -c n.ini -q -j2 -o two.jsonl mix || fail "j2 run"
expect_file_eq two.jsonl one.jsonl
expect_eq "docs" "$(nlines one.jsonl)" 180
# sorted walk: a/ before b/, and byte order inside a dir
expect_eq "first id" "$(jq_field one.jsonl id | head -1)" "a/u1.txt"
expect_eq "encodings" "$(jq_field one.jsonl encoding | sort | uniq -c | awk '{print $2":"$1}' | tr '\n' ' ')" "big5-hkscs:60 gb18030:60 utf-8:60 "
grep -q '學校工作總結' one.jsonl || fail "Big5 text not decoded"
grep -q '区教育局安全工作总结' one.jsonl || fail "GB18030 text not decoded"
