# Issue 14 item 13: --output-format textdir maps awkward ids (a then a.txt/b,
# 1,000 equal ids, an id longer than PATH_MAX, .., absolute ids, non-UTF-8)
# to safe, collision-free, deterministic paths; the run never aborts.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
python3 - <<'PY'
import json
recs = [("a", "文一"), ("a.txt/b", "文二"), ("..", "文三"), ("/etc/passwd", "文四"),
        ("../../x", "文五"), ("", "文六"), ("x" * 5000, "文七"),
        ("/".join(["d" * 100] * 60), "文八")]
recs += [("same", "同%d" % i) for i in range(1000)]
with open("ids.jsonl", "wb") as f:
    for i, t in recs:
        f.write((json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
                .encode("utf-8", "surrogateescape"))
PY
"$DOCCLEAN" run -c n.ini -q -o td --output-format textdir ids.jsonl 2>err.txt; rc=$?
expect_eq "exit" $rc 0
expect_eq "files written" "$(find td -type f | wc -l)" 1008
expect_eq "a" "$(cat td/a.txt)" "文一"
expect_eq "a.txt/b" "$(cat 'td/a.tx%74/b.txt')" "文二"
expect_eq ".." "$(cat 'td/%2E..txt')" "文三"
expect_eq "absolute id" "$(cat td/etc/passwd.txt)" "文四"
expect_eq "../../x" "$(cat 'td/%2E./%2E./x.txt')" "文五"
expect_eq "empty id" "$(cat 'td/%empty.txt')" "文六"
expect_eq "first of 1000" "$(cat td/same.txt)" "同0"
expect_eq "last of 1000" "$(cat 'td/same~1000.txt')" "同999"
expect_eq "long path" "$(cat td/%long/*.txt)" "文八"
ls td | grep -q '^xxxxxxxx.*~[0-9a-f]\{16\}\.txt$' || fail "long component not shortened with a hash"
[ ! -e td/../x.txt ] && [ ! -e x.txt ] || fail "a file escaped the output directory"
# deterministic: a second run into a fresh directory gives the same tree
"$DOCCLEAN" run -c n.ini -q -o td2 --output-format textdir ids.jsonl 2>/dev/null || fail "second run"
diff -r td td2 >/dev/null || fail "textdir mapping is not deterministic"
# non-UTF-8 file names as ids (escaped by the reader, see the README)
mkdir names
python3 -c 'open(b"names/n\xff.txt", "wb").write("名一".encode()); open(b"names/n\xfe.txt", "wb").write("名二".encode())'
"$DOCCLEAN" run -c n.ini -q -o td3 --output-format textdir names 2>/dev/null || fail "non-UTF-8 names"
expect_eq "name ff" "$(cat 'td3/n\xff.txt')" "名一"
expect_eq "name fe" "$(cat 'td3/n\xfe.txt')" "名二"
echo ok
