#include "common/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace rounds {
namespace {

TEST(LatencyHistogram, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.quantileUs(0.5), 0);
  EXPECT_EQ(h.quantileUs(0.99), 0);
  EXPECT_EQ(h.maxUs(), 0);
}

TEST(LatencyHistogram, BucketsAreContiguousAndContainTheirBounds) {
  // Every bucket starts one past the previous one's end, and both bounds map back to it.
  for (size_t i = 0; i + 1 < LatencyHistogram::kBuckets; ++i) {
    int64_t lo = LatencyHistogram::bucketLowerUs(i);
    int64_t hi = LatencyHistogram::bucketUpperUs(i);
    ASSERT_LE(lo, hi) << i;
    EXPECT_EQ(LatencyHistogram::bucketOf(lo), i);
    EXPECT_EQ(LatencyHistogram::bucketOf(hi), i);
    EXPECT_EQ(LatencyHistogram::bucketLowerUs(i + 1), hi + 1) << i;
  }
  // Below 64 µs every microsecond has its own bucket; above, a bucket spans at most 1/16.
  EXPECT_EQ(LatencyHistogram::bucketOf(63), 63u);
  EXPECT_EQ(LatencyHistogram::bucketOf(64), 64u);
  EXPECT_EQ(LatencyHistogram::bucketLowerUs(LatencyHistogram::bucketOf(5000)), 4864);
  EXPECT_EQ(LatencyHistogram::bucketUpperUs(LatencyHistogram::bucketOf(5000)), 5119);
}

TEST(LatencyHistogram, OutOfRangeValuesAreClamped) {
  LatencyHistogram h;
  h.record(-5);  // a clock step backwards
  EXPECT_EQ(h.buckets()[0], 1u);
  h.record(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(h.buckets()[LatencyHistogram::kBuckets - 1], 1u);
  EXPECT_EQ(LatencyHistogram::bucketOf(int64_t{1} << 24), LatencyHistogram::kBuckets - 1);
  EXPECT_EQ(LatencyHistogram::bucketOf((int64_t{1} << 24) - 1), LatencyHistogram::kBuckets - 2);
  // The overflow bucket reports the largest value seen.
  EXPECT_EQ(h.quantileUs(1.0), std::numeric_limits<int64_t>::max());
}

TEST(LatencyHistogram, QuantilesFollowTheNearestRank) {
  LatencyHistogram h;
  for (int64_t us = 1; us <= 50; ++us) h.record(us);  // exact buckets
  EXPECT_EQ(h.count(), 50u);
  EXPECT_EQ(h.quantileUs(0.5), 25);
  EXPECT_EQ(h.quantileUs(0.98), 49);
  EXPECT_EQ(h.quantileUs(1.0), 50);
  EXPECT_EQ(h.maxUs(), 50);
}

TEST(LatencyHistogram, QuantileIsAnUpperBoundWithinOneSixteenth) {
  LatencyHistogram h;
  // 990 fast copies and 10 slow ones: p99 is the largest fast one, p99.1 a slow one.
  for (int i = 0; i < 990; ++i) h.record(300 + i % 100);
  for (int i = 0; i < 10; ++i) h.record(12'000 + i);
  int64_t p99 = h.quantileUs(0.99);
  EXPECT_GE(p99, 399);
  EXPECT_LE(p99, 399 + 399 / 16);
  int64_t p999 = h.quantileUs(0.999);
  EXPECT_GE(p999, 12'009 - 9);
  EXPECT_LE(p999, 12'009);  // capped by the maximum seen
  EXPECT_EQ(h.maxUs(), 12'009);
}

TEST(LatencyHistogram, MergeAndClear) {
  LatencyHistogram a, b;
  a.record(10);
  b.record(1000);
  b.record(2000);
  a.merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.maxUs(), 2000);
  EXPECT_EQ(a.quantileUs(0.34), LatencyHistogram::bucketUpperUs(LatencyHistogram::bucketOf(1000)));
  a.clear();
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.quantileUs(0.5), 0);
}

}  // namespace
}  // namespace rounds
