// LatencyHistogram: a fixed-bucket histogram of durations in microseconds (exact below 64 µs,
// then 16 buckets per power of two up to ~16.8 s, one overflow bucket), recorded without
// allocation; used for the server-in to server-out latency of forwarded packets (UdpSocket).
// Threading: not synchronised; one thread records, copies are taken on that same thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace rounds {

class LatencyHistogram {
 public:
  static constexpr size_t kLinear = 64;        // 0..63 µs: one bucket per microsecond
  static constexpr unsigned kSubBits = 4;      // 16 buckets per power of two above that
  static constexpr size_t kOctaves = 18;       // 64 µs .. 2^24 µs (16.8 s)
  static constexpr size_t kBuckets = kLinear + kOctaves * (size_t{1} << kSubBits) + 1;

  // Negative durations (a clock that went backwards) count as 0.
  void record(int64_t us) {
    ++buckets_[bucketOf(us)];
    ++count_;
    if (us > maxUs_) maxUs_ = us;
  }
  void merge(const LatencyHistogram& other);
  void clear();

  uint64_t count() const { return count_; }
  int64_t maxUs() const { return maxUs_; }
  // The inclusive upper bound (µs) of the bucket holding the q-quantile (0 < q <= 1), so a
  // reported figure is never below the true one (at most 1/16 above it); 0 when empty. The
  // overflow bucket reports maxUs().
  int64_t quantileUs(double q) const;
  const std::array<uint64_t, kBuckets>& buckets() const { return buckets_; }

  static size_t bucketOf(int64_t us);
  // Inclusive bounds of bucket i; the overflow bucket's upper bound is INT64_MAX.
  static int64_t bucketLowerUs(size_t i);
  static int64_t bucketUpperUs(size_t i);

 private:
  std::array<uint64_t, kBuckets> buckets_{};
  uint64_t count_ = 0;
  int64_t maxUs_ = 0;
};

}  // namespace rounds
