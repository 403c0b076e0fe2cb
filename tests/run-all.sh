#!/usr/bin/env bash
# Run unit and e2e tests and print one closing total line.
BUILD=$1; shift
DIR=$(dirname "$0")
u=$(bash "$DIR/run-unit.sh" "$BUILD" "$@"); urc=$?; echo "$u"
e=$(bash "$DIR/run-e2e.sh" "$BUILD"); erc=$?; echo "$e"
up=$(echo "$u" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
ep=$(echo "$e" | sed -n 's/^e2e: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p')
set -- $up $ep
echo "all: $(( ${1:-0} + ${3:-0} )) passed, $(( ${2:-0} + ${4:-0} )) failed, ${5:-0} skipped"
[ $urc -eq 0 ] && [ $erc -eq 0 ]
