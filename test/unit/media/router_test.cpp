// Router key-frame handling: subscribers' PLI/FIR reach the publisher at most once per interval,
// however many subscribers ask (RFC 4585 §6.3.1, RFC 5104 §4.3.1), and none is lost meanwhile:
// one held back goes at the first worker tick (100 ms) after the interval. Round trips from
// subscribers' receiver reports, and the NACKs they change.
#include "media/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <vector>

#include "media/peer.hpp"
#include "proto/rtcp.hpp"

namespace rounds {
namespace {

struct RouterListener : Peer::Listener {
  void onPeerTupleAdded(Peer&, const SocketAddress&) override {}
  void onPeerConnected(Peer&) override {}
  void onPeerClosed(Peer&, const std::string&) override {}
  void onPeerRtp(Peer&, Producer&, size_t, rtp::RtpView&, bool) override {}
  void onPeerRtcp(Peer&, Bytes) override {}
};

struct NoPackets : UdpSocket::Listener {
  void onUdpPacket(MutableBytes, const SocketAddress&) override {}
};

constexpr uint32_t kPublisherSsrc = 0xA11CE;
constexpr uint32_t subscriberSsrc(int i) { return 0xB000u + static_cast<uint32_t>(i); }

// One video publisher (peer 0) and `subscribers` peers consuming it. No ICE tuple is selected,
// so nothing leaves the process; the router's counters tell what it would have sent.
class RouterKeyFrames : public ::testing::Test {
 protected:
  static constexpr int kSubscribers = 3;

  void SetUp() override {
    srtpGlobalInit();
    socket_ = std::move(UdpSocket::bind(io_, *SocketAddress::parse("127.0.0.1", 0), noPackets_)
                            .value());
    router_ = std::make_unique<Router>("room", config_, clock_, counters_);
    auto cert = Certificate::generate().value();
    DtlsTransport::SrtpKeys keys;
    keys.profile = SrtpProfile::AeadAes128Gcm;
    keys.localKeyAndSalt.assign(28, 1);
    keys.remoteKeyAndSalt.assign(28, 2);
    for (int i = 0; i <= kSubscribers; ++i) {
      auto p = std::make_unique<Peer>("p" + std::to_string(i), "room", "ufrag" + std::to_string(i),
                                      "passwordpasswordpassword", cert, *socket_, listener_,
                                      counters_, clock_);
      p->installSrtpKeys(keys);  // connected: key frame requests are sent, not postponed
      peers_.push_back(std::move(p));
    }
    ProducerSpec ps{.producerId = 1,
                    .kind = MediaKind::Video,
                    .mid = "1",
                    .ssrc = kPublisherSsrc,
                    .payloadType = 96,
                    .clockRate = 90000};
    router_->addProducer(*peers_[0]->addProducer(ps));
  }

  void subscribe(int i) {
    ConsumerSpec cs{static_cast<uint64_t>(100 + i), 1, MediaKind::Video, subscriberSsrc(i), 96,
                    90000, 0, 0};
    router_->addConsumer(*peers_[i]->addConsumer(cs, 1, 1));
  }

  void pli(int i, uint32_t mediaSsrc) {
    std::vector<uint8_t> buf(64);
    buf.resize(rtcp::writePli(buf, 0x5000u + i, mediaSsrc));
    router_->onRtcp(*peers_[i], buf);
  }

  void fir(int i, uint32_t mediaSsrc, uint8_t seq) {
    std::vector<uint8_t> buf(64);
    buf.resize(rtcp::writeFir(buf, 0x5000u + i, mediaSsrc, seq));
    router_->onRtcp(*peers_[i], buf);
  }

  Millis interval() const { return Millis(config_.keyFrameMinIntervalMs); }

