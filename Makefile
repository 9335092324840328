# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else here is a convenience around CMake.
BUILD ?= build
TESTBUILD ?= build-asan
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test unit format format-check bench clean node_modules

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
test: deps node_modules
	cmake -S . -B $(TESTBUILD) -DCMAKE_BUILD_TYPE=Debug -DGLOVED_SANITIZE=ON
	cmake --build $(TESTBUILD) -j $(JOBS)
	./scripts/format-check.sh
	cd $(TESTBUILD) && ctest --output-on-failure -j 2

unit: deps
	cmake -S . -B $(TESTBUILD) -DCMAKE_BUILD_TYPE=Debug -DGLOVED_SANITIZE=ON
	cmake --build $(TESTBUILD) -j $(JOBS)
	cd $(TESTBUILD) && ctest --output-on-failure -L unit

# Benchmarks print figures and ratios (docs/performance.md); BENCH_ARGS go to
# each, e.g. make bench BENCH_ARGS=--quick.
bench: build
	BUILD=$(BUILD) ./bench/run.sh $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(TESTBUILD)
