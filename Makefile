# Rounds: the two commands an operator needs are `make run` and `make test`.
JOBS ?= $(shell nproc)
BUILD ?= build/release
ASAN ?= build/asan
# The sanitizer tree's optimisation: -O0 builds in 60 % of -O1's time (what `make test` wants);
# `make fuzz` builds its own -O1 tree, whose fuzz targets run 2 to 7 times more inputs a second.
SAN_OPT ?= -O0
FUZZ_SECONDS ?= 10

# The release tree (GCC, -O2 -g1): `make run` builds the server from it, `make test` everything.
CONFIGURE_RELEASE = scripts/configure.sh $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps test-deps build client run test asan-build test-asan test-fuzz fuzz bench format clean

all: build client

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

# The server binary only (what `make run` needs); `make test` and `make bench` build their own targets.
build: deps
	@$(CONFIGURE_RELEASE)
	@cmake --build $(BUILD) -j $(JOBS) --target rounds

client: deps
	@scripts/build-client.sh

run: build client
	@$(BUILD)/rounds --web-root client/dist $(ARGS)

# Everything: unit + integration under ASan/UBSan, each fuzzer briefly (both from one clang tree),
# then the release build's full suite (unit, integration, browser end-to-end). The last line is
# CTest's summary. Where the time goes: docs/building.md.
test: test-deps client
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fuzz
	@$(CONFIGURE_RELEASE)
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

# One tree for the sanitizers: clang, ASan + UBSan at $(SAN_OPT), every library also instrumented
# for libFuzzer, so the same objects serve the tests and the fuzz targets.
asan-build:
	@scripts/configure.sh $(ASAN) -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
		-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_C_FLAGS_DEBUG=$(SAN_OPT) -g1" "-DCMAKE_CXX_FLAGS_DEBUG=$(SAN_OPT) -g1" \
		-DROUNDS_SANITIZE=ON -DROUNDS_FUZZ=ON -DROUNDS_BENCH=OFF
	@cmake --build $(ASAN) -j $(JOBS)

test-asan: asan-build
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -L 'unit|integration' -j $(JOBS)

test-fuzz: asan-build
	@scripts/run-fuzzers.sh $(ASAN) $(FUZZ_SECONDS)

fuzz: test-deps
	@$(MAKE) --no-print-directory test-fuzz ASAN=build/fuzz SAN_OPT=-O1 FUZZ_SECONDS=300

# Microbenchmarks, then the load scenarios against Rounds and Janus (docs/performance.md); under
# 15 minutes. Needs root (network namespaces) and the bench packages (gnuplot, janus).
bench: build
	@scripts/install-deps.sh --bench
	@cmake --build $(BUILD) -j $(JOBS) --target rounds_bench rounds-load
	@scripts/bench.sh $(BUILD)

format:
	@find src test bench tools -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf build client/dist
