# `make install` into a temporary prefix, build the out-of-tree plugin
# skeleton against it with pkg-config, and run it in a pipeline with the
# installed binary.
. "$SRC/tests/lib.sh"
command -v pkg-config >/dev/null || fail "pkg-config missing"
make -s -C "$SRC" BUILD="$BUILD" PREFIX="$T/prefix" install >install.log 2>&1 || { cat install.log; fail "make install"; }
[ -x "$T/prefix/bin/docclean" ] || fail "binary not installed"
[ -f "$T/prefix/include/docclean/plugin.h" ] || fail "header not installed"
[ -f "$T/prefix/share/docclean/conf/default.ini" ] || fail "conf not installed"
cp -r "$SRC/examples/plugin-skeleton" sk
PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig" make -s -C sk >build.log 2>&1 || { cat build.log; fail "skeleton build"; }
mkdir in
printf '太短\n' > in/short.txt
printf '这是一篇足够长的文档,它的字数超过了二十个字的最低要求。\n' > in/long.txt
cd sk
"$T/prefix/bin/docclean" run -c example.ini -q -o ../out.jsonl --rejects ../rej.jsonl ../in || fail "run with skeleton plugin"
cd ..
expect_eq "kept" "$(jq_field out.jsonl id)" "long.txt"
expect_contains rej.jsonl '"stage":"minlen"'
expect_contains rej.jsonl 'fewer than 20'
expect_contains out.jsonl '"chars":'
# the installed binary finds its installed plugins and data dir
"$T/prefix/bin/docclean" plugins > plugins.txt || fail "plugins listing"
expect_contains plugins.txt "normalize"
"$T/prefix/bin/docclean" plugins minlen >/dev/null 2>&1 && fail "minlen should not be installed"
DOCCLEAN_PLUGIN_PATH="$T/sk" "$T/prefix/bin/docclean" plugins minlen > minlen.txt || fail "plugins minlen via DOCCLEAN_PLUGIN_PATH"
expect_contains minlen.txt "min_chars"
exit 0
