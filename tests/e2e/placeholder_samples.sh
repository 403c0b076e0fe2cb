#!/usr/bin/env bash
# placeholder: the real pages in ../shared/samples as an extended test.
# tests/fixtures/placeholder/samples.inventory holds, for each page, its
# sha256 and the placeholder counts per type that a careful reading of the
# page gives (written by hand from reading each hit in context; no page
# text is kept in the repository).  The stage runs alone in mode=keep and
# the counts from the output metadata must match exactly.
set -u
[ -n "${SHARED:-}" ] && [ -d "$SHARED/samples" ] || { echo "needs ../shared/samples (SHARED is empty)"; exit 77; }
INV="$FIXTURES/placeholder/samples.inventory"
printf '[pipeline]\nstages = placeholder\n[placeholder]\nmode = keep\n' > keep.ini
"$DOCCLEAN" run -q -c keep.ini --output-format jsonl -o out.jsonl "$SHARED/samples" 2>log \
  || { echo "docclean failed"; cat log; exit 1; }
fail=0
while read -r file sum year date number name unknown gap; do
  case "$file" in ''|'#'*) continue;; esac
  if [ ! -f "$SHARED/samples/$file" ]; then echo "FAIL $file: missing from samples"; fail=1; continue; fi
  have=$(sha256sum "$SHARED/samples/$file" | cut -c1-64)
  if [ "$have" != "$sum" ]; then echo "FAIL $file: page changed (sha256 $have), inventory is stale"; fail=1; continue; fi
  want="$year $date $number $name $unknown $gap"
  got=$(python3 - "$file" <<'PY'
import json, sys
for line in open("out.jsonl"):
    r = json.loads(line)
    if r.get("id") == sys.argv[1]:
        print(" ".join(str(r.get("placeholder_" + t, 0))
                       for t in ("year", "date", "number", "name", "unknown", "gap")))
PY
)
  if [ "$got" = "$want" ]; then echo "ok   $file  year date number name unknown gap = $got"
  else echo "FAIL $file: want [$want] got [$got]"; fail=1; fi
done < "$INV"
exit $fail
