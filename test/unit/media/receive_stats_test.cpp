#include "media/receive_stats.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(RtpReceiveStats, CountsLossAndHighestSequence) {
  RtpReceiveStats s;
  for (uint16_t seq = 100; seq < 110; ++seq)
    if (seq != 103 && seq != 104) s.onPacket(seq, seq * 3000u, seq * 3000u);
  auto b = s.makeReport(42, 0, 0);
  EXPECT_EQ(b.ssrc, 42u);
  EXPECT_EQ(b.highestSeq, 109u);
  EXPECT_EQ(b.cumulativeLost, 2);
  EXPECT_EQ(b.fractionLost, static_cast<uint8_t>((2 << 8) / 10));
  // Next interval: no loss.
  for (uint16_t seq = 110; seq < 120; ++seq) s.onPacket(seq, seq * 3000u, seq * 3000u);
  auto c = s.makeReport(42, 0, 0);
  EXPECT_EQ(c.fractionLost, 0);
  EXPECT_EQ(c.cumulativeLost, 2);
}

TEST(RtpReceiveStats, ExtendsAcrossWrap) {
  RtpReceiveStats s;
  for (uint32_t i = 0; i < 20; ++i) {
    uint16_t seq = static_cast<uint16_t>(65530 + i);
    s.onPacket(seq, i * 960, i * 960);
  }
  auto b = s.makeReport(1, 0, 0);
  EXPECT_EQ(b.highestSeq, (1u << 16) | 13u);
  EXPECT_EQ(b.cumulativeLost, 0);
}

TEST(RtpReceiveStats, JitterGrowsWithIrregularArrival) {
  RtpReceiveStats steady, bumpy;
  for (uint32_t i = 0; i < 50; ++i) {
    steady.onPacket(static_cast<uint16_t>(i), i * 960, i * 960);
    bumpy.onPacket(static_cast<uint16_t>(i), i * 960, i * 960 + (i % 2 ? 400 : 0));
  }
  EXPECT_EQ(steady.makeReport(1, 0, 0).jitter, 0u);
  EXPECT_GT(bumpy.makeReport(1, 0, 0).jitter, 100u);
}

}  // namespace
}  // namespace rounds
