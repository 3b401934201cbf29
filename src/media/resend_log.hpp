// ResendLog: when each packet recently resent to one consumer went out, so that a subscriber
// that asks again before our retransmission could have reached it gets nothing new. RFC 4585
// leaves a receiver's retry timing to it, and a receive-only browser that does not know its
// round trip re-asks every 100 ms: across a 250 ms link it would otherwise get every packet
// it lost two or three times (docs/performance.md, "Round trips"). A retransmission that is
// itself lost is asked for again after the round trip, and answered then.
// 64 slots indexed by sequence number, made at the consumer's first resend (most consumers
// never resend anything); no allocation afterwards.
// Threading: belongs to its consumer's worker thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "common/clock.hpp"

namespace rounds {

class ResendLog {
 public:
  static constexpr size_t kSlots = 64;

  void note(uint16_t seq, TimePoint at) { slots_[seq % kSlots] = Slot{seq, true, millis(at)}; }
  // True when `seq` was resent less than `window` before `now`.
  bool within(uint16_t seq, TimePoint now, std::chrono::microseconds window) const {
    const Slot& s = slots_[seq % kSlots];
    if (!s.used || s.seq != seq) return false;
    const uint32_t elapsedMs = millis(now) - s.atMs;  // wraps after 49 days, as the difference
    return std::chrono::milliseconds(elapsedMs) < window;
  }

 private:
  struct Slot {
    uint16_t seq = 0;
    bool used = false;
    uint32_t atMs = 0;
  };
  static uint32_t millis(TimePoint t) {
    return static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  }
  std::array<Slot, kSlots> slots_{};
};

}  // namespace rounds
