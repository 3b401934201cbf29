// NackGenerator: notices gaps in the sequence numbers a publisher sends us and decides which
// missing packets to ask for again with generic NACKs (RFC 4585 §6.2.1), how often and for how
// long. A fixed table of missing packets: no allocation per packet.
// Threading: belongs to its producer's worker thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/clock.hpp"

namespace rounds {

class NackGenerator {
 public:
  static constexpr size_t kMaxMissing = 256;  // a larger hole is not worth repairing packet by packet
  static constexpr uint8_t kMaxRetries = 8;
  // Between two NACKs for the same packet while the publisher's round trip is unknown (the
  // router passes one from the measured round trip once it is known: Router::nackRetryInterval).
  static constexpr Millis kRetryInterval{100};
  // With the sender's round trip known: the round trip plus a margin for the sender to answer,
  // within [kMinRetry, kMaxRetry]. Used by the router towards publishers and by rounds-load's
  // receivers (as a browser waits its own round trip before asking again).
  static constexpr Millis kMinRetry{20};
  static constexpr Millis kMaxRetry{500};
  static constexpr Millis kRetryMargin{10};
  static Millis retryIntervalFor(std::optional<std::chrono::microseconds> roundTrip);
  static constexpr Millis kMaxAge{1000};        // give up on a packet missing this long
  static constexpr uint16_t kMaxDistance = 2048;  // ... or this many packets behind the newest

  struct Result {
    bool newMissing = false;        // a gap opened: NACK now rather than at the next tick
    bool keyFrameNeeded = false;    // the hole was too large to repair with NACKs
    bool filledGap = false;         // the packet was missing (late, or a retransmission)
  };

  // Every packet received on the stream (media, or unwrapped from RTX).
  Result onPacket(uint16_t seq, TimePoint now);
  // Writes into `out` the sequence numbers to NACK now (in RTP order) and notes them as asked.
  // A number is asked again at most every `retryInterval` and at most kMaxRetries times; then,
  // or after kMaxAge, it is forgotten. Returns how many were written.
  size_t collect(TimePoint now, std::span<uint16_t> out, Millis retryInterval = kRetryInterval);
  // True while `seq` is missing and still being asked for.
  bool isMissing(uint16_t seq) const;

  size_t missing() const { return count_; }
  uint64_t recovered() const { return recovered_; }  // missing packets that arrived later
  uint64_t abandoned() const { return abandoned_; }  // missing packets given up on
  void reset();

 private:
  struct Entry {
    uint16_t seq = 0;
    uint8_t retries = 0;
    TimePoint firstSeen{};
    TimePoint lastAsked{};
  };
  void erase(size_t index);
  // The index of `seq` in entries_, count_ if it is not missing (O(log n)).
  size_t find(uint16_t seq) const;

  bool started_ = false;
  uint16_t highest_ = 0;
  // Missing packets in RTP order (oldest first); count_ entries are live.
  std::array<Entry, kMaxMissing> entries_{};
  size_t count_ = 0;
  uint64_t recovered_ = 0;
  uint64_t abandoned_ = 0;
};

}  // namespace rounds
