// Unit tests for rounds-load's RTCP reports (tools/rounds-load/rtcp_reports.hpp): what its report
// blocks say about received streams (RFC 3550 §6.4.1, A.3, A.8) and the LSR/DLSR pair the server
// turns into a round trip.
#include "rtcp_reports.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

namespace rounds::load {
namespace {

using std::chrono::milliseconds;

constexpr uint32_t kVideo = 0x1111, kAudio = 0x2222;

TEST(ReceptionReports, ABlockPerStreamWithLossCountedOverEachInterval) {
  ReceptionReports r;
  SteadyTime t{std::chrono::hours(1)};
  std::array<rtcp::ReportBlock, 4> out;
  EXPECT_EQ(r.blocks(out, t), 0u) << "nothing received";
  // Video 65530..65535, 0..9 with 65534 and 3, 4 missing: 16 expected, 13 received, one wrap.
  for (uint32_t i = 65530; i < 65536 + 10; ++i) {
    uint16_t seq = static_cast<uint16_t>(i);
    if (seq == 65534 || seq == 3 || seq == 4) continue;
    r.onPacket(kVideo, seq, 90 * i, t + milliseconds(i - 65530), 90000);
  }
  r.onPacket(kAudio, 7, 0, t, 48000);
  ASSERT_EQ(r.blocks(out, t), 2u);
  EXPECT_EQ(out[0].ssrc, kVideo);
  EXPECT_EQ(out[0].highestSeq, 65536u + 9) << "one cycle";
  EXPECT_EQ(out[0].cumulativeLost, 3);
  EXPECT_EQ(out[0].fractionLost, 3 * 256 / 16);
  EXPECT_EQ(out[0].lastSr, 0u) << "no SR yet";
  EXPECT_EQ(out[1].ssrc, kAudio);
  EXPECT_EQ(out[1].cumulativeLost, 0);

  // 4 arrives late (a retransmission), 10..13 in order: the next interval lost nothing.
  r.onPacket(kVideo, 4, 0, t, 90000);
  for (uint16_t seq = 10; seq < 14; ++seq) r.onPacket(kVideo, seq, 0, t, 90000);
  ASSERT_EQ(r.blocks(out, t), 2u);
  EXPECT_EQ(out[0].highestSeq, 65536u + 13) << "a late packet does not move the highest";
  EXPECT_EQ(out[0].cumulativeLost, 2);
  EXPECT_EQ(out[0].fractionLost, 0);
}

TEST(ReceptionReports, EchoesTheLastSenderReportWithTheTimeItWasHeld) {
  ReceptionReports r;
  SteadyTime t{std::chrono::hours(1)};
  r.onPacket(kVideo, 1, 0, t, 90000);
  const uint64_t ntp = 0xAABBCCDD11223344ull;
  r.onSenderReport(kVideo, ntp, t);
  std::array<rtcp::ReportBlock, 4> out;
  ASSERT_EQ(r.blocks(out, t + milliseconds(250)), 1u);
  EXPECT_EQ(out[0].lastSr, 0xCCDD1122u) << "the middle 32 bits";
  EXPECT_EQ(out[0].delaySinceLastSr, 65536u / 4) << "250 ms in 1/65536 s";
  EXPECT_EQ(r.senderReportsReceived(), 1u);
}

TEST(ReceptionReports, AnswersTheLatestReferenceTimeOnceWithADelaySinceIt) {
  ReceptionReports r;
  SteadyTime t{std::chrono::hours(1)};
  rtcp::DlrrItem item;
  EXPECT_FALSE(r.takeDlrr(item, t)) << "no RRTR yet";
  r.onRrtr(0x5EC0, 0x0000111122220000ull, t);
  r.onRrtr(0x5EC0, 0x0000333344440000ull, t + milliseconds(100));
  ASSERT_TRUE(r.takeDlrr(item, t + milliseconds(600)));
  EXPECT_EQ(item.ssrc, 0x5EC0u);
  EXPECT_EQ(item.lastRr, 0x33334444u);
  EXPECT_EQ(item.delaySinceLastRr, 65536u / 2);
  EXPECT_FALSE(r.takeDlrr(item, t + milliseconds(900))) << "answered once";
}

TEST(ReceptionReports, JitterFollowsTheSpreadOfArrivals) {
  ReceptionReports r;
  SteadyTime t{std::chrono::hours(1)};
  // 20 ms apart in RTP time (48 kHz), arriving alternately 0 and 4 ms late: |D| = 192 units.
  for (uint32_t i = 0; i < 200; ++i)
    r.onPacket(kAudio, static_cast<uint16_t>(i), 960 * i, t + milliseconds(20 * i + (i % 2) * 4),
               48000);
  std::array<rtcp::ReportBlock, 1> out;
  ASSERT_EQ(r.blocks(out, t), 1u);
  EXPECT_NEAR(out[0].jitter, 192, 2);
}

TEST(ReceptionReports, NtpNowIsTheWallClockSince1900) {
  const uint64_t ntp = ntpNow();
  const auto unix = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  EXPECT_NEAR(static_cast<double>(ntp >> 32), static_cast<double>(unix + 2'208'988'800), 2);
}

}  // namespace
}  // namespace rounds::load
