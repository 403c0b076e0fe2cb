# boilerplate: `docclean explain` names the rule behind every removal
# (what a profile author works with).
. "$SRC/tests/lib.sh"
F="$FIXTURES/boilerplate"
printf '[pipeline]\nstages = boilerplate\n[boilerplate]\nprofiles = %s\n' "$SRC/conf/sites/generic-docsite.ini" > conf.ini
"$DOCCLEAN" explain -c conf.ini "$F/template-site.txt" > explain.txt 2>&1 || fail "explain failed: $(tail -3 explain.txt)"
for r in breadcrumb welcome-banner meta-label size-badge page-count-badge editor-intro repeated-title \
         inline-hidden-marker page-counter download-prompt upload-notice service-contact related-list; do
  expect_contains explain.txt "generic-docsite/$r"
done
expect_contains explain.txt "此处隐藏1024个字"
