#!/usr/bin/env bash
# pinyin_strip: own fixtures through `docclean run` (farm text stripped,
# teaching text and short documents kept), the switches and the counters.
set -u
STAGE=pinyin_strip; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/pinyin_strip"
run() { "$DOCCLEAN" run -c "$1" --output-format text -o "$3" "$2" 2>>log || { echo "docclean failed"; cat log; exit 1; }; }

conf default
for f in "$F"/*.txt; do
  b=$(basename "$f" .txt)
  run default.ini "$f" "$b.out"
  check "fixture $b" "$F/$b.expected" "$b.out"
done

# min_matches: the two-annotation document is stripped at 2.
conf two min_matches=2
printf '全區學校都參加了這次活動。\n' > few.want
run two.ini "$F/few.txt" few2.out; check "min_matches=2 strips few.txt" few.want few2.out

# min_traditional_ratio=0: teaching text is stripped too (but never a
# multi-syllable word such as 北京(Běijīng)).
conf noratio min_traditional_ratio=0
cat > teach.want <<'T'
生字表：饕餮，耄耋。
多音字：银行的“行”读(háng)，行走的“行”读(xíng)。
地名：北京(Běijīng)，上海(Shànghǎi)。
T
run noratio.ini "$F/teaching.txt" teach.out; check "min_traditional_ratio=0" teach.want teach.out

# residue=false keeps W(wǎng).
conf nores residue=false
sed 's/網W站/網W(wǎng)站/' "$F/farm.expected" > nores.want
run nores.ini "$F/farm.txt" nores.out; check "residue=false" nores.want nores.out

# Counters.
"$DOCCLEAN" run -c default.ini --output-format text -o all.out --stats stats.json "$F"/*.txt 2>>log || exit 1
python3 - <<'PY' || fail=1
import json
st = {s["name"]: s["counters"] for s in json.load(open("stats.json"))["stages"]}["pinyin_strip"]
want = {"docs_stripped": 1, "annotations_stripped": 10, "residue_stripped": 1, "docs_kept_by_gate": 2}
bad = {k: (st.get(k), v) for k, v in want.items() if st.get(k) != v}
print("ok   counters" if not bad else f"FAIL counters (got, want): {bad}")
raise SystemExit(1 if bad else 0)
PY
exit $fail
