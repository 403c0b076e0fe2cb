# Helpers for the plugins' fixture e2e tests (sourced).  Set STAGE to the
# plugin under test first.  `check` records a failure in $fail and goes on,
# so one run reports every broken fixture.
fail=0
conf() { # conf NAME KEY=VALUE...: NAME.ini running only $STAGE with those options
  local name=$1; shift
  { printf '[pipeline]\nstages = %s\n[%s]\n' "$STAGE" "$STAGE"
    for kv in "$@"; do printf '%s\n' "${kv/=/ = }"; done; } > "$name.ini"
}
check() { # check NAME WANT GOT
  if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1"; diff "$2" "$3" | head -20; fail=1; fi
}
