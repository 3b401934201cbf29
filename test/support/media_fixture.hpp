// A GoogleTest fixture for integration tests of the media plane: a running MediaEngine (worker
// threads, a UDP port and an ICE-TCP port on loopback) driven from the test thread the way the
// control plane drives it, plus in-process browser-like peers (TestPeer) that connect to it.
// Threading: the fixture's io_context runs on the test thread; the workers run their own.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "media/media_engine.hpp"
#include "support/test_peer.hpp"

namespace rounds::test {

// An Opus producer on m-line "0" (payload type 111, 48 kHz), the audio most of these tests send.
inline ProducerSpec opusProducer(uint64_t producerId, uint32_t ssrc) {
  return ProducerSpec{.producerId = producerId,
                      .kind = MediaKind::Audio,
                      .mid = "0",
                      .ssrc = ssrc,
                      .payloadType = 111,
                      .clockRate = 48000};
}

struct RecordingMediaEvents : MediaEvents {
  std::vector<std::string> connected;
  std::vector<std::pair<std::string, std::string>> closed;
  void onMediaPeerConnected(const std::string& id) override { connected.push_back(id); }
  void onMediaPeerClosed(const std::string& id, const std::string& reason) override {
    closed.emplace_back(id, reason);
  }
};

class MediaEngineFixture : public ::testing::Test {
 protected:
  // Loopback, ephemeral ports, no key-frame rate limit; a test may change config_ before SetUp.
  MediaEngineFixture() {
    config_.listenAddress = "127.0.0.1";
    config_.basePort = 0;
    config_.keyFrameMinIntervalMs = 0;
  }
  void SetUp() override {
    engine_ = std::make_unique<MediaEngine>(io_, config_, events_);
    ASSERT_TRUE(engine_->start().ok());
    auto cert = Certificate::generate();
    ASSERT_TRUE(cert.ok());
    clientCert_ = cert.value();
  }
  void TearDown() override { engine_->stop(); }

  // Runs the control loop until `pred` holds or the timeout passes.
  template <typename P>
  bool runUntil(P pred, std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return pred();
  }

  // Posts pending commands and gives the worker a moment to apply them.
  void settle() {
    io_.restart();
    io_.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  TransportDescription createPeer(const std::string& id, const std::string& room) {
    std::optional<TransportDescription> d;
    engine_->createPeer(id, room, [&](TransportDescription t) { d = t; });
    EXPECT_TRUE(runUntil([&] { return d.has_value(); }));
    lastDescription_ = d.value_or(TransportDescription{});
    return lastDescription_;
  }

  // Creates the server side, then connects a TestPeer (over ICE-TCP when `tcp`) through ICE and
  // DTLS; waits until the engine reports the peer connected.
  std::unique_ptr<TestPeer> connectPeer(const std::string& id, const std::string& room,
                                        bool tcp = false) {
    auto desc = createPeer(id, room);
    auto peer = std::make_unique<TestPeer>(clientCert_, tcp);
    engine_->setRemoteParameters(id, peer->ufrag(), "sha-256", peer->fingerprint());
    settle();
    // The handshake runs on the test thread; the worker answers from its own thread.
    EXPECT_TRUE(peer->connect(desc, std::chrono::milliseconds(5000))) << id << " did not connect";
    EXPECT_TRUE(runUntil([&] {
      return std::find(events_.connected.begin(), events_.connected.end(), id) !=
             events_.connected.end();
    }));
    return peer;
  }

  // A plain (non-simulcast) producer on `peer`, and a consumer of it on another, then settles.
  void addProducer(const std::string& peer, uint64_t id, MediaKind kind, uint32_t ssrc,
                   uint8_t payloadType, const std::string& mid) {
    ProducerSpec prod;
    prod.producerId = id;
    prod.kind = kind;
    prod.mid = mid;
    prod.ssrc = ssrc;
    prod.payloadType = payloadType;
    engine_->addProducer(peer, prod);
    settle();
  }
  void addConsumer(const std::string& peer, uint64_t id, uint64_t producerId, MediaKind kind,
                   uint32_t ssrc, uint8_t payloadType) {
    ConsumerSpec cons;
    cons.consumerId = id;
    cons.producerId = producerId;
    cons.kind = kind;
    cons.ssrc = ssrc;
    cons.payloadType = payloadType;
    engine_->addConsumer(peer, cons);
    settle();
  }

  WorkerStats stats() {
    std::optional<std::vector<WorkerStats>> s;
    engine_->stats([&](std::vector<WorkerStats> v) { s = v; });
    EXPECT_TRUE(runUntil([&] { return s.has_value(); }));
    return s && !s->empty() ? s->front() : WorkerStats{};
  }

  // Sends `count` RTP packets from `from` (ssrc, payload type 111, seq from `seq0`) and counts
  // the RTP packets `to` receives (waiting up to a second for each).
  static int relay(TestPeer& from, TestPeer& to, uint32_t ssrc, uint16_t seq0, int count) {
    std::vector<uint8_t> payload(200, 0x42);
    for (int i = 0; i < count; ++i)
      from.sendRtp(ssrc, static_cast<uint16_t>(seq0 + i), 960u * (seq0 + i), 111, payload);
    int got = 0;
    while (got < count) {
      auto p = to.receive(std::chrono::milliseconds(1000));
      if (!p) break;
      if (!p->rtcp) ++got;
    }
    return got;
  }

  MediaConfig config_;
  boost::asio::io_context io_;
  RecordingMediaEvents events_;
  std::unique_ptr<MediaEngine> engine_;
  TransportDescription lastDescription_;  // what the last createPeer() (or connectPeer()) got
  std::shared_ptr<Certificate> clientCert_;
};

}  // namespace rounds::test
