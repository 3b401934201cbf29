// Counting allocators for the benchmark binary: every operator new and every malloc in
// rounds_bench bumps a counter, so a benchmark can report heap allocations per packet.
// Threading: atomic counters.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>

namespace rounds::bench {

// Number of global operator new calls (all forms) since the process started.
uint64_t allocationCount();
// Number of C heap allocations (malloc, calloc, realloc, aligned forms) since the process
// started, from every library in the process (libsrtp2 and OpenSSL included); operator new is
// built on malloc, so this includes allocationCount().
uint64_t mallocCount();

// Heap allocations made inside the timed part only (the refills outside the timing allocate), as
// counted by counting_allocator_bench.cpp: operator new calls and C mallocs (libsrtp2, OpenSSL).
struct AllocationTally {
  uint64_t news = 0, mallocs = 0, news0 = 0, mallocs0 = 0;
  void begin() {
    news0 = allocationCount();
    mallocs0 = mallocCount();
  }
  void end() {
    news += allocationCount() - news0;
    mallocs += mallocCount() - mallocs0;
  }
  void report(benchmark::State& state, double forwarded) {
    if (forwarded <= 0) return;
    state.counters["newPerForwarded"] = static_cast<double>(news) / forwarded;
    state.counters["mallocPerForwarded"] = static_cast<double>(mallocs) / forwarded;
    state.counters["mallocs"] = static_cast<double>(mallocs);
  }
};

}  // namespace rounds::bench
