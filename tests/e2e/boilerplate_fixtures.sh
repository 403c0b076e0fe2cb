# boilerplate: own fixture documents through the real CLI.  A template-site
# page loses every junk line (exact expected text), clean news and statute
# text come out byte-identical, a site profile applies by url host or by
# signature only, and every rule name shows up as a counter in the report.
. "$SRC/tests/lib.sh"
F="$FIXTURES/boilerplate"
cat > conf.ini <<CONF
[pipeline]
stages = boilerplate
[boilerplate]
profiles = $F/site-example.ini, $SRC/conf/sites/generic-docsite.ini
CONF
"$DOCCLEAN" run -c conf.ini -q --output-format textdir -o out --stats stats.json \
    "$F/template-site.txt" "$F/news-clean.txt" "$F/statute-clean.txt" || fail "run failed"
expect_file_eq out/template-site.txt "$F/template-site.expected"
expect_file_eq out/news-clean.txt "$F/news-clean.txt"
expect_file_eq out/statute-clean.txt "$F/statute-clean.txt"
for r in generic-docsite/breadcrumb generic-docsite/editor-intro generic-docsite/related-list \
         generic-docsite/inline-hidden-marker generic-docsite/repeated-title example-site/promo; do
  expect_contains stats.json "\"$r\""
done
expect_contains stats.json '"generic-docsite/inline-hidden-marker": 1'
expect_contains stats.json '"generic-docsite/related-list": 3'

# site selection: h1 by host, h2 neither (unchanged), h3 by signature
"$DOCCLEAN" run -c conf.ini -q -o hosts.out.jsonl "$F/hosts.jsonl" || fail "jsonl run failed"
jq_field hosts.out.jsonl text > texts.txt
printf '%s\n' "会议纪要" "会议决定成立工作小组。" "" \
  "示例文库会员 立享八折" "会议纪要" "会议决定成立工作小组。" "" \
  "会议纪要" "会议决定成立工作小组。" "示例文库提供" "" > want.txt
expect_file_eq texts.txt want.txt

# the shipped profiles load by default (DATA_DIR/conf/sites/*.ini)
printf '[pipeline]\nstages = boilerplate\n' > default.ini
"$DOCCLEAN" run -c default.ini -q --output-format textdir -o out2 "$F/template-site.txt" || fail "default profiles"
expect_file_eq out2/template-site.txt "$F/template-site.expected"
