// The per-packet forwarding path: one publisher's RTP fanned out to N subscribers (rewrite,
// SRTP protect, batched send over real loopback UDP), with and without the receive side
// (SRTP unprotect + parse + lookup) in front.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <unistd.h>
#include <valgrind/callgrind.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "common/log.hpp"
#include "common/random.hpp"
#include "counting_allocator.hpp"
#include "media/peer.hpp"
#include "media/router.hpp"
#include "proto/rtcp.hpp"
#include "proto/stun.hpp"

namespace rounds {
namespace {

struct NullListener : Peer::Listener {
  Router* router = nullptr;
  void onPeerTupleAdded(Peer&, const SocketAddress&) override {}
  void onPeerConnected(Peer&) override {}
  void onPeerClosed(Peer&, const std::string&) override {}
  void onPeerRtp(Peer&, Producer& p, size_t layer, rtp::RtpView& v, bool rtx) override {
    router->onRtp(p, v, rtx, layer);
  }
  void onPeerRtcp(Peer&, Bytes) override {}
};

struct SocketListener : UdpSocket::Listener {
  void onUdpPacket(MutableBytes, const SocketAddress&) override {}
};

// A room with one publisher and N subscribers whose tuples point at a loopback sink socket that
// nobody reads (the kernel drops once its buffer is full; sends still cost a real syscall).
struct Room {
  boost::asio::io_context io;
  SocketListener sockListener;
  std::unique_ptr<UdpSocket> socket;
  MediaConfig config;
  PacketCounters counters;
  NullListener listener;
  std::unique_ptr<Router> router;
  std::shared_ptr<Certificate> cert;
  std::vector<std::unique_ptr<Peer>> peers;
  int sink = -1;
  SocketAddress sinkAddr;
  std::unique_ptr<SrtpSession> publisherOut;  // the browser's side: protects what it sends
  Producer* producer = nullptr;

  explicit Room(int subscribers) {
    spdlog::set_level(spdlog::level::warn);
    srtpGlobalInit();
    socket =
        std::move(UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), sockListener).value());
    router = std::make_unique<Router>("bench", config, SystemClock::instance(), counters);
    listener.router = router.get();
    cert = Certificate::generate().value();
    sink = ::socket(AF_INET, SOCK_DGRAM, 0);
    auto any = *SocketAddress::parse("127.0.0.1", 0);
    ::bind(sink, any.sockaddrPtr(), any.length());
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(sink, reinterpret_cast<sockaddr*>(&ss), &len);
    sinkAddr = *SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);

    DtlsTransport::SrtpKeys keys;
    keys.profile = SrtpProfile::AeadAes128Gcm;
    keys.localKeyAndSalt.assign(28, 1);
    keys.remoteKeyAndSalt.assign(28, 2);
    publisherOut = std::move(
        SrtpSession::create(SrtpSession::Direction::Outbound, keys.profile, keys.remoteKeyAndSalt)
            .value());
    for (int i = 0; i <= subscribers; ++i) {
      std::string ufrag = "u" + std::to_string(i) + "xyz";
      auto p = std::make_unique<Peer>("p" + std::to_string(i), "bench", ufrag,
                                      "passwordpasswordpassword", cert, *socket, listener, counters,
                                      SystemClock::instance());
      select(*p, ufrag);
      p->installSrtpKeys(keys);
      peers.push_back(std::move(p));
    }
    ProducerSpec ps{1, MediaKind::Video, "1", 0xA11CE, 96, 90000, {}, 0, {}, {}};
    producer = peers[0]->addProducer(ps);
    router->addProducer(*producer);
    for (int i = 1; i <= subscribers; ++i) {
      ConsumerSpec cs{static_cast<uint64_t>(100 + i), 1, MediaKind::Video,
                      static_cast<uint32_t>(0xB000 + i), 96, 90000,
                      static_cast<uint32_t>(0xC000 + i), 97};
      router->addConsumer(*peers[i]->addConsumer(cs, 1, 1));
    }
  }
  ~Room() { ::close(sink); }

  // Nominates the sink address as the peer's tuple through a real ICE check.
  void select(Peer& p, const std::string& ufrag) {
    std::vector<uint8_t> req(256);
    stun::BindingRequestParams bp;
    std::string user = ufrag + ":remote";
    bp.username = user;
    bp.key = "passwordpasswordpassword";
    bp.priority = 1;
    bp.tieBreaker = 7;
    bp.useCandidate = true;
    req.resize(stun::writeBindingRequest(req, bp));
    auto msg = stun::parse(req);
    p.receiveStun(req, *msg, sinkAddr);
    socket->flush();
  }
};