  boost::asio::io_context io_;
  NoPackets noPackets_;
  std::unique_ptr<UdpSocket> socket_;
  MediaConfig config_;
  ManualClock clock_;
  PacketCounters counters_;
  RouterListener listener_;
  std::unique_ptr<Router> router_;
  std::vector<std::unique_ptr<Peer>> peers_;
};

TEST_F(RouterKeyFrames, NewSubscribersShareOneRequest) {
  for (int i = 1; i <= kSubscribers; ++i) subscribe(i);
  EXPECT_EQ(router_->totals().keyFrameRequests, 1u)
      << "one PLI for three joins in the same instant";
  // The others' requests wait for the interval, then go as one.
  clock_.advance(interval() / 2);
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, 1u);
  clock_.advance(interval() / 2);
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, 2u);
  // Nothing is pending any more.
  clock_.advance(interval() * 3);
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, 2u);
}

TEST_F(RouterKeyFrames, PliAndFirFromManySubscribersAreRateLimitedAndDeduplicated) {
  for (int i = 1; i <= kSubscribers; ++i) subscribe(i);
  clock_.advance(interval() * 4);
  router_->onTick(clock_.now());
  uint64_t base = router_->totals().keyFrameRequests;
  clock_.advance(interval());  // the joins' requests have gone; a new one may go at once

  pli(1, subscriberSsrc(1));
  EXPECT_EQ(router_->totals().keyFrameRequests, base + 1) << "the first request goes at once";
  // Within the interval: a burst of PLIs and a FIR (RFC 5104 §4.3.1) from every subscriber.
  for (int round = 0; round < 5; ++round) {
    clock_.advance(Millis(10));
    for (int i = 1; i <= kSubscribers; ++i) pli(i, subscriberSsrc(i));
    fir(2, subscriberSsrc(2), static_cast<uint8_t>(round));
  }
  EXPECT_EQ(router_->totals().keyFrameRequests, base + 1);
  // They are not forgotten: exactly one more request once the interval has passed.
  clock_.advance(interval());
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, base + 2);
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, base + 2);
}

TEST_F(RouterKeyFrames, RequestsNamingNoConsumerAreIgnored) {
  subscribe(1);
  clock_.advance(interval() * 4);
  router_->onTick(clock_.now());
  uint64_t base = router_->totals().keyFrameRequests;
  pli(1, 0xDEAD);                    // not a stream this subscriber receives
  pli(1, kPublisherSsrc);            // the source SSRC is hidden from subscribers
  pli(2, subscriberSsrc(1));         // another peer's consumer
  fir(3, subscriberSsrc(1), 1);
  std::vector<uint8_t> junk = {0x81, 206, 0, 1, 0, 0};  // truncated PLI
  router_->onRtcp(*peers_[1], junk);
  clock_.advance(interval() * 2);
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().keyFrameRequests, base);
}

// An unservable NACK bringing a key frame needs real forwarding (a selected tuple): see
// MediaLoopback.NackThatCannotBeServedAsksThePublisherForAKeyFrame.

// A host's mute (docs/signalling.md "Host controls"): a paused producer's packets reach nobody,
// and forwarding resumes when it is unpaused.
std::vector<uint8_t> videoPacket(uint16_t seq) {
  std::vector<uint8_t> p(12 + 20, 0);
  p[0] = 0x80;
  p[1] = 96;
  writeU16(&p[2], seq);
  writeU32(&p[4], 90000u * seq);
  writeU32(&p[8], kPublisherSsrc);
  return p;
}

TEST_F(RouterKeyFrames, PausedProducerIsNotForwarded) {
  subscribe(1);
  subscribe(2);
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  auto send = [&](uint16_t seq) {
    auto bytes = videoPacket(seq);
    auto view = rtp::RtpView::parse(bytes);
    ASSERT_TRUE(view);
    router_->onRtp(*producer, *view);
  };
  send(10);
  EXPECT_EQ(router_->totals().rtpForwarded, 2u);
  producer->paused = true;
  send(11);
  send(12);
  EXPECT_EQ(router_->totals().rtpForwarded, 2u);
  producer->paused = false;
  send(13);
  EXPECT_EQ(router_->totals().rtpForwarded, 4u);
}

