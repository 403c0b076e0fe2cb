#!/usr/bin/env bash
# run.sh [SECONDS] - build the t2s libFuzzer target with clang and run it.
# Corpus: plugins/t2s/fuzz/corpus-seed (fixtures) plus a scratch dir under
# bench/data/.  Needs `make` to have generated build/gen/t2s_tables.c.
set -eu
cd "$(dirname "$0")/../../.."
SECS=${1:-600}
OUT=bench/data/t2s_fuzz
mkdir -p "$OUT/corpus"
[ -f build/gen/t2s_tables.c ] || make build/gen/t2s_tables.c
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iplugins/t2s -Iinclude -o "$OUT/t2s_fuzz" plugins/t2s/fuzz/t2s_fuzz.c \
  plugins/t2s/t2s_dict.c plugins/t2s/t2s_lex.c plugins/t2s/t2s_conv.c build/gen/t2s_tables.c
cp tests/fixtures/t2s/*.txt "$OUT/corpus/" 2>/dev/null || true
printf '\xff\xfe\xe4\xb9\xbe\xe9\x9a\x86\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80' > "$OUT/corpus/invalid1"
"$OUT/t2s_fuzz" -artifact_prefix="$OUT/" -max_total_time="$SECS" -max_len=4096 -print_final_stats=1 "$OUT/corpus"
