// Google congestion control, send side (draft-ietf-rmcat-gcc-02 §5 delay-based, §6 loss-based),
// with the trendline filter of the arrival-time model in place of the draft's Kalman filter.
// Threading: the peer's worker thread.
#include "media/bandwidth_estimator.hpp"

#include <algorithm>
#include <cmath>

namespace rounds {

namespace {
constexpr int64_t kGroupSpanUs = 5'000;       // §5.2: a burst is what leaves within 5 ms
constexpr int64_t kAckedWindowUs = 500'000;   // §5.5: R_hat over the last 0.5 s
constexpr double kSmoothing = 0.9;            // of the accumulated delay
constexpr double kTrendGain = 4.0;            // slope -> comparable with the threshold
constexpr uint32_t kTrendMaxDeltas = 60;
constexpr double kOveruseTimeMs = 10.0;       // §5.4: over-use must last this long
constexpr double kKUp = 0.0087;               // §5.4: gamma adapts faster down than up
constexpr double kKDown = 0.039;
constexpr double kThresholdMin = 6.0;
constexpr double kThresholdMax = 600.0;
constexpr double kBeta = 0.85;                // §5.5: decrease to 0.85 of the acked rate
constexpr double kIncreasePerSecond = 1.08;   // §5.5: multiplicative increase, 8 %/s
constexpr double kPacketBits = 1200 * 8;
constexpr int64_t kLossIntervalUs = 300'000;      // §6: loss evaluated over ~ this long
constexpr uint32_t kLossMinPackets = 10;
constexpr double kLossHigh = 0.10;  // §6: above 10 % back off
constexpr double kLossLow = 0.02;   // below 2 % grow
constexpr double kLossGrowth = 1.05;
}  // namespace

void BandwidthEstimator::setRoundTrip(int64_t rttUs) {
  responseTimeUs_ = std::clamp<int64_t>(rttUs, 0, kMaxRoundTripUs) + kResponseMarginUs;
}

BandwidthEstimator::BandwidthEstimator(Config config) : config_(config) {
  delayRate_ = config_.initialBps;
  lossRate_ = config_.initialBps;
}

void BandwidthEstimator::onFeedback(std::span<const PacketResult> packets, int64_t nowUs) {
  ++feedbacks_;
  for (const auto& p : packets) {
    ++lossTotal_;
    if (p.arrivalUs < 0) {
      ++lossLost_;
      continue;
    }
    onDelivered(p, nowUs);
  }
  updateRate(nowUs);
  updateLoss(nowUs);
}

std::optional<uint32_t> BandwidthEstimator::ackedBps() const {
  if (ackedCount_ < 2) return std::nullopt;
  int64_t oldest = arrivalOf(acked_[ackedHead_]);
  int64_t span = std::max<int64_t>(lastArrivalUs_ - oldest, kAckedWindowUs / 2);
  return static_cast<uint32_t>(std::min<uint64_t>(ackedBytes_ * 8 * 1'000'000 / span, UINT32_MAX));
}

std::optional<uint32_t> BandwidthEstimator::estimateBps() const {
  if (!haveEstimate_) return std::nullopt;
  return static_cast<uint32_t>(std::min(delayRate_, lossRate_));
}

void BandwidthEstimator::onDelivered(const PacketResult& p, int64_t nowUs) {
  (void)nowUs;
  // Acknowledged bytes over the last window of arrival times.
  if (ackedCount_ == acked_.size()) {
    ackedBytes_ -= acked_[ackedHead_].size;
    ackedHead_ = (ackedHead_ + 1) % acked_.size();
    --ackedCount_;
  }
  acked_[(ackedHead_ + ackedCount_) % acked_.size()] = {static_cast<uint32_t>(p.arrivalUs), p.size};
  ++ackedCount_;
  ackedBytes_ += p.size;
  lastArrivalUs_ = std::max(lastArrivalUs_, p.arrivalUs);
  while (ackedCount_ > 1 && arrivalOf(acked_[ackedHead_]) < lastArrivalUs_ - kAckedWindowUs) {
    ackedBytes_ -= acked_[ackedHead_].size;
    ackedHead_ = (ackedHead_ + 1) % acked_.size();
    --ackedCount_;
  }

  // §5.2 pre-filtering: group by send time; a packet sent before the current group is reordered
  // and says nothing about the queue.
  if (!haveGroup_) {
    haveGroup_ = true;
    groupFirstSendUs_ = groupLastSendUs_ = p.sendUs;
    groupLastArrivalUs_ = p.arrivalUs;
    return;
  }
  if (p.sendUs < groupFirstSendUs_) return;
  if (p.sendUs - groupFirstSendUs_ <= kGroupSpanUs) {
    groupLastSendUs_ = std::max(groupLastSendUs_, p.sendUs);
    groupLastArrivalUs_ = std::max(groupLastArrivalUs_, p.arrivalUs);
    return;
  }
  if (havePrevGroup_) {
    // §5.3: d(i) = t(i) - t(i-1) - (T(i) - T(i-1)), between the groups' last packets.
    double sendDeltaMs = static_cast<double>(groupLastSendUs_ - prevGroupSendUs_) / 1000.0;
    double arrivalDeltaMs = static_cast<double>(groupLastArrivalUs_ - prevGroupArrivalUs_) / 1000.0;
    onGroupDelta(sendDeltaMs, arrivalDeltaMs, static_cast<double>(groupLastArrivalUs_) / 1000.0,
                 groupLastArrivalUs_);
  }
  havePrevGroup_ = true;
  prevGroupSendUs_ = groupLastSendUs_;
  prevGroupArrivalUs_ = groupLastArrivalUs_;
  groupFirstSendUs_ = groupLastSendUs_ = p.sendUs;
  groupLastArrivalUs_ = p.arrivalUs;
}

void BandwidthEstimator::onGroupDelta(double sendDeltaMs, double arrivalDeltaMs, double arrivalMs,
                                      int64_t arrivalUs) {
  double d = arrivalDeltaMs - sendDeltaMs;
  numDeltas_ = std::min<uint32_t>(numDeltas_ + 1, 1000);
  accumulatedDelayMs_ += d;
  smoothedDelayMs_ = kSmoothing * smoothedDelayMs_ + (1 - kSmoothing) * accumulatedDelayMs_;
  if (firstArrivalMs_ < 0) firstArrivalMs_ = arrivalMs;
  trendX_[trendHead_] = arrivalMs - firstArrivalMs_;
  trendY_[trendHead_] = smoothedDelayMs_;
  trendHead_ = (trendHead_ + 1) % kWindow;
  trendCount_ = std::min(trendCount_ + 1, kWindow);
  double trend = prevTrend_;
  if (trendCount_ == kWindow) {
    // Least-squares slope of smoothed delay over arrival time: how fast the queue grows.
    double mx = 0, my = 0;
    for (size_t i = 0; i < kWindow; ++i) {
      mx += trendX_[i];
      my += trendY_[i];
    }
    mx /= kWindow;
    my /= kWindow;
    double num = 0, den = 0;
    for (size_t i = 0; i < kWindow; ++i) {
      num += (trendX_[i] - mx) * (trendY_[i] - my);
      den += (trendX_[i] - mx) * (trendX_[i] - mx);
    }
    if (den > 0) trend = num / den;
  }
  double modified = std::min(numDeltas_, kTrendMaxDeltas) * trend * kTrendGain;
  detect(modified, sendDeltaMs, trend, arrivalUs);
  prevTrend_ = trend;
}

void BandwidthEstimator::detect(double modifiedTrend, double sendDeltaMs, double trend,
                                int64_t nowUs) {
  // §5.4 over-use detector.
  if (modifiedTrend > threshold_) {
    timeOverUsingMs_ = timeOverUsingMs_ < 0 ? sendDeltaMs / 2 : timeOverUsingMs_ + sendDeltaMs;
    ++overuseCounter_;
    if (timeOverUsingMs_ > kOveruseTimeMs && overuseCounter_ > 1 && trend >= prevTrend_) {
      timeOverUsingMs_ = 0;
      overuseCounter_ = 0;
      usage_ = Usage::Overusing;
    }
  } else if (modifiedTrend < -threshold_) {
    timeOverUsingMs_ = -1;
    overuseCounter_ = 0;
    usage_ = Usage::Underusing;
  } else {
    timeOverUsingMs_ = -1;
    overuseCounter_ = 0;
    usage_ = Usage::Normal;
  }
  // §5.4 adaptive threshold: gamma follows |m| (slowly up, faster down), outliers ignored.
  if (lastThresholdUpdateUs_ < 0) lastThresholdUpdateUs_ = nowUs;
  double absM = std::fabs(modifiedTrend);
  if (absM > threshold_ + 15.0) {
    lastThresholdUpdateUs_ = nowUs;
    return;
  }
  double k = absM < threshold_ ? kKDown : kKUp;
  double dtMs = std::clamp(static_cast<double>(nowUs - lastThresholdUpdateUs_) / 1000.0, 0.0, 100.0);
  threshold_ = std::clamp(threshold_ + k * (absM - threshold_) * dtMs, kThresholdMin, kThresholdMax);
  lastThresholdUpdateUs_ = nowUs;
}

void BandwidthEstimator::updateRate(int64_t nowUs) {
  auto acked = ackedBps();
  if (!acked) return;
  haveEstimate_ = true;
  double ackedRate = *acked;
  if (lastRateUpdateUs_ < 0) lastRateUpdateUs_ = nowUs;
  double dtS = std::clamp(static_cast<double>(nowUs - lastRateUpdateUs_) / 1e6, 0.0, 1.0);
  lastRateUpdateUs_ = nowUs;
  // §5.5 state machine: over-use -> decrease, under-use -> hold (the queue drains), normal ->
  // increase (from hold; a decrease is followed by hold).
  switch (usage_) {
    case Usage::Overusing:
      rateState_ = RateState::Decrease;
      break;
    case Usage::Underusing:
      rateState_ = RateState::Hold;
      break;
    case Usage::Normal:
      if (rateState_ == RateState::Hold) rateState_ = RateState::Increase;
      break;
  }
  double sigma = linkCapacityBps_ > 0 ? std::sqrt(linkCapacityVar_) * linkCapacityBps_ / 4 : 0;
  if (rateState_ == RateState::Increase) {
    if (linkCapacityBps_ > 0 && delayRate_ > linkCapacityBps_ + 3 * sigma) linkCapacityBps_ = -1;
    if (linkCapacityBps_ > 0 && delayRate_ > linkCapacityBps_ - 3 * sigma) {
      // Near the capacity last seen: additive, about one packet per response time.
      delayRate_ +=
          std::max(1000.0, kPacketBits / (static_cast<double>(responseTimeUs_) / 1e6)) * dtS;
    } else {
      delayRate_ *= std::pow(kIncreasePerSecond, dtS);
    }
  } else if (rateState_ == RateState::Decrease) {
    // One decrease per response time: the previous one's effect must be seen first.
    if (lastDecreaseUs_ < 0 || nowUs - lastDecreaseUs_ >= responseTimeUs_) {
      double target = kBeta * ackedRate;
      if (target < delayRate_) delayRate_ = target;
      probedFloor_ = 0;  // the room a probe found is gone
      if (linkCapacityBps_ > 0 && ackedRate < linkCapacityBps_ - 3 * sigma) linkCapacityBps_ = -1;
      linkCapacityBps_ =
          linkCapacityBps_ < 0 ? ackedRate : 0.95 * linkCapacityBps_ + 0.05 * ackedRate;
      lastDecreaseUs_ = nowUs;
    }
    rateState_ = RateState::Hold;
  }
  // §5.5: never more than 1.5 times what actually gets through, unless a probe got more through.
  delayRate_ = std::min(delayRate_, std::max(1.5 * ackedRate + 10'000, probedFloor_));
  delayRate_ = std::clamp(delayRate_, double(config_.minBps), double(config_.maxBps));
}

void BandwidthEstimator::updateLoss(int64_t nowUs) {
  if (lastLossUpdateUs_ < 0) lastLossUpdateUs_ = nowUs;
  if (nowUs - lastLossUpdateUs_ < kLossIntervalUs || lossTotal_ < kLossMinPackets) return;
  double lost = static_cast<double>(lossLost_) / lossTotal_;
  double acked = ackedBps().value_or(0);
  if (lost > kLossHigh) {
    // §6: A_s = A_s (1 - 0.5 p), from what is actually being sent.
    lossRate_ = std::min(lossRate_, std::min(delayRate_, lossRate_)) * (1 - 0.5 * lost);
    probedFloor_ = 0;
  } else if (lost < kLossLow) {
    // §6: grow by 5 %, but not beyond 1.5 times what gets through (no runaway when idle).
    lossRate_ = std::min(lossRate_ * kLossGrowth + 1000, std::max(lossRate_, 1.5 * acked + 10'000));
  }
  lossRate_ = std::clamp(lossRate_, double(config_.minBps), double(config_.maxBps));
  lossLost_ = 0;
  lossTotal_ = 0;
  lastLossUpdateUs_ = nowUs;
}

void BandwidthEstimator::onProbeResult(uint32_t bps, int64_t nowUs) {
  (void)nowUs;
  // libwebrtc's delay-based estimator takes a probe result only when it is not in over-use.
  if (!haveEstimate_ || usage_ == Usage::Overusing) return;
  double rate = std::clamp(double(bps), double(config_.minBps), double(config_.maxBps));
  probedFloor_ = rate;
  delayRate_ = std::max(delayRate_, rate);
  lossRate_ = std::max(lossRate_, rate);
}

}  // namespace rounds
