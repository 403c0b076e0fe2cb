#!/usr/bin/env bash
# mojibake: own fixtures through `docclean run` (every rule, positive and
# negative), then each switch turning its rule off.
set -u
STAGE=mojibake; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/mojibake"
run() { "$DOCCLEAN" run -c "$1" --output-format text -o "$3" "$2" 2>>log || { echo "docclean failed"; cat log; exit 1; }; }

# 1. fixtures: NAME.txt -> NAME.expected with the defaults
conf default
for f in "$F"/*.txt; do
  b=$(basename "$f" .txt)
  run default.ini "$f" "$b.out"
  check "fixture $b" "$F/$b.expected" "$b.out"
done

# 2. switches: each rule off leaves its fixture as it came in
conf nomis misalign=false utf8_as_gbk=false
for b in misalign_drop misalign_mid misalign_comma; do
  run nomis.ini "$F/$b.txt" "$b.off"
  check "misalign=false keeps $b" "$F/$b.txt" "$b.off"
done
conf nolatin latin1=false
run nolatin.ini "$F/gbk_as_latin1.txt" latin.off; check "latin1=false" "$F/gbk_as_latin1.txt" latin.off
conf noutf8 utf8_as_gbk=false misalign=false
run noutf8.ini "$F/utf8_as_gbk.txt" utf8.off; check "utf8_as_gbk=false" "$F/utf8_as_gbk.txt" utf8.off
conf nobig5 big5=false misalign=false utf8_as_gbk=false
for b in big5_as_gbk gbk_as_big5; do
  run nobig5.ini "$F/$b.txt" "$b.off"; check "big5=false keeps $b" "$F/$b.txt" "$b.off"
done
conf keep unrecoverable=keep
run keep.ini "$F/unrecoverable.txt" keep.out; check "unrecoverable=keep" "$F/unrecoverable.txt" keep.out
conf mark unrecoverable=mark "marker=[?]"
printf '内容锟斤拷锟斤拷已损坏。\n' > mark.txt; printf '内容[?]已损坏。\n' > mark.want
run mark.ini mark.txt mark.out; check "unrecoverable=mark" mark.want mark.out
conf noq question_runs=false
run noq.ini "$F/question_run.txt" noq.out; check "question_runs=false" "$F/question_run.txt" noq.out

# 3. concurrent processing (DC_PLUGIN_CONCURRENT): -j 2 gives the same output
"$DOCCLEAN" run -c default.ini -j 1 --output-format text -o j1.out "$F"/*.txt 2>>log || exit 1
"$DOCCLEAN" run -c default.ini -j 2 --output-format text -o j2.out "$F"/*.txt 2>>log || exit 1
check "-j 2 same as -j 1" j1.out j2.out

# 4. counters in the run report
"$DOCCLEAN" run -c default.ini --output-format text -o all.out --stats stats.json "$F"/*.txt 2>>log || exit 1
python3 - <<'PY' || fail=1
import json
st = {s["name"]: s["counters"] for s in json.load(open("stats.json"))["stages"]}["mojibake"]
want = {"misaligned_runs": 8, "utf8_as_gbk_runs": 1, "latin1_runs": 1, "big5_gbk_runs": 4,
        "unrecoverable_runs": 4}
bad = {k: (st.get(k), v) for k, v in want.items() if st.get(k) != v}
print("ok   counters" if not bad else f"FAIL counters (got, want): {bad}")
raise SystemExit(1 if bad else 0)
PY
exit $fail
