# mojibake: the per-character cost table (-log2 frequency, quarter bits) is
# compiled from python3-jieba's dict.txt, with traditional characters mapped
# to their simplified forms through Unihan kSimplifiedVariant (unicode-data).
MJ_JIEBA_DICT ?= /usr/lib/python3/dist-packages/jieba/dict.txt
MJ_UNIHAN_VARIANTS ?= $(firstword $(wildcard /usr/share/unicode/Unihan_Variants.txt /usr/share/unicode/Unihan_Variants.txt.bz2))
GEN_mojibake := $(BUILD)/gen/mojibake_freq.c
LIBS_mojibake :=

$(BUILD)/gen/mojibake_freq.c: plugins/mojibake/gen_freq.py
	@mkdir -p $(dir $@)
	python3 plugins/mojibake/gen_freq.py $(MJ_JIEBA_DICT) $(MJ_UNIHAN_VARIANTS) $@.tmp && mv $@.tmp $@
