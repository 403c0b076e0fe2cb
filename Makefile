# docclean build.
#
# Layout of the build tree (BUILD, default build/):
#   $(BUILD)/docclean             the binary
#   $(BUILD)/plugins/NAME.so      one stage plugin per plugins/NAME/ directory
#   $(BUILD)/libdccore.a          core objects minus main(), for unit tests
#   $(BUILD)/tests/test_X         one cmocka program per tests/unit/test_X.c
#
# Plugins are discovered: every plugins/NAME/ directory with .c files becomes
# $(BUILD)/plugins/NAME.so.  A plugin may add a plugins/NAME/plugin.mk that
# sets LIBS_NAME (extra link flags), GEN_NAME (generated sources) and rules
# to make them.  A unit test tests/unit/test_NAME.c links the objects of
# plugin NAME when that plugin exists.
#
# `make SAN=1 BUILD=build-asan` builds with ASan+UBSan (what `make asan` does).

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
VERSION := 0.1.0

PKGS      := inih libpcre2-8 zlib libzstd libxxhash jansson sqlite3 libhs
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

OPT      ?= -O2
CFLAGS_BASE := -std=gnu11 -g $(OPT) -Wall -Wextra -Werror -Wno-unused-parameter \
               -Iinclude -Icore -I$(BUILD)/gen -DDC_VERSION='"$(VERSION)"' \
               -DDC_PREFIX='"$(PREFIX)"' $(PKG_CFLAGS) -fPIC
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
endif
CFLAGS   := $(CFLAGS_BASE) $(EXTRA_CFLAGS)
PLUGIN_CFLAGS := $(CFLAGS) -fvisibility=hidden
LDLIBS_CORE := $(PKG_LIBS) -ldl -lpthread -lm

CORE_SRCS := $(wildcard core/*.c)
CORE_OBJS := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRCS))
CORE_LIB_OBJS := $(filter-out $(BUILD)/core/main.o,$(CORE_OBJS))

PLUGINS := $(sort $(patsubst plugins/%/,%,$(dir $(wildcard plugins/*/*.c))))
PLUGIN_SOS := $(patsubst %,$(BUILD)/plugins/%.so,$(PLUGINS))

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps run check test unit e2e asan bench install clean plugins
all: $(BUILD)/docclean $(PLUGIN_SOS)

-include $(wildcard plugins/*/plugin.mk)

# ---- core ----
$(BUILD)/core/%.o: core/%.c $(wildcard core/*.h) $(wildcard include/docclean/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libdccore.a: $(CORE_LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/docclean: $(CORE_OBJS)
	$(CC) $(LDFLAGS_SAN) -o $@ $^ $(LDLIBS_CORE)

# ---- plugins ----
define plugin_rules
OBJS_$(1) := $$(patsubst plugins/$(1)/%.c,$(BUILD)/plugins/obj/$(1)/%.o,$$(wildcard plugins/$(1)/*.c)) \
             $$(patsubst %.c,%.o,$$(GEN_$(1)))
$(BUILD)/plugins/obj/$(1)/%.o: plugins/$(1)/%.c $$(wildcard plugins/$(1)/*.h) $(wildcard include/docclean/*.h) $$(GEN_$(1)) $$(GENH_$(1))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(PLUGIN_CFLAGS) -Iplugins/$(1) -c $$< -o $$@
$(BUILD)/plugins/$(1).so: $$(OBJS_$(1))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_SAN) -shared -o $$@ $$^ $$(LIBS_$(1)) -lm
endef
$(foreach p,$(PLUGINS),$(eval $(call plugin_rules,$(p))))

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(PLUGIN_CFLAGS) -c $< -o $@

plugins: $(PLUGIN_SOS)

# ---- tests ----
.SECONDEXPANSION:
$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libdccore.a $(wildcard tests/unit/*.h) $$(OBJS_$$*)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(if $(wildcard plugins/$*),-Iplugins/$*) -o $@ $< $(OBJS_$*) $(BUILD)/libdccore.a \
	    $(LDFLAGS_SAN) $(LDLIBS_CORE) $(LIBS_$*) -lcmocka

unit: $(UNIT_BINS)
	@bash tests/run-unit.sh $(BUILD) $(UNIT_BINS)

e2e: all
	@bash tests/run-e2e.sh $(BUILD)

test: all $(UNIT_BINS)
	@bash tests/run-all.sh $(BUILD) $(UNIT_BINS)

# ---- the two README commands ----
deps:
	@bash scripts/setup-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p out
	$(BUILD)/docclean run -c conf/default.ini -o out/examples.jsonl \
	    --rejects out/examples.rejects.jsonl --stats out/examples.stats.json \
	    --report out/examples.report.html examples/corpus
	@echo "kept documents: out/examples.jsonl; rejects: out/examples.rejects.jsonl; stats: out/examples.stats.json; report: out/examples.report.html"

check:
	@bash scripts/setup-deps.sh --test
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory test

asan: deps
	@$(MAKE) --no-print-directory SAN=1 BUILD=build-asan OPT=-O1 all
	@$(MAKE) --no-print-directory SAN=1 BUILD=build-asan OPT=-O1 test

bench: deps
	@$(MAKE) --no-print-directory all
	@bash bench/run.sh $(BUILD)

# ---- install ----
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/docclean/plugins \
	    $(DESTDIR)$(PREFIX)/include/docclean $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/share/docclean
	install -m 755 $(BUILD)/docclean $(DESTDIR)$(PREFIX)/bin/docclean
	install -m 755 $(PLUGIN_SOS) $(DESTDIR)$(PREFIX)/lib/docclean/plugins/
	install -m 644 include/docclean/plugin.h include/docclean/utf8.h include/docclean/tag.h $(DESTDIR)$(PREFIX)/include/docclean/
	cp -r conf $(DESTDIR)$(PREFIX)/share/docclean/
	install -d $(DESTDIR)$(PREFIX)/share/docclean/third_party
	cp -r third_party/opencc $(DESTDIR)$(PREFIX)/share/docclean/third_party/
	if [ -d $(BUILD)/data ]; then cp -r $(BUILD)/data $(DESTDIR)$(PREFIX)/share/docclean/; fi
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' docclean.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/docclean.pc

clean:
	rm -rf build build-asan out
