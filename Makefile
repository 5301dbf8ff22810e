# SPDX-License-Identifier: MIT
# Makefile - build, test, fuzz, lint, demo and install nsstack
#
#   make            build/nsstackd, build/nsctl, build/libnsshim.so (as they land)
#   make check      deps, build, unit tests (ASan+UBSan), stress, integration
#   make unit       Criterion unit tests only (no privileges, no network)
#   make stress     100 MB cross-process shared-memory ring test
#   make integration  namespace + TAP tests (root)
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS (default 20) each
#   make lint       clang-format check, clang-tidy, cppcheck
#   make demo       deps, build, run the demo in a throw-away namespace
#   make bench      kernel versus engine benchmarks (root) -> bench/results/
#   make install    PREFIX=/usr/local DESTDIR=
#   make deps       install missing Debian packages (does nothing if present)

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
VERSION := 0.1.0
FUZZ_SECONDS ?= 20
FUZZ_CC ?= clang-14

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wvla -Wformat=2 -Werror
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -Iinclude -Istack -Iipc \
	-Itests/unit -g $(WARN)
CFLAGS ?= -O2
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

WIRE_SRC := $(sort $(wildcard stack/wire/*.c))
# Programs: one file with main() each; everything else in stack/ is the
# engine library.  Unit tests link the library as an archive, so a test
# pulls in only the modules it uses.
MAIN_SRC := stack/nsstackd.c stack/nsctl.c
STACK_SRC := $(filter-out $(MAIN_SRC),$(sort $(wildcard stack/*.c)))
# Shared-memory rings and the control protocol: used by engine and shim.
IPC_SRC := $(sort $(wildcard ipc/*.c))
# The preload library; the parts without libc hooks are unit-tested too.
PRELOAD_SRC := $(sort $(wildcard preload/*.c))
PRELOAD_CORE_SRC := preload/fdtable.c preload/decide.c preload/epoll_core.c \
	preload/scm_core.c
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
# Test doubles (fake engine, fake device), linked only where a test uses them.
SUPPORT_SRC := $(sort $(wildcard tests/unit/fake_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
SRC_ALL := $(shell find include stack ipc preload tests bench -name '*.[ch]' \
	-not -path 'tests/fixtures/*' 2>/dev/null)

# Release objects, sanitizer objects for tests.
OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
SANOBJ = $(patsubst %.c,$(BUILD)/san/%.o,$(1))

LIBWIRE := $(BUILD)/libnswire.a
LIBIPC := $(BUILD)/libnsipc.a
SAN_LIBS := $(BUILD)/san/libtestsupport.a $(BUILD)/san/libnsstack.a \
	$(BUILD)/san/libnswire.a $(BUILD)/san/libnsipc.a \
	$(BUILD)/san/libnsshimcore.a
LDLIBS := -luv -ljson-c
UNIT_BIN := $(BUILD)/unit_tests
STRESS_BIN := $(BUILD)/ipc_stress
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))

.PHONY: all check unit stress integration fuzz lint format demo install deps \
	clean bench

NSSTACKD := $(BUILD)/nsstackd
NSCTL := $(BUILD)/nsctl
NSSHIM := $(BUILD)/libnsshim.so
ALL_TARGETS := $(LIBWIRE) $(LIBIPC) $(NSSTACKD) $(NSCTL) $(NSSHIM)

all: $(ALL_TARGETS)

$(BUILD)/libnsstack.a: $(call OBJ,$(STACK_SRC))
	$(AR) rcs $@ $^

# The engine: its main, the engine library, the wire library; libuv for
# the loop, json-c for the control socket.
$(NSSTACKD): $(call OBJ,stack/nsstackd.c) $(BUILD)/libnsstack.a $(LIBWIRE) \
		$(LIBIPC)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# nsctl is a plain client: only json-c and the framing header.
$(NSCTL): $(call OBJ,stack/nsctl.c)
	$(CC) $(CFLAGS) -o $@ $^ -ljson-c

# libnsshim.so lives inside other programs: position-independent, every
# symbol hidden but the libc functions it interposes (preload/nsshim.map).
PIC_OBJ = $(patsubst %.c,$(BUILD)/pic/%.o,$(1))
$(NSSHIM): $(call PIC_OBJ,$(PRELOAD_SRC) $(IPC_SRC)) preload/nsshim.map
	$(CC) $(CFLAGS) -shared -fPIC -o $@ \
		$(call PIC_OBJ,$(PRELOAD_SRC) $(IPC_SRC)) \
		-Wl,--version-script=preload/nsshim.map -Wl,-z,defs -ldl -lpthread

# Only the shim and its tests see the shim's private headers.
$(BUILD)/pic/preload/%.o $(BUILD)/obj/preload/%.o $(BUILD)/san/preload/%.o \
$(BUILD)/san/tests/%.o $(BUILD)/obj/tests/%.o: PRELOAD_INC := -Ipreload

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(PRELOAD_INC) $(CFLAGS) -fPIC -fvisibility=hidden \
		-MMD -MP -c -o $@ $<

$(BUILD)/san/libnsshimcore.a: $(call SANOBJ,$(PRELOAD_CORE_SRC))
	$(AR) rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(PRELOAD_INC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(PRELOAD_INC) -O1 $(SAN) -MMD -MP -c -o $@ $<

$(LIBWIRE): $(call OBJ,$(WIRE_SRC))
	$(AR) rcs $@ $^

$(LIBIPC): $(call OBJ,$(IPC_SRC))
	$(AR) rcs $@ $^

$(BUILD)/san/libnsstack.a: $(call SANOBJ,$(STACK_SRC))
	$(AR) rcs $@ $^

$(BUILD)/san/libnsipc.a: $(call SANOBJ,$(IPC_SRC))
	$(AR) rcs $@ $^

$(BUILD)/san/libnswire.a: $(call SANOBJ,$(WIRE_SRC))
	$(AR) rcs $@ $^

$(BUILD)/san/libtestsupport.a: $(call SANOBJ,$(SUPPORT_SRC))
	$(AR) rcs $@ $^

$(UNIT_BIN): $(call SANOBJ,$(UNIT_SRC)) $(SAN_LIBS)
	$(CC) $(SAN) -o $@ $(call SANOBJ,$(UNIT_SRC)) $(SAN_LIBS) -lcriterion \
		$(LDLIBS)

# Unit tests: Criterion, sanitizers on, no root and no network needed.
unit: $(UNIT_BIN)
	@mkdir -p $(BUILD)
	$(UNIT_BIN) --jobs 2 2>&1 | tee $(BUILD)/unit.log; \
		exit $${PIPESTATUS[0]}

# Cross-process ring stress: 100 MB between two processes, -O2 (the unit
# tests run a smaller one under ASan).
$(STRESS_BIN): tests/stress/ipc_stress.c tests/stress/ipc_stress.h $(LIBIPC)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $< $(LIBIPC)

stress: $(STRESS_BIN)
	$(STRESS_BIN) | tee $(BUILD)/stress.log; exit $${PIPESTATUS[0]}

# Plain programs the integration tests run, with and without the shim.
INTEG_PROGS := $(patsubst tests/integration/%.c,$(BUILD)/%, \
	$(sort $(wildcard tests/integration/*.c)))
$(INTEG_PROGS): $(BUILD)/%: tests/integration/%.c
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

integration: all $(INTEG_PROGS)
	tests/integration/run.sh $(BUILD)

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) stress
	$(MAKE) integration
	@scripts/check-summary.sh $(BUILD)

# Harnesses link the wire and IPC libraries, plus the few engine modules
# that parse untrusted bytes on their own (FUZZ_STACK_SRC).
FUZZ_STACK_SRC := stack/netdev_vnet.c
$(BUILD)/fuzz/%: tests/fuzz/%.c $(WIRE_SRC) $(IPC_SRC) $(FUZZ_STACK_SRC) \
		$(wildcard stack/wire/*.h ipc/*.h include/nsstack/*.h stack/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all -o $@ $< $(WIRE_SRC) $(IPC_SRC) \
		$(FUZZ_STACK_SRC)

# Each harness fuzz_<p> starts from the golden frames in tests/fixtures/<p>/.
fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
		n=$${f##*/fuzz_}; c=$(BUILD)/fuzz/corpus_$$n; \
		mkdir -p $$c; cp tests/fixtures/$$n/*.bin $$c/ 2>/dev/null || true; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/crash_$$n- $$c \
			> $(BUILD)/fuzz/$$n.log 2>&1 || \
			{ tail -40 $(BUILD)/fuzz/$$n.log; exit 1; }; \
		grep -E 'stat::number_of_executed_units' $(BUILD)/fuzz/$$n.log \
			| sed "s/^/fuzz: $$n: /"; \
	done

lint:
	clang-format --dry-run --Werror $(SRC_ALL)
	clang-tidy --quiet $(filter-out bench/lwip/%,$(filter %.c,$(SRC_ALL))) \
		-- $(BASE_CFLAGS) -Ipreload 2>/dev/null
	$(if $(HAVE_LWIP),clang-tidy --quiet $(filter bench/lwip/%.c,$(SRC_ALL)) \
		-- $(BASE_CFLAGS) -isystem $(LWIP_INC) 2>/dev/null)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--std=c11 --inline-suppr -Iinclude -Istack -Iipc -Ipreload \
		--suppress=missingIncludeSystem include stack ipc preload

format:
	clang-format -i $(SRC_ALL)

deps:
	@scripts/deps.sh

demo: deps
	$(MAKE) all
	tests/integration/demo.sh $(BUILD)

# Benchmarks: kernel (veth) versus engine (TAP) in namespaces, same run.
# Their extra packages (gnuplot-nox, iperf3) are a separate list, so
# `make check` never pulls them.
BENCH_BIN := $(BUILD)/bench/udprr

$(BENCH_BIN): bench/udprr.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

# The lwIP peer (bench/lwip/): only where liblwip-dev is installed, an
# optional package that no deps list pulls; run.sh skips the peer, saying
# so, without it.
LWIP_PEER := $(BUILD)/bench/lwip_peer
LWIP_INC := $(shell pkg-config --variable=includedir lwip 2>/dev/null)
HAVE_LWIP := $(if $(LWIP_INC),$(wildcard $(LWIP_INC)/lwip/tcp.h))

$(LWIP_PEER): bench/lwip/lwip_peer.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -isystem $(LWIP_INC) -o $@ $< \
		-llwip -lpthread

bench:
	@scripts/deps.sh
	@scripts/deps.sh bench
	$(MAKE) all $(BENCH_BIN) $(if $(HAVE_LWIP),$(LWIP_PEER))
	bench/run.sh $(BUILD)

# Installs what `all` built: programs, the preload library, the wire-format
# library with its headers, and nsstack.pc.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/nsstack \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include/nsstack/wire
	for b in $(filter $(BUILD)/nsstackd $(BUILD)/nsctl,$(ALL_TARGETS)); do \
		install -m 755 $$b $(DESTDIR)$(PREFIX)/bin/; done
	for l in $(filter %.so,$(ALL_TARGETS)); do \
		install -m 755 $$l $(DESTDIR)$(PREFIX)/lib/nsstack/; done
	install -m 644 $(LIBWIRE) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 stack/wire/*.h $(DESTDIR)$(PREFIX)/include/nsstack/wire/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' nsstack.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/nsstack.pc

clean:
	rm -rf $(BUILD)

SHELL := /bin/bash
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
