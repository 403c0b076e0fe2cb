# pinyin_strip: readings (kMandarin, kHanyuPinyin) and the traditional-only
# flag (kSimplifiedVariant) come from Unihan in Debian's unicode-data.
PS_UNIHAN_DIR ?= /usr/share/unicode
PS_UNIHAN_READINGS ?= $(firstword $(wildcard $(PS_UNIHAN_DIR)/Unihan_Readings.txt $(PS_UNIHAN_DIR)/Unihan_Readings.txt.bz2))
PS_UNIHAN_VARIANTS ?= $(firstword $(wildcard $(PS_UNIHAN_DIR)/Unihan_Variants.txt $(PS_UNIHAN_DIR)/Unihan_Variants.txt.bz2))
GEN_pinyin_strip := $(BUILD)/gen/pinyin_strip_tables.c

$(BUILD)/gen/pinyin_strip_tables.c: plugins/pinyin_strip/gen_readings.py plugins/pinyin_strip/ps_tables.h
	@mkdir -p $(dir $@)
	cp plugins/pinyin_strip/ps_tables.h $(BUILD)/gen/ps_tables.h
	python3 plugins/pinyin_strip/gen_readings.py $(PS_UNIHAN_READINGS) $(PS_UNIHAN_VARIANTS) $@.tmp && mv $@.tmp $@
