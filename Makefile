# SPDX-License-Identifier: Apache-2.0
# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else here is a convenience around CMake.
BUILD ?= build
TESTBUILD ?= build-asan
JOBS ?= $(shell nproc)
FUZZBUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 20
VGBUILD ?= build-valgrind

.PHONY: all deps build demo test unit valgrind format format-check bench clean node_modules fuzz fuzz-build

all: build

deps:
	./scripts/deps.sh

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

demo: build node_modules
	./scripts/demo.sh

# Every test: unit tests, integration tests against the real broker and
# daemon, the dashboard in headless Chromium. Built with ASan and UBSan.
# ctest runs under scripts/pg.sh run: a private PostgreSQL server in a
# temporary directory for the store's PostgreSQL variants (unit/*_pg),
# stopped and removed afterwards, also when a test fails.
test: deps node_modules
	cmake -S . -B $(TESTBUILD) -DCMAKE_BUILD_TYPE=Debug -DGLOVED_SANITIZE=ON
	cmake --build $(TESTBUILD) -j $(JOBS)
	./scripts/format-check.sh
	./scripts/layers.sh
	./scripts/pg.sh run sh -c 'cd $(TESTBUILD) && ctest --output-on-failure -j 2'
	$(MAKE) valgrind
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_TEST_SECONDS)

unit: deps
	cmake -S . -B $(TESTBUILD) -DCMAKE_BUILD_TYPE=Debug -DGLOVED_SANITIZE=ON
	cmake --build $(TESTBUILD) -j $(JOBS)
	./scripts/pg.sh run sh -c 'cd $(TESTBUILD) && ctest --output-on-failure -L unit'

# The suite once under valgrind (issue 15: besides ASan/UBSan): a Debug
# build without sanitizers in $(VGBUILD); every unit test executable under
# valgrind, $(JOBS) at a time, then integration tests with the daemon under
# valgrind (scripts/valgrind.sh, docs/fuzzing.md). `make test` runs it.
valgrind: deps node_modules
	cmake -S . -B $(VGBUILD) -DCMAKE_BUILD_TYPE=Debug -DGLOVED_SANITIZE=OFF
	cmake --build $(VGBUILD) -j $(JOBS)
	VGBUILD=$(VGBUILD) JOBS=$(JOBS) ./scripts/valgrind.sh

# Benchmarks print figures and ratios (docs/performance.md); BENCH_ARGS go to
# each, e.g. make bench BENCH_ARGS=--quick.
bench: build
	BUILD=$(BUILD) ./bench/run.sh $(BENCH_ARGS)

# libFuzzer targets (fuzz/fuzz_*.c, docs/fuzzing.md), built with clang and
# ASan+UBSan into $(FUZZBUILD), each run for FUZZ_SECONDS from its seed
# corpus (fuzz/corpus/<target>, read only; new inputs go to
# $(FUZZBUILD)/corpus/<target>). A crash stops make; its input is saved as
# $(FUZZBUILD)/crashes/<target>-crash-<sha1>. `make test` runs each for
# FUZZ_TEST_SECONDS.
fuzz-build: deps
	CC=clang cmake -S . -B $(FUZZBUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLOVED_FUZZ=ON
	cmake --build $(FUZZBUILD) -j $(JOBS) --target $$(for f in fuzz/fuzz_*.c; do basename $$f .c; done)

fuzz: fuzz-build
	@set -e; for src in fuzz/fuzz_*.c; do \
		t=$$(basename $$src .c); \
		mkdir -p $(FUZZBUILD)/corpus/$$t $(FUZZBUILD)/crashes; \
		dict=""; [ -f fuzz/$$t.dict ] && dict="-dict=fuzz/$$t.dict"; \
		echo "== $$t for $(FUZZ_SECONDS) s"; \
		$(FUZZBUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 $$dict \
			-artifact_prefix=$(FUZZBUILD)/crashes/$$t- \
			$(FUZZBUILD)/corpus/$$t fuzz/corpus/$$t 2>$(FUZZBUILD)/$$t.log \
			|| { tail -n 60 $(FUZZBUILD)/$$t.log; echo "make fuzz: $$t failed (log: $(FUZZBUILD)/$$t.log)" >&2; exit 1; }; \
		grep -E '^(Done|stat::(number_of_executed_units|new_units_added))' $(FUZZBUILD)/$$t.log; \
	done

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'fuzz/*.c')

clean:
	rm -rf $(BUILD) $(TESTBUILD) $(FUZZBUILD)
