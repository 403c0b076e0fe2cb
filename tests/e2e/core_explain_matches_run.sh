# `docclean explain` shows what `run` does (issue 14, explain section): it
# reads JSONL (also .gz, .zst, stdin, directories) through run's reader, so
# the record's url selects site profiles as in run; a stage's prepass and
# the documents before the explained one count as in run (dedup); for every
# document, explain's result text is byte for byte the text run writes, and
# a dropped document is DROPPED at the stage run names in the rejects.
. "$SRC/tests/lib.sh"
python3 - <<'PY'
import json
rep = "本站所有文档均由用户上传，仅供学习交流之用，如有侵权请联系管理员删除。"
body = "第{0}篇文章讲的是春天的故事，小河边的柳树发芽了。\n孩子们在草地上放风筝，一直玩到太阳下山。\n"
docs = [
    {"id": "site", "url": "http://m.777doc.com/p/1.html",
     "text": "春天来了\n整理文档很辛苦,赏杯茶钱您下走!\n" + body.format(1) + rep + "\n"},
    {"id": "nourl", "text": "春天来了\n整理文档很辛苦,赏杯茶钱您下走!\n" + body.format(2) + rep + "\n"},
    {"id": "sig", "text": "三七文档\n整理文档很辛苦,赏杯茶钱您下走!\n" + body.format(3) + rep + "\n"},
    {"id": "trad", "text": "後來他們說，這個問題應該從頭開始討論。\n" + body.format(4) + rep},
    {"id": "crlf", "text": "第一行\r\n" + body.format(5).replace("\n", "\r\n") + rep + "\r\n"},
    {"id": "copy", "text": "春天来了\n整理文档很辛苦,赏杯茶钱您下走!\n" + body.format(2) + rep + "\n"},
    {"id": "nl", "text": body.format(6) + rep + "\n\n\n", "n": 123456789012345678901234567890},
    {"id": 42, "text": "二〇二〇年的工作总结，张x老师说明了情况。\n" + body.format(7)},
    {"id": "blank", "text": "  \n"},
]
with open("docs.jsonl", "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
    f.write('{"id":"broken","text":"oops\n')
PY
C="$SRC/conf/default.ini"
gzip -k docs.jsonl; zstd -q -k docs.jsonl; mkdir dir; cp docs.jsonl dir/
"$DOCCLEAN" run -q -j2 -c "$C" -o out.jsonl --rejects rej.jsonl docs.jsonl 2>err.txt || fail "run: $(cat err.txt)"
[ "$(nlines out.jsonl)" -ge 5 ] || fail "fixture: too few kept documents"
grep -q '"stage":"dedup"' rej.jsonl || fail "fixture: no duplicate dropped"
python3 - "$DOCCLEAN" "$C" <<'PY' || fail "explain differs from run"
import json, subprocess, sys
docclean, conf = sys.argv[1], sys.argv[2]
def explain(*args, stdin=None):
    r = subprocess.run([docclean, "explain", "-c", conf, *args], input=stdin, capture_output=True)
    if r.returncode != 0:
        sys.exit("explain %s: exit %d: %s" % (args, r.returncode, r.stderr.decode()))
    return r.stdout.decode("utf-8")
def result(out):
    if "\n=== result\n" not in out:
        return None
    t = out.split("\n=== result\n", 1)[1]
    marker = "\n\\ no newline at end of text\n"
    return t[:-len(marker)] if t.endswith(marker) else t
bad = 0
for l in open("out.jsonl", encoding="utf-8"):
    r = json.loads(l)
    doc_id = str(r["id"]) if not isinstance(r["id"], str) else r["id"]
    got = result(explain("--id", doc_id, "docs.jsonl"))
    if got != r["text"]:
        print("MISMATCH %s:\n explain %r\n run     %r" % (doc_id, got, r["text"])); bad += 1
    # the same document by its line, from .gz, .zst, stdin and a directory
    line = r["docclean"]["line"]
    for args, stdin in ((["--line", str(line), "docs.jsonl"], None), (["--id", doc_id, "docs.jsonl.gz"], None),
                        (["--id", doc_id, "docs.jsonl.zst"], None), (["--id", doc_id, "-", "--format", "jsonl"], open("docs.jsonl", "rb").read()),
                        (["--id", doc_id, "dir"], None)):
        if result(explain(*args, stdin=stdin)) != r["text"]:
            print("MISMATCH %s via %s" % (doc_id, args)); bad += 1
for l in open("rej.jsonl", encoding="utf-8"):
    r = json.loads(l)
    out = explain("--line", str(r["line"]), "docs.jsonl")
    want = ("=== rejected at input" if r["stage"] == "input"
            else "--- stage %s (plugin " % r["stage"])
    if want not in out or (r["stage"] != "input" and "DROPPED: " + r["reason"] not in out):
        print("REJECT %s: want %r / %r in:\n%s" % (r["id"], want, r["reason"], out)); bad += 1
    if "\n=== result\n" in out:
        print("REJECT %s has a result" % r["id"]); bad += 1
sys.exit(1 if bad else 0)
PY
# a document dropped after its last line was removed: the next header starts its own line
mkdir gl
printf '本站所有文档均由用户上传，仅供学习交流之用，如有侵权请联系管理员删除。' > gl/1.txt
printf '正文内容在这里。\n' > gl/2.txt
printf '[pipeline]\nstages = boilerplate\n' > bp.ini
"$DOCCLEAN" explain -c bp.ini gl > gl.txt 2>&1 || fail "explain gl: $(cat gl.txt)"
grep -q '^=== document 2.txt (25 bytes)$' gl.txt || fail "header glued to the dropped document: $(cat gl.txt)"
# profiles: which applied and why the others did not
"$DOCCLEAN" explain -c "$C" --id nourl docs.jsonl > nourl.txt
expect_contains nourl.txt "  profile 777doc: not applied (no url; none of its signatures in the text)"
"$DOCCLEAN" explain -c "$C" --id sig docs.jsonl > sig.txt
expect_contains sig.txt "  profile 777doc: applies (signature \"三七文档\" in the text)"
"$DOCCLEAN" explain -c "$C" --id site docs.jsonl > site.txt
expect_contains site.txt "url: http://m.777doc.com/p/1.html"
expect_contains site.txt "  profile 777doc: applies (url host m.777doc.com matches *.777doc.com)"
# a document that is not there: an error, not an empty success
"$DOCCLEAN" explain -c "$C" --id nosuch docs.jsonl > /dev/null 2>err.txt && fail "explain --id nosuch succeeded"
expect_contains err.txt "no document with id nosuch"
echo ok
