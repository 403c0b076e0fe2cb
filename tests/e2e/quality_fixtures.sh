#!/usr/bin/env bash
# quality: own fixtures through `docclean run` with the default gates:
# every short real document in keep/ (notice, poem, table, one-liner,
# article, mixed text) is kept with its scores in the metadata; every
# non-document in drop/ (navigation list, keyword stuffing, repeated
# furniture, number dump, English page, symbol junk) goes to rejects with
# the exact score, threshold and option that tripped.  mode=score keeps all.
set -u
STAGE=quality; . "$SRC/tests/fixture_lib.sh"
F="$FIXTURES/quality"
run() { # run CONF INPUT OUT
  "$DOCCLEAN" run -q -c "$1" -o "$3" --rejects rej.jsonl "$2" 2>>log \
    || { echo "docclean failed"; cat log; exit 1; }
}
ids() { python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in open(sys.argv[1])]' "$1" | sort; }

conf q
run q.ini "$F/keep" keep.jsonl
ls "$F/keep" | sort > keep.want; ids keep.jsonl > keep.got
check "short real documents kept" keep.want keep.got
python3 -c 'import json; r=json.loads(open("keep.jsonl").readline()); print(sorted(k for k in r if k.startswith("q_")))' > keys.got
echo "['q_cell_line_share', 'q_digit_share', 'q_dup_line_char_frac', 'q_dup_line_frac', 'q_dup_ngram_frac', 'q_end_punct_share', 'q_han_chars', 'q_han_share', 'q_mean_line_len', 'q_placeholder_density', 'q_stopword_share', 'q_symbol_share', 'q_top_ngram_share']" > keys.want
check "score keys in the metadata" keys.want keys.got

run q.ini "$F/drop" drop.jsonl
: > empty; check "no non-document kept" empty drop.jsonl
python3 -c 'import json; [print(r["id"], r["stage"], r["reason"]) for r in sorted((json.loads(l) for l in open("rej.jsonl")), key=lambda r: r["id"])]' > reasons.got
cat > reasons.want <<'EOT'
english.txt quality quality: han_share 0.000 below min_han_share 0.2
furniture.txt quality quality: dup_line_char_frac 0.667 above max_dup_line_char_frac 0.4
nav.txt quality quality: navigation list: end_punct_share 0.000 below nav_min_end_punct 0.1 with 8 lines of mean length 3.8 (nav_max_line_len 10) and stopword_share 0.067 (nav_max_stopword 0.1)
numbers.txt quality quality: digit_share 0.944 above max_digit_share 0.4
stuffing.txt quality quality: top_ngram_share 0.545 above max_top_ngram_share 0.3
symbols.txt quality quality: symbol_share 0.727 above max_symbol_share 0.2
EOT
check "non-documents rejected with score and threshold" reasons.want reasons.got

conf s mode=score
run s.ini "$F/drop" score.jsonl
ls "$F/drop" | sort > all.want; ids score.jsonl > all.got
check "mode=score drops nothing" all.want all.got
exit $fail
