#include "stream_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

namespace rounds::load {

SequenceTracker::SequenceTracker(unsigned bits)
    : mask_(bits >= 32 ? 0xFFFFFFFFull : (1ull << bits) - 1),
      half_(static_cast<int64_t>((mask_ + 1) / 2)) {}

bool SequenceTracker::seen(int64_t ext) const {
  uint64_t slot = static_cast<uint64_t>(ext) % kWindow;
  return (window_[slot / 64] >> (slot % 64)) & 1;
}

void SequenceTracker::mark(int64_t ext, bool on) {
  uint64_t slot = static_cast<uint64_t>(ext) % kWindow;
  uint64_t bit = 1ull << (slot % 64);
  if (on) {
    window_[slot / 64] |= bit;
  } else {
    window_[slot / 64] &= ~bit;
  }
}

SequenceTracker::Outcome SequenceTracker::add(uint32_t value) {
  uint64_t v = value & mask_;
  if (received_ == 0 && duplicates_ == 0 && tooOld_ == 0) {
    // Start the extended space well above zero so values just before the first stay positive.
    base_ = highest_ = static_cast<int64_t>(v) + static_cast<int64_t>(mask_ + 1);
    received_ = 1;
    mark(highest_, true);
    return Outcome::First;
  }
  // RFC 3550 §A.1: the difference to the highest value, taken modulo 2^bits into (-half, half].
  int64_t delta = static_cast<int64_t>((v - (static_cast<uint64_t>(highest_) & mask_)) & mask_);
  if (delta > half_) delta -= static_cast<int64_t>(mask_ + 1);
  int64_t ext = highest_ + delta;
  if (ext > highest_) {
    // Clear the slots the window is moving over (they held values kWindow older).
    int64_t step = ext - highest_;
    if (static_cast<uint64_t>(step) >= kWindow) {
      window_.fill(0);
    } else {
      for (int64_t e = highest_ + 1; e <= ext; ++e) mark(e, false);
    }
    highest_ = ext;
    mark(ext, true);
    ++received_;
    return Outcome::InOrder;
  }
  if (static_cast<uint64_t>(highest_ - ext) >= kWindow) {
    ++tooOld_;
    return Outcome::TooOld;
  }
  if (seen(ext)) {
    ++duplicates_;
    return Outcome::Duplicate;
  }
  mark(ext, true);
  ++received_;
  ++reordered_;
  if (ext < base_) base_ = ext;  // arrived late, from before the first value we saw
  return Outcome::Reordered;
}

std::optional<int64_t> percentile(std::vector<int64_t>& samples, double p) {
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  if (rank == 0) rank = 1;
  return samples[rank - 1];
}

LatencySummary summarizeLatency(std::vector<int64_t>& samplesNs) {
  LatencySummary s;
  s.count = samplesNs.size();
  if (samplesNs.empty()) return s;
  s.p50Ms = static_cast<double>(*percentile(samplesNs, 50)) / 1e6;
  s.p99Ms = static_cast<double>(*percentile(samplesNs, 99)) / 1e6;
  s.maxMs = static_cast<double>(samplesNs.back()) / 1e6;
  long double sum = std::accumulate(samplesNs.begin(), samplesNs.end(), 0.0L);
  s.meanMs = static_cast<double>(sum / samplesNs.size() / 1e6L);
  return s;
}

void JitterEstimator::add(int64_t sendNs, int64_t arrivalNs) {
  int64_t transit = arrivalNs - sendNs;
  if (have_) {
    double d = std::abs(static_cast<double>(transit - lastTransit_));
    jitterNs_ += (d - jitterNs_) / 16.0;
  }
  have_ = true;
  lastTransit_ = transit;
}

StreamStats::StreamStats() { latenciesNs_.reserve(4096); }

void StreamStats::add(uint32_t counter, uint16_t rtpSeq, int64_t sendNs, int64_t arrivalNs,
                      size_t bytes) {
  if (packets_ == 0) firstArrivalNs_ = arrivalNs;
  lastArrivalNs_ = arrivalNs;
  ++packets_;
  bytes_ += bytes;
  rtpSeq_.add(rtpSeq);
  if (counter_.add(counter) == SequenceTracker::Outcome::Duplicate) return;
  latenciesNs_.push_back(arrivalNs - sendNs);
  jitter_.add(sendNs, arrivalNs);
}

}  // namespace rounds::load
