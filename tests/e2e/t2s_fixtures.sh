#!/usr/bin/env bash
# t2s: own fixtures through `docclean run` (hard characters, non-BMP,
# compatibility ideographs, already simplified text, tw2s/hk2s),
# only_if_traditional, t2s_changed metadata, dict_dir.
set -u
STAGE=t2s; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/t2s"
run() { "$DOCCLEAN" run -c "$1" --output-format text -o "$3" --rejects rej.jsonl "$2" 2>>log || { echo "docclean failed"; cat log; exit 1; }; }

# 1. fixtures: NAME.CONFIG.txt -> NAME.CONFIG.expected
for f in "$F"/*.txt; do
  b=$(basename "$f" .txt); cfg=${b##*.}
  conf "$cfg" "config=$cfg"; run "$cfg.ini" "$f" "$b.out"
  check "fixture $b" "$F/$b.expected" "$b.out"
done
conf nocompat normalize_compat=false; run nocompat.ini "$F/hard.t2s.txt" nocompat.out
check "normalize_compat=false" "$F/hard.nocompat.expected" nocompat.out

# 2. invalid UTF-8: the core repairs input to valid UTF-8 before any stage
#    runs, so the plugin's byte-level pass-through is tested in
#    tests/unit/test_t2s.c (raw documents) and by the fuzz target.
conf t2s config=t2s

# 3. only_if_traditional: a simplified page with one traditional character
#    is left alone; a traditional page is converted; off converts both.
printf '这是简体中文的页面，内容很长，讲的是今天的天气和明天的计划，只有一个繁體字。\n' > mostly_simplified.txt
printf '這是繁體中文的頁面，應該轉換。\n' > traditional.txt
printf '这是简体中文的页面，内容很长，讲的是今天的天气和明天的计划，只有一个繁体字。\n' > ms.converted
printf '这是繁体中文的页面，应该转换。\n' > trad.converted
conf only only_if_traditional=true threshold=0.05
run only.ini mostly_simplified.txt o1.out; check "only_if_traditional keeps simplified page" mostly_simplified.txt o1.out
run only.ini traditional.txt o2.out; check "only_if_traditional converts traditional page" trad.converted o2.out
run t2s.ini mostly_simplified.txt o3.out; check "default converts scattered traditional" ms.converted o3.out

# 4. metadata: characters changed (後來 -> 后来: 2; 乾隆 kept: 0)
printf '{"id":"a","text":"後來"}\n{"id":"b","text":"乾隆"}\n' > m.jsonl
"$DOCCLEAN" run -c t2s.ini --format jsonl -o m.out m.jsonl 2>>log || exit 1
python3 - <<'PY' || fail=1
import json
got = {d["id"]: (d["text"], d.get("t2s_changed")) for d in map(json.loads, open("m.out", encoding="utf-8"))}
want = {"a": ("后来", 2), "b": ("乾隆", 0)}
print("ok   metadata t2s_changed" if got == want else f"FAIL metadata: {got}")
raise SystemExit(0 if got == want else 1)
PY

# 5. dict_dir: tables from a directory (short-circuit group semantics) and
#    a clear error when a required table is missing.
mkdir -p dd
printf '甲乙丙\tABC\n乙丙\tBC\n' > dd/TSPhrases.txt
printf '甲\ta\n乙\tb\n丙\tc\n丁\td x\n' > dd/TSCharacters.txt
printf '甲乙丙丁 乙丙 甲乙 丁\n' > dd.txt; printf 'ABCd BC ab d\n' > dd.want
conf dd "dict_dir=$T/dd"; run dd.ini dd.txt dd.out; check "dict_dir tables" dd.want dd.out
conf ddbad "dict_dir=$T/nonexistent"
if "$DOCCLEAN" run -c ddbad.ini --output-format text -o x.out dd.txt 2>err.txt; then
  echo "FAIL missing dict_dir accepted"; fail=1
elif grep -q 'TSPhrases.txt is missing' err.txt; then echo "ok   missing dict_dir reported"
else echo "FAIL missing dict_dir message:"; cat err.txt; fail=1; fi
exit $fail
