# Shared helpers for e2e tests (sourced).  set -e style: any failing check
# ends the test with a message.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*"; exit 77; }
need_shared() { [ -n "${SHARED:-}" ] && [ -d "$SHARED/$1" ] || skip "skipped: ../shared/$1 is not available (extended test)"; }
# expect_eq WHAT GOT WANT
expect_eq() { [ "$2" = "$3" ] || fail "$1: got [$2], want [$3]"; }
# expect_file_eq GOT WANT_FILE
expect_file_eq() { cmp -s "$1" "$2" || { diff -u "$2" "$1" | head -40 >&2; fail "$1 differs from $2"; }; }
expect_contains() { grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; head -c 2000 "$1" >&2; fail "$1 does not contain [$2]"; }; }
# Count JSONL records
nlines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }
# Build a test plugin from tests/plugins/NAME.c into $T/plugins/NAME.so
build_test_plugin() {
  mkdir -p "$T/plugins"
  cc -std=gnu11 -Wall -Wextra -Werror -fPIC -fvisibility=hidden -shared -I"$SRC/include" ${2:-} \
     -o "$T/plugins/$1.so" "$SRC/tests/plugins/$1.c" || fail "building test plugin $1"
}
jq_field() { python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"):
    print(json.loads(l).get(sys.argv[2]))' "$1" "$2"; }
