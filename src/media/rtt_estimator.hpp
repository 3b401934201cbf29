// RttEstimator: the round-trip time between us and one peer, from the report blocks its browser
// sends about the sender reports we sent it (RFC 3550 §6.4.1: RTT = A - LSR - DLSR). The SRs we
// send a subscriber are its publishers' SRs translated (Router::onSenderReport), so their NTP
// field is the publisher's clock, not ours: each consumer remembers when it sent the SR a given
// LSR names (SrSentLog) and the round trip is measured against that send time instead.
// A participant that receives nothing from us has no SR to answer: its publisher streams get an
// XR Receiver Reference Time block with our RRs instead (RFC 3611 §4.4), which browsers answer
// with a DLRR block of the same form (§4.5).
// Threading: belongs to its peer's worker thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "common/clock.hpp"

namespace rounds {

using Micros = std::chrono::microseconds;

// An NTP timestamp (RFC 5905 §6: seconds since 1900 in the high 32 bits, fraction in the low)
// for a wall-clock time in milliseconds since 1970.
uint64_t ntpFromUnixMillis(int64_t unixMillis);

// The last few SRs sent on one stream (or RRTRs to one publisher, RFC 3611 §4.4): their compact
// NTP timestamp (the middle 32 bits, what the receiver echoes as LSR or LRR) and when we sent
// them. A report may name the one before the latest (it was written while the latest was on its
// way), so two are kept.
class SrSentLog {
 public:
  void note(uint64_t ntpTimestamp, TimePoint sentAt);
  // When we sent the SR whose compact NTP is `lsr`; nullopt for 0 (no SR received yet) or one
  // we no longer know.
  std::optional<TimePoint> sentAt(uint32_t lsr) const;

 private:
  struct Entry {
    uint32_t lsr = 0;
    TimePoint at{};
  };
  std::array<Entry, 2> entries_{};
  uint8_t next_ = 0;
};

class RttEstimator {
 public:
  // One report block's round trip: `arrival` is when the report reached our socket, `sentAt`
  // when we sent the SR it names, `dlsr` its delay since last SR (units of 1/65536 s). nullopt
  // when it is not plausible (more than kMaxNegative below zero, which clock rounding cannot
  // explain, or above kMaxRtt); a sample slightly below zero counts as 0.
  static std::optional<Micros> roundTrip(TimePoint arrival, TimePoint sentAt, uint32_t dlsr);
  void onSample(Micros rtt);
  // Smoothed like TCP's SRTT (RFC 6298 §2.3, alpha = 1/8); nullopt before the first sample.
  std::optional<Micros> smoothed() const;
  std::optional<Micros> latest() const;
  uint64_t samples() const { return samples_; }

  static constexpr Micros kMaxNegative{5000};
  static constexpr Micros kMaxRtt{10'000'000};

 private:
  int64_t smoothedUs_ = 0;
  int64_t latestUs_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace rounds
