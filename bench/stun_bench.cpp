// Benchmarks for the STUN per-packet path: parse + MESSAGE-INTEGRITY/FINGERPRINT checks of a
// browser's connectivity check, writing the success response, and the whole ICE-lite answer.
// Threading: single-threaded benchmarks.
#include <benchmark/benchmark.h>

#include <array>

#include "proto/stun.hpp"
#include "transport/ice_lite.hpp"

namespace rounds {
namespace {

constexpr std::string_view kLocalUfrag = "Xq3vN8pLw2Rz7TfK";
constexpr std::string_view kLocalPwd = "h7Jk2LmN9pQr4StV6wXy8Za1";
constexpr std::string_view kUsername = "Xq3vN8pLw2Rz7TfK:a1B2";

// A check as Chrome sends it once nominated: USERNAME, ICE-CONTROLLING, USE-CANDIDATE, PRIORITY,
// MESSAGE-INTEGRITY, FINGERPRINT (~100 bytes).
struct Request {
  Request() {
    stun::BindingRequestParams p;
    p.transactionId = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    p.username = kUsername;
    p.key = kLocalPwd;
    p.priority = 0x6e001eff;
    p.tieBreaker = 0x1b3f6a2c9d8e7f01ull;
    p.controlling = true;
    p.useCandidate = true;
    size = stun::writeBindingRequest(bytes, p);
  }
  std::array<uint8_t, 256> bytes{};
  size_t size = 0;
  Bytes view() const { return Bytes(bytes.data(), size); }
};

void BM_StunParse(benchmark::State& state) {
  Request req;
  for (auto _ : state) {
    auto m = stun::parse(req.view());
    benchmark::DoNotOptimize(m);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size));
}
BENCHMARK(BM_StunParse);

void BM_StunParseAndCheck(benchmark::State& state) {
  Request req;
  for (auto _ : state) {
    auto m = stun::parse(req.view());
    bool ok = m && stun::checkFingerprint(req.view(), *m) &&
              stun::checkIntegrity(req.view(), *m, kLocalPwd);
    benchmark::DoNotOptimize(ok);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * req.size));
}
BENCHMARK(BM_StunParseAndCheck);

void BM_StunWriteSuccess(benchmark::State& state) {
  std::array<uint8_t, 256> out{};
  stun::TransactionId tid{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  auto mapped = *SocketAddress::parse("192.168.1.20", 54321);
  for (auto _ : state) {
    size_t n = stun::writeBindingSuccess(out, tid, mapped, kLocalPwd);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_StunWriteSuccess);

struct NullListener : IceLite::Listener {
  void onIceSelectedTuple(const SocketAddress&) override {}
};

// The whole worker path for one check: parse, authenticate, answer.
void BM_IceLiteAnswerCheck(benchmark::State& state) {
  Request req;
  NullListener listener;
  IceLite ice{std::string(kLocalUfrag), std::string(kLocalPwd), listener};
  auto from = *SocketAddress::parse("192.168.1.20", 54321);
  std::array<uint8_t, 256> out{};
  TimePoint now{};
  for (auto _ : state) {
    auto m = stun::parse(req.view());
    size_t n = m ? ice.processStun(req.view(), *m, from, now, out) : 0;
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_IceLiteAnswerCheck);

}  // namespace
}  // namespace rounds
