// Router: the forwarding table of one room on one worker. It hands each publisher's RTP to the
// consumers of that track, turns subscribers' key-frame requests into rate-limited PLIs towards the
// publisher, translates publishers' sender reports for each subscriber, and sends receiver reports
// (and, where transport-cc is not negotiated, a REMB) to publishers. Loss recovery: it keeps each video producer's recent packets to
// answer subscribers' NACKs, and NACKs publishers for the gaps in what they send.
// Threading: belongs to its worker thread.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/metrics.hpp"
#include "media/active_speaker.hpp"
#include "media/peer.hpp"

namespace rounds {

class Router {
 public:
  Router(std::string room, const MediaConfig& config, const Clock& clock, PacketCounters& counters);

  const std::string& room() const { return room_; }
  bool empty() const { return producers_.empty() && consumers_.empty(); }

  void addProducer(Producer& producer);
  void removeProducer(uint64_t producerId);
  void addConsumer(Consumer& consumer);
  void removeConsumer(uint64_t consumerId);
  // Forgets every producer and consumer that belongs to `peer` (before the peer is destroyed).
  void removePeer(Peer& peer);

  // `retransmission`: unwrapped from the publisher's RTX stream.
  // `layer`: the simulcast layer the packet belongs to (0 without simulcast).
  void onRtp(Producer& producer, rtp::RtpView& packet, bool retransmission = false,
             size_t layer = 0);
  // `receivedAt`: when the datagram reached the worker's socket (UdpSocket::receivedAt); a NACK
  // that waited there longer than MediaConfig::resendMaxQueueWaitMs is not answered.
  void onRtcp(Peer& from, Bytes compound, std::optional<TimePoint> receivedAt = std::nullopt);
  // Every worker tick (100 ms): NACK retries towards publishers, subscribers' resend budgets,
  // key-frame requests held back by the rate limit.
  void onTick(TimePoint now);
  // Once a second: receiver reports (+ REMB without transport-cc) to publishers, and pending
  // key-frame requests.
  void onReportTimer(TimePoint now);
  // In `peer`'s slice of the worker's tick (every 100 ms): DLRR answers to the RRTRs it sent
  // since, if any. Per peer, so that a large room's answers do not hold the loop all at once.
  void answerRrtrs(Peer& peer, TimePoint now);
  // Every layer of the producer / one layer (rate-limited per layer).
  void requestKeyFrame(Producer& producer, TimePoint now);
  void requestKeyFrame(Producer& producer, size_t layer, TimePoint now);
  // Where each video consumer stands (layer selection), appended to `out`.
  void collectLayerStats(std::vector<ConsumerLayerStats>& out) const;
  // The subscriber reported how tall it shows `consumerId`'s video (0: unknown).
  bool setConsumerTile(Peer& subscriber, uint64_t consumerId, uint32_t height);
  // Smoothed RFC 6464 level of an audio producer in -dBov (127: silence); nullopt if unknown.
  std::optional<uint8_t> audioLevel(uint64_t producerId, TimePoint now) const;

  // Low-bandwidth choices (receive_policy.cpp): consumers `peer` does not want under `mode` are
  // paused (nothing is sent to it); a consumer that is wanted again resumes with a key-frame
  // request. ActiveSpeaker follows activeSpeaker(), re-evaluated every tick.
  void setReceiveMode(Peer& peer, ReceiveMode mode);
  ReceiveMode receiveMode(const Peer& peer) const;
  // "No incoming screen video": `peer`'s screen consumers are paused while `screens` is false,
  // whatever its ReceiveMode (AudioOnly pauses them anyway); lifting it resumes them with a PLI.
  void setReceiveScreens(Peer& peer, bool screens);
  bool receivesScreens(const Peer& peer) const { return !noScreens_.count(&peer); }
  // The peer whose video ActiveSpeaker subscribers get; nullptr before anyone spoke.
  const Peer* activeSpeaker() const;
  size_t pausedConsumers() const;

  // What this room counted (RouterCounters, types.hpp), for the worker's sum (WorkerStats).
  const RouterCounters& totals() const { return totals_; }
  // How long a missing packet waits before the publisher is asked for it again
  // (NackGenerator::retryIntervalFor its measured round trip).
  static Millis nackRetryInterval(const Peer& publisher);
  // Publishers' padding-only packets (their bandwidth probes), counted and not forwarded.
  uint64_t paddingDropped() const { return paddingDropped_; }

 private:
  void onSenderReport(Peer& from, const rtcp::PacketView& p);
  // The report blocks of an SR or RR from `from`: a round-trip sample (media/rtt_estimator.hpp).
  void onReportBlocks(Peer& from, const rtcp::PacketView& p, TimePoint arrival);
  // An XR from `from`: its DLRR answers to our RRTRs are round-trip samples too.
  void onExtendedReport(Peer& from, const rtcp::PacketView& p, TimePoint arrival);
  // The smallest round trip one report gave (nullopt: none) becomes `from`'s sample.
  void takeRttSample(Peer& from, std::optional<Micros> rtt);
  void onKeyFrameRequest(Peer& from, uint32_t mediaSsrc);
  void onNack(Peer& from, const rtcp::PacketView& p, std::optional<TimePoint> receivedAt);
  void sendNacks(Producer& producer, size_t layer, TimePoint now);
  // router_padding.cpp: a publisher's padding-only packet is not forwarded; its sequence number
  // is no gap to NACK, and consumers' numbering closes up behind it.
  void dropPadding(Producer& producer, size_t layer, const rtp::RtpView& packet, TimePoint now);
  void updateLayerRates(Producer& producer, TimePoint now);
  void updateSelector(Producer& producer, Consumer& consumer, TimePoint now);
  // receive_policy.cpp: recomputes every consumer's paused flag (resuming with a key frame).
  void updateActiveSpeaker(TimePoint now);
  void applyReceiveModes(TimePoint now);
  bool wanted(const Consumer& consumer) const;

  std::string room_;
  const MediaConfig& config_;
  const Clock& clock_;
  PacketCounters& counters_;
  std::map<uint64_t, Producer*> producers_;
  // producer id -> its consumers (subscribers' copies)
  std::map<uint64_t, std::vector<Consumer*>> consumers_;
  uint64_t paddingDropped_ = 0;
  std::map<const Peer*, ReceiveMode> receiveModes_;  // absent: All
  std::set<const Peer*> noScreens_;                  // subscribers that refuse screens
  ActiveSpeaker speaker_;
  RouterCounters totals_;
};

}  // namespace rounds
