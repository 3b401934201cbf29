#include "media/receive_stats.hpp"

#include <cstdlib>

namespace rounds {

void RtpReceiveStats::onPacket(uint16_t seq, uint32_t rtpTs, uint32_t arrivalTicks) {
  if (!started_) {
    started_ = true;
    baseSeq_ = seq;
    maxSeq_ = seq;
  } else {
    uint16_t delta = static_cast<uint16_t>(seq - maxSeq_);
    if (delta != 0 && delta < 0x8000) {  // in order, possibly with a gap (RFC 3550 §A.1)
      if (seq < maxSeq_) ++cycles_;
      maxSeq_ = seq;
    }
  }
  ++received_;
  // RFC 3550 §A.8: J += (|D| - J) / 16
  int64_t transit = static_cast<int64_t>(arrivalTicks) - static_cast<int64_t>(rtpTs);
  if (received_ > 1) {
    int64_t d = transit - transit_;
    // Wrap of the 32-bit clocks shows up as a huge jump: ignore that sample.
    if (std::llabs(d) < (int64_t{1} << 30)) jitter_ += (static_cast<double>(std::llabs(d)) - jitter_) / 16.0;
  }
  transit_ = transit;
}

rtcp::ReportBlock RtpReceiveStats::makeReport(uint32_t ssrc, uint32_t lastSrCompact,
                                              uint32_t delaySinceLastSr) {
  rtcp::ReportBlock b;
  b.ssrc = ssrc;
  uint32_t extMax = (cycles_ << 16) | maxSeq_;
  uint64_t expected = static_cast<uint64_t>(extMax) - baseSeq_ + 1;
  int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(received_);
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  uint64_t expectedInterval = expected - expectedPrior_;
  uint64_t receivedInterval = received_ - receivedPrior_;
  expectedPrior_ = expected;
  receivedPrior_ = received_;
  int64_t lostInterval = static_cast<int64_t>(expectedInterval) - static_cast<int64_t>(receivedInterval);
  b.fractionLost = (expectedInterval == 0 || lostInterval <= 0)
                       ? 0
                       : static_cast<uint8_t>((lostInterval << 8) / static_cast<int64_t>(expectedInterval));
  b.cumulativeLost = static_cast<int32_t>(lost);
  b.highestSeq = extMax;
  b.jitter = static_cast<uint32_t>(jitter_);
  b.lastSr = lastSrCompact;
  b.delaySinceLastSr = delaySinceLastSr;
  return b;
}

}  // namespace rounds
