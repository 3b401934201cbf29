// The floor: the unavoidable work of any SFU per forwarded packet, with no SFU logic at all.
// One SRTP packet is unprotected, then protected N times with N keys (one per subscriber) and the
// N copies are sent to loopback with sendmmsg: to one sink nobody reads (BM_Floor), or to N
// sockets a second thread drains (BM_FloorDelivered), and with a fixed count for callgrind.
// Threading: the benchmark thread forwards; BM_FloorDelivered's reader thread only drains.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "counting_allocator.hpp"
#include "server_url.hpp"
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

// N loopback sockets, one per subscriber, drained by a reader thread (epoll + recvmmsg), as the
// subscribers' sockets are in the load scenarios: each copy is then queued to a socket with room
// and its reader woken, work the sender's CPU pays on loopback and veth (the kernel delivers in
// the sending context) and that a sink whose buffer is full skips by dropping early.
class DrainedSockets {
 public:
  explicit DrainedSockets(int n) : addrs_(static_cast<size_t>(n)) {
    epoll_ = ::epoll_create1(0);
    for (int i = 0; i < n; ++i) {
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      int size = 1 << 20;
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      sockaddr_in& a = addrs_[static_cast<size_t>(i)];
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      socklen_t len = sizeof a;
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
      fds_.push_back(fd);
    }
    reader_ = std::thread([this] { drain(); });
  }
  ~DrainedSockets() {
    stop_ = true;
    reader_.join();
    for (int fd : fds_) ::close(fd);
    ::close(epoll_);
  }
  sockaddr_in* addr(int i) { return &addrs_[static_cast<size_t>(i)]; }
  uint64_t received() const { return received_.load(std::memory_order_relaxed); }

 private:
  void drain() {
    std::array<epoll_event, 64> events;
    std::vector<std::array<uint8_t, kSlot>> bufs(8);
    std::array<iovec, 8> iov;
    std::array<mmsghdr, 8> hdr{};
    for (size_t i = 0; i < iov.size(); ++i) {
      iov[i] = {bufs[i].data(), kSlot};
      hdr[i].msg_hdr.msg_iov = &iov[i];
      hdr[i].msg_hdr.msg_iovlen = 1;
    }
    while (!stop_) {
      int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 50);
      for (int e = 0; e < n; ++e) {
        int got;
        while ((got = ::recvmmsg(events[static_cast<size_t>(e)].data.fd, hdr.data(),
                                 static_cast<unsigned>(hdr.size()), MSG_DONTWAIT, nullptr)) > 0)
          received_.fetch_add(static_cast<uint64_t>(got), std::memory_order_relaxed);
      }
    }
  }

  int epoll_ = -1;
  std::vector<int> fds_;
  std::vector<sockaddr_in> addrs_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> received_{0};
  std::thread reader_;
};

// Everything preallocated: N outbound sessions, N send slots, one mmsghdr array, and either a
// loopback sink socket nobody reads (as in forward_bench.cpp: once its buffer is full the kernel
// drops, but every send still walks the UDP/IP/loopback path up to the socket lookup) or N
// drained sockets (`delivered`). ROUNDS_FLOOR_SINK=ipv4:port sends BM_Floor's copies to a sink
// elsewhere instead, e.g. across the benchmark's NIC-like rig (scripts/bench_floor_rig.py).
struct Floor {
  int n;
  int tx = -1, sink = -1;
  sockaddr_in sinkAddr{};
  std::unique_ptr<DrainedSockets> drained;
  std::unique_ptr<SrtpSession> publisher;  // the browser's side
  std::unique_ptr<SrtpSession> inbound;
  std::vector<std::unique_ptr<SrtpSession>> outbound;
  std::vector<std::array<uint8_t, kSlot>> slots;
  std::vector<iovec> iov;
  std::vector<mmsghdr> hdr;
  uint64_t refused = 0;  // copies the kernel would not take (a full queue): dropped, not sent

