// What simulcast layer selection costs per forwarded packet: the key-frame check of the VP8
// descriptor and the selector's per-packet decision alone, and the router's whole per-packet work
// for a three-layer producer with N subscribers (two of every three packets are another layer's
// and dropped; nothing is sent: the subscribers have no ICE tuple, so the cost of rewriting,
// SRTP and sending, measured in forward_bench, is left out).
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "common/log.hpp"
#include "counting_allocator.hpp"
#include "media/layer_selector.hpp"
#include "media/peer.hpp"
#include "media/router.hpp"
#include "proto/video_payload.hpp"

namespace rounds {
namespace {

struct NoSocket : UdpSocket::Listener {
  void onUdpPacket(MutableBytes, const SocketAddress&) override {}
};
struct NoPeerEvents : Peer::Listener {
  void onPeerTupleAdded(Peer&, const SocketAddress&) override {}
  void onPeerConnected(Peer&) override {}
  void onPeerClosed(Peer&, const std::string&) override {}
  void onPeerRtp(Peer&, Producer&, size_t, rtp::RtpView&, bool) override {}
  void onPeerRtcp(Peer&, Bytes) override {}
};

// A 1,200-byte VP8 packet of `layer` (SSRC 0x1000 * (layer + 1)) with a 15-bit picture id;
// `key`: the first packet of a key frame.
std::vector<uint8_t> layerPacket(size_t layer, uint16_t seq, bool key) {
  std::vector<uint8_t> p(1200, 0x5A);
  p[0] = 0x80;
  p[1] = 96;
  writeU16(&p[2], seq);
  writeU32(&p[4], seq * 3000u);
  writeU32(&p[8], static_cast<uint32_t>(0x1000 * (layer + 1)));
  p[12] = 0x90;  // X, S
  p[13] = 0x80;  // I
  p[14] = 0x80 | static_cast<uint8_t>(seq >> 8);
  p[15] = static_cast<uint8_t>(seq);
  p[16] = key ? 0x00 : 0x01;
  return p;
}

// The per-packet decision alone: parse the descriptor, ask the selector.
void BM_LayerDecision(benchmark::State& state) {
  LayerSelector selector;
  std::array<LayerSelector::LayerInfo, 3> layers{
      {{150'000, 90, true}, {400'000, 180, true}, {1'200'000, 360, true}}};
  selector.update(std::nullopt, layers, TimePoint{});
  std::array<std::vector<uint8_t>, 3> pkts{layerPacket(0, 1, false), layerPacket(1, 1, false),
                                          layerPacket(2, 1, true)};
  std::array<rtp::RtpView, 3> views{*rtp::RtpView::parse(pkts[0]), *rtp::RtpView::parse(pkts[1]),
                                    *rtp::RtpView::parse(pkts[2])};
  size_t i = 0;
  size_t forwarded = 0;
  bench::AllocationTally tally;
  tally.begin();
  for (auto _ : state) {
    const rtp::RtpView& v = views[i];
    auto d = video::parseVp8(v.payload());
    if (selector.onPacket(i, d && d->keyFrame)) ++forwarded;
    i = i == 2 ? 0 : i + 1;
  }
  tally.end();
  benchmark::DoNotOptimize(forwarded);
  state.SetItemsProcessed(state.iterations());
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_LayerDecision);

// Router::onRtp for a simulcast producer (history insert and NACK gap check of the packet's layer,
// key-frame check, one selector decision per subscriber); arg 0: subscribers, arg 1: 1 with
// simulcast, 0 one stream (the same router work without layer selection, for comparison).
void BM_RouterLayerSelection(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  srtpGlobalInit();
  boost::asio::io_context io;
  NoSocket noSocket;
  auto socket =
      std::move(UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), noSocket).value());
  MediaConfig config;
  PacketCounters counters;
  NoPeerEvents events;
  ManualClock clock;
  Router router("bench", config, clock, counters);
  auto cert = Certificate::generate().value();
  const int subscribers = static_cast<int>(state.range(0));
  const bool simulcast = state.range(1) == 1;
  std::vector<std::unique_ptr<Peer>> peers;
  for (int i = 0; i <= subscribers; ++i)
    peers.push_back(std::make_unique<Peer>("p" + std::to_string(i), "bench",
                                           "u" + std::to_string(i) + "xyz",
                                           "passwordpasswordpassword", cert, *socket, events,
                                           counters, clock));
  ProducerSpec ps{1, MediaKind::Video, "1", std::nullopt, 96, 90000, {}, 0, {}, {}};
  if (simulcast) ps.rids = {"l", "m", "h"};
  else ps.ssrc = 0x1000;
  Producer* producer = peers[0]->addProducer(ps);
  for (size_t l = 0; l < producer->layerCount; ++l) {
    // What Peer::receiveSrtp records for each packet before routing it.
    producer->layers[l].ssrc = static_cast<uint32_t>(0x1000 * (l + 1));
    producer->layers[l].seen = true;
    producer->layers[l].lastPacket = clock.now();
  }
  router.addProducer(*producer);
  for (int i = 1; i <= subscribers; ++i)
    router.addConsumer(*peers[static_cast<size_t>(i)]->addConsumer(
        ConsumerSpec{static_cast<uint64_t>(100 + i), 1, MediaKind::Video,
                     static_cast<uint32_t>(0xB000 + i), 96, 90000, 0, 0},
        1, 1));
  const size_t layers = producer->layerCount;
  std::vector<std::vector<uint8_t>> pkts;
  for (size_t l = 0; l < layers; ++l) pkts.push_back(layerPacket(l, 1, false));
  // Let every layer be seen, then put every subscriber on the top layer.
  for (size_t l = 0; l < layers; ++l) {
    auto v = *rtp::RtpView::parse(pkts[l]);
    router.onRtp(*producer, v, false, l);
  }
  router.onTick(clock.now());
  auto key = layerPacket(layers - 1, 2, true);
  auto kv = *rtp::RtpView::parse(key);
  router.onRtp(*producer, kv, false, layers - 1);
  std::vector<rtp::RtpView> views;
  for (auto& p : pkts) views.push_back(*rtp::RtpView::parse(p));
  uint16_t seq = 3;
  size_t l = 0;
  bench::AllocationTally tally;
  for (auto _ : state) {
    rtp::RtpView& v = views[l];
    v.setSequenceNumber(seq);  // a new packet each time (a repeat is a duplicate)
    tally.begin();
    router.onRtp(*producer, v, false, l);
    tally.end();
    if (++l == layers) {
      l = 0;
      ++seq;
    }
  }
  uint64_t forwarded = router.totals().rtpForwarded;
  state.SetItemsProcessed(state.iterations());
  state.counters["forwardedPerPacket"] =
      static_cast<double>(forwarded) / static_cast<double>(state.iterations() + 1);
  state.counters["subscribers"] = static_cast<double>(subscribers);
  state.counters["simulcast"] = simulcast ? 1 : 0;
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_RouterLayerSelection)->ArgsProduct({{1, 10, 50}, {0, 1}});

}  // namespace
}  // namespace rounds
