#!/usr/bin/env bash
# A stage with a prepass (dedup) makes the run spool every document after
# the stages before it and continue from the spool.  The spool must be
# invisible: with dedup switched to a pass-through, the output, the rejects
# (early-stage drops, decode failures, broken JSON lines, empty files, their
# original text and metadata) and the early stages' counters are identical to
# the same pipeline without dedup, for -j1 and -j2 and for stdin; and the
# spool file never outlives the run.
set -eu
. "$SRC/tests/lib.sh"
mkdir in tmp
printf '正常的文档。\n第二段，內容繁體。\n' > in/good.txt
: > in/empty.txt
printf '   \n\n' > in/blank.txt
head -c 4096 /dev/urandom > in/random.bin
printf 'abc\0def\0ghi\0' > in/nul.txt
printf '\xe4\xb8\xad\xff\xfe\xe6\x96\x87\n' > in/badutf8.txt
printf '\xd6\xd0\xce\xc4\xce\xc4\xb5\xb5\xa3\xac\xb9\xa4\xd7\xf7\xd7\xdc\xbd\xe1\xa1\xa3\n' > in/gbk.txt
python3 - <<'PY'
import json
lines = [
    {"id": "a", "text": "一、工作總結\r\n\r\n\r\n今年的工作取得了進展。  \n", "url": "http://x.cn/1", "site": "x.cn"},
    '{"id":"b","text":"二"',                                  # broken JSON
    {"id": "c", "body": "x"},                                 # no text field
    {"id": "d", "text": "下载文档\n客服QQ：123456\n", "n": 3},  # only boilerplate
    {"id": "e", "text": "四", "meta": {"k": [1, 2]}, "score": 0.5},
    {"id": "f", "text": "\u3000\n"},                           # only white space
]
with open("in/docs.jsonl", "w", encoding="utf-8") as f:
    for l in lines:
        f.write((l if isinstance(l, str) else json.dumps(l, ensure_ascii=False)) + "\n")
PY
stages="normalize, mojibake, pinyin_strip, t2s, boilerplate, watermark, linejoin, placeholder"
printf '[pipeline]\nstages = %s\n' "$stages" > plain.ini
printf '[pipeline]\nstages = %s, dedup\n[dedup]\nexact = false\nnear = false\nlines = false\n' \
    "$stages" > spool.ini
export TMPDIR="$T/tmp"
for j in 1 2; do
    "$DOCCLEAN" run -q -c plain.ini -j$j -o p$j.jsonl --rejects pr$j.jsonl --stats ps$j.json in
    "$DOCCLEAN" run -q -c spool.ini -j$j -o s$j.jsonl --rejects sr$j.jsonl --stats ss$j.json in
    cmp p$j.jsonl s$j.jsonl || fail "-j$j: output differs with the prepass spool"
    cmp pr$j.jsonl sr$j.jsonl || fail "-j$j: rejects differ with the prepass spool"
done
cmp s1.jsonl s2.jsonl || fail "-j1 and -j2 outputs differ"
# stdin is read once now: same bytes as the run without a prepass
cat in/docs.jsonl | "$DOCCLEAN" run -q -c plain.ini --format jsonl -o pi.jsonl --rejects pir.jsonl -
cat in/docs.jsonl | "$DOCCLEAN" run -q -c spool.ini --format jsonl -o si.jsonl --rejects sir.jsonl -
cmp pi.jsonl si.jsonl || fail "stdin: output differs with the prepass spool"
cmp pir.jsonl sir.jsonl || fail "stdin: rejects differ with the prepass spool"
python3 - <<'PY' || exit 1
import json
def need(c, m):
    if not c:
        raise SystemExit("FAIL: " + m)
rej = [json.loads(l) for l in open("sr2.jsonl", encoding="utf-8")]
stages = {r["id"]: r["stage"] for r in rej if "id" in r}
need(stages.get("d") == "boilerplate", "boilerplate-only doc dropped at boilerplate: %r" % stages)
need(stages.get("random.bin") == "decode", "binary file rejected at decode: %r" % stages)
need(any(r.get("line") == 2 and '"id":"b"' in r.get("text", "") for r in rej), "broken JSON line kept in rejects")
d = [r for r in rej if r.get("id") == "d"][0]
need(d["text"] == "下载文档\n客服QQ：123456\n" and d["fields"].get("n") == 3, "reject keeps the original text and metadata: %r" % d)
out = [json.loads(l) for l in open("s2.jsonl", encoding="utf-8")]
a = [o for o in out if o["id"] == "a"][0]
need(list(a)[:3] == ["id", "text", "url"] and a["url"] == "http://x.cn/1" and a["docclean"]["line"] == 1,
     "metadata order kept: %r" % list(a))
need("\r" not in a["text"] and "总结" in a["text"], "early stages applied: %r" % a["text"])
e = [o for o in out if o["id"] == "e"][0]
need(e["meta"] == {"k": [1, 2]} and e["score"] == 0.5, "nested metadata kept: %r" % e)
# the early stages are counted once, as without the prepass
ps = {s["name"]: s for s in json.load(open("ps2.json"))["stages"]}
ss = {s["name"]: s for s in json.load(open("ss2.json"))["stages"]}
for name in ps:
    for k in ("docs_in", "kept", "dropped", "errors", "bytes_in", "bytes_out", "counters"):
        need(ps[name][k] == ss[name][k], "stage %s %s: %r vs %r" % (name, k, ps[name][k], ss[name][k]))
need(ss["dedup"]["docs_in"] == ps["placeholder"]["kept"], "dedup sees every survivor once")
t1, t2 = json.load(open("ps2.json"))["totals"], json.load(open("ss2.json"))["totals"]
for k in ("docs_in", "kept", "rejected", "bytes_in", "bytes_out", "files", "input_errors"):
    if k in t1:
        need(t1[k] == t2[k], "totals %s: %r vs %r" % (k, t1[k], t2[k]))
print("ok: %d kept, %d rejected" % (len(out), len(rej)))
PY
left=$(ls -A "$T/tmp")
[ -z "$left" ] || fail "temporary files left in TMPDIR: $left"
echo ok