  Floor(int subscribers, SrtpBackend backend, bool delivered = false) : n(subscribers) {
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
    if (const char* elsewhere = std::getenv("ROUNDS_FLOOR_SINK"); elsewhere && !delivered) {
      // rounds-load's rule: loopback or private (RFC 1918) literals only, so a benchmark never
      // sends beyond this machine's namespaces.
      auto url = load::parseServerUrl(elsewhere, /*allowPrivate=*/true);
      auto a = url ? SocketAddress::parse(url->host, url->port) : std::nullopt;
      if (!a || !a->isV4()) {
        std::fprintf(stderr, "ROUNDS_FLOOR_SINK: %s\n",
                     url ? "not an IPv4 address" : url.error().message.c_str());
        std::exit(2);
      }
      std::memcpy(&sinkAddr, a->sockaddrPtr(), sizeof sinkAddr);
    }
    int size = 4 << 20;
    ::setsockopt(tx, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    if (delivered) drained = std::make_unique<DrainedSockets>(n);
    slots.resize(n);
    iov.resize(n);
    hdr.resize(n);
    for (int i = 0; i < n; ++i) {
      hdr[i] = mmsghdr{};
      iov[i].iov_base = slots[i].data();
      hdr[i].msg_hdr.msg_iov = &iov[i];
      hdr[i].msg_hdr.msg_iovlen = 1;
      hdr[i].msg_hdr.msg_name = drained ? drained->addr(i) : &sinkAddr;
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
      if (sent <= 0) refused += count;  // a refused batch is dropped, as in an SFU
      done += sent > 0 ? sent : static_cast<int>(count);
    }
  }
};

// Per iteration: one incoming packet forwarded to N subscribers. "items" are forwarded copies, so
// items_per_second (per CPU-second of the benchmark thread) is the floor rate.
// Second argument: 0 = GCM by our own code (srtp_gcm), 1 = GCM by libsrtp2 (side by side).
// `delivered`: to N drained sockets instead of the full sink (BM_FloorDelivered).
// `callgrindWarmup` > 0: instructions are collected (callgrind toggle) only after that many
// iterations, for a fixed iteration count (BM_FloorCallgrind).
void runFloor(benchmark::State& state, bool delivered, int64_t callgrindWarmup = 0) {
  const bool viaLibsrtp = state.range(1) == 1;
  Floor floor(static_cast<int>(state.range(0)),
              viaLibsrtp ? SrtpBackend::Libsrtp2 : SrtpBackend::Own, delivered);
  constexpr int kReady = 512;
  std::vector<std::array<uint8_t, kSlot>> ready(kReady);
  std::array<size_t, kReady> readyLen{};
  uint16_t seq = 0;
  int next = kReady;
  bench::AllocationTally tally;
  int64_t iteration = 0;
  for (auto _ : state) {
    if (callgrindWarmup > 0 && iteration++ == callgrindWarmup) CALLGRIND_TOGGLE_COLLECT;
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
  if (callgrindWarmup > 0 && iteration > callgrindWarmup) CALLGRIND_TOGGLE_COLLECT;
  if (floor.drained) {
    // Let the reader catch up, then how many copies reached a socket (the rest were dropped
    // on a full receive buffer, which is cheaper for the sender: the row is only like for like
    // near 100 %).
    uint64_t sent = static_cast<uint64_t>(state.iterations() * state.range(0));
    for (int i = 0; i < 100 && floor.drained->received() < sent; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    state.counters["deliveredPercent"] =
        100.0 * static_cast<double>(floor.drained->received()) / static_cast<double>(sent);
  }
  state.counters["refusedPercent"] =
      100.0 * static_cast<double>(floor.refused) /
      static_cast<double>(std::max<int64_t>(1, state.iterations() * state.range(0)));
  if (callgrindWarmup > 0)
    state.counters["measuredCopies"] =
        static_cast<double>((state.iterations() - callgrindWarmup) * state.range(0));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["subscribers"] = static_cast<double>(state.range(0));
  tally.report(state, static_cast<double>(state.iterations() * state.range(0)));
  state.SetLabel(viaLibsrtp ? "GCM via libsrtp2" : "GCM via srtp_gcm");
}

void BM_Floor(benchmark::State& state) { runFloor(state, /*delivered=*/false); }
BENCHMARK(BM_Floor)->ArgsProduct({{1, 10, 50, 200, 400}, {0, 1}});

// The floor with delivery into N reading sockets: like for like with a server whose subscribers
// read what it sends (docs/performance-history.md, "A floor that delivers").
void BM_FloorDelivered(benchmark::State& state) { runFloor(state, /*delivered=*/true); }
BENCHMARK(BM_FloorDelivered)->ArgsProduct({{10, 200}, {0}});

// For scripts/bench_callgrind.py only (under valgrind --tool=callgrind --collect-atstart=no): a
// fixed count, instructions collected after kCallgrindWarmup iterations; user space only.
constexpr int64_t kCallgrindWarmup = 64;
constexpr int64_t kCallgrindMeasured = 256;
void BM_FloorCallgrind(benchmark::State& state) {
  runFloor(state, /*delivered=*/false, kCallgrindWarmup);
}
BENCHMARK(BM_FloorCallgrind)
    ->ArgsProduct({{10, 200}, {0}})
    ->Iterations(kCallgrindWarmup + kCallgrindMeasured);

}  // namespace
}  // namespace rounds
