# boilerplate: the scored line detector, the cut_to_end guard rails and the
# block rule kind, on own fixtures (tests/fixtures/boilerplate/scored).
. "$SRC/tests/lib.sh"
F="$FIXTURES/boilerplate/scored"

# 1. the detector alone (every profile rule off): furniture lines of the
# kinds the fitted model weighs go, labelled with score and evidence; the
# body, the title and the list under 猜你喜欢 stay.
cat > model.ini <<CONF
[pipeline]
stages = boilerplate
[boilerplate]
profiles = $F/block.ini
drop_line = false
cut_to_end = false
inline = false
repeated_title = false
CONF
"$DOCCLEAN" explain -c model.ini "$F/kinds.txt" > kinds.explain 2>&1 || fail "explain failed"
expect_contains kinds.explain '«score:0.80 nav+paywall+cue+short+several-kinds»'
expect_contains kinds.explain '«score:0.97 counter+paywall+cue+short+several-kinds»'
expect_contains kinds.explain '«score:0.80 copyright+meta+several-kinds+after-body»'
"$DOCCLEAN" run -c model.ini -q --output-format textdir -o out1 --stats s1.json "$F/kinds.txt" || fail "run failed"
expect_file_eq out1/kinds.txt "$F/kinds.expected"
expect_contains s1.json '"scored_lines_removed": 3'

# 2. every kind of the vocabulary is recognised: with a low threshold each
# furniture line is labelled with its kind
printf 'threshold = 0.3\n' >> model.ini
"$DOCCLEAN" explain -c model.ini "$F/kinds.txt" > low.explain 2>&1 || fail "explain failed"
for k in nav paywall meta counter share editor summary copyright; do
  expect_contains low.explain "$k+"
done

# 3. clean controls: byte-identical with the shipped profiles and the detector
printf '[pipeline]\nstages = boilerplate\n' > default.ini
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out2 --stats s2.json \
    "$F/clean-notice.txt" "$FIXTURES/boilerplate/news-clean.txt" "$FIXTURES/boilerplate/statute-clean.txt" \
    || fail "run failed"
for f in clean-notice.txt; do expect_file_eq "out2/$f" "$F/$f"; done
expect_file_eq out2/news-clean.txt "$FIXTURES/boilerplate/news-clean.txt"
expect_file_eq out2/statute-clean.txt "$FIXTURES/boilerplate/statute-clean.txt"
expect_contains s2.json '"lines_removed": 0'

# 4. guard rails: a related-list heading cuts a trailing list, but not above
# the body, not when prose follows, not more than cut_max_share of the
# sentence-rich lines (then only the heading goes)
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out3 --stats s3.json \
    "$F/guard-list.txt" "$F/guard-header.txt" "$F/guard-prose.txt" "$F/guard-share.txt" || fail "run failed"
for f in guard-list guard-header guard-prose guard-share; do
  expect_file_eq "out3/$f.txt" "$F/$f.expected"
done
expect_contains s3.json '"cuts_refused": 3'
printf '[pipeline]\nstages = boilerplate\n[boilerplate]\ncut_max_share = 0.5\n' > share.ini
"$DOCCLEAN" run -c share.ini -q --output-format textdir -o out4 "$F/guard-share.txt" || fail "run failed"
[ "$(wc -l < out4/guard-share.txt)" -eq 5 ] || fail "cut_max_share = 0.5 should let the cut through"

# 5. block rule: the heading and the short titles under it, up to a blank
# line or a sentence-rich line
printf '[pipeline]\nstages = boilerplate\n[boilerplate]\nprofiles = %s\nscored = false\n' "$F/block.ini" > block.ini
"$DOCCLEAN" run -c block.ini -q --output-format textdir -o out5 --stats s5.json "$F/block.txt" || fail "run failed"
expect_file_eq out5/block.txt "$F/block.expected"
expect_contains s5.json '"block-test/picks": 6'

# 6. header copies: after the detector, a later copy of a title-like line
# above the body goes (the title printed three times around a breadcrumb);
# a heading repeated in the body stays; a clean document that repeats its
# title under its own header block (nothing removed) is byte-identical
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out6 \
    "$F/header-copies.txt" "$F/header-copies-clean.txt" || fail "run failed"
expect_file_eq out6/header-copies.txt "$F/header-copies.expected"
expect_file_eq out6/header-copies-clean.txt "$F/header-copies-clean.txt"

# 7. the title glued to the start of the first paragraph is cut out as a
# span when junk was removed above the body; without junk the page is
# byte-identical
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out7 \
    "$F/title-prefix.txt" "$F/title-prefix-clean.txt" || fail "run failed"
expect_file_eq out7/title-prefix.txt "$F/title-prefix.expected"
expect_file_eq out7/title-prefix-clean.txt "$F/title-prefix-clean.txt"

# 8. header copies: when more than two different lines repeat above the
# body (a chorus), none is dropped as a copy (only the breadcrumb goes)
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out8 "$F/header-chorus.txt" || fail "run failed"
expect_file_eq out8/header-chorus.txt "$F/header-chorus.expected"
