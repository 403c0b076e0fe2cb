# t2s: the OpenCC text dictionaries in third_party/opencc/ are checked and
# compiled into the plugin as C constants (no network, no data files at run
# time).  See third_party/opencc/SOURCE.md.
GEN_t2s := $(BUILD)/gen/t2s_tables.c

$(BUILD)/gen/t2s_tables.c: plugins/t2s/gen_tables.py $(wildcard third_party/opencc/*.txt)
	@mkdir -p $(dir $@)
	python3 plugins/t2s/gen_tables.py third_party/opencc $@
