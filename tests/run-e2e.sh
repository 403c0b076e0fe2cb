#!/usr/bin/env bash
# Run end-to-end tests: every tests/e2e/*.sh, each in its own temp dir.
# A test exits 0 (pass), 77 (skip: it prints why) or anything else (fail).
# Environment given to each test:
#   DOCCLEAN   absolute path of the built binary
#   BUILD      absolute build dir;  SRC  the source root
#   FIXTURES   tests/fixtures;      T    a fresh temp dir
#   SHARED     ../shared when present (extended tests skip without it)
BUILD=$(cd "${1:-build}" && pwd); shift || true
SRC=$(cd "$(dirname "$0")/.." && pwd)
export BUILD SRC DOCCLEAN="$BUILD/docclean" FIXTURES="$SRC/tests/fixtures"
if [ -d "$SRC/../shared" ]; then export SHARED=$(cd "$SRC/../shared" && pwd); else export SHARED=; fi
pass=0; fail=0; skip=0
tests=("$@"); [ ${#tests[@]} -eq 0 ] && tests=("$SRC"/tests/e2e/*.sh)
for t in "${tests[@]}"; do
  [ -f "$t" ] || continue
  t=$(cd "$(dirname "$t")" && pwd)/$(basename "$t")
  name=$(basename "$t" .sh)
  T=$(mktemp -d "${TMPDIR:-/tmp}/dc-e2e-$name.XXXXXX"); export T
  t0=$SECONDS
  out=$(cd "$T" && timeout 1200 bash "$t" 2>&1); rc=$?
  dt=$((SECONDS - t0))
  if [ $rc -eq 0 ]; then pass=$((pass+1)); echo "PASS e2e $name (${dt}s)"; rm -rf "$T"
  elif [ $rc -eq 77 ]; then skip=$((skip+1)); echo "SKIP e2e $name: $(echo "$out" | tail -1)"; rm -rf "$T"
  else fail=$((fail+1)); echo "FAIL e2e $name (exit $rc, kept $T)"; echo "$out" | tail -40 | sed 's/^/    /'; fi
done
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
