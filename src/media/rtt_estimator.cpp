// See rtt_estimator.hpp.
#include "media/rtt_estimator.hpp"

#include "proto/rtcp.hpp"

namespace rounds {

uint64_t ntpFromUnixMillis(int64_t unixMillis) {
  constexpr uint64_t kUnixToNtpSeconds = 2'208'988'800;  // 1900-01-01 to 1970-01-01
  const uint64_t ms = static_cast<uint64_t>(unixMillis);
  return ((ms / 1000 + kUnixToNtpSeconds) << 32) | (((ms % 1000) << 32) / 1000);
}

void SrSentLog::note(uint64_t ntpTimestamp, TimePoint sentAt) {
  entries_[next_] = Entry{rtcp::compactNtp(ntpTimestamp), sentAt};
  next_ = static_cast<uint8_t>((next_ + 1) % entries_.size());
}

std::optional<TimePoint> SrSentLog::sentAt(uint32_t lsr) const {
  if (lsr == 0) return std::nullopt;
  for (const Entry& e : entries_)
    if (e.lsr == lsr && e.at != TimePoint{}) return e.at;
  return std::nullopt;
}

std::optional<Micros> RttEstimator::roundTrip(TimePoint arrival, TimePoint sentAt, uint32_t dlsr) {
  const int64_t rttUs =
      std::chrono::duration_cast<Micros>(arrival - sentAt - rtcp::fromDelayUnits(dlsr)).count();
  if (rttUs < -kMaxNegative.count() || rttUs > kMaxRtt.count()) return std::nullopt;
  return Micros(rttUs < 0 ? 0 : rttUs);
}

void RttEstimator::onSample(Micros rtt) {
  const int64_t sample = rtt.count();
  latestUs_ = sample;
  smoothedUs_ = samples_ == 0 ? sample : smoothedUs_ + (sample - smoothedUs_) / 8;
  ++samples_;
}

std::optional<Micros> RttEstimator::smoothed() const {
  if (samples_ == 0) return std::nullopt;
  return Micros(smoothedUs_);
}

std::optional<Micros> RttEstimator::latest() const {
  if (samples_ == 0) return std::nullopt;
  return Micros(latestUs_);
}

}  // namespace rounds
