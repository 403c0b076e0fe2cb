# Bad input never crashes and never loses a document: each goes to the
# output or to the rejects with a stage and a reason.
. "$SRC/tests/lib.sh"
printf '[pipeline]\nstages = normalize\n' > n.ini
mkdir in
printf '正常的文档。\n' > in/good.txt
: > in/empty.txt
printf '   \n\n' > in/blank.txt
head -c 4096 /dev/urandom > in/random.bin
printf 'abc\0def\0ghi\0' > in/nul.txt
printf '\xe4\xb8\xad\xff\xfe\xe6\x96\x87\n' > in/badutf8.txt
# JSONL with a broken middle line and a missing text field
printf '{"id":"a","text":"一"}\n{"id":"b","text":"二"\n{"id":"c","body":"x"}\n{"id":"d","text":"四","url":"http://x.cn/1","n":3}\n' > in/docs.jsonl
# a truncated gzip: two JSONL docs, cut in the middle
python3 - <<'PY'
import gzip, io
data = "".join('{"id":"z%d","text":"%s"}\n' % (i, "内容" * 2000) for i in range(40)).encode()
blob = gzip.compress(data)
open("in/cut.jsonl.gz", "wb").write(blob[: len(blob) * 2 // 3])
PY
"$DOCCLEAN" run -c n.ini -j2 -q -o out.jsonl --rejects rej.jsonl in missing-path 2>err.txt; rc=$?
expect_eq "exit status (missing path → input error)" "$rc" 4
expect_contains err.txt "missing-path"
python3 - <<'PY' || exit 1
import json, collections
out = [json.loads(l) for l in open("out.jsonl", encoding="utf-8")]
rej = [json.loads(l) for l in open("rej.jsonl", encoding="utf-8")]
ids = [d["id"] for d in out]
rid = {d["id"]: d for d in rej}
def need(c, m):
    if not c:
        raise SystemExit("FAIL: " + m)
need("good.txt" in ids and "badutf8.txt" in ids, "good and badutf8 kept: %s" % ids)
need(set(["a", "d"]) <= set(ids), "JSONL a and d kept")
d = [x for x in out if x["id"] == "d"][0]
need(d["url"] == "http://x.cn/1" and d["n"] == 3 and d["text"] == "四", "metadata kept: %r" % d)
bad = [x for x in out if x["id"] == "badutf8.txt"][0]
need(bad["text"] == "中\ufffd\ufffd文\n" and bad.get("invalid_bytes") == 2, "U+FFFD for invalid bytes: %r" % bad)
for r in rej:
    need(r.get("stage") and r.get("reason"), "reject has stage and reason: %r" % r)
need(rid["empty.txt"]["stage"] == "input" and "empty" in rid["empty.txt"]["reason"], "empty file rejected")
need(rid["blank.txt"]["stage"] == "input", "blank file rejected")
need(rid["random.bin"]["stage"] == "decode", "binary rejected at decode: %r" % rid["random.bin"])
need(rid["nul.txt"]["stage"] == "decode", "NUL file rejected at decode")
brk = [r for r in rej if r.get("line") == 2 and r["source"].endswith("docs.jsonl")]
need(brk and "JSON" in brk[0]["reason"] and '"id":"b"' in brk[0]["text"], "broken JSON line 2 rejected with its text: %r" % brk)
miss = [r for r in rej if r.get("line") == 3 and r["source"].endswith("docs.jsonl")]
need(miss and "text" in miss[0]["reason"], "missing text field rejected")
gz_kept = [x for x in out if x["id"].startswith("z")]
gz_rej = [r for r in rej if r["source"].endswith("cut.jsonl.gz")]
need(gz_rej and ("truncated" in gz_rej[-1]["reason"] or "corrupt" in gz_rej[-1]["reason"]), "truncated gzip reported: %r" % [r["reason"] for r in gz_rej])
need(len(gz_kept) > 0, "documents before the gzip cut are kept")
print("ok: %d kept, %d rejected" % (len(out), len(rej)))
PY
