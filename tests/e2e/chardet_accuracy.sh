# Extended test: accuracy of encoding detection (core/decode.c) on the
# chardet test feeds in ../shared/peer-tests/chardet-zh/<ENCODING>/ (the
# folder names the true encoding).  Two measurements through `docclean run`:
#   files    - every file as one document (what a real run sees);
#   lines    - every line holding at least 4 non-ASCII bytes as its own
#              document (short snippets: a much harder test of the scorer).
# A document counts as correct when its "encoding" meta matches the folder:
# GB2312 ↔ gb18030 (our GB decoder is the superset), Big5 ↔ big5-hkscs,
# utf-8 ↔ utf-8 / utf-8-bom.  EUC-TW has no decoder in our list: it is
# reported separately and never fails the test.
# Thresholds are the accuracy measured when the scorer was written minus a
# small margin, so a regression fails here.
. "$SRC/tests/lib.sh"
need_shared peer-tests/chardet-zh
D="$SHARED/peer-tests/chardet-zh"
[ -x "$DOCCLEAN" ] || fail "no $DOCCLEAN"
MIN_FILES=0.98   # measured 50/50 = 1.000
MIN_LINES=0.985  # measured 2551/2564 = 0.995 (misses: 2-3 character titles)

printf '[pipeline]\nstages = normalize\n' > n.ini

# Snippets: one file per line with >= 4 bytes >= 0x80 (0x0A is never part of
# a GB2312 / Big5 / EUC-TW / UTF-8 multibyte character, so splitting is safe).
python3 - "$D" snip <<'EOF' || fail "making snippets"
import os, sys
src, dst = sys.argv[1], sys.argv[2]
for enc in sorted(os.listdir(src)):
    if not os.path.isdir(os.path.join(src, enc)):
        continue
    os.makedirs(os.path.join(dst, enc), exist_ok=True)
    for name in sorted(os.listdir(os.path.join(src, enc))):
        data = open(os.path.join(src, enc, name), 'rb').read()
        for i, line in enumerate(data.split(b'\n')):
            if sum(b >= 0x80 for b in line) >= 4:
                with open(os.path.join(dst, enc, '%s.%05d' % (name, i)), 'wb') as f:
                    f.write(line)
EOF

"$DOCCLEAN" run -c n.ini -q -j 2 --output-format jsonl -o files.jsonl --rejects files.rej.jsonl \
    "$D/Big5" "$D/GB2312" "$D/utf-8" "$D/EUC-TW" || fail "docclean run (files)"
"$DOCCLEAN" run -c n.ini -q -j 2 --output-format jsonl -o lines.jsonl --rejects lines.rej.jsonl \
    snip || fail "docclean run (lines)"

python3 - "$MIN_FILES" "$MIN_LINES" <<'EOF'
import json, sys
ok_names = {'GB2312': {'gb18030'}, 'Big5': {'big5-hkscs'}, 'utf-8': {'utf-8', 'utf-8-bom'}}
def measure(label, files):
    per = {}
    for fn in files:
        for l in open(fn, encoding='utf-8'):
            r = json.loads(l)
            truth = r['docclean']['source'].rstrip('/').split('/')[-2]
            per.setdefault(truth, []).append(r.get('encoding'))
    good = total = 0
    for enc in sorted(per):
        got = per[enc]
        if enc in ok_names:
            k = sum(g in ok_names[enc] for g in got)
            good += k; total += len(got)
            wrong = {}
            for g in got:
                if g not in ok_names[enc]: wrong[g] = wrong.get(g, 0) + 1
            print('%-6s %-7s %4d/%-4d = %.3f  wrong: %s' % (label, enc, k, len(got), k / len(got), wrong or '-'))
        else:
            counts = {}
            for g in got: counts[g] = counts.get(g, 0) + 1
            print('%-6s %-7s (no decoder, not scored) detected as: %s' % (label, enc, counts))
    acc = good / total if total else 0.0
    print('%-6s GB2312+Big5+utf-8: %d/%d = %.3f' % (label, good, total, acc))
    return acc
a = measure('files', ['files.jsonl', 'files.rej.jsonl'])
b = measure('lines', ['lines.jsonl', 'lines.rej.jsonl'])
if a < float(sys.argv[1]): sys.exit('FAIL: file accuracy %.3f < %s' % (a, sys.argv[1]))
if b < float(sys.argv[2]): sys.exit('FAIL: line accuracy %.3f < %s' % (b, sys.argv[2]))
EOF
