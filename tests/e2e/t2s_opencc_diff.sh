#!/usr/bin/env bash
# t2s: differential test against Debian's OpenCC 1.1.6 CLI.  The 1.1.6
# tables are exported to text and loaded with dict_dir; for t2s, tw2s and
# hk2s the output must be byte-identical to `opencc -c CFG.json` (stdin mode)
# on (a) ../shared/samples converted with s2t.json, (b) zuozhuan.txt and
# (c) 120,000 generated lines mixing dictionary phrases, their prefixes,
# overlapping phrase pairs and random CJK.
# Extended test: skips without ../shared or without the opencc tools.
set -u
if [ -z "${SHARED:-}" ] || [ ! -d "$SHARED/samples" ]; then
  echo "skip: needs ../shared (samples, peer-tests/opencc)"; exit 77
fi
if ! command -v opencc >/dev/null || ! command -v opencc_dict >/dev/null || [ ! -d /usr/share/opencc ]; then
  echo "skip: needs the opencc package (opencc, opencc_dict, /usr/share/opencc)"; exit 77
fi
mkdir -p dict in
for n in TSPhrases TSCharacters TWVariantsRev TWVariantsRevPhrases HKVariantsRev HKVariantsRevPhrases; do
  opencc_dict -i /usr/share/opencc/$n.ocd2 -o dict/$n.txt -f ocd2 -t text || { echo "opencc_dict failed: $n"; exit 1; }
done
# (a) real pages made traditional, (b) OpenCC's classical-text benchmark
i=0
for f in "$SHARED"/samples/*; do
  opencc -c s2t.json < "$f" > in/sample$i.txt || exit 1
  # text output ends every document with a newline: give the input one
  [ -n "$(tail -c1 in/sample$i.txt)" ] && echo >> in/sample$i.txt
  i=$((i + 1))
done
cp "$SHARED/peer-tests/opencc/zuozhuan.txt" in/zuozhuan.txt
# (c) generated lines
python3 - dict in/generated.txt <<'PY' || exit 1
import random, sys
d, out = sys.argv[1], sys.argv[2]
def keys(name, vals=False):
    r = []
    for line in open(f"{d}/{name}.txt", encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line[0] == "#": continue
        k, v = line.split("\t", 1)
        r.append(k)
        if vals: r.extend(v.split(" "))
    return r
rnd = random.Random(20261123)
phrases = keys("TSPhrases") + keys("TWVariantsRevPhrases") + keys("HKVariantsRevPhrases")
chars = keys("TSCharacters", True) + keys("TWVariantsRev", True) + keys("HKVariantsRev", True)
by_prefix = {}
for p in phrases:
    for k in range(1, len(p)):
        by_prefix.setdefault(p[:k], []).append(p)
def overlap():
    for _ in range(20):
        a = rnd.choice(phrases)
        k = rnd.randrange(1, len(a)) if len(a) > 1 else 1
        bs = by_prefix.get(a[-k:])
        if bs:
            b = rnd.choice(bs)
            return a + b[k:]
    return rnd.choice(phrases)
def rand_cjk():
    n = rnd.randrange(1, 8)
    s = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.6: s.append(rnd.choice(chars))
        elif r < 0.9: s.append(chr(rnd.randrange(0x4E00, 0xA000)))
        elif r < 0.94: s.append(chr(rnd.randrange(0x20000, 0x2A6E0)))
        elif r < 0.95: s.append(chr(rnd.randrange(0x2FF0, 0x2FFC)))  # description operators
        else: s.append(rnd.choice("，。、；：？！「」『』（）abcXYZ0129 "))
    return "".join(s)
items = [lambda: rnd.choice(phrases),
         lambda: (lambda p: p[:rnd.randrange(1, len(p))] if len(p) > 1 else p)(rnd.choice(phrases)),
         overlap, rand_cjk]
with open(out, "w", encoding="utf-8") as f:
    for _ in range(120000):
        f.write("".join(rnd.choice(items)() for _ in range(rnd.randrange(1, 7))) + "\n")
PY
n=$(wc -l < in/generated.txt); [ "$n" -ge 100000 ] || { echo "generator made only $n lines"; exit 1; }
fail=0; checked=0
for cfg in t2s tw2s hk2s; do
  # ids = false: 1.1.6 predates OpenCC 1.4's ideographic-description rule
  printf '[pipeline]\nstages = t2s\n[t2s]\nconfig = %s\ndict_dir = %s\nids = false\n' "$cfg" "$T/dict" > $cfg.ini
  for f in in/*.txt; do
    b=$(basename "$f" .txt)
    opencc -c $cfg.json < "$f" > want.$cfg.$b || { echo "opencc failed on $f"; exit 1; }
    "$DOCCLEAN" run -c $cfg.ini --output-format text -o got.$cfg.$b "$f" 2>log.$cfg.$b \
      || { echo "docclean failed on $f"; cat log.$cfg.$b; exit 1; }
    checked=$((checked + 1))
    if ! cmp -s want.$cfg.$b got.$cfg.$b; then
      fail=$((fail + 1)); echo "DIFF $cfg $b"; cmp want.$cfg.$b got.$cfg.$b | head -3
      diff <(tr -s '\n' '\n' < want.$cfg.$b) <(tr -s '\n' '\n' < got.$cfg.$b) | head -6
    fi
  done
done
echo "compared $checked outputs ($n generated lines per config), $fail differ"
[ $fail -eq 0 ]