std::vector<uint8_t> vp8Packet(uint16_t seq) {
  std::vector<uint8_t> p(1200, 0x5A);
  p[0] = 0x90;  // V=2, X=1
  p[1] = 96;
  writeU16(&p[2], seq);
  writeU32(&p[4], seq * 3000u);
  writeU32(&p[8], 0xA11CE);
  // One-byte extensions as Chromium sends them on a video line: mid "1", the transport-wide
  // sequence number and abs-send-time (the slots the server rewrites), then padding.
  writeU16(&p[12], 0xBEDE);
  writeU16(&p[14], 3);  // 12 bytes of elements
  p[16] = (ExtensionIds::kMid << 4) | 0;
  p[17] = '1';
  p[18] = (ExtensionIds::kTransportCc << 4) | 1;
  writeU16(&p[19], seq);
  p[21] = (ExtensionIds::kAbsSendTime << 4) | 2;
  p[22] = 0x12;
  p[23] = 0x34;
  p[24] = 0x56;
  p[25] = p[26] = p[27] = 0;
  return p;
}

// Fan-out only: an already-decrypted, parsed packet to N subscribers. Second argument 1: with
// loss recovery (history insert + gap check on every packet), 0: without (audio-like path).
void BM_ForwardFanOut(benchmark::State& state) {
  Room room(static_cast<int>(state.range(0)));
  if (state.range(1) == 0) {
    room.producer->layers[0].history.reset();
    room.producer->layers[0].nack.reset();
  }
  auto pkt = vp8Packet(1);
  auto view = *rtp::RtpView::parse(pkt);
  uint16_t seq = 1;
  bench::AllocationTally tally;
  for (auto _ : state) {
    view.setSequenceNumber(++seq);  // a new packet each time (a repeat is a duplicate)
    tally.begin();
    room.router->onRtp(*room.producer, view);
    room.socket->flush();
    tally.end();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["subscribers"] = static_cast<double>(state.range(0));
  state.counters["history"] = static_cast<double>(state.range(1));
  tally.report(state, static_cast<double>(state.iterations() * state.range(0)));
}
BENCHMARK(BM_ForwardFanOut)->ArgsProduct({{1, 10, 50}, {0, 1}});

// What loss recovery adds to every forwarded video packet: the copy into the history ring and
// the gap check, alone. Reports the memory one video producer holds for it.
void BM_HistoryInsert(benchmark::State& state) {
  RetransmissionBuffer history;
  NackGenerator nack;
  auto pkt = vp8Packet(1);
  uint16_t seq = 1;
  TimePoint now = SystemClock::instance().now();
  for (auto _ : state) {
    ++seq;
    if (!history.contains(seq, now)) {
      history.insert(seq, Bytes(pkt.data(), pkt.size()), now);
      benchmark::DoNotOptimize(nack.onPacket(seq, now));
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytesPerVideoProducer"] =
      static_cast<double>(history.memoryBytes() + sizeof(NackGenerator));
}
BENCHMARK(BM_HistoryInsert);

// A subscriber's NACK naming 17 packets (one PID+BLP entry, all bits set), answered as RTX:
// parse, map back, look up, wrap, protect, send. Items are retransmissions.
void BM_NackServe(benchmark::State& state) {
  Room room(1);
  Consumer& c = *room.peers[1]->consumers().begin()->second;
  for (uint16_t s = 1; s <= 100; ++s) {
    auto pkt = vp8Packet(s);
    auto view = *rtp::RtpView::parse(pkt);
    room.router->onRtp(*room.producer, view);
  }
  room.socket->flush();
  std::vector<uint8_t> nack(64);
  std::vector<uint16_t> seqs;
  for (uint16_t s = 40; s < 57; ++s) seqs.push_back(c.rewriter.map(s, 0).seq);
  nack.resize(rtcp::writeNack(nack, 0x5555, c.spec.ssrc, seqs));
  for (auto _ : state) {
    c.retransmitBudget = 1000;
    room.router->onRtcp(*room.peers[1], nack);
    room.socket->flush();
  }
  state.SetItemsProcessed(state.iterations() * 17);
  state.counters["retransmissions"] =
      static_cast<double>(room.router->totals().retransmissionsSent);
  // Per subscriber there is no history (it is the producer's, shared); a Consumer carries only
  // its RTX sequence number, flag and resend budget. Its whole size, for scale:
  state.counters["bytesPerConsumer"] = static_cast<double>(sizeof(Consumer));
}
BENCHMARK(BM_NackServe);

// Receive to send: SRTP unprotect, parse, producer lookup, fan-out to N, batched send. The
// publisher's packets are protected ahead of time in batches (outside the timing).
// Second argument: 0 = GCM by our own code (srtp_gcm), 1 = GCM by libsrtp2 (the side-by-side row).
// `callgrindWarmup` > 0: instructions are collected (callgrind toggle) only after that many
// iterations, for a fixed iteration count (BM_ReceiveToSendCallgrind).
void runReceiveToSend(benchmark::State& state, int64_t callgrindWarmup) {
  const bool viaLibsrtp = state.range(1) == 1;
  srtpSetGcmBackend(viaLibsrtp ? SrtpBackend::Libsrtp2 : SrtpBackend::Own);
  Room room(static_cast<int>(state.range(0)));
  srtpSetGcmBackend(SrtpBackend::Own);
  constexpr int kBatch = 512;
  std::vector<std::vector<uint8_t>> ready;
  uint16_t seq = 0;
  auto refill = [&] {
    ready.clear();
    for (int i = 0; i < kBatch; ++i) {
      auto p = vp8Packet(++seq);
      size_t len = p.size();
      p.resize(len + kSrtpMaxTrailer);
      room.publisherOut->protectRtp(p.data(), len, p.size());
      p.resize(len);
      ready.push_back(std::move(p));
    }
  };
  size_t next = kBatch;
  bench::AllocationTally tally;
  int64_t iteration = 0;
  for (auto _ : state) {
    if (callgrindWarmup > 0 && iteration++ == callgrindWarmup) CALLGRIND_TOGGLE_COLLECT;
    if (next == kBatch) {
      state.PauseTiming();
      refill();
      next = 0;
      state.ResumeTiming();
    }
    auto& p = ready[next++];
    tally.begin();
    room.peers[0]->receiveSrtp(MutableBytes(p.data(), p.size()), room.sinkAddr);
    room.socket->flush();
    tally.end();
  }
  if (callgrindWarmup > 0 && iteration > callgrindWarmup) CALLGRIND_TOGGLE_COLLECT;
  if (callgrindWarmup > 0)
    state.counters["measuredCopies"] =
        static_cast<double>((state.iterations() - callgrindWarmup) * state.range(0));
  state.SetItemsProcessed(state.iterations());
  state.counters["subscribers"] = static_cast<double>(state.range(0));
  tally.report(state, static_cast<double>(state.iterations() * state.range(0)));
  state.SetLabel(viaLibsrtp ? "GCM via libsrtp2" : "GCM via srtp_gcm");
}
void BM_ReceiveToSend(benchmark::State& state) { runReceiveToSend(state, 0); }
BENCHMARK(BM_ReceiveToSend)->ArgsProduct({{1, 10, 50, 200}, {0, 1}});

// For scripts/bench_callgrind.py only, as BM_FloorCallgrind (floor_bench.cpp): a fixed count,
// instructions collected after the warm-up; the same 64 + 256 iterations.
void BM_ReceiveToSendCallgrind(benchmark::State& state) { runReceiveToSend(state, 64); }
BENCHMARK(BM_ReceiveToSendCallgrind)->ArgsProduct({{10, 200}, {0}})->Iterations(64 + 256);

}  // namespace
}  // namespace rounds
