// Send-side bandwidth estimation for one subscriber's downlink, after draft-ietf-rmcat-gcc-02:
// a delay-based part (inter-group delay variation -> trendline filter -> over-use detector with an
// adaptive threshold -> AIMD rate control, §5) and a loss-based part (§6); the estimate is the
// smaller of the two. It is fed transport-cc feedback already matched with our send history.
// Threading: belongs to its peer's worker thread. Fixed-size state: no allocation after construction.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "common/low_bits.hpp"

namespace rounds {

class BandwidthEstimator {
 public:
  struct PacketResult {
    int64_t sendUs = 0;      // our clock
    int64_t arrivalUs = -1;  // the receiver's clock; < 0: reported lost
    uint32_t size = 0;       // bytes
  };
  enum class Usage { Normal, Overusing, Underusing };

  struct Config {
    uint32_t initialBps = 300'000;
    uint32_t minBps = 30'000;
    uint32_t maxBps = 20'000'000;
  };

  BandwidthEstimator() : BandwidthEstimator(Config{}) {}
  explicit BandwidthEstimator(Config config);

  // One transport feedback's packets, in sequence order; `nowUs` on our clock.
  void onFeedback(std::span<const PacketResult> packets, int64_t nowUs);

  // A probe cluster's delivered rate (media/probe_controller.hpp): unless the link is over-used,
  // both estimates rise to it, and the 1.5x-acknowledged cap no longer pulls them below it until
  // the next decrease (the probe showed the room that the media has not used yet).
  void onProbeResult(uint32_t bps, int64_t nowUs);
  // The measured round trip to the peer (media/rtt_estimator.hpp). GCC's response time (§5.5:
  // round trip + 100 ms) paces the additive increase near the link's capacity (about a packet
  // per response time) and spaces decreases; until a round trip is known it is 300 ms.
  void setRoundTrip(int64_t rttUs);
  int64_t responseTimeUs() const { return responseTimeUs_; }
  static constexpr int64_t kResponseMarginUs = 100'000;
  static constexpr int64_t kDefaultResponseTimeUs = 300'000;
  static constexpr int64_t kMaxRoundTripUs = 2'000'000;
  uint32_t probedBps() const { return static_cast<uint32_t>(probedFloor_); }

  // nullopt until feedback has confirmed some delivered packets.
  std::optional<uint32_t> estimateBps() const;
  uint32_t delayBasedBps() const { return static_cast<uint32_t>(delayRate_); }
  uint32_t lossBasedBps() const { return static_cast<uint32_t>(lossRate_); }
  std::optional<uint32_t> ackedBps() const;
  Usage usage() const { return usage_; }
  double threshold() const { return threshold_; }
  uint64_t feedbacks() const { return feedbacks_; }

 private:
  void onDelivered(const PacketResult& p, int64_t nowUs);
  void onGroupDelta(double sendDeltaMs, double arrivalDeltaMs, double arrivalMs, int64_t nowUs);
  void detect(double modifiedTrend, double sendDeltaMs, double trend, int64_t nowUs);
  void updateRate(int64_t nowUs);
  void updateLoss(int64_t nowUs);

  int64_t responseTimeUs_ = kDefaultResponseTimeUs;

  Config config_;
  // Acknowledged rate: delivered bytes over a sliding window of arrival times (§5.5 R_hat).
  // 8 bytes an entry: the arrival's low 32 bits, the full time reckoned back from
  // lastArrivalUs_ (entries are no later, and a window of 0.5 s old, far less than 71 minutes).
  struct Acked {
    uint32_t arrivalUs;
    uint32_t size;
  };
  int64_t arrivalOf(const Acked& a) const { return widenLow32(lastArrivalUs_, a.arrivalUs); }
  std::array<Acked, 1024> acked_{};
  size_t ackedHead_ = 0;
  size_t ackedCount_ = 0;
  uint64_t ackedBytes_ = 0;
  int64_t lastArrivalUs_ = 0;

  // Packet groups (§5.2): packets sent within 5 ms of a group's first one.
  bool haveGroup_ = false;
  bool havePrevGroup_ = false;
  int64_t groupFirstSendUs_ = 0;
  int64_t groupLastSendUs_ = 0;
  int64_t groupLastArrivalUs_ = 0;
  int64_t prevGroupSendUs_ = 0;
  int64_t prevGroupArrivalUs_ = 0;

  // Trendline filter over the accumulated delay variation.
  static constexpr size_t kWindow = 20;
  std::array<double, kWindow> trendX_{};
  std::array<double, kWindow> trendY_{};
  size_t trendCount_ = 0;
  size_t trendHead_ = 0;
  double accumulatedDelayMs_ = 0;
  double smoothedDelayMs_ = 0;
  double firstArrivalMs_ = -1;
  uint32_t numDeltas_ = 0;
  double prevTrend_ = 0;

  // Over-use detector (§5.4) with adaptive threshold (§5.4, gamma).
  double threshold_ = 12.5;
  int64_t lastThresholdUpdateUs_ = -1;
  double timeOverUsingMs_ = -1;
  int overuseCounter_ = 0;
  Usage usage_ = Usage::Normal;

  // AIMD rate control (§5.5).
  enum class RateState { Hold, Increase, Decrease };
  RateState rateState_ = RateState::Increase;
  double delayRate_ = 0;
  int64_t lastRateUpdateUs_ = -1;
  int64_t lastDecreaseUs_ = -1;
  double linkCapacityBps_ = -1;  // smoothed acked rate at decreases; -1 unknown
  double linkCapacityVar_ = 0.4;

  // Loss-based control (§6).
  double lossRate_ = 0;
  uint32_t lossLost_ = 0;
  uint32_t lossTotal_ = 0;
  int64_t lastLossUpdateUs_ = -1;

  double probedFloor_ = 0;  // last probe result, until a decrease
  bool haveEstimate_ = false;
  uint64_t feedbacks_ = 0;
};

}  // namespace rounds
