// AudioLevelMeter: a smoothed audio level per audio producer, read from the client-to-mixer
// audio level header extension (RFC 6464), for active-speaker detection later.
// Threading: belongs to its producer's worker thread (read on it too).
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "common/clock.hpp"

namespace rounds {

class AudioLevelMeter {
 public:
  static constexpr uint8_t kSilence = 127;  // -127 dBov
  static constexpr Millis kStale{1000};     // no level for this long (DTX, muted): silent

  // The extension element's data (one byte: V flag and level in -dBov, RFC 6464 §3). False
  // if it is not one byte long.
  bool onExtension(Bytes data, TimePoint now);
  // Smoothed level in -dBov: 0 is the loudest, 127 silence (as in RFC 6464).
  uint8_t level(TimePoint now) const;
  // Whether the last packet had the voice activity flag set (RFC 6464 §3 "V").
  bool voiceActivity(TimePoint now) const;
  uint64_t samples() const { return samples_; }

 private:
  double smoothed_ = kSilence;
  bool voice_ = false;
  TimePoint last_{};
  uint64_t samples_ = 0;
};

}  // namespace rounds
