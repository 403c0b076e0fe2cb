#!/usr/bin/env bash
# dedup: two runs against one persistent index.  Run 1 drops a near copy, an
# exact copy (punctuation only) and a short exact copy, and strips a site
# footer found in 7 documents while the shared heading 一、指导思想 survives.
# Run 2 drops copies of run-1 documents with dup_of/dup_of_run naming them,
# and removes the footer using the counts the index kept from run 1.
# A second process on the same index is refused while the lock is held.
set -eu
cp "$FIXTURES"/dedup/run1.jsonl "$FIXTURES"/dedup/run2.jsonl .
printf '[pipeline]\nstages = dedup\n[dedup]\nindex = idx\n' > c.ini
"$DOCCLEAN" run -q -c c.ini -o o1.jsonl --rejects r1.jsonl run1.jsonl
python3 "$FIXTURES/dedup/summarize.py" o1.jsonl r1.jsonl > got1.tsv
diff -u "$FIXTURES/dedup/expected_run1.tsv" got1.tsv
"$DOCCLEAN" run -q -c c.ini -o o2.jsonl --rejects r2.jsonl run2.jsonl
python3 "$FIXTURES/dedup/summarize.py" o2.jsonl r2.jsonl > got2.tsv
diff -u "$FIXTURES/dedup/expected_run2.tsv" got2.tsv

# Locking: while another process holds the index lock, a run is refused.
flock idx/docclean.lock sleep 3 &
holder=$!
sleep 0.5
if "$DOCCLEAN" run -q -c c.ini -o o3.jsonl run2.jsonl 2> err.txt; then
  echo "second process on a locked index was not refused"; exit 1
fi
grep -q "is busy: it is in use by another process" err.txt || { cat err.txt; exit 1; }
wait $holder
# ... and accepted once the lock is released; everything is now a duplicate.
"$DOCCLEAN" run -q -c c.ini -o o3.jsonl --rejects r3.jsonl run2.jsonl
[ ! -s o3.jsonl ] || { echo "documents kept on a re-run of run 2"; exit 1; }
[ "$(wc -l < r3.jsonl)" -eq 4 ]
echo ok
