// RetransmissionBuffer: the recent packets of one video producer, kept so that a subscriber's
// NACK (RFC 4585 §6.2.1) can be answered from the server. A ring preallocated once: inserting or
// looking up a packet allocates nothing.
// Threading: belongs to its producer's worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.hpp"
#include "common/clock.hpp"

namespace rounds {

class RetransmissionBuffer {
 public:
  // 512 packets is about 1.5 s of 2.5 Mbit/s video in 1.2 kB packets; kMaxAge bounds it in time.
  static constexpr size_t kDefaultCapacity = 512;
  static constexpr size_t kMaxPacketSize = 1500;  // larger packets are not kept
  static constexpr Millis kMaxAge{1500};          // older packets are not worth resending

  // `capacity` is rounded up to a power of two (it must divide 2^16 so that slots follow
  // sequence numbers across the wrap).
  explicit RetransmissionBuffer(size_t capacity = kDefaultCapacity,
                                size_t maxPacketSize = kMaxPacketSize);

  // Keeps a copy of `packet` (a whole RTP packet) under `seq`. Returns false when it is too
  // large, or so old that keeping it would evict newer packets. `repair`: it filled a gap we
  // had (the publisher's retransmission, or a late packet we were missing).
  bool insert(uint16_t seq, Bytes packet, TimePoint arrival, bool repair = false);
  // The stored packet for `seq` if it is still here and younger than kMaxAge at `now`. The span
  // stays valid until the next insert.
  std::optional<MutableBytes> find(uint16_t seq, TimePoint now);
  // The same with the time it was inserted (when it reached us, i.e. when it was forwarded)
  // and whether it came as a repair.
  struct Stored {
    MutableBytes packet;
    TimePoint arrival;
    bool repair = false;
  };
  std::optional<Stored> lookup(uint16_t seq, TimePoint now);
  bool contains(uint16_t seq, TimePoint now) { return find(seq, now).has_value(); }
  void clear();

  size_t capacity() const { return slots_.size(); }
  // Heap bytes held (packet storage + slot table), for the memory figure per producer.
  size_t memoryBytes() const;

 private:
  struct Slot {
    TimePoint arrival{};
    uint16_t seq = 0;
    uint16_t length = 0;
    bool used = false;
    bool repair = false;
  };

  size_t mask_ = 0;
  size_t maxPacketSize_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint8_t> storage_;  // capacity * maxPacketSize, slot i at i * maxPacketSize
  bool started_ = false;
  uint16_t highest_ = 0;
};

}  // namespace rounds
