// Bandwidth probing towards one subscriber (media/probe_controller.hpp, media/peer_probe.cpp):
// the probing decision every worker tick, and one whole probe cluster (padding-only RTX packets
// built, SRTP-protected and sent over loopback UDP, then the subscriber's feedback about them
// matched and evaluated). With the heap allocations in the timed part.
#include <benchmark/benchmark.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "common/log.hpp"
#include "counting_allocator.hpp"
#include "media/peer.hpp"
#include "proto/stun.hpp"
#include "proto/twcc.hpp"

namespace rounds {
namespace {

struct QuietPeerListener : Peer::Listener {
  void onPeerTupleAdded(Peer&, const SocketAddress&) override {}
  void onPeerConnected(Peer&) override {}
  void onPeerClosed(Peer&, const std::string&) override {}
  void onPeerRtp(Peer&, Producer&, size_t, rtp::RtpView&, bool) override {}
  void onPeerRtcp(Peer&, Bytes) override {}
};

struct DropAll : UdpSocket::Listener {
  void onUdpPacket(MutableBytes, const SocketAddress&) override {}
};

// One connected subscriber with one video consumer (RTX on), a selected tuple pointing at a
// loopback sink nobody reads, 40 media packets sent and acknowledged: its estimate is the
// estimator's initial 300 kbit/s.
struct Subscriber {
  boost::asio::io_context io;
  DropAll drop;
  std::unique_ptr<UdpSocket> socket;
  PacketCounters counters;
  QuietPeerListener listener;
  ManualClock clock;
  std::unique_ptr<Peer> peer;
  Consumer* consumer = nullptr;
  int sink = -1;
  uint16_t nextTransportSeq = 1;  // what the peer stamps next (media, then padding)
  int64_t arrivalUs = 1'000'000;

  Subscriber() {
    spdlog::set_level(spdlog::level::warn);
    srtpGlobalInit();
    socket = std::move(UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), drop).value());
    sink = ::socket(AF_INET, SOCK_DGRAM, 0);
    auto any = *SocketAddress::parse("127.0.0.1", 0);
    ::bind(sink, any.sockaddrPtr(), any.length());
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(sink, reinterpret_cast<sockaddr*>(&ss), &len);
    auto sinkAddr = *SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    peer =
        std::make_unique<Peer>("sub", "bench", "subufrag", "passwordpasswordpassword",
                               Certificate::generate().value(), *socket, listener, counters, clock);
    std::vector<uint8_t> req(256);
    stun::BindingRequestParams bp;
    std::string user = "subufrag:remote";
    bp.username = user;
    bp.key = "passwordpasswordpassword";
    bp.priority = 1;
    bp.tieBreaker = 7;
    bp.useCandidate = true;
    req.resize(stun::writeBindingRequest(req, bp));
    peer->receiveStun(req, *stun::parse(req), sinkAddr);
    DtlsTransport::SrtpKeys keys;
    keys.profile = SrtpProfile::AeadAes128Gcm;
    keys.localKeyAndSalt.assign(28, 1);
    keys.remoteKeyAndSalt.assign(28, 2);
    peer->installSrtpKeys(keys);
    consumer =
        peer->addConsumer(ConsumerSpec{2, 1, MediaKind::Video, 0xB0B, 96, 90000, 0xB0C, 97}, 1, 1);
    for (uint16_t i = 0; i < 40; ++i) {
      auto pkt = mediaPacket(i);
      peer->sendRtp(*consumer, *rtp::RtpView::parse(pkt), 0);
      socket->flush();
    }
    acknowledge(nextTransportSeq, 40);
  }
  ~Subscriber() { ::close(sink); }

  static std::vector<uint8_t> mediaPacket(uint16_t seq) {
    std::vector<uint8_t> p(1200, 0x5A);
    p[0] = 0x90;
    p[1] = 96;
    writeU16(&p[2], seq);
    writeU32(&p[4], seq * 3000u);
    writeU32(&p[8], 0xA11CE);
    writeU16(&p[12], 0xBEDE);
    writeU16(&p[14], 1);
    p[16] = (ExtensionIds::kTransportCc << 4) | 1;
    p[17] = p[18] = p[19] = 0;
    return p;
  }

  // The subscriber's transport feedback: `count` packets from `base` on, arrived 1 ms apart.
  void acknowledge(uint16_t base, size_t count) {
    std::array<int64_t, 256> at;
    count = std::min(count, at.size());
    for (size_t i = 0; i < count; ++i) at[i] = arrivalUs += 1000;
    std::array<uint8_t, 1200> fb;
    auto w = twcc::writeFeedback(fb, 0x5555, 0xB0B, base, fbCount++, {at.data(), count});
    peer->onTransportFeedback(Bytes(fb.data(), w.bytes));
    nextTransportSeq = static_cast<uint16_t>(base + count);
  }
  uint8_t fbCount = 0;
};

// Every worker tick, for every subscriber: the probing decision with nothing to probe (its
// estimate covers what it wants). The usual case.
void BM_ProbeTickIdle(benchmark::State& state) {
  Subscriber s;
  bench::AllocationTally tally;
  for (auto _ : state) {
    tally.begin();
    s.clock.advance(Millis(100));
    s.peer->noteProbeWanted(100'000, false);
    s.peer->onTick(s.clock.now(), Millis(1'000'000'000));
    tally.end();
  }
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_ProbeTickIdle);

// One probe cluster: the tick that starts it and the paced steps of the worker's probe timer
// (padding-only packets built, stamped, SRTP-protected, batched and sent). No feedback comes back,
// so the estimate, and with it the cluster (2 x 300 kbit/s for 20 ms), stays the same: a tick
// 1.1 s later gives the cluster up, and the next starts when a failed probe's 3 s have passed.
// (The feedback about the cluster costs what BM_TwccFeedbackToEstimate costs per packet.)
void BM_ProbeCluster(benchmark::State& state) {
  Subscriber s;
  bench::AllocationTally tally;
  uint64_t packets = 0;
  for (auto _ : state) {
    tally.begin();
    uint64_t before = s.peer->probePacketsSent();
    s.clock.advance(Millis(1100));
    s.peer->noteProbeWanted(10'000'000, true);
    s.peer->onTick(s.clock.now(), Millis(1'000'000'000));  // the previous cluster times out
    s.clock.advance(Millis(3000));
    s.peer->noteProbeWanted(10'000'000, true);
    s.peer->onTick(s.clock.now(), Millis(1'000'000'000));  // a new one starts
    for (int i = 0; i < 8 && s.peer->probeSending(); ++i) {
      s.clock.advance(Millis(5));
      s.peer->pumpProbe();
    }
    s.socket->flush();
    packets += s.peer->probePacketsSent() - before;
    tally.end();
  }
  state.counters["packetsPerCluster"] =
      static_cast<double>(packets) / static_cast<double>(state.iterations());
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_ProbeCluster);

}  // namespace
}  // namespace rounds
