// Bandwidth probing towards one subscriber: when to send a cluster, its pace, and its delivered
// rate from transport-cc feedback (draft-ietf-rmcat-gcc-02 §5; the probing idea of libwebrtc's
// probe controller and probe bitrate estimator, written from their description).
// Threading: the peer's worker thread.
#include "media/probe_controller.hpp"

#include <algorithm>

namespace rounds {

bool ProbeController::onTick(const Inputs& in, int64_t nowUs) {
  if (state_ == State::Sending && nowUs - startUs_ > 4 * durationUs_) {
    // The pacing timer was starved: measure what did go out.
    state_ = State::Waiting;
    deadlineUs_ = nowUs + config_.resultTimeoutUs;
  }
  if (state_ == State::Waiting && nowUs >= deadlineUs_) finish(false, false, nowUs);
  if (state_ != State::Idle) return false;
  // Never for a subscriber that gets no video (audio only, all paused) or that has nothing to
  // climb to, and never beyond what its wanted layers need.
  if (!in.canProbe || !in.estimateBps || in.wantedBps == 0) return false;
  double estimate = *in.estimateBps;
  if (estimate >= in.wantedBps) return false;
  if (nowUs < nextProbeUs_) return false;
  if (lastStartUs_ >= 0 && nowUs - lastStartUs_ < config_.minIntervalUs) return false;
  double cap = config_.capHeadroom * in.wantedBps;
  double target =
      std::min(cap, estimate * (probedBefore_ ? config_.growFactor : config_.firstFactor));
  if (target <= estimate) return false;
  probedBefore_ = true;
  state_ = State::Sending;
  clusterId_ = static_cast<uint8_t>(clusterId_ == 255 ? 1 : clusterId_ + 1);
  targetBps_ = static_cast<uint32_t>(target);
  // At a low target a cluster of the minimum packet count takes longer than clusterUs.
  double minBytes = static_cast<double>(config_.minPackets) * config_.paddingBytes;
  durationUs_ = std::max<int64_t>(config_.clusterUs, static_cast<int64_t>(minBytes * 8e6 / target));
  clusterBytes_ = static_cast<size_t>(target * static_cast<double>(durationUs_) / 8e6);
  sentBytes_ = 0;
  sentPackets_ = 0;
  startUs_ = nowUs;
  lastStartUs_ = nowUs;
  reported_ = received_ = 0;
  bytes_ = 0;
  firstSendUs_ = lastSendUs_ = firstArrivalUs_ = lastArrivalUs_ = -1;
  lastSentSize_ = firstArrivedSize_ = 0;
  ++clusters_;
  return true;
}

size_t ProbeController::paddingDue(int64_t nowUs) const {
  if (state_ != State::Sending) return 0;
  // Bytes due by the end of the current pacing step, so the first step starts at once.
  double elapsed = static_cast<double>(nowUs - startUs_ + config_.paceUs);
  double fraction = std::clamp(elapsed / static_cast<double>(durationUs_), 0.0, 1.0);
  auto due = static_cast<size_t>(fraction * static_cast<double>(clusterBytes_));
  if (due <= sentBytes_) return fraction >= 1.0 && sentPackets_ < config_.minPackets ? 1 : 0;
  return due - sentBytes_;
}

void ProbeController::onProbeSent(size_t wireBytes, int64_t nowUs) {
  if (state_ != State::Sending) return;
  sentBytes_ += wireBytes;
  ++sentPackets_;
  paddingBytes_ += wireBytes;
  if (sentBytes_ >= clusterBytes_ && sentPackets_ >= config_.minPackets) {
    state_ = State::Waiting;
    deadlineUs_ = nowUs + config_.resultTimeoutUs;
  }
}

void ProbeController::abort(int64_t nowUs) {
  if (state_ == State::Idle) return;
  finish(false, false, nowUs);
}

void ProbeController::onProbeFeedback(uint8_t cluster, int64_t sendUs, int64_t arrivalUs,
                                      uint32_t size) {
  if (state_ == State::Idle || cluster != clusterId_) return;
  ++reported_;
  if (arrivalUs < 0) return;
  ++received_;
  bytes_ += size;
  if (firstSendUs_ < 0 || sendUs < firstSendUs_) firstSendUs_ = sendUs;
  if (lastSendUs_ < 0 || sendUs >= lastSendUs_) {
    lastSendUs_ = sendUs;
    lastSentSize_ = size;
  }
  if (firstArrivalUs_ < 0 || arrivalUs < firstArrivalUs_) {
    firstArrivalUs_ = arrivalUs;
    firstArrivedSize_ = size;
  }
  lastArrivalUs_ = std::max(lastArrivalUs_, arrivalUs);
}

std::optional<uint32_t> ProbeController::takeResult(bool overusing, int64_t nowUs) {
  if (state_ != State::Waiting) return std::nullopt;
  if (reported_ < sentPackets_ && nowUs < deadlineUs_) return std::nullopt;  // more to come
  // A probe that pushed the link into over-use found its limit, not room.
  double lost = sentPackets_ == 0 ? 1.0 : 1.0 - static_cast<double>(received_) / sentPackets_;
  int64_t sendSpread = lastSendUs_ - firstSendUs_;
  int64_t recvSpread = lastArrivalUs_ - firstArrivalUs_;
  if (overusing || lost > config_.maxLoss || received_ < config_.minPackets || sendSpread < 1000 ||
      recvSpread <= 0) {
    finish(false, false, nowUs);
    return std::nullopt;
  }
  // Send rate without the last packet sent (its bytes left at the end of the spread), receive
  // rate without the first one to arrive (it arrived at the start); the link delivered the
  // smaller of the two. A receive rate well below the send rate means the link was full: its
  // capacity is about what arrived.
  double sendRate = static_cast<double>(bytes_ - lastSentSize_) * 8e6 / sendSpread;
  double recvRate = static_cast<double>(bytes_ - firstArrivedSize_) * 8e6 / recvSpread;
  double rate = std::min(sendRate, recvRate);
  bool saturated = recvRate * config_.saturatedRatio < sendRate;
  if (saturated) rate = 0.95 * recvRate;
  rate = std::min(rate, static_cast<double>(targetBps_));
  auto result = static_cast<uint32_t>(rate);
  lastResult_ = result;
  bool again = !saturated && rate >= config_.continueFraction * targetBps_;
  finish(true, again, nowUs);
  return result;
}

void ProbeController::finish(bool success, bool probeAgain, int64_t nowUs) {
  state_ = State::Idle;
  if (success) ++successes_;
  nextProbeUs_ = probeAgain ? nowUs : nowUs + config_.periodicUs;
}

}  // namespace rounds
