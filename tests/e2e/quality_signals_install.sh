#!/usr/bin/env bash
# The spam lexicons and the spin table are data files: `make install` must
# install them, and the installed binary must find them (and the build-tree
# binary the source tree's copies) with the default pipeline.
. "$SRC/tests/lib.sh"
make -s -C "$SRC" BUILD="$BUILD" PREFIX="$T/prefix" install >install.log 2>&1 || { cat install.log; fail "make install"; }
D="$T/prefix/share/docclean/conf"
for f in spam/gambling.txt spam/adult.txt spam/loans.txt spam/contact.txt spam/medical.txt spam/weak.txt spin/pairs.tsv; do
  [ -f "$D/$f" ] || fail "$f not installed"
done
printf '今天best365官网召开表彰大会，会议强调要抓好平安生产、消除平安隐患、在此根底上完善效劳中心。联系电话13812345678。\n' > in.txt
printf '今天召开表彰大会，会议强调要抓好平安生产、消除平安隐患、在此根底上完善效劳中心。联系电话⟦mobile⟧。\n' > want.txt
for bin in "$T/prefix/bin/docclean" "$DOCCLEAN"; do
  rm -f out.jsonl
  env -u DOCCLEAN_DATA_DIR "$bin" run -q --output-format text -o out.txt --rejects rej.jsonl in.txt 2>err.log || { cat err.log; fail "$bin run"; }
  expect_file_eq out.txt want.txt
  env -u DOCCLEAN_DATA_DIR "$bin" run -q -o out.jsonl --rejects rej.jsonl in.txt 2>err.log || fail "$bin run jsonl"
  expect_eq "$bin spin_hits" "$(jq_field out.jsonl spin_hits)" "4"
  expect_eq "$bin spun" "$(jq_field out.jsonl spun)" "1"
done
echo "ok   data files installed and found (installed and build tree)"
