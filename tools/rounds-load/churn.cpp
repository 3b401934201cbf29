#include "churn.hpp"

#include <cmath>

namespace rounds::load {

uint32_t ChurnSchedule::maxArrivals(std::chrono::milliseconds interval, double durationS) {
  if (interval.count() <= 0 || durationS <= 0) return 0;
  return static_cast<uint32_t>(std::floor(durationS * 1000.0 / static_cast<double>(interval.count())));
}

void ChurnSchedule::start(SteadyTime now) {
  if (next_) return;
  next_ = now + interval_;
}

uint32_t ChurnSchedule::due(SteadyTime now, uint32_t limit) {
  if (!next_) return 0;
  uint32_t n = 0;
  while (*next_ <= now && handedOut_ < limit) {
    ++n;
    ++handedOut_;
    *next_ += interval_;
  }
  return n;
}

std::optional<size_t> ChurnSchedule::nextToLeave() {
  if (viewers_.empty()) return std::nullopt;
  size_t leg = viewers_.front();
  viewers_.pop_front();
  return leg;
}

}  // namespace rounds::load
