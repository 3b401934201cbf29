#include "common/latency_histogram.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace rounds {

namespace {
constexpr size_t kSub = size_t{1} << LatencyHistogram::kSubBits;
constexpr unsigned kFirstLogBit = 6;  // 2^6 = kLinear
static_assert((size_t{1} << kFirstLogBit) == LatencyHistogram::kLinear);
}  // namespace

size_t LatencyHistogram::bucketOf(int64_t us) {
  if (us < static_cast<int64_t>(kLinear)) return us < 0 ? 0 : static_cast<size_t>(us);
  auto v = static_cast<uint64_t>(us);
  unsigned msb = 63u - static_cast<unsigned>(std::countl_zero(v));
  size_t octave = msb - kFirstLogBit;
  if (octave >= kOctaves) return kBuckets - 1;
  // The kSubBits bits below the leading one pick the bucket inside the octave.
  size_t sub = static_cast<size_t>(v >> (msb - kSubBits)) & (kSub - 1);
  return kLinear + octave * kSub + sub;
}

int64_t LatencyHistogram::bucketLowerUs(size_t i) {
  if (i < kLinear) return static_cast<int64_t>(i);
  if (i >= kBuckets - 1) return int64_t{1} << (kFirstLogBit + kOctaves);
  size_t octave = (i - kLinear) / kSub;
  size_t sub = (i - kLinear) % kSub;
  unsigned shift = static_cast<unsigned>(octave) + kFirstLogBit - kSubBits;
  return static_cast<int64_t>((kSub + sub) << shift);
}

int64_t LatencyHistogram::bucketUpperUs(size_t i) {
  if (i >= kBuckets - 1) return std::numeric_limits<int64_t>::max();
  return bucketLowerUs(i + 1) - 1;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  if (other.maxUs_ > maxUs_) maxUs_ = other.maxUs_;
}

void LatencyHistogram::clear() {
  buckets_.fill(0);
  count_ = 0;
  maxUs_ = 0;
}

int64_t LatencyHistogram::quantileUs(double q) const {
  if (count_ == 0) return 0;
  if (!(q > 0)) q = 0;  // also NaN
  if (q > 1) q = 1;
  // The rank of the q-quantile: the smallest k with k >= q * count (nearest-rank method).
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      if (i == kBuckets - 1) return maxUs_;
      int64_t upper = bucketUpperUs(i);
      return upper < maxUs_ ? upper : maxUs_;
    }
  }
  return maxUs_;
}

}  // namespace rounds
