// Benchmarks for transport/srtp and transport/dtls: SRTP protect/unprotect of a 1,200-byte RTP
// packet per profile, and a full in-process DTLS handshake. Threading: single-threaded.
#include <benchmark/benchmark.h>

#include <cstring>
#include <deque>
#include <vector>

#include "counting_allocator.hpp"
#include "transport/dtls.hpp"
#include "transport/srtp.hpp"

namespace rounds {
namespace {

constexpr size_t kPacketSize = 1200;
constexpr size_t kBatch = 4096;

// Argument: 0 = AEAD_AES_128_GCM by our own code (srtp_gcm), 1 = AES_CM_128_HMAC_SHA1_80
// (libsrtp2), 2 = AEAD_AES_128_GCM by libsrtp2 (the side-by-side row).
SrtpProfile profileArg(const benchmark::State& state) {
  return state.range(0) == 1 ? SrtpProfile::Aes128CmSha1_80 : SrtpProfile::AeadAes128Gcm;
}
SrtpBackend backendArg(const benchmark::State& state) {
  return state.range(0) == 2 ? SrtpBackend::Libsrtp2 : SrtpBackend::Default;
}
bool argSupported(const benchmark::State& state) {
  return state.range(0) == 2 ? srtpLibsrtpSupports(SrtpProfile::AeadAes128Gcm)
                             : srtpProfileSupported(profileArg(state));
}
std::string argLabel(const benchmark::State& state) {
  std::string l(toString(profileArg(state)));
  if (state.range(0) == 0) l += " (srtp_gcm)";
  if (state.range(0) == 2) l += " (libsrtp2)";
  return l;
}

std::vector<uint8_t> benchKey(SrtpProfile p) {
  std::vector<uint8_t> key(srtpKeyLength(p) + srtpSaltLength(p));
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 31 + 7);
  return key;
}

void fillRtp(uint8_t* p, uint16_t seq) {
  p[0] = 0x80;
  p[1] = 96;
  writeU16(p + 2, seq);
  writeU32(p + 4, 3000u * seq);
  writeU32(p + 8, 0x11223344);
  for (size_t i = 12; i < kPacketSize; ++i) p[i] = static_cast<uint8_t>(i);
}

// Each iteration: restore the plaintext (a 1,200-byte memcpy) and protect it with a fresh seq.
void BM_SrtpProtect(benchmark::State& state) {
  const SrtpProfile profile = profileArg(state);
  if (!argSupported(state)) {
    state.SkipWithError("profile not supported");
    return;
  }
  auto session = SrtpSession::create(SrtpSession::Direction::Outbound, profile, benchKey(profile),
                                     backendArg(state));
  if (!session.ok()) {
    state.SkipWithError(session.error().message.c_str());
    return;
  }
  uint8_t plain[kPacketSize];
  fillRtp(plain, 0);
  uint8_t buf[kPacketSize + kSrtpMaxTrailer];
  uint16_t seq = 0;
  bench::AllocationTally tally;
  for (auto _ : state) {
    std::memcpy(buf, plain, kPacketSize);
    writeU16(buf + 2, ++seq);
    size_t len = kPacketSize;
    tally.begin();
    bool ok = (*session)->protectRtp(buf, len, sizeof(buf));
    tally.end();
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(buf);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPacketSize));
  state.SetLabel(argLabel(state));
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_SrtpProtect)->Arg(0)->Arg(1)->Arg(2);

// Packets are protected ahead of time in batches (outside the timing); each iteration copies one
// protected packet and unprotects it. A new inbound session per batch keeps replay state valid.
void BM_SrtpUnprotect(benchmark::State& state) {
  const SrtpProfile profile = profileArg(state);
  if (!argSupported(state)) {
    state.SkipWithError("profile not supported");
    return;
  }
  const auto key = benchKey(profile);
  auto out = SrtpSession::create(SrtpSession::Direction::Outbound, profile, key, backendArg(state));
  if (!out.ok()) {
    state.SkipWithError(out.error().message.c_str());
    return;
  }
  std::vector<std::vector<uint8_t>> packets(kBatch);
  std::vector<size_t> lengths(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    packets[i].resize(kPacketSize + kSrtpMaxTrailer);
    fillRtp(packets[i].data(), static_cast<uint16_t>(i + 1));
    lengths[i] = kPacketSize;
    (*out)->protectRtp(packets[i].data(), lengths[i], packets[i].size());
  }
  std::unique_ptr<SrtpSession> in;
  uint8_t buf[kPacketSize + kSrtpMaxTrailer];
  size_t i = kBatch;
  bool failed = false;
  bench::AllocationTally tally;
  for (auto _ : state) {
    if (i == kBatch) {
      state.PauseTiming();
      in = std::move(
          SrtpSession::create(SrtpSession::Direction::Inbound, profile, key, backendArg(state))
              .value());
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(buf, packets[i].data(), lengths[i]);
    size_t len = lengths[i];
    tally.begin();
    failed |= !in->unprotectRtp(buf, len);
    tally.end();
    benchmark::DoNotOptimize(buf);
    ++i;
  }
  if (failed) state.SkipWithError("unprotect failed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPacketSize));
  state.SetLabel(argLabel(state));
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_SrtpUnprotect)->Arg(0)->Arg(1)->Arg(2);

struct BenchEndpoint : DtlsTransport::Listener {
  std::deque<std::vector<uint8_t>>* wire = nullptr;
  bool connected = false;
  bool failed = false;
  void onDtlsSend(Bytes r) override { wire->emplace_back(r.begin(), r.end()); }
  void onDtlsConnected(const DtlsTransport::SrtpKeys&) override { connected = true; }
  void onDtlsFailed(const std::string&) override { failed = true; }
  void onDtlsClosed() override {}
};

// A complete DTLS 1.2 handshake between two in-process transports (both sides' CPU), including
// SSL_CTX/SSL set-up and SRTP key export; certificates are generated once, as in the server.
void BM_DtlsHandshake(benchmark::State& state) {
  auto clientCert = Certificate::generate();
  auto serverCert = Certificate::generate();
  if (!clientCert.ok() || !serverCert.ok()) {
    state.SkipWithError("certificate generation failed");
    return;
  }
  bool allConnected = true;
  for (auto _ : state) {
    std::deque<std::vector<uint8_t>> toServer;
    std::deque<std::vector<uint8_t>> toClient;
    BenchEndpoint c;
    BenchEndpoint s;
    c.wire = &toServer;
    s.wire = &toClient;
    DtlsTransport client(*clientCert, DtlsTransport::Role::Client, c);
    DtlsTransport server(*serverCert, DtlsTransport::Role::Server, s);
    client.setRemoteFingerprint("sha-256", (*serverCert)->fingerprintSha256());
    server.setRemoteFingerprint("sha-256", (*clientCert)->fingerprintSha256());
    server.start();
    client.start();
    while (!toServer.empty() || !toClient.empty()) {
      if (!toServer.empty()) {
        auto d = std::move(toServer.front());
        toServer.pop_front();
        server.processPacket(d);
      }
      if (!toClient.empty()) {
        auto d = std::move(toClient.front());
        toClient.pop_front();
        client.processPacket(d);
      }
    }
    allConnected &= c.connected && s.connected;
  }
  if (!allConnected) state.SkipWithError("handshake did not complete");
}
BENCHMARK(BM_DtlsHandshake)->Unit(benchmark::kMicrosecond);

void BM_CertificateGenerate(benchmark::State& state) {
  for (auto _ : state) {
    auto cert = Certificate::generate();
    benchmark::DoNotOptimize(cert);
  }
}
BENCHMARK(BM_CertificateGenerate)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rounds
