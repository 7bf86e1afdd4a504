# Touchpoint build. `make` builds build/touchpoint; `make test` runs every
# test; `make demo` installs what is missing, builds and shows a demo world.
# SAN=1 builds into build/san with AddressSanitizer + UBSan.

PKGS      := sqlite3 libcjson libsodium libmicrohttpd libcurl
CC        ?= cc
OPT       ?= -O2
ifeq ($(SAN),1)
B         := build/san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT       := -O1
else
B         := build
SANFLAGS  :=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE -g $(OPT) -Wall -Wextra -Werror -Wshadow \
              -Wstrict-prototypes -Wmissing-prototypes -fvisibility=hidden \
              -Iinclude -Isrc $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDLIBS_ALL := $(PKG_LIBS) -lcsv -llinear -lumfpack -lpthread -lm $(LDLIBS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/ingest/*.c src/identity/*.c \
              src/lifecycle/*.c src/score/*.c src/auth/*.c src/server/*.c src/analytics/*.c src/nurture/*.c src/views/*.c src/store/*.c src/store/sqlite/*.c src/store/fault/*.c src/store/memory/*.c \
              src/demo/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
# web/ files built into the server, and the starter workflows that init
# installs (scripts/embed.sh).
WF_JSON  := $(sort $(wildcard workflows/*.json))
WEB_SRC  := $(B)/gen/tp_js.c $(B)/gen/workflows.c
WEB_OBJ  := $(WEB_SRC:.c=.o)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o) $(WEB_OBJ)
TLIB_OBJ := $(LIB_SRC:%.c=$(B)/t/%.o) $(WEB_OBJ)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(B)/bench/%)

.PHONY: all test unit e2e demo deps bench stress fuzz fuzz-build clean clean-san check-style format

# `make V=1` shows the full compiler lines.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1) $(2)"
endif

all: $(B)/touchpoint

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

# Unit tests reach TP_STATIC helpers through a second build of the library.
$(B)/t/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -DTP_TESTING -MMD -MP -c $< -o $@

$(B)/gen/tp_js.c: web/tp.js scripts/embed.sh
	@mkdir -p $(dir $@)
	$(Q)scripts/embed.sh tp__snippet_js $< >$@

$(B)/gen/workflows.c: $(WF_JSON) scripts/embed.sh
	@mkdir -p $(dir $@)
	$(Q)for f in $(WF_JSON); do scripts/embed.sh tp__wf_$$(basename $$f .json) $$f; done >$@

$(B)/gen/%.o: $(B)/gen/%.c
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/libtouchpoint.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/libtouchpoint-test.a: $(TLIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/touchpoint: $(CLI_OBJ) $(B)/libtouchpoint.a
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS_ALL) $(CLI_OBJ) $(B)/libtouchpoint.a $(LDLIBS_ALL) -o $@

$(B)/tests/%: tests/unit/%.c $(B)/libtouchpoint-test.a
	@mkdir -p $(dir $@)
	$(call say,TEST,$@)
	$(Q)$(CC) $(CFLAGS_ALL) -DTP_TESTING $< $(B)/libtouchpoint-test.a $(LDLIBS_ALL) -lcmocka -o $@

# The JSON comparison also links jansson, the library it is measured against.
$(B)/bench/bench_json: LDLIBS_ALL += $(shell pkg-config --libs jansson 2>/dev/null)

$(B)/bench/%: bench/%.c bench/bench.h tests/ref/jtok_jsmn.h $(B)/libtouchpoint.a
	@mkdir -p $(dir $@)
	$(call say,BENCH,$@)
	$(Q)$(CC) $(CFLAGS_ALL) $< $(B)/libtouchpoint.a $(LDLIBS_ALL) -o $@

unit: $(UNIT_BIN)

test: all unit fuzz-build
	@B=$(B) FUZZ_SECONDS=$(FUZZ_SECONDS_TEST) tests/run.sh

demo:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

deps:
	@scripts/deps.sh

# Long runs: the collector's durability under SIGKILL (docs/PERFORMANCE.md).
stress: all
	TOUCHPOINT=$(CURDIR)/$(B)/touchpoint python3 tests/stress/durability.py --seconds 120 --kills 40 --clients 8
	TOUCHPOINT=$(CURDIR)/$(B)/touchpoint python3 tests/stress/durability.py --seconds 60 --kills 20 --clients 8 --queue-over 0

bench: all $(BENCH_BIN)
	@B=$(B) bench/run.sh

# libFuzzer targets (clang). `make fuzz` runs each for FUZZ_SECONDS; `make test`
# runs each for FUZZ_SECONDS_TEST over its corpus.
FUZZ_SECONDS ?= 300
FUZZ_SECONDS_TEST ?= 10
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc $(PKG_CFLAGS) \
              -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
build/fuzz/%: tests/fuzz/%.c tests/ref/jtok_jsmn.h $(LIB_SRC) $(WEB_SRC)
	@mkdir -p $(dir $@)
	$(call say,FUZZ,$@)
	$(Q)clang $(FUZZ_FLAGS) $< $(LIB_SRC) $(WEB_SRC) $(PKG_LIBS) -lcsv -llinear -lumfpack -lpthread -lm -o $@
fuzz-build: $(FUZZ_BIN)
fuzz: fuzz-build
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

check-style:
	@scripts/check-style.sh

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard include/touchpoint/*.h src/*/*.h src/*/*/*.h)

clean:
	rm -rf build

clean-san:
	rm -rf build/san

-include $(LIB_OBJ:.o=.d) $(TLIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
