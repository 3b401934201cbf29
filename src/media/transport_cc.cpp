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
  arrivalUs = std::max<int64_t>(0, arrivalUs);
  latestArrivalUs_ = std::max(latestArrivalUs_, arrivalUs);
  Slot& slot = slots_[static_cast<size_t>(unwrapped) % kSlots];
  slot.seqPlusOne = static_cast<uint32_t>(unwrapped + 1);
  slot.arrivalUs = static_cast<uint32_t>(arrivalUs);
}

int64_t TwccRecorder::arrivalOf(int64_t u) const {
  const Slot& slot = slots_[static_cast<size_t>(u) % kSlots];
  if (slot.seqPlusOne != static_cast<uint32_t>(u + 1)) return twcc::kNotReceived;
  // A slot holds one of the last kSlots packets, far younger than the 71 minutes 32 bits of
  // microseconds span, and no later than the latest arrival.
  return widenLow32(latestArrivalUs_, slot.arrivalUs);
}

size_t TwccRecorder::buildFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc) {
  // Skip leading packets that never arrived: the next feedback starts at the first arrival.
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
  Slot& s = ring_[nextSeq_ % kSlots];
  s.sendUs = static_cast<uint32_t>(sendUs);
  s.seqAndSize = static_cast<uint16_t>((nextSeq_ >> kSeqShift) << kSeqShift |
                                       std::min<size_t>(size, kMaxSize));
  s.flags = static_cast<uint16_t>(kUsed | probeCluster);
  lastSendUs_ = sendUs;
  ++nextSeq_;
}

std::optional<size_t> SendHistory::slotOf(uint16_t seq) const {
  const size_t i = seq % kSlots;
  const Slot& s = ring_[i];
  if (!(s.flags & kUsed) || s.seqAndSize >> kSeqShift != seq >> kSeqShift) return std::nullopt;
  return i;
}

SendHistory::Packet SendHistory::unpack(const Slot& s) const {
  Packet p;
  // Slots are at most kSlots packets old, far less than the 71 minutes 32 bits of microseconds
  // span.
  p.sendUs = widenLow32(lastSendUs_, s.sendUs);
  p.size = static_cast<uint16_t>(s.seqAndSize & kMaxSize);
  p.probeCluster = static_cast<uint8_t>(s.flags & 0xFF);
  p.reported = (s.flags & kReported) != 0;
  return p;
}

std::optional<SendHistory::Packet> SendHistory::find(uint16_t seq) const {
  auto i = slotOf(seq);
  if (!i) return std::nullopt;
  return unpack(ring_[*i]);
}

std::optional<SendHistory::Packet> SendHistory::takeReport(uint16_t seq) {
  auto i = slotOf(seq);
  if (!i || (ring_[*i].flags & kReported)) return std::nullopt;
  Packet p = unpack(ring_[*i]);
  ring_[*i].flags |= kReported;
  return p;
}

}  // namespace rounds
