#!/usr/bin/env bash
# watermark: own fixtures through `docclean run`: stray marks after 的 and a
# lone backtick are removed while quotes, code spans, ellipses and censor
# gaps stay; ASCII anti-copy noise is removed from lines and noise-only
# lines are deleted while formulas, code, units, URLs and option lists stay.
# Each rule switched off leaves its case alone.
set -u
STAGE=watermark; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/watermark"
run() { # run CONF IN OUT
  "$DOCCLEAN" run -q -c "$1" --output-format text -o "$3" --stats "$3.stats" "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
want_counter() { # want_counter NAME OUT COUNTER VALUE
  local got; got=$(jq -r ".stages[0].counters.$3" "$2.stats")
  if [ "$got" = "$4" ]; then echo "ok   $1: $3=$4"; else echo "FAIL $1: $3=$got, want $4"; fail=1; fi
}

conf default
run default.ini "$F/marks.txt" marks.out
check "stray marks" "$F/marks.expected" marks.out
want_counter marks marks.out de_backtick 2
want_counter marks marks.out de_quote 1
want_counter marks marks.out de_dot 1
want_counter marks marks.out han_backtick 1
run default.ini "$F/noise.txt" noise.out
check "anti-copy noise" "$F/noise.expected" noise.out
want_counter noise noise.out noise_runs 4
want_counter noise noise.out noise_lines 2

# every rule off: its cases stay
for r in de_backtick de_quote de_dot han_backtick; do
  conf "$r" "$r=false"
  run "$r.ini" "$F/marks.txt" "$r.out"
  want_counter "$r=false" "$r.out" "$r" 0
done
conf allmarks de_backtick=false de_quote=false de_dot=false han_backtick=false
run allmarks.ini "$F/marks.txt" allmarks.out
check "all mark rules off" "$F/marks.txt" allmarks.out
conf nonoise noise=false
run nonoise.ini "$F/noise.txt" nonoise.out
check "noise=false" "$F/noise.txt" nonoise.out
conf nolines noise_lines=false
run nolines.ini "$F/noise.txt" nolines.out
want_counter "noise_lines=false" nolines.out noise_lines 0
want_counter "noise_lines=false" nolines.out noise_runs 4
exit $fail
