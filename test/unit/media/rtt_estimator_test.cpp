// RttEstimator and SrSentLog (media/rtt_estimator.hpp): one report's round trip (RFC 3550
// §6.4.1, A - LSR - DLSR against our own send time), what is implausible, the smoothing, and
// which SRs are remembered.
#include "media/rtt_estimator.hpp"

#include <gtest/gtest.h>

#include "proto/rtcp.hpp"

namespace rounds {
namespace {

using std::chrono::milliseconds;

const TimePoint kT0{std::chrono::hours(1)};

TEST(RttEstimator, ARoundTripIsTheArrivalLessTheSendTimeLessTheHold) {
  // 300 ms after we sent the SR, held 100 ms (6553.6 units: 6554 is 100.006 ms).
  auto rtt = RttEstimator::roundTrip(kT0 + milliseconds(300), kT0, 6554);
  ASSERT_TRUE(rtt);
  EXPECT_EQ(rtt->count(), 300'000 - 100'006);
}

TEST(RttEstimator, ClockRoundingBelowZeroCountsAsZeroAndTheImplausibleIsDropped) {
  // Held "1 ms" but arrived 0.5 ms after we sent it: DLSR's rounding, a round trip of ~0.
  EXPECT_EQ(RttEstimator::roundTrip(kT0 + std::chrono::microseconds(500), kT0, 66)->count(), 0);
  // Held 10 ms more than the whole interval: not a report about this SR.
  EXPECT_FALSE(RttEstimator::roundTrip(kT0 + milliseconds(10), kT0, 65536 / 50));
  // More than 10 s.
  EXPECT_FALSE(RttEstimator::roundTrip(kT0 + std::chrono::seconds(11), kT0, 0));
  EXPECT_TRUE(RttEstimator::roundTrip(kT0 + std::chrono::seconds(9), kT0, 0));
}

TEST(RttEstimator, SmoothsOneEighthTowardsEachSample) {
  RttEstimator e;
  EXPECT_FALSE(e.smoothed());
  EXPECT_FALSE(e.latest());
  e.onSample(milliseconds(80));
  EXPECT_EQ(e.smoothed()->count(), 80'000) << "the first sample is taken as it is";
  e.onSample(milliseconds(160));
  EXPECT_EQ(e.smoothed()->count(), 90'000);
  EXPECT_EQ(e.latest()->count(), 160'000);
  EXPECT_EQ(e.samples(), 2u);
}

TEST(SrSentLog, RemembersTheLastTwoByTheirCompactNtpTime) {
  SrSentLog log;
  const uint64_t a = 0x0000AAAA11110000ull, b = 0x0000BBBB22220000ull, c = 0x0000CCCC33330000ull;
  EXPECT_FALSE(log.sentAt(rtcp::compactNtp(a)));
  log.note(a, kT0);
  log.note(b, kT0 + milliseconds(1000));
  EXPECT_EQ(rtcp::compactNtp(a), 0xAAAA1111u);
  EXPECT_EQ(log.sentAt(0xAAAA1111u), kT0);
  EXPECT_EQ(log.sentAt(0xBBBB2222u), kT0 + milliseconds(1000));
  log.note(c, kT0 + milliseconds(2000));
  EXPECT_FALSE(log.sentAt(0xAAAA1111u)) << "the oldest gives way";
  EXPECT_TRUE(log.sentAt(0xCCCC3333u));
  EXPECT_FALSE(log.sentAt(0)) << "LSR 0: no SR received";
}

TEST(SrSentLog, NtpFromUnixMillisCountsFrom1900) {
  // 2026-12-07T00:00:00.250Z: 1796601600 s since 1970, a quarter of a second.
  const uint64_t ntp = ntpFromUnixMillis(1'796'601'600'250);
  EXPECT_EQ(ntp >> 32, 1'796'601'600ull + 2'208'988'800ull);
  EXPECT_EQ(ntp & 0xFFFFFFFFull, 0x40000000ull);
}

}  // namespace
}  // namespace rounds
