# Rounds: the two commands an operator needs are `make run` and `make test`.
JOBS ?= $(shell nproc)
BUILD ?= build/release
ASAN ?= build/asan
FUZZ ?= build/fuzz
FUZZ_SECONDS ?= 10

.PHONY: all deps test-deps build client run test test-asan test-fuzz test-unit fuzz bench format clean

all: build client

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh --test

# The server binary only (what `make run` needs); `make test` and `make bench` build their own targets.
build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target rounds

client: deps
	@scripts/build-client.sh

run: build client
	@$(BUILD)/rounds --web-root client/dist $(ARGS)

# Everything: unit + integration under ASan/UBSan, each fuzzer briefly, then the release build's
# full suite (unit, integration, browser end-to-end). The last line is CTest's summary.
test: test-deps client
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory test-fuzz
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@cd $(BUILD) && ctest --output-on-failure -j 1 --timeout 600

test-asan:
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DROUNDS_SANITIZE=ON -DROUNDS_BENCH=OFF >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -L 'unit|integration' -j $(JOBS)

test-fuzz:
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROUNDS_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS)
	@scripts/run-fuzzers.sh $(FUZZ) $(FUZZ_SECONDS)

fuzz:
	@$(MAKE) --no-print-directory test-fuzz FUZZ_SECONDS=300

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
