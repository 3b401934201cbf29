#include "media/rtp_rewriter.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(RtpRewriter, ContinuesFromInitialValues) {
  RtpRewriter r(1000, 50000);
  auto a = r.rewrite(0xAAAA, 7, 900, 0);
  EXPECT_EQ(a.seq, 1000);
  EXPECT_EQ(a.timestamp, 50000u);
  auto b = r.rewrite(0xAAAA, 8, 1800, 10);
  EXPECT_EQ(b.seq, 1001);
  EXPECT_EQ(b.timestamp, 50900u);
}

TEST(RtpRewriter, WrapsSequenceNumbers) {
  RtpRewriter r(65534, 0);
  EXPECT_EQ(r.rewrite(1, 100, 0, 0).seq, 65534);
  EXPECT_EQ(r.rewrite(1, 101, 0, 0).seq, 65535);
  EXPECT_EQ(r.rewrite(1, 102, 0, 0).seq, 0);
}

TEST(RtpRewriter, LatePacketKeepsItsSlotAndDoesNotMoveTheEnd) {
  RtpRewriter r(10, 0);
  r.rewrite(1, 500, 0, 0);
  r.rewrite(1, 502, 0, 0);            // 501 missing
  auto late = r.rewrite(1, 501, 0, 0);
  EXPECT_EQ(late.seq, 11);
  EXPECT_EQ(r.rewrite(1, 503, 0, 0).seq, 13);
}

TEST(RtpRewriter, SourceSwitchIsContinuous) {
  RtpRewriter r(100, 1000);
  r.rewrite(1, 40000, 90000, 0);
  auto last = r.rewrite(1, 40001, 93000, 33);
  // A new source with unrelated numbering continues right after the last packet.
  auto first = r.rewrite(2, 7, 123456789, 66);
  EXPECT_EQ(first.seq, static_cast<uint16_t>(last.seq + 1));
  EXPECT_EQ(first.timestamp, last.timestamp + 33);  // the wall time that passed, in ticks
  auto next = r.rewrite(2, 8, 123456789 + 3000, 99);
  EXPECT_EQ(next.seq, static_cast<uint16_t>(last.seq + 2));
  EXPECT_EQ(next.timestamp, first.timestamp + 3000);
}

TEST(RtpRewriter, ResyncAfterAPauseLeavesNoGap) {
  RtpRewriter r(100, 1000);
  auto last = r.rewrite(1, 500, 90000, 0);
  // Paused: source packets 501..599 were never sent. Without resync 600 would look 99 later.
  EXPECT_EQ(r.map(600, 90000).seq, static_cast<uint16_t>(last.seq + 100));
  r.resync();
  auto first = r.rewrite(1, 600, 90000 + 99 * 3000, 9000);
  EXPECT_EQ(first.seq, static_cast<uint16_t>(last.seq + 1));
  EXPECT_EQ(first.timestamp, last.timestamp + 9000);  // the wall time that passed
  EXPECT_EQ(r.rewrite(1, 601, 90000 + 100 * 3000, 9033).seq, static_cast<uint16_t>(last.seq + 2));
  EXPECT_EQ(r.sourceSeq(static_cast<uint16_t>(last.seq + 2)), 601);  // NACKs map back
}

TEST(RtpRewriter, SwitchWithNoTimePassedStillAdvancesTimestamp) {
  RtpRewriter r(0, 0);
  auto a = r.rewrite(1, 1, 500, 10);
  auto b = r.rewrite(2, 9, 77, 10);
  EXPECT_GT(b.timestamp, a.timestamp);
}

