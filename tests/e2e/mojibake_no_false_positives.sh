#!/usr/bin/env bash
# mojibake must not change clean text: the other samples, the OpenCC golden
# documents and every laws text pass through byte-identical.  The reference
# is the same pipeline with every mojibake rule switched off.
set -u
[ -n "${SHARED:-}" ] || { echo "needs ../shared (samples, peer-tests)"; exit 77; }
files=()
for f in "$SHARED"/samples/00[0234]_*.txt "$SHARED"/peer-tests/opencc/golden/*.txt "$SHARED"/peer-tests/laws-versions/*.md; do
  [ -f "$f" ] && files+=("$f")
done
[ ${#files[@]} -gt 100 ] || { echo "expected >100 clean files under $SHARED, found ${#files[@]}"; exit 1; }
printf '[pipeline]\nstages = mojibake\n' > on.ini
printf '[pipeline]\nstages = mojibake\n[mojibake]\nmisalign = false\nutf8_as_gbk = false\nlatin1 = false\nunrecoverable = keep\n' > off.ini
"$DOCCLEAN" run -c on.ini --output-format textdir -o on "${files[@]}" 2>log || { cat log; exit 1; }
"$DOCCLEAN" run -c off.ini --output-format textdir -o off "${files[@]}" 2>>log || { cat log; exit 1; }
n=$(find on -type f | wc -l)
[ "$n" -eq ${#files[@]} ] || { echo "FAIL expected ${#files[@]} output files, got $n"; exit 1; }
if diff -r off on > d.txt; then
  echo "ok   ${#files[@]} clean files byte-identical"
else
  echo "FAIL mojibake changed clean text:"; head -20 d.txt; exit 1
fi
