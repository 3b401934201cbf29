#include "loss_repair.hpp"

#include <cstring>

namespace rounds::load {

NackGenerator::Result ReceiveRepair::onPacket(uint16_t seq, TimePoint now) {
  if (nack_) return nack_->onPacket(seq, now);
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return {};
  }
  if (!rtp::seqNewer(seq, highest_)) return {};  // late or repeated: nothing was missing
  if (static_cast<uint16_t>(seq - highest_) == 1) {
    highest_ = seq;
    return {};
  }
  // The first gap: from here on the generator keeps the books, starting from what we knew.
  nack_ = std::make_unique<NackGenerator>();
  nack_->onPacket(highest_, now);
  return nack_->onPacket(seq, now);
}

size_t ReceiveRepair::collect(TimePoint now, std::span<uint16_t> out, Millis retryInterval) {
  return nack_ ? nack_->collect(now, out, retryInterval) : 0;
}

void SentHistory::store(Bytes packet, uint16_t seq, TimePoint now) {
  if (packet.size() > kMaxPacket || slotCount_ == 0) return;
  if (slots_.empty()) slots_.resize(slotCount_);
  Slot& s = slots_[seq % slotCount_];
  s.used = true;
  s.seq = seq;
  s.size = static_cast<uint16_t>(packet.size());
  s.sentAt = now;
  std::memcpy(s.data, packet.data(), packet.size());
}

std::optional<rtp::RtpView> SentHistory::find(uint16_t seq, TimePoint now) {
  if (slots_.empty()) return std::nullopt;
  Slot& s = slots_[seq % slotCount_];
  if (!s.used || s.seq != seq || now - s.sentAt > kMaxAge) return std::nullopt;
  return rtp::RtpView::parse(MutableBytes(s.data, s.size));
}

}  // namespace rounds::load
