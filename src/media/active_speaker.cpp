#include "media/active_speaker.hpp"

namespace rounds {

void ActiveSpeaker::switchTo(std::optional<uintptr_t> key, TimePoint now) {
  if (key != current_) ++switches_;
  current_ = key;
  since_ = now;
  challenger_.reset();
}

void ActiveSpeaker::forget(uintptr_t key) {
  if (current_ == key) current_.reset();
  if (challenger_ == key) challenger_.reset();
}

std::optional<uintptr_t> ActiveSpeaker::update(std::span<const Level> levels, TimePoint now) {
  const Level* loudest = nullptr;
  bool currentPresent = false;
  for (const Level& l : levels) {
    if (current_ && l.key == *current_) currentPresent = true;
    if (l.level > params_.speechLevel) continue;  // silence or background noise
    if (!loudest || l.level < loudest->level) loudest = &l;
  }
  if (current_ && !currentPresent) current_.reset();
  if (!loudest) {
    challenger_.reset();  // nobody speaks: the last speaker stays
    return current_;
  }
  if (!current_) {
    switchTo(loudest->key, now);
    return current_;
  }
  if (loudest->key == *current_) {
    challenger_.reset();
    return current_;
  }
  if (challenger_ != loudest->key) {
    challenger_ = loudest->key;
    challengerSince_ = now;
  }
  if (now - challengerSince_ >= params_.switchAfter && now - since_ >= params_.minHold)
    switchTo(loudest->key, now);
  return current_;
}

}  // namespace rounds
