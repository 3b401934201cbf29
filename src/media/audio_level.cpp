#include "media/audio_level.hpp"

#include <cmath>

namespace rounds {

namespace {
// Weight of a new sample (an exponential moving average in dB). Levels come every 10-20 ms:
// rising settles within a few packets so the start of speech is not lost; falling takes
// about 150 ms so the level stays steady across the gaps between syllables.
constexpr double kAttack = 0.5;
constexpr double kRelease = 0.15;
}  // namespace

bool AudioLevelMeter::onExtension(Bytes data, TimePoint now) {
  if (data.size() != 1) return false;
  uint8_t level = data[0] & 0x7F;
  voice_ = (data[0] & 0x80) != 0;
  if (samples_ == 0 || now - last_ > kStale) smoothed_ = kSilence;
  double w = level < smoothed_ ? kAttack : kRelease;  // a smaller -dBov is louder
  smoothed_ += w * (static_cast<double>(level) - smoothed_);
  last_ = now;
  ++samples_;
  return true;
}

uint8_t AudioLevelMeter::level(TimePoint now) const {
  if (samples_ == 0 || now - last_ > kStale) return kSilence;
  return static_cast<uint8_t>(std::lround(smoothed_));
}

bool AudioLevelMeter::voiceActivity(TimePoint now) const {
  return samples_ != 0 && now - last_ <= kStale && voice_;
}

}  // namespace rounds
