// Unit tests for the load generator's loss recovery (tools/rounds-load/loss_repair.hpp): what a
// receiver asks for again, and what a publisher can resend.
#include "loss_repair.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace rounds::load {
namespace {

using std::chrono::milliseconds;

std::vector<uint16_t> collect(ReceiveRepair& r, TimePoint now,
                              Millis retry = NackGenerator::kRetryInterval) {
  std::array<uint16_t, 64> out;
  size_t n = r.collect(now, out, retry);
  return {out.begin(), out.begin() + static_cast<ptrdiff_t>(n)};
}

TEST(ReceiveRepair, InOrderStreamsAskForNothing) {
  ReceiveRepair r;
  TimePoint t{};
  for (uint16_t s = 65530; s != 10; ++s) EXPECT_FALSE(r.onPacket(s, t).newMissing);  // wraps
  EXPECT_EQ(r.missing(), 0u);
  EXPECT_TRUE(collect(r, t + milliseconds(500)).empty());
}

TEST(ReceiveRepair, AGapIsAskedForAtOnceThenAgainAndEndsWhenTheRetransmissionComes) {
  ReceiveRepair r;
  TimePoint t{};
  r.onPacket(65534, t);
  r.onPacket(65535, t);
  auto gap = r.onPacket(2, t);  // 0 and 1 missing, across the wrap
  EXPECT_TRUE(gap.newMissing);
  EXPECT_FALSE(gap.keyFrameNeeded);
  EXPECT_EQ(collect(r, t), (std::vector<uint16_t>{0, 1}));
  EXPECT_TRUE(collect(r, t + milliseconds(50)).empty());  // not again before the retry interval
  EXPECT_FALSE(r.onPacket(1, t + milliseconds(60)).newMissing);  // a retransmission
  EXPECT_EQ(r.recovered(), 1u);
  EXPECT_EQ(collect(r, t + milliseconds(110)), (std::vector<uint16_t>{0}));
  EXPECT_FALSE(r.onPacket(3, t + milliseconds(120)).newMissing);
  EXPECT_EQ(r.missing(), 1u);
}

TEST(ReceiveRepair, AsksAgainAfterTheIntervalItIsGiven) {
  ReceiveRepair r;
  TimePoint t{};
  r.onPacket(10, t);
  r.onPacket(12, t);
  const Millis retry = NackGenerator::retryIntervalFor(std::chrono::microseconds(20'000));
  EXPECT_EQ(collect(r, t, retry), (std::vector<uint16_t>{11}));
  EXPECT_TRUE(collect(r, t + milliseconds(29), retry).empty());
  EXPECT_EQ(collect(r, t + milliseconds(30), retry), (std::vector<uint16_t>{11}));
}

TEST(ReceiveRepair, GivesUpAfterASecond) {
  ReceiveRepair r;
  TimePoint t{};
  r.onPacket(10, t);
  r.onPacket(12, t);
  EXPECT_EQ(collect(r, t), (std::vector<uint16_t>{11}));
  EXPECT_TRUE(collect(r, t + milliseconds(1100)).empty());
  EXPECT_EQ(r.missing(), 0u);
  EXPECT_EQ(r.abandoned(), 1u);
}

TEST(ReceiveRepair, AHoleTooLargeAsksForAKeyFrame) {
  ReceiveRepair r;
  TimePoint t{};
  r.onPacket(100, t);
  auto gap = r.onPacket(100 + NackGenerator::kMaxMissing + 2, t);
  EXPECT_TRUE(gap.keyFrameNeeded);
  EXPECT_TRUE(collect(r, t).empty());
}

TEST(ReceiveRepair, LatePacketsBeforeAnyGapAreNoLoss) {
  ReceiveRepair r;
  TimePoint t{};
  r.onPacket(500, t);
  EXPECT_FALSE(r.onPacket(499, t).newMissing);  // older than the first: not ours to ask for
  EXPECT_FALSE(r.onPacket(500, t).newMissing);  // a duplicate
  EXPECT_EQ(r.missing(), 0u);
}

std::vector<uint8_t> packetOf(uint16_t seq, size_t size) {
  std::vector<uint8_t> p(size, static_cast<uint8_t>(seq));
  p[0] = 0x80;
  return p;
}

TEST(SentHistory, FindsWhatWasSentWithinASecondByItsSequenceNumber) {
  SentHistory h(8);
  TimePoint t{};
  EXPECT_FALSE(h.find(1, t));  // nothing stored yet (and nothing allocated)
  for (uint16_t s = 65533; s != 3; ++s) {
    auto p = packetOf(s, 100 + s % 7);
    h.store(Bytes(p.data(), p.size()), s, t);
  }
  auto found = h.find(65535, t + milliseconds(10));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->size(), 100u + 65535 % 7);
  EXPECT_EQ(found->buffer()[1], static_cast<uint8_t>(65535));
  EXPECT_FALSE(h.find(65535, t + milliseconds(1001)));  // too old to be worth resending
  EXPECT_FALSE(h.find(3, t));                            // never sent
}

TEST(SentHistory, ANewerPacketOnTheSameSlotReplacesTheOlder) {
  SentHistory h(8);
  TimePoint t{};
  auto a = packetOf(1, 50);
  auto b = packetOf(9, 60);  // 9 % 8 == 1 % 8
  h.store(Bytes(a.data(), a.size()), 1, t);
  h.store(Bytes(b.data(), b.size()), 9, t);
  EXPECT_FALSE(h.find(1, t));
  ASSERT_TRUE(h.find(9, t));
  EXPECT_EQ(h.find(9, t)->size(), 60u);
}

TEST(SentHistory, KeepsNothingLargerThanASlot) {
  SentHistory h(8);
  std::vector<uint8_t> big(SentHistory::kMaxPacket + 1, 0x80);
  h.store(Bytes(big.data(), big.size()), 4, TimePoint{});
  EXPECT_FALSE(h.find(4, TimePoint{}));
}

}  // namespace
}  // namespace rounds::load