TEST(RtpRewriter, MapsBackForNacksAcrossTheWrap) {
  RtpRewriter r(65530, 1000);
  r.rewrite(0xAAAA, 100, 9000, 0);  // 100 -> 65530
  for (uint16_t s = 101; s < 120; ++s) r.rewrite(0xAAAA, s, 9000u + s, 0);
  EXPECT_EQ(r.source(), 0xAAAAu);
  // Outgoing 3 is past the wrap: incoming 100 + (65536 - 65530) + 3 = 109.
  EXPECT_EQ(r.sourceSeq(3), 109);
  EXPECT_EQ(r.sourceSeq(65530), 100);
  auto m = r.map(109, 9109);
  EXPECT_EQ(m.seq, 3);
  EXPECT_EQ(m.timestamp, 1000u + 109);
  // map() is read-only: the next in-order packet continues where it would have.
  EXPECT_EQ(r.rewrite(0xAAAA, 120, 0, 0).seq, 14);
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

TEST(RtpRewriterSkip, PaddingLeavesNoGapAndNacksStillMapBack) {
  RtpRewriter r(1000, 0);
  EXPECT_EQ(r.rewrite(7, 10, 0, 0).seq, 1000);
  EXPECT_EQ(r.rewrite(7, 11, 0, 0).seq, 1001);
  EXPECT_TRUE(r.skip(7, 12));  // padding-only: not forwarded
  EXPECT_TRUE(r.skip(7, 13));
  EXPECT_EQ(r.rewrite(7, 14, 0, 0).seq, 1002);  // continues without a gap
  EXPECT_EQ(r.rewrite(7, 15, 0, 0).seq, 1003);
  // A subscriber's NACK names the numbers it saw; each maps back to the packet it was.
  EXPECT_EQ(r.sourceSeq(1000), 10);
  EXPECT_EQ(r.sourceSeq(1001), 11);
  EXPECT_EQ(r.sourceSeq(1002), 14);
  EXPECT_EQ(r.sourceSeq(1003), 15);
  // And a resend of a stored packet gets the number the subscriber knows.
  EXPECT_EQ(r.map(11, 0).seq, 1001);
  EXPECT_EQ(r.map(14, 0).seq, 1002);
}

TEST(RtpRewriterSkip, OnlyTheNextPacketInOrderIsSkipped) {
  RtpRewriter r(500, 0);
  EXPECT_FALSE(r.skip(7, 3));  // nothing mapped yet
  r.rewrite(7, 10, 0, 0);
  EXPECT_FALSE(r.skip(7, 12));  // 11 is still to come: its number must stay free
  EXPECT_FALSE(r.skip(7, 9));   // already numbered
  EXPECT_FALSE(r.skip(8, 11));  // another source (a simulcast layer this consumer is not on)
  EXPECT_EQ(r.rewrite(7, 11, 0, 0).seq, 501);
}

TEST(RtpRewriterSkip, LatePacketFromBeforeASkipKeepsItsNumber) {
  RtpRewriter r(100, 0);
  r.rewrite(7, 10, 0, 0);                    // 100
  r.rewrite(7, 12, 0, 0);                    // 102 (11 late)
  EXPECT_TRUE(r.skip(7, 13));
  EXPECT_EQ(r.rewrite(7, 14, 0, 0).seq, 103);
  EXPECT_EQ(r.rewrite(7, 11, 0, 0).seq, 101);  // not 100: no collision with packet 10
  EXPECT_EQ(r.sourceSeq(101), 11);
}

TEST(RtpRewriterSkip, ANewSourceForgetsSkips) {
  RtpRewriter r(100, 0);
  r.rewrite(7, 10, 0, 0);
  EXPECT_TRUE(r.skip(7, 11));
  EXPECT_EQ(r.rewrite(9, 500, 0, 10).seq, 101);  // layer switch
  EXPECT_EQ(r.rewrite(9, 501, 0, 10).seq, 102);
  EXPECT_EQ(r.sourceSeq(101), 500);
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

// A subscriber that began at packet 1000 (its first key frame) must not get a repair of 995:
// it would land below the first number it saw, a gap behind its start.
TEST(RtpRewriter, ARepairFromBeforeTheSubscribersStartIsRefused) {
  RtpRewriter r(5000, 0);
  EXPECT_FALSE(r.beforeStart(0xA, 995)) << "nothing started yet";
  r.rewrite(0xA, 1000, 90000, 0);
  r.rewrite(0xA, 1001, 93000, 1);
  EXPECT_TRUE(r.beforeStart(0xA, 995));
  EXPECT_FALSE(r.beforeStart(0xA, 1000));
  EXPECT_FALSE(r.beforeStart(0xA, 1001));
  EXPECT_FALSE(r.beforeStart(0xB, 995)) << "another source's numbers say nothing";
  // Across the wrap: started at 65530, 2 is after it.
  RtpRewriter w(7, 0);
  w.rewrite(0xA, 65530, 0, 0);
  EXPECT_FALSE(w.beforeStart(0xA, 2));
  EXPECT_TRUE(w.beforeStart(0xA, 65525));
  // Long after the start no late packet can be that old, and the numbers come round again.
  for (uint32_t s = 1; s <= 40000; ++s) w.rewrite(0xA, static_cast<uint16_t>(65530 + s), s, s);
  EXPECT_FALSE(w.beforeStart(0xA, static_cast<uint16_t>(65530 + 39990)));
  EXPECT_FALSE(w.beforeStart(0xA, 65525));
}

}  // namespace
}  // namespace rounds