// A NACK that waited in the worker's receive queue longer than resendMaxQueueWaitMs is shed
// (the worker is overloaded), one that waited less is looked up as usual (here: a miss).
TEST_F(RouterKeyFrames, NacksThatWaitedTooLongInTheQueueAreShed) {
  subscribe(1);
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  for (uint16_t seq : {10, 11}) {
    auto bytes = videoPacket(seq);
    auto view = rtp::RtpView::parse(bytes);
    ASSERT_TRUE(view);
    router_->onRtp(*producer, *view);
  }
  ASSERT_EQ(router_->totals().rtpForwarded, 2u);
  // No ICE tuple here, so nothing was sent and the consumer's numbering has not started: start
  // it as the first send would, so that a NACK can be mapped back and looked up.
  Consumer* consumer = peers_[1]->consumerBySsrc(subscriberSsrc(1));
  ASSERT_NE(consumer, nullptr);
  consumer->rewriter.rewrite(kPublisherSsrc, 10, 900000, 0);
  const uint16_t notSent = 0x4321;  // rewritten numbers far from the two forwarded
  std::vector<uint8_t> nack(64);
  nack.resize(rtcp::writeNack(nack, 0x5001, subscriberSsrc(1), std::vector<uint16_t>{notSent}));
  const Millis limit(config_.resendMaxQueueWaitMs);
  ASSERT_GT(limit.count(), 0);

  router_->onRtcp(*peers_[1], nack, clock_.now() - limit - Millis(1));
  EXPECT_EQ(router_->totals().nacksReceived, 1u);
  EXPECT_EQ(router_->totals().nacksShed, 1u);
  EXPECT_EQ(router_->totals().retransmissionMisses, 0u) << "a shed NACK is not looked up";

  router_->onRtcp(*peers_[1], nack, clock_.now() - limit);
  EXPECT_EQ(router_->totals().nacksShed, 1u);
  EXPECT_EQ(router_->totals().retransmissionMisses, 1u);

  router_->onRtcp(*peers_[1], nack);  // no receive time (ICE-TCP, tests): always answered
  EXPECT_EQ(router_->totals().nacksShed, 1u);
  EXPECT_EQ(router_->totals().retransmissionMisses, 2u);

  config_.resendMaxQueueWaitMs = 0;  // never shed
  router_->onRtcp(*peers_[1], nack, clock_.now() - Millis(10'000));
  EXPECT_EQ(router_->totals().nacksShed, 1u);
  EXPECT_EQ(router_->totals().retransmissionMisses, 3u);
}

// A publisher's padding-only packet (its bandwidth probe, RFC 3550 §5.1 P bit) is counted but
// never forwarded, and its sequence number is no gap to NACK the publisher for.
TEST_F(RouterKeyFrames, PaddingOnlyPacketsFromPublishersAreNotForwarded) {
  subscribe(1);
  subscribe(2);
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  auto route = [&](std::vector<uint8_t> bytes) {
    auto view = rtp::RtpView::parse(bytes);
    ASSERT_TRUE(view);
    router_->onRtp(*producer, *view);
  };
  auto padding = [](uint16_t seq) {
    std::vector<uint8_t> p = videoPacket(seq);
    p[0] |= 0x20;                                // P: the 20 bytes after the header are padding
    p.back() = static_cast<uint8_t>(p.size() - 12);
    return p;
  };
  route(videoPacket(10));
  EXPECT_EQ(router_->totals().rtpForwarded, 2u);
  route(padding(11));
  route(padding(12));
  EXPECT_EQ(router_->totals().rtpForwarded, 2u);
  EXPECT_EQ(router_->paddingDropped(), 2u);
  route(videoPacket(13));
  EXPECT_EQ(router_->totals().rtpForwarded, 4u);
  clock_.advance(Millis(100));
  router_->onTick(clock_.now());
  EXPECT_EQ(router_->totals().nacksSent, 0u);  // 11 and 12 arrived: nothing is missing
  // A video packet whose padding leaves a payload is media, and is forwarded.
  auto withPayload = videoPacket(14);
  withPayload[0] |= 0x20;
  withPayload.back() = 4;
  route(withPayload);
  EXPECT_EQ(router_->totals().rtpForwarded, 6u);
}

// ---- round trips (media/rtt_estimator.hpp) and what they change ----

class RouterRoundTrips : public RouterKeyFrames {
 protected:
  static constexpr uint64_t kNtp = 0x0123456789ABCDEFull;

  Consumer* startedConsumer(int i) {
    subscribe(i);
    Consumer* c = peers_[i]->consumerBySsrc(subscriberSsrc(i));
    // As the first forwarded packet would: translated SRs go only to started consumers.
    if (c) c->rewriter.rewrite(kPublisherSsrc, 10, 900000, 0);
    return c;
  }

  void senderReport(uint64_t ntp) {
    std::vector<uint8_t> buf(64);
    buf.resize(rtcp::writeSenderReport(buf, kPublisherSsrc, {ntp, 1000, 1, 100}, {}));
    router_->onRtcp(*peers_[0], buf);
  }

  // The subscriber's RR about its consumer's stream; DLSR in 1/65536 s.
  void receiverReport(int i, uint32_t lsr, uint32_t dlsr,
                      std::optional<TimePoint> arrival = std::nullopt) {
    rtcp::ReportBlock b;
    b.ssrc = subscriberSsrc(i);
    b.lastSr = lsr;
    b.delaySinceLastSr = dlsr;
    std::vector<uint8_t> buf(64);
    buf.resize(rtcp::writeReceiverReport(buf, 0x5000u + i, std::span(&b, 1)));
    router_->onRtcp(*peers_[i], buf, arrival);
  }

  static uint32_t lsrOf(uint64_t ntp) { return rtcp::compactNtp(ntp); }
};

TEST_F(RouterRoundTrips, ReceiverReportsAboutOurSenderReportsGiveTheRoundTrip) {
  ASSERT_NE(startedConsumer(1), nullptr);
  senderReport(kNtp);  // translated and sent to the subscriber now
  clock_.advance(Millis(70));
  receiverReport(1, lsrOf(kNtp), 65536 / 50);  // held 20 ms (1310/65536 s, 19.989 ms)
  ASSERT_TRUE(peers_[1]->rtt());
  EXPECT_EQ(peers_[1]->rtt()->count(), 70'000 - 19'989);
  EXPECT_EQ(router_->totals().rttSamples, 1u);
  EXPECT_FALSE(peers_[0]->rtt()) << "the publisher subscribes to nothing: no SR was sent to it";

  // The report's arrival is the socket's receive time when known, not when the worker read it.
  receiverReport(1, lsrOf(kNtp), 0, clock_.now() - Millis(30));
  EXPECT_EQ(peers_[1]->rttEstimator().latest()->count(), 40'000);
  EXPECT_EQ(peers_[1]->rtt()->count(), 50'011 + (40'000 - 50'011) / 8) << "smoothed, alpha 1/8";
}

TEST_F(RouterRoundTrips, ReportsThatNameNoSenderReportOfOursAreNotSamples) {
  ASSERT_NE(startedConsumer(1), nullptr);
  receiverReport(1, 0, 0);       // LSR 0: no SR received yet
  receiverReport(1, 0x1234, 0);  // not one we sent
  senderReport(kNtp);
  clock_.advance(Millis(10));
  receiverReport(1, lsrOf(kNtp) + 1, 0);
  receiverReport(1, lsrOf(kNtp), 65536);  // held a second, but we sent it 10 ms ago
  EXPECT_EQ(router_->totals().rttSamples, 0u);
  EXPECT_FALSE(peers_[1]->rtt());

  // The report may name the SR before the latest: two are remembered, not three.
  const uint64_t second = kNtp + (uint64_t{1} << 32), third = kNtp + (uint64_t{2} << 32);
  senderReport(second);
  clock_.advance(Millis(10));
  senderReport(third);
  clock_.advance(Millis(10));
  receiverReport(1, lsrOf(kNtp), 0);
  EXPECT_EQ(router_->totals().rttSamples, 0u) << "the first SR is forgotten";
  receiverReport(1, lsrOf(second), 0);
  ASSERT_TRUE(peers_[1]->rtt());
  EXPECT_EQ(peers_[1]->rtt()->count(), 20'000);
}

// A publisher that receives nothing from us has no SR to report on: our receiver reports carry
// an XR RRTR, and its DLRR answer (RFC 3611 §4.5) is a round trip too.
TEST_F(RouterRoundTrips, PublishersAnswerOurReferenceTimeWithADelaySinceIt) {
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  peers_[0]->setRtcpSsrc(0x5EC0);
  auto bytes = videoPacket(11);
  auto view = rtp::RtpView::parse(bytes);
  ASSERT_TRUE(view);
  router_->onRtp(*producer, *view);
  producer->layers[0].stats.onPacket(11, 90000u * 11, 0);  // what the RR reports on
  router_->onReportTimer(clock_.now());  // RR + RRTR (nothing leaves: no ICE tuple)
  const uint64_t ntp = ntpFromUnixMillis(clock_.wallMillis());
  clock_.advance(Millis(90));
  auto dlrr = [&](uint32_t ssrc, uint32_t lrr, uint32_t delay) {
    std::vector<uint8_t> xr(8 + 4 + 12);
    xr[0] = 0x80;
    xr[1] = rtcp::kExtendedReport;
    writeU16(&xr[2], static_cast<uint16_t>(xr.size() / 4 - 1));
    writeU32(&xr[4], kPublisherSsrc);
    xr[8] = 5;
    writeU16(&xr[10], 3);
    writeU32(&xr[12], ssrc);
    writeU32(&xr[16], lrr);
    writeU32(&xr[20], delay);
    router_->onRtcp(*peers_[0], xr);
  };
  dlrr(0x1234, rtcp::compactNtp(ntp), 0);      // about someone else's RRTR
  dlrr(0x5EC0, rtcp::compactNtp(ntp) + 7, 0);  // not one we sent
  EXPECT_FALSE(peers_[0]->rtt());
  dlrr(0x5EC0, rtcp::compactNtp(ntp), 65536 / 100);  // held 10 ms (655/65536 s: 9,994 µs)
  ASSERT_TRUE(peers_[0]->rtt());
  EXPECT_EQ(peers_[0]->rtt()->count(), 90'000 - 9'994);
  EXPECT_EQ(router_->totals().rttSamples, 1u);
}

// A subscriber's own RRTR (sent because the offer has a=rtcp-fb:<pt> rrtr) is answered with a
// DLRR once, in its slice of the next worker tick, so that its browser learns its round trip too.
TEST_F(RouterRoundTrips, ASubscribersReferenceTimeIsAnsweredOnce) {
  ASSERT_NE(startedConsumer(1), nullptr);
  std::vector<uint8_t> xr(64);
  xr.resize(rtcp::writeXrRrtr(xr, 0x5001, 0x0123456789ABCDEFull));
  router_->onRtcp(*peers_[1], xr);
  EXPECT_EQ(router_->totals().rrtrReceived, 1u);
  EXPECT_EQ(router_->totals().rttSamples, 0u) << "an RRTR is no sample of ours";
  router_->onReportTimer(clock_.now());
  EXPECT_EQ(router_->totals().rrtrAnswered, 0u) << "not by the once-a-second reports";
  router_->answerRrtrs(*peers_[0], clock_.now());
  EXPECT_EQ(router_->totals().rrtrAnswered, 0u) << "another peer's tick";
  router_->answerRrtrs(*peers_[1], clock_.now());
  EXPECT_EQ(router_->totals().rrtrAnswered, 1u);
  router_->answerRrtrs(*peers_[1], clock_.now() + Millis(100));
  EXPECT_EQ(router_->totals().rrtrAnswered, 1u) << "answered once";
}

// A browser's receivers may send RRTRs from different SSRCs: each sender's latest waits for its
// answer, up to four senders (then the oldest gives way), and all are answered at once.
TEST_F(RouterRoundTrips, EachRrtrSendersLatestIsKept) {
  Peer& p = *peers_[1];
  const TimePoint t = clock_.now();
  p.noteRrtr(0x1, uint64_t{0x1111} << 16, t);
  p.noteRrtr(0x2, uint64_t{0x2222} << 16, t + Millis(1));
  p.noteRrtr(0x1, uint64_t{0x3333} << 16, t + Millis(2));  // replaces 0x1's first
  std::array<Peer::PendingRrtr, Peer::kMaxPendingRrtrs> out;
  auto taken = [&] {
    std::map<uint32_t, uint32_t> lastRrBySender;
    size_t n = p.takePendingRrtrs(out);
    for (size_t i = 0; i < n; ++i) lastRrBySender[out[i].ssrc] = out[i].lastRr;
    return lastRrBySender;
  };
  EXPECT_EQ(taken(), (std::map<uint32_t, uint32_t>{{0x1, 0x3333}, {0x2, 0x2222}}));
  EXPECT_TRUE(taken().empty()) << "taken";

  for (uint32_t s = 1; s <= 5; ++s) p.noteRrtr(s, uint64_t{s} << 16, t + Millis(s));
  EXPECT_EQ(taken(), (std::map<uint32_t, uint32_t>{{2, 2}, {3, 3}, {4, 4}, {5, 5}}))
      << "the oldest sender gave way";

  ASSERT_NE(startedConsumer(1), nullptr);
  std::vector<uint8_t> xr(64);
  for (uint32_t sender : {0x1u, 0x2u}) {
    xr.resize(64);
    xr.resize(rtcp::writeXrRrtr(xr, sender, kNtp));
    router_->onRtcp(p, xr);
  }
  router_->answerRrtrs(p, clock_.now());
  EXPECT_EQ(router_->totals().rrtrAnswered, 2u);
}

// A repair forwarded less than the subscriber's round trip before its NACK arrived answers that
// NACK (it was on its way when the subscriber wrote it); an older one is resent.
TEST_F(RouterRoundTrips, RepairsForwardedLessThanARoundTripBeforeTheNackAreNotResent) {
  Consumer* c = startedConsumer(1);
  ASSERT_NE(c, nullptr);
  peers_[1]->onRttSample(Millis(100));
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  auto bytes = videoPacket(11);
  auto view = rtp::RtpView::parse(bytes);
  ASSERT_TRUE(view);
  router_->onRtp(*producer, *view, /*retransmission=*/true);  // unwrapped from the publisher's RTX
  std::vector<uint8_t> nack(64);
  nack.resize(rtcp::writeNack(nack, 0x5001, subscriberSsrc(1),
                              std::vector<uint16_t>{c->rewriter.map(11, 0).seq}));

  clock_.advance(Millis(60));
  router_->onTick(clock_.now());  // refills the resend budget
  const uint32_t budget = c->retransmitBudget;
  router_->onRtcp(*peers_[1], nack);
  EXPECT_EQ(router_->totals().nackedInFlight, 1u);
  EXPECT_EQ(c->retransmitBudget, budget) << "nothing was resent";

  // Read late, but it reached the socket within the round trip: still in flight.
  clock_.advance(Millis(60));
  router_->onRtcp(*peers_[1], nack, clock_.now() - Millis(30));
  EXPECT_EQ(router_->totals().nackedInFlight, 2u);

  router_->onRtcp(*peers_[1], nack);  // 120 ms after the forward
  EXPECT_EQ(router_->totals().nackedInFlight, 2u);
  EXPECT_EQ(router_->totals().retransmissionMisses, 0u);
  EXPECT_EQ(c->retransmitBudget, budget - 1) << "resent (no ICE tuple here: nothing leaves)";
}

// Originals are resent however recently forwarded (the subscriber lost it on its own link and
// NACKed at the next packet's arrival, which the round trip's error can hide); so is a repair
// while the round trip is unknown.
TEST_F(RouterRoundTrips, OriginalsAndRepairsWithoutARoundTripAreResentAtOnce) {
  Consumer* c = startedConsumer(1);
  ASSERT_NE(c, nullptr);
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  auto route = [&](uint16_t seq, bool retransmission) {
    auto bytes = videoPacket(seq);
    auto view = rtp::RtpView::parse(bytes);
    ASSERT_TRUE(view);
    router_->onRtp(*producer, *view, retransmission);
  };
  auto nackFor = [&](uint16_t seq) {
    std::vector<uint8_t> nack(64);
    nack.resize(rtcp::writeNack(nack, 0x5001, subscriberSsrc(1),
                                std::vector<uint16_t>{c->rewriter.map(seq, 0).seq}));
    return nack;
  };
  route(11, false);
  route(13, false);
  route(12, false);  // late: it fills the gap 13 opened, so it is kept as a repair
  route(14, true);
  router_->onTick(clock_.now());
  const uint32_t budget = c->retransmitBudget;
  router_->onRtcp(*peers_[1], nackFor(14));
  EXPECT_EQ(c->retransmitBudget, budget - 1) << "a repair, but no round trip is known";

  peers_[1]->onRttSample(Millis(100));
  router_->onRtcp(*peers_[1], nackFor(11));
  EXPECT_EQ(c->retransmitBudget, budget - 2) << "an original, forwarded just now";
  router_->onRtcp(*peers_[1], nackFor(12));
  EXPECT_EQ(router_->totals().nackedInFlight, 1u) << "a late packet is a repair too";
  EXPECT_EQ(c->retransmitBudget, budget - 2);
}

// A subscriber that asks again before our retransmission could have reached it (a receive-only
// browser re-asks every 100 ms, whatever its round trip) gets nothing new; after the round trip
// it gets the packet again (the retransmission may have been lost).
TEST_F(RouterRoundTrips, APacketIsNotResentAgainWithinTheSubscribersRoundTrip) {
  Consumer* c = startedConsumer(1);
  ASSERT_NE(c, nullptr);
  Producer* producer = peers_[0]->producerById(1);
  ASSERT_NE(producer, nullptr);
  auto bytes = videoPacket(11);
  auto view = rtp::RtpView::parse(bytes);
  ASSERT_TRUE(view);
  router_->onRtp(*producer, *view);
  std::vector<uint8_t> nack(64);
  nack.resize(rtcp::writeNack(nack, 0x5001, subscriberSsrc(1),
                              std::vector<uint16_t>{c->rewriter.map(11, 0).seq}));
  router_->onTick(clock_.now());
  const uint32_t budget = c->retransmitBudget;
  // No round trip yet: every NACK is answered.
  router_->onRtcp(*peers_[1], nack);
  router_->onRtcp(*peers_[1], nack);
  EXPECT_EQ(c->retransmitBudget, budget - 2);
  ASSERT_NE(c->resent, nullptr) << "made at the first resend";

  peers_[1]->onRttSample(Millis(250));
  clock_.advance(Millis(100));
  router_->onRtcp(*peers_[1], nack);  // 100 ms after the last resend
  EXPECT_EQ(router_->totals().nackedRecentlyResent, 1u);
  EXPECT_EQ(c->retransmitBudget, budget - 2);
  clock_.advance(Millis(150));
  router_->onRtcp(*peers_[1], nack);  // 250 ms after it: the retransmission may be lost
  EXPECT_EQ(c->retransmitBudget, budget - 3);
  EXPECT_EQ(router_->totals().nackedRecentlyResent, 1u);
  clock_.advance(Millis(100));
  router_->onRtcp(*peers_[1], nack);
  EXPECT_EQ(router_->totals().nackedRecentlyResent, 2u) << "counted from the latest resend";
}

TEST_F(RouterRoundTrips, PublishersAreAskedAgainAfterTheirRoundTrip) {
  const Peer& publisher = *peers_[0];
  EXPECT_EQ(Router::nackRetryInterval(publisher), NackGenerator::kRetryInterval);
  peers_[0]->onRttSample(Micros(30'500));
  EXPECT_EQ(Router::nackRetryInterval(publisher), Millis(31) + NackGenerator::kRetryMargin);
  for (int i = 0; i < 60; ++i) peers_[0]->onRttSample(Micros(1'000));
  EXPECT_EQ(Router::nackRetryInterval(publisher), NackGenerator::kMinRetry);
  for (int i = 0; i < 80; ++i) peers_[0]->onRttSample(Millis(900));
  EXPECT_EQ(Router::nackRetryInterval(publisher), NackGenerator::kMaxRetry);
}

}  // namespace
}  // namespace rounds
