#include "media/retransmission_buffer.hpp"

#include <cstring>

#include "proto/rtp.hpp"

namespace rounds {

namespace {
size_t roundUpPow2(size_t n) {
  size_t p = 1;
  while (p < n && p < 65536) p <<= 1;
  return p;
}
}  // namespace

RetransmissionBuffer::RetransmissionBuffer(size_t capacity, size_t maxPacketSize)
    : mask_(roundUpPow2(capacity == 0 ? 1 : capacity) - 1),
      maxPacketSize_(maxPacketSize),
      slots_(mask_ + 1),
      storage_((mask_ + 1) * maxPacketSize) {}

bool RetransmissionBuffer::insert(uint16_t seq, Bytes packet, TimePoint arrival, bool repair) {
  if (packet.size() > maxPacketSize_) return false;
  if (!started_) {
    started_ = true;
    highest_ = seq;
  } else if (rtp::seqNewer(seq, highest_)) {
    highest_ = seq;
  } else if (static_cast<uint16_t>(highest_ - seq) > mask_) {
    return false;  // its slot now holds a newer packet
  }
  Slot& s = slots_[seq & mask_];
  s.arrival = arrival;
  s.seq = seq;
  s.length = static_cast<uint16_t>(packet.size());
  s.used = true;
  s.repair = repair;
  std::memcpy(storage_.data() + (seq & mask_) * maxPacketSize_, packet.data(), packet.size());
  return true;
}

std::optional<MutableBytes> RetransmissionBuffer::find(uint16_t seq, TimePoint now) {
  auto stored = lookup(seq, now);
  if (!stored) return std::nullopt;
  return stored->packet;
}

std::optional<RetransmissionBuffer::Stored> RetransmissionBuffer::lookup(uint16_t seq,
                                                                         TimePoint now) {
  const Slot& s = slots_[seq & mask_];
  if (!s.used || s.seq != seq || now - s.arrival > kMaxAge) return std::nullopt;
  return Stored{MutableBytes(storage_.data() + (seq & mask_) * maxPacketSize_, s.length), s.arrival,
                s.repair};
}

void RetransmissionBuffer::clear() {
  for (auto& s : slots_) s.used = false;
  started_ = false;
}

size_t RetransmissionBuffer::memoryBytes() const {
  return storage_.capacity() + slots_.capacity() * sizeof(Slot) + sizeof(*this);
}

}  // namespace rounds
