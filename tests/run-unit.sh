#!/usr/bin/env bash
# Run cmocka unit test programs; print one line per program and a total.
# Usage: run-unit.sh BUILD BIN...
BUILD=$1; shift
pass=0; fail=0
for t in "$@"; do
  if out=$("$t" 2>&1); then
    pass=$((pass+1)); echo "PASS unit $(basename "$t")"
  else
    fail=$((fail+1)); echo "FAIL unit $(basename "$t")"; echo "$out" | tail -30 | sed 's/^/    /'
  fi
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
