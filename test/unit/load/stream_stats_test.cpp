// Unit tests for the load generator's receive accounting: loss, duplicates, reordering across
// counter wrap; nearest-rank percentiles; RFC 3550 jitter.
#include "stream_stats.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds::load {
namespace {

using Outcome = SequenceTracker::Outcome;

TEST(SequenceTracker, CountsGapsAsLoss) {
  SequenceTracker t;
  EXPECT_EQ(t.add(10), Outcome::First);
  EXPECT_EQ(t.add(11), Outcome::InOrder);
  EXPECT_EQ(t.add(14), Outcome::InOrder);  // 12, 13 missing
  EXPECT_EQ(t.received(), 3u);
  EXPECT_EQ(t.expected(), 5u);
  EXPECT_EQ(t.lost(), 2u);
}

TEST(SequenceTracker, LateArrivalFillsTheGapAndDuplicatesAreCounted) {
  SequenceTracker t;
  t.add(1);
  t.add(3);
  EXPECT_EQ(t.lost(), 1u);
  EXPECT_EQ(t.add(2), Outcome::Reordered);
  EXPECT_EQ(t.lost(), 0u);
  EXPECT_EQ(t.add(2), Outcome::Duplicate);
  EXPECT_EQ(t.add(3), Outcome::Duplicate);
  EXPECT_EQ(t.duplicates(), 2u);
  EXPECT_EQ(t.reordered(), 1u);
  EXPECT_EQ(t.received(), 3u);
}

TEST(SequenceTracker, PacketFromBeforeTheFirstExtendsTheRange) {
  SequenceTracker t;
  t.add(100);
  t.add(101);
  EXPECT_EQ(t.add(98), Outcome::Reordered);
  EXPECT_EQ(t.expected(), 4u);  // 98..101
  EXPECT_EQ(t.lost(), 1u);      // 99
}

TEST(SequenceTracker, Wraps32Bits) {
  SequenceTracker t(32);
  t.add(0xFFFFFFFE);
  t.add(0xFFFFFFFF);
  EXPECT_EQ(t.add(0), Outcome::InOrder);
  t.add(2);  // 1 missing
  EXPECT_EQ(t.expected(), 5u);
  EXPECT_EQ(t.lost(), 1u);
  EXPECT_EQ(t.add(0xFFFFFFFF), Outcome::Duplicate);
  EXPECT_EQ(t.add(1), Outcome::Reordered);
  EXPECT_EQ(t.lost(), 0u);
}

TEST(SequenceTracker, Wraps16BitsOverManyCycles) {
  SequenceTracker t(16);
  uint16_t seq = 65000;
  uint64_t sent = 0;
  for (int i = 0; i < 200000; ++i, ++seq) {
    if (i % 1000 == 999) continue;  // lose one in a thousand
    t.add(seq);
    ++sent;
  }
  EXPECT_EQ(t.received(), sent);
  EXPECT_EQ(t.expected(), 200000u - 1);  // the very last (i = 199999) was not sent
  EXPECT_EQ(t.lost(), 199u);
  EXPECT_EQ(t.duplicates(), 0u);
}

TEST(SequenceTracker, BigJumpClearsTheWindowAndVeryOldIsTooOld) {
  SequenceTracker t;
  t.add(1);
  t.add(1 + 10000);  // a jump bigger than the window
  EXPECT_EQ(t.lost(), 9999u);
  EXPECT_EQ(t.add(1), Outcome::TooOld);
  EXPECT_EQ(t.tooOld(), 1u);
  EXPECT_EQ(t.add(10000), Outcome::Reordered);  // inside the window: not seen before
  EXPECT_EQ(t.lost(), 9998u);
}

TEST(Percentile, NearestRank) {
  std::vector<int64_t> v{50, 10, 40, 20, 30};
  EXPECT_EQ(*percentile(v, 50), 30);
  EXPECT_EQ(*percentile(v, 0), 10);
  EXPECT_EQ(*percentile(v, 100), 50);
  EXPECT_EQ(*percentile(v, 20), 10);
  EXPECT_EQ(*percentile(v, 21), 20);
  std::vector<int64_t> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(*percentile(hundred, 99), 99);
  EXPECT_EQ(*percentile(hundred, 50), 50);
  std::vector<int64_t> none;
  EXPECT_FALSE(percentile(none, 50));
  std::vector<int64_t> one{7};
  EXPECT_EQ(*percentile(one, 99), 7);
}

TEST(Percentile, LatencySummaryInMilliseconds) {
  std::vector<int64_t> ns;
  for (int i = 1; i <= 1000; ++i) ns.push_back(i * 1000);  // 1 µs .. 1 ms
  LatencySummary s = summarizeLatency(ns);
  EXPECT_EQ(s.count, 1000u);
  EXPECT_DOUBLE_EQ(s.p50Ms, 0.5);
  EXPECT_DOUBLE_EQ(s.p99Ms, 0.99);
  EXPECT_DOUBLE_EQ(s.maxMs, 1.0);
  EXPECT_NEAR(s.meanMs, 0.5005, 1e-9);
}

TEST(Jitter, ConstantTransitIsZeroAndAStepDecaysBySixteenths) {
  JitterEstimator j;
  for (int i = 0; i < 10; ++i) j.add(i * 20'000'000, i * 20'000'000 + 500'000);
  EXPECT_DOUBLE_EQ(j.jitterMs(), 0.0);
  j.add(200'000'000, 200'000'000 + 2'100'000);  // transit up by 1.6 ms
  EXPECT_DOUBLE_EQ(j.jitterMs(), 0.1);          // 1.6 / 16
}

TEST(StreamStats, DuplicatesDoNotAddLatencySamples) {
  StreamStats s;
  s.add(0, 500, 1'000'000, 1'200'000, 100);
  s.add(1, 501, 2'000'000, 2'300'000, 100);
  s.add(1, 501, 2'000'000, 2'900'000, 100);  // duplicate
  s.add(3, 503, 4'000'000, 4'100'000, 100);
  EXPECT_EQ(s.packets(), 4u);
  EXPECT_EQ(s.bytes(), 400u);
  EXPECT_EQ(s.counter().duplicates(), 1u);
  EXPECT_EQ(s.counter().lost(), 1u);
  EXPECT_EQ(s.rtpSeq().lost(), 1u);
  EXPECT_EQ(s.latencies().size(), 3u);
  EXPECT_EQ(s.firstArrivalNs(), 1'200'000);
  EXPECT_EQ(s.lastArrivalNs(), 4'100'000);
}

}  // namespace
}  // namespace rounds::load
