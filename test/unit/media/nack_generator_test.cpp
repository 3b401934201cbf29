#include "media/nack_generator.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <set>
#include <vector>

#include "proto/rtp.hpp"

namespace rounds {
namespace {

class NackGeneratorTest : public ::testing::Test {
 protected:
  std::vector<uint16_t> collect(Millis at) {
    std::array<uint16_t, 64> out;
    size_t n = g.collect(t0 + at, out);
    return {out.begin(), out.begin() + n};
  }
  NackGenerator g;
  TimePoint t0{std::chrono::hours(1)};
};

TEST_F(NackGeneratorTest, InOrderStreamHasNothingToAsk) {
  for (uint16_t s = 10; s < 30; ++s) EXPECT_FALSE(g.onPacket(s, t0).newMissing);
  EXPECT_TRUE(collect(Millis(0)).empty());
}

TEST_F(NackGeneratorTest, GapIsAskedAtOnceInRtpOrder) {
  g.onPacket(10, t0);
  auto r = g.onPacket(14, t0);
  EXPECT_TRUE(r.newMissing);
  EXPECT_FALSE(r.keyFrameNeeded);
  EXPECT_EQ(collect(Millis(0)), (std::vector<uint16_t>{11, 12, 13}));
  EXPECT_TRUE(g.isMissing(12));
  // Asked: not again before the retry interval.
  EXPECT_TRUE(collect(Millis(10)).empty());
}

TEST_F(NackGeneratorTest, ReorderedPacketFillsItsHole) {
  g.onPacket(10, t0);
  EXPECT_FALSE(g.onPacket(12, t0).filledGap);
  auto late = g.onPacket(11, t0);
  EXPECT_FALSE(late.newMissing);  // late, not a new gap
  EXPECT_TRUE(late.filledGap);
  EXPECT_FALSE(g.isMissing(11));
  EXPECT_FALSE(g.onPacket(11, t0).filledGap) << "a duplicate fills nothing";
  EXPECT_TRUE(collect(Millis(0)).empty());
  EXPECT_EQ(g.recovered(), 1u);
}

TEST_F(NackGeneratorTest, RetriesAtIntervalsUpToMaxRetries) {
  g.onPacket(10, t0);
  g.onPacket(12, t0);
  std::vector<int> askedAt;
  for (int ms = 0; ms <= 2000; ms += 10)
    if (!collect(Millis(ms)).empty()) askedAt.push_back(ms);
  ASSERT_EQ(askedAt.size(), NackGenerator::kMaxRetries);
  for (size_t i = 1; i < askedAt.size(); ++i)
    EXPECT_GE(askedAt[i] - askedAt[i - 1], NackGenerator::kRetryInterval.count());
  EXPECT_EQ(g.missing(), 0u);
  EXPECT_EQ(g.abandoned(), 1u);
}

TEST_F(NackGeneratorTest, GivesUpOnOldPackets) {
  g.onPacket(10, t0);
  g.onPacket(12, t0);
  EXPECT_EQ(collect(Millis(0)).size(), 1u);
  EXPECT_TRUE(collect(NackGenerator::kMaxAge + Millis(1)).empty());
  EXPECT_FALSE(g.isMissing(11));
  EXPECT_EQ(g.abandoned(), 1u);
}

TEST_F(NackGeneratorTest, GapAcrossTheWrap) {
  g.onPacket(65533, t0);
  EXPECT_TRUE(g.onPacket(2, t0).newMissing);
  EXPECT_EQ(collect(Millis(0)), (std::vector<uint16_t>{65534, 65535, 0, 1}));
  g.onPacket(0, t0);  // retransmission arrives
  EXPECT_FALSE(g.isMissing(0));
  EXPECT_TRUE(g.isMissing(65535));
  EXPECT_FALSE(g.onPacket(3, t0).newMissing);
}

TEST_F(NackGeneratorTest, HugeGapAsksForAKeyFrameInstead) {
  g.onPacket(100, t0);
  g.onPacket(102, t0);
  auto r = g.onPacket(static_cast<uint16_t>(103 + NackGenerator::kMaxMissing), t0);
  EXPECT_TRUE(r.keyFrameNeeded);
  EXPECT_EQ(g.missing(), 0u);
  EXPECT_TRUE(collect(Millis(0)).empty());
  // And it carries on from the new point.
  EXPECT_FALSE(g.onPacket(static_cast<uint16_t>(104 + NackGenerator::kMaxMissing), t0).newMissing);
}

TEST_F(NackGeneratorTest, OutputLimitLeavesTheRestDue) {
  g.onPacket(0, t0);
  g.onPacket(101, t0);  // 100 missing
  std::array<uint16_t, 64> out;
  EXPECT_EQ(g.collect(t0, out), 64u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(g.collect(t0, out), 36u);
  EXPECT_EQ(out[0], 65);
}

TEST_F(NackGeneratorTest, ForgetsPacketsFarBehindTheNewest) {
  g.onPacket(0, t0);
  g.onPacket(2, t0);  // 1 missing
  // The stream moves on with no time passing (no retries, no age limit).
  for (uint16_t s = 3; s < 3 + NackGenerator::kMaxDistance; ++s) g.onPacket(s, t0);
  EXPECT_FALSE(g.isMissing(1));
  EXPECT_EQ(g.missing(), 0u);
  EXPECT_EQ(g.abandoned(), 1u);
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

// isMissing (a binary search over the table, asked for every stored packet) agrees with a
// plain list of what was skipped and has not arrived, across the 16-bit wrap.
TEST(NackGeneratorLookup, IsMissingAgreesWithTheSkippedPacketsAcrossTheWrap) {
  NackGenerator g;
  TimePoint t{std::chrono::seconds(5)};
  std::mt19937 rng(7);
  std::set<uint16_t>
      missing;  // skipped and not arrived (known to the generator once a newer one came)
  uint16_t next = 65000;
  uint16_t highest = next;
  auto deliver = [&](uint16_t s) {
    g.onPacket(s, t);
    if (rtp::seqNewer(s, highest)) highest = s;
  };
  deliver(next++);
  for (int step = 0; step < 6000; ++step) {
    if (rng() % 100 < 5) {
      missing.insert(next++);  // skipped: the next one opens the gap
      continue;
    }
    if (!missing.empty() && rng() % 100 < 4) {  // a late one arrives
      auto it = missing.begin();
      std::advance(it, rng() % missing.size());
      deliver(*it);
      missing.erase(it);
    } else {
      deliver(next++);
    }
    // The generator forgets what falls kMaxDistance behind; so does the list.
    std::erase_if(missing, [&](uint16_t m) {
      return rtp::seqNewer(highest, m) &&
             static_cast<uint16_t>(highest - m) >= NackGenerator::kMaxDistance;
    });
    ASSERT_LE(missing.size(), NackGenerator::kMaxMissing);
    for (int back = -3; back < 400; ++back) {
      const uint16_t s = static_cast<uint16_t>(highest - back);
      const bool expected = missing.count(s) == 1 && rtp::seqNewer(highest, s);
      ASSERT_EQ(g.isMissing(s), expected) << "seq " << s << " at step " << step;
    }
  }
}

TEST(NackGeneratorRetry, AsksAgainAfterTheIntervalItIsGiven) {
  NackGenerator g;
  TimePoint t{std::chrono::seconds(5)};
  g.onPacket(1, t);
  g.onPacket(3, t);  // 2 is missing
  std::array<uint16_t, 8> out;
  ASSERT_EQ(g.collect(t, out, Millis(40)), 1u);
  EXPECT_EQ(g.collect(t + Millis(39), out, Millis(40)), 0u);
  EXPECT_EQ(g.collect(t + Millis(40), out, Millis(40)), 1u);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(g.collect(t + Millis(60), out, Millis(40)), 0u);
}

TEST(NackGeneratorRetry, TheIntervalIsTheRoundTripPlusAMarginWithinBounds) {
  using std::chrono::microseconds;
  EXPECT_EQ(NackGenerator::retryIntervalFor(std::nullopt), NackGenerator::kRetryInterval);
  EXPECT_EQ(NackGenerator::retryIntervalFor(microseconds(30'500)), Millis(31 + 10));
  EXPECT_EQ(NackGenerator::retryIntervalFor(microseconds(250'000)), Millis(260));
  EXPECT_EQ(NackGenerator::retryIntervalFor(microseconds(200)), NackGenerator::kMinRetry);
  EXPECT_EQ(NackGenerator::retryIntervalFor(microseconds(900'000)), NackGenerator::kMaxRetry);
}

}  // namespace
}  // namespace rounds
