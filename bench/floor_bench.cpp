// The floor: the unavoidable work of any SFU per forwarded packet, with no SFU logic at all.
// One SRTP packet is unprotected, then protected N times with N keys (one per subscriber) and the
// N copies are sent to loopback with sendmmsg. Threading: single-threaded.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <memory>
#include <vector>

#include "common/bytes.hpp"
#include "counting_allocator.hpp"
#include "transport/srtp.hpp"

namespace rounds {
namespace {

constexpr size_t kPacket = 1200;  // a full video packet, as in forward_bench.cpp
constexpr size_t kBatch = 32;     // datagrams per sendmmsg, as net/UdpSocket
constexpr size_t kSlot = 2048;

std::vector<uint8_t> keyFor(int i) {
  std::vector<uint8_t> k(srtpKeyLength(SrtpProfile::AeadAes128Gcm) +
                         srtpSaltLength(SrtpProfile::AeadAes128Gcm));
  for (size_t j = 0; j < k.size(); ++j) k[j] = static_cast<uint8_t>(i * 13 + j * 7 + 1);
  return k;
}

void fillRtp(uint8_t* p, uint16_t seq) {
  p[0] = 0x80;
  p[1] = 96;
  writeU16(p + 2, seq);
  writeU32(p + 4, 3000u * seq);
  writeU32(p + 8, 0xA11CE);
  for (size_t i = 12; i < kPacket; ++i) p[i] = static_cast<uint8_t>(i);
}

// Everything preallocated: N outbound sessions, N send slots, one mmsghdr array, and a loopback
// sink socket nobody reads (as in forward_bench.cpp: once its buffer is full the kernel drops,
// but every send still walks the whole UDP/IP/loopback path).
struct Floor {
  int n;
  int tx = -1, sink = -1;
  sockaddr_in sinkAddr{};
  std::unique_ptr<SrtpSession> publisher;  // the browser's side
  std::unique_ptr<SrtpSession> inbound;
  std::vector<std::unique_ptr<SrtpSession>> outbound;
  std::vector<std::array<uint8_t, kSlot>> slots;
  std::vector<iovec> iov;
  std::vector<mmsghdr> hdr;

  Floor(int subscribers, SrtpBackend backend) : n(subscribers) {
    srtpGlobalInit();
    const auto profile = SrtpProfile::AeadAes128Gcm;
    publisher = std::move(
        SrtpSession::create(SrtpSession::Direction::Outbound, profile, keyFor(-1), backend)
            .value());
    inbound = std::move(
        SrtpSession::create(SrtpSession::Direction::Inbound, profile, keyFor(-1), backend)
            .value());
    for (int i = 0; i < n; ++i) {
      outbound.push_back(std::move(
          SrtpSession::create(SrtpSession::Direction::Outbound, profile, keyFor(i), backend)
              .value()));
    }
    sink = ::socket(AF_INET, SOCK_DGRAM, 0);
    tx = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sinkAddr.sin_family = AF_INET;
    sinkAddr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(sink, reinterpret_cast<sockaddr*>(&sinkAddr), sizeof sinkAddr);
    socklen_t len = sizeof sinkAddr;
    ::getsockname(sink, reinterpret_cast<sockaddr*>(&sinkAddr), &len);
    int size = 4 << 20;
    ::setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    slots.resize(n);
    iov.resize(n);
    hdr.resize(n);
    for (int i = 0; i < n; ++i) {
      hdr[i] = mmsghdr{};
      iov[i].iov_base = slots[i].data();
      hdr[i].msg_hdr.msg_iov = &iov[i];
      hdr[i].msg_hdr.msg_iovlen = 1;
      hdr[i].msg_hdr.msg_name = &sinkAddr;
      hdr[i].msg_hdr.msg_namelen = sizeof sinkAddr;
    }
  }
  ~Floor() {
    ::close(tx);
    ::close(sink);
  }

  // The work per incoming packet: unprotect in place, then per subscriber copy, protect, send.
  void forward(uint8_t* pkt, size_t len) {
    if (!inbound->unprotectRtp(pkt, len)) return;
    for (int i = 0; i < n; ++i) {
      std::memcpy(slots[i].data(), pkt, len);
      size_t out = len;
      outbound[i]->protectRtp(slots[i].data(), out, kSlot);
      iov[i].iov_len = out;
    }
    for (int done = 0; done < n;) {
      unsigned int count = static_cast<unsigned int>(std::min<int>(kBatch, n - done));
      int sent = ::sendmmsg(tx, hdr.data() + done, count, MSG_DONTWAIT);
      done +=
          sent > 0 ? sent : static_cast<int>(count);  // a refused batch is dropped, as in an SFU
    }
  }
};

// Per iteration: one incoming packet forwarded to N subscribers. "items" are forwarded copies, so
// items_per_second (per CPU-second, since the benchmark runs on one core) is the floor rate.
// Second argument: 0 = GCM by our own code (srtp_gcm), 1 = GCM by libsrtp2 (side by side).
void BM_Floor(benchmark::State& state) {
  const bool viaLibsrtp = state.range(1) == 1;
  Floor floor(static_cast<int>(state.range(0)),
              viaLibsrtp ? SrtpBackend::Libsrtp2 : SrtpBackend::Own);
  constexpr int kReady = 512;
  std::vector<std::array<uint8_t, kSlot>> ready(kReady);
  std::array<size_t, kReady> readyLen{};
  uint16_t seq = 0;
  int next = kReady;
  bench::AllocationTally tally;
  for (auto _ : state) {
    if (next == kReady) {
      state.PauseTiming();
      for (int i = 0; i < kReady; ++i) {
        fillRtp(ready[i].data(), ++seq);
        readyLen[i] = kPacket;
        floor.publisher->protectRtp(ready[i].data(), readyLen[i], kSlot);
      }
      next = 0;
      state.ResumeTiming();
    }
    tally.begin();
    floor.forward(ready[next].data(), readyLen[next]);
    tally.end();
    ++next;
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["subscribers"] = static_cast<double>(state.range(0));
  tally.report(state, static_cast<double>(state.iterations() * state.range(0)));
  state.SetLabel(viaLibsrtp ? "GCM via libsrtp2" : "GCM via srtp_gcm");
}
BENCHMARK(BM_Floor)->ArgsProduct({{1, 10, 50, 200}, {0, 1}});

}  // namespace
}  // namespace rounds
