# The HTML report of the dev pages (../shared/pages-dev/raw with their urls
# from index.tsv, as JSONL) opened in headless Chromium: a screenshot is
# taken, the page logs no console message (a blocked load would log one),
# makes no network request (Chromium's net log: requests made for a file://
# page), and the rendered DOM has the tables and charts.  A control page
# that does load something and logs an error proves the checks can fail.
. "$SRC/tests/lib.sh"
need_shared pages-dev/raw
if ! command -v chromium >/dev/null; then
  DOCCLEAN_EXTRA_PKGS=chromium bash "$SRC/scripts/setup-deps.sh" >/dev/null 2>&1 || true
  command -v chromium >/dev/null || skip "skipped: chromium is not installed and could not be installed (apt-get install chromium)"
fi
python3 - "$SHARED/pages-dev" <<'PY' || fail "building the JSONL"
import json, sys, os
d = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(d, "index.tsv"), encoding="utf-8")]
col = {k: i for i, k in enumerate(rows[0])}
with open("dev.jsonl", "w", encoding="utf-8") as f:
    for r in rows[1:]:
        text = open(os.path.join(d, "raw", r[col["file"]]), "rb").read().decode("utf-8", "replace")
        f.write(json.dumps({"id": r[col["file"]], "url": r[col["url"]], "text": text}, ensure_ascii=False) + "\n")
PY
"$DOCCLEAN" run -q -j2 -o out.jsonl --stats s.json --report report.html dev.jsonl || fail "run"
# one chromium invocation per page: the dom, the console and the net log
browse() { # browse PAGE: PAGE.dom, PAGE.log, PAGE.net
  timeout 180 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-sync \
    --disable-background-networking --disable-component-update --user-data-dir="$T/profile-$1" \
    --enable-logging=stderr --v=0 --log-net-log="$T/$1.net" --virtual-time-budget=2000 \
    --dump-dom "file://$T/$1" > "$1.dom" 2> "$1.log" || fail "chromium on $1 (see $T/$1.log)"
}
check_page() { # check_page PAGE: prints what is wrong, nothing when all is well
  python3 - "$1" <<'PY'
import json, re, sys
page = sys.argv[1]
log = open(page + ".log", encoding="utf-8", errors="replace").read()
for l in log.splitlines():
    if ":CONSOLE" in l or "Refused to" in l:
        print("console:", l[:200])
net = json.load(open(page + ".net"))
for e in net.get("events", []):
    p = e.get("params", {})
    if "url" in p and "file://" in str(p.get("network_isolation_key", "")):
        print("network request:", p["url"][:200])
PY
}
printf '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script></body></html>' > control.html
browse control.html
check_page control.html > control.problems
grep -q "^console:" control.problems || fail "the console check does not see a console error"
grep -q "^network request:" control.problems || fail "the network check does not see a request"
browse report.html
check_page report.html > report.problems
[ ! -s report.problems ] || { cat report.problems; fail "the report page logged or loaded something"; }
python3 - report.html.dom <<'PY' || fail "rendered DOM"
import sys
dom = open(sys.argv[1], encoding="utf-8").read()
for what, n in (("<table", 3), ("<svg", 2), ("<details", 10)):  # stages, rules, sites; no rejects here
    assert dom.count(what) >= n, "%s: %d" % (what, dom.count(what))
for h in ("Stages", "Rules", "Sites", "Rejects", "Charts"):
    assert ">%s</h2>" % h in dom, h
print("ok")
PY
timeout 180 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-sync \
  --disable-background-networking --disable-component-update --user-data-dir="$T/profile-shot" \
  --hide-scrollbars --window-size=1280,2000 --screenshot="$T/report.png" "file://$T/report.html" \
  > shot.log 2>&1 || fail "screenshot"
python3 - "$T/report.png" <<'PY' || fail "screenshot"
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
assert (w, h) == (1280, 2000), (w, h)
assert len(b) > 50000, "a blank page? %d bytes" % len(b)
print("screenshot %dx%d, %d bytes: %s" % (w, h, len(b), sys.argv[1]))
PY
exit 0
