# The HTML report: one self-contained page (no script, nothing loaded from
# anywhere), its tables and charts present, every string from the data
# escaped (document text, ids, reasons, site names cannot inject markup),
# and `docclean report STATS.json` renders the same page as --report.
. "$SRC/tests/lib.sh"
build_test_plugin editor
F="$FIXTURES/report"
cat > p.ini <<INI
[pipeline]
stages = editor, dedup
plugin_path = $T/plugins
[dedup]
near = false
lines = false
INI
mkdir in
cp "$F/docs.jsonl" in/
# a binary file (rejected at decode; its bytes are not UTF-8) and a text
# file whose name is markup
printf 'PK\003\004\000\000\377\376<script>x</script>\000\001' > in/bin.txt
printf 'DEL </pre><script>alert(2)</script>\nok\n' > 'in/"><i>x.txt'
"$DOCCLEAN" run -c p.ini -q -j2 -o out.jsonl --stats s.json --report r.html in; rc=$?
expect_eq "exit" $rc 0
"$DOCCLEAN" report s.json -o r2.html || fail "docclean report"
expect_file_eq r2.html r.html
"$DOCCLEAN" report s.json 2>/dev/null; expect_eq "report without -o" $? 2
python3 - r.html <<'PY' || fail "report structure"
import sys, html.parser
doc = open(sys.argv[1], encoding="utf-8").read()   # valid UTF-8, or this raises
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
    def handle_data(self, d):
        self.text.append(d)
p = P()
p.feed(doc)
def need(c, m):
    if not c:
        print("FAIL:", m); sys.exit(1)
need(doc.startswith("<!DOCTYPE html>"), "doctype")
for bad in ("script", "img", "iframe", "link", "object", "embed", "i"):
    need(bad not in p.tags, "a <%s> element came from the data" % bad)
need(not any(k.startswith("on") for k, v in p.attrs), "an event handler attribute")
for k, v in p.attrs:
    if k in ("src", "href"):
        need(v.startswith("#"), "a reference to something outside the page: %s=%s" % (k, v))
need(p.tags.count("table") >= 5, "tables: %d" % p.tags.count("table"))
need(p.tags.count("svg") >= 4, "charts: %d" % p.tags.count("svg"))
text = "".join(p.text)
for s in ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<b>s</b>",
          "</pre><script>alert(2)</script>", "exact duplicate of …", "contains DROP # times",
          "editor.min_score = 0.5", "del-line", "x-to-yy", "ex.com", '"><i>x.txt'):
    need(s in text, "shown as text: %r" % s)
for h in ("Run", "Charts", "Stages", "Rules", "Sites", "Rejects"):
    need("<h2" in doc and (">%s</h2>" % h) in doc, "section %s" % h)
print("ok: %d tags, %d tables, %d charts" % (len(p.tags), p.tags.count("table"), p.tags.count("svg")))
PY
# a binary reject carries no payload (size and hash only), so none of its
# bytes can reach the page; the page is valid UTF-8
python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' r.html ||
  fail "the report is not valid UTF-8"
grep -q 'script&gt;x&lt;\|script>x<' r.html && fail "the binary file's bytes reached the page"
exit 0
