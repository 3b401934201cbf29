// ActiveSpeaker: picks one room's active speaker from the participants' smoothed RFC 6464 audio
// levels, with hold times so that the choice does not flap between people talking over each other.
// Threading: belongs to its router's worker thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/clock.hpp"

namespace rounds {

class ActiveSpeaker {
 public:
  struct Level {
    uintptr_t key;  // identifies a participant (the router uses its Peer's address)
    uint8_t level;  // -dBov, 0 loudest, 127 silence (RFC 6464 §3)
  };
  struct Params {
    uint8_t speechLevel = 70;      // quieter than -70 dBov (after smoothing) is not speech
    Millis switchAfter{1000};      // a challenger must lead this long...
    Millis minHold{2000};          // ...and the current speaker must have held this long
  };

  ActiveSpeaker() = default;
  explicit ActiveSpeaker(Params params) : params_(params) {}

  // Feeds the current levels of everyone who publishes audio (call every ~100 ms) and returns
  // the active speaker. Silence keeps the last speaker; a speaker who is gone from `levels` is
  // replaced at once by the loudest one speaking (or by nobody).
  std::optional<uintptr_t> update(std::span<const Level> levels, TimePoint now);
  std::optional<uintptr_t> current() const { return current_; }
  // Forgets `key` (its participant left); the next update picks someone else.
  void forget(uintptr_t key);
  uint64_t switches() const { return switches_; }

 private:
  void switchTo(std::optional<uintptr_t> key, TimePoint now);

  Params params_;
  std::optional<uintptr_t> current_;
  TimePoint since_{};                   // when current_ became the speaker
  std::optional<uintptr_t> challenger_;
  TimePoint challengerSince_{};
  uint64_t switches_ = 0;
};

}  // namespace rounds
