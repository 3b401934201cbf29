// Transport-wide sequence arrivals and feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
// §3), and the per-subscriber send history. Threading: the peer's worker thread.
#include "media/transport_cc.hpp"

#include <algorithm>

#include "proto/twcc.hpp"

namespace rounds {

void TwccRecorder::onPacket(uint16_t seq, int64_t arrivalUs) {
  int64_t unwrapped = seq;
  if (started_) {
    // Closest unwrapped value to the highest seen (RFC 3550 §A.1 style, mod 2^16).
    int16_t diff = static_cast<int16_t>(seq - static_cast<uint16_t>(highest_));
    unwrapped = highest_ + diff;
    if (unwrapped < next_) return;  // already reported (as lost): too late to matter
  } else {
    started_ = true;
    highest_ = unwrapped;
    next_ = unwrapped;
  }
  if (unwrapped > highest_) {
    // A jump of more than the ring: what is older than the ring can no longer be reported.
    if (unwrapped - next_ >= static_cast<int64_t>(kSlots)) next_ = unwrapped - kSlots + 1;
    highest_ = unwrapped;
  }
  size_t slot = static_cast<size_t>(unwrapped) % kSlots;
  slotSeq_[slot] = unwrapped;
  arrivals_[slot] = std::max<int64_t>(0, arrivalUs);
}

size_t TwccRecorder::buildFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc) {
  // Skip leading packets that never arrived: the next feedback starts at the first arrival.
  auto arrivalOf = [&](int64_t u) {
    size_t slot = static_cast<size_t>(u) % kSlots;
    return slotSeq_[slot] == u && arrivals_[slot] >= 0 ? arrivals_[slot] : twcc::kNotReceived;
  };
  while (pending() && arrivalOf(next_) < 0) ++next_;
  if (!pending()) return 0;
  std::array<int64_t, twcc::kMaxFeedbackPackets> batch;
  size_t n = static_cast<size_t>(std::min<int64_t>(highest_ - next_ + 1, batch.size()));
  for (size_t i = 0; i < n; ++i) batch[i] = arrivalOf(next_ + static_cast<int64_t>(i));
  auto w = twcc::writeFeedback(out, senderSsrc, mediaSsrc, static_cast<uint16_t>(next_),
                               feedbackCount_, {batch.data(), n});
  if (w.bytes == 0) return 0;
  next_ += static_cast<int64_t>(w.packets);
  ++feedbackCount_;
  ++feedbacks_;
  return w.bytes;
}

void SendHistory::onSent(int64_t sendUs, size_t size, uint8_t probeCluster) {
  Entry& e = ring_[nextSeq_ % kSlots];
  e.sendUs = sendUs;
  e.size = static_cast<uint16_t>(std::min<size_t>(size, 0xFFFF));
  e.seq = nextSeq_;
  e.reported = false;
  e.probeCluster = probeCluster;
  ++nextSeq_;
}

SendHistory::Entry* SendHistory::find(uint16_t seq) {
  Entry& e = ring_[seq % kSlots];
  if (e.sendUs < 0 || e.seq != seq) return nullptr;
  return &e;
}

}  // namespace rounds
