# The README's plugin reference is generated from the plugins' declared
# options; fail when it is out of date (keeps the README true).
. "$SRC/tests/lib.sh"
# only meaningful for the plugins this build has; the generator skips others
python3 "$SRC/scripts/gen-plugin-docs.py" "$DOCCLEAN" --check || fail "run: python3 scripts/gen-plugin-docs.py build/docclean"
