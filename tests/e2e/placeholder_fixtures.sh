#!/usr/bin/env bash
# placeholder: own fixtures through `docclean run` - every family and type
# (families.txt), the must-not-tag cases (negatives.txt), mode=normalize,
# spaced forms (spaced.txt, spaced-negatives.txt), masks in fragmented
# text after linejoin, mode=keep with metadata counts, max_density rejects with the reason, and
# the rule names `docclean explain` shows.
set -u
STAGE=placeholder; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/placeholder"
run() { # run CONF INPUT OUT [FORMAT]
  "$DOCCLEAN" run -q -c "$1" --output-format "${4:-text}" -o "$3" --rejects rej.jsonl "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}

conf tag
run tag.ini "$F/families.txt" families.out
check "families, default tags" "$F/families.expected" families.out
run tag.ini "$F/negatives.txt" negatives.out
check "must-not-tag cases" "$F/negatives.expected" negatives.out

# spaced forms: a space (ASCII, U+00A0, U+3000) between the mark and its
# unit (201x 年, 20XX 年度, XX 县), typed as when glued; spaced look-alikes
# (2019 年 x 轴, 3 x 4, Win10x 年, XX 世纪) stay untouched
run tag.ini "$F/spaced.txt" spaced.out
check "spaced forms" "$F/spaced.expected" spaced.out
run tag.ini "$F/spaced-negatives.txt" spaced-neg.out
check "spaced must-not-tag cases" "$F/spaced-negatives.txt" spaced-neg.out
# masks on lines of their own in fragmented text are tagged once linejoin
# has put the runs back together
printf '[pipeline]\nstages = linejoin, placeholder\n' > lp.ini
run lp.ini "$F/fragmented.txt" fragmented.out
check "fragmented text: rejoined, then tagged" "$F/fragmented.expected" fragmented.out

conf norm mode=normalize
run norm.ini "$F/families.txt" norm.out
check "mode=normalize" "$F/families.normalize.expected" norm.out

conf fmt 'tag_format=<ph:{type}>'
printf '20XX年XX市\n' > f.txt; printf '<ph:year>年<ph:name>市\n' > f.want
run fmt.ini f.txt f.out
check "tag_format" f.want f.out

# keep: text unchanged, counts per type in the metadata (counted by hand
# from families.expected)
conf keep mode=keep
run keep.ini "$F/families.txt" keep.jsonl jsonl
python3 -c 'import json,sys; sys.stdout.write(json.loads(open("keep.jsonl").readline())["text"])' > keep.text
check "mode=keep leaves the text" "$F/families.txt" keep.text
python3 -c 'import json; r=json.loads(open("keep.jsonl").readline()); print(json.dumps({k: r.get(k) for k in ("placeholders","placeholder_year","placeholder_date","placeholder_number","placeholder_name","placeholder_unknown","placeholder_gap")}, separators=(",",":")))' > meta.got
echo '{"placeholders":32,"placeholder_year":6,"placeholder_date":4,"placeholder_number":4,"placeholder_name":15,"placeholder_unknown":1,"placeholder_gap":2}' > meta.want
check "metadata counts" meta.want meta.got

# max_density: 4 marks in 17 characters is dropped with the reason, a
# clean document is kept.
mkdir -p dens
printf 'XX市XX县XX区XX乡工作总结\n' > dens/a.txt
printf '今天天气很好，大家一起去公园。\n' > dens/b.txt
conf dens max_density=100
run dens.ini dens dens.out
printf '今天天气很好，大家一起去公园。\n' > dens.want
check "max_density keeps the clean page" dens.want dens.out
python3 -c 'import json; [print(json.loads(l).get("reason", "")) for l in open("rej.jsonl")]' > reason.got
if grep -q 'placeholder density .* above max_density 100' reason.got; then echo "ok   max_density reason"
else echo "FAIL max_density reason"; cat rej.jsonl; fail=1; fi

# explain names the rule of each edit
"$DOCCLEAN" explain -c tag.ini f.txt > explain.out 2>>log
if grep -q 'placeholder:year' explain.out && grep -q 'placeholder:name' explain.out; then echo "ok   explain rule names"
else echo "FAIL explain rule names"; cat explain.out; fail=1; fi

exit $fail
