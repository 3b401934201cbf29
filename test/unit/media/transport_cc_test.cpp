// TwccRecorder (arrivals -> feedback towards publishers) and SendHistory (our stamped packets).
#include "media/transport_cc.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "proto/twcc.hpp"

namespace rounds {
namespace {

std::vector<twcc::PacketStatus> drain(TwccRecorder& r, int* packets = nullptr) {
  std::vector<twcc::PacketStatus> out;
  std::array<uint8_t, 1200> buf;
  int n = 0;
  while (size_t len = r.buildFeedback(buf, 1, 2)) {
    ++n;
    auto reader = twcc::FeedbackReader::parse(Bytes(buf.data(), len));
    EXPECT_TRUE(reader);
    if (!reader) break;
    twcc::PacketStatus s;
    while (reader->next(s)) out.push_back(s);
  }
  if (packets) *packets = n;
  return out;
}

TEST(TwccRecorderTest, ReportsArrivalsAndGapsOnceAcrossTheWrap) {
  TwccRecorder r;
  EXPECT_FALSE(r.pending());
  r.onPacket(65534, 1'000'000);
  r.onPacket(65535, 1'001'000);
  r.onPacket(1, 1'003'000);  // 0 missing
  auto got = drain(r);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].seq, 65534);
  EXPECT_TRUE(got[1].received);
  EXPECT_EQ(got[2].seq, 0);
  EXPECT_FALSE(got[2].received);
  EXPECT_EQ(got[3].arrivalUs - got[0].arrivalUs, 3000);
  EXPECT_FALSE(r.pending());
  EXPECT_TRUE(drain(r).empty());
  // A late arrival of the reported-lost 0 is ignored; new packets continue from 2.
  r.onPacket(0, 1'004'000);
  r.onPacket(2, 1'005'000);
  got = drain(r);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 2);
  EXPECT_EQ(r.feedbacksBuilt(), 2u);
}

// A slot keeps the low 32 bits of its arrival time; the full time comes back from the latest
// arrival, also across the 71-minute wrap of those bits.
TEST(TwccRecorderTest, ArrivalTimesSurviveTheThirtyTwoBitWrap) {
  TwccRecorder r;
  const int64_t start = (int64_t{7} << 32) - 1500;
  for (int i = 0; i < 4; ++i) r.onPacket(static_cast<uint16_t>(100 + i), start + i * 1000);
  auto got = drain(r);
  ASSERT_EQ(got.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(got[i].received);
    EXPECT_EQ(got[i].arrivalUs - got[0].arrivalUs, i * 1000) << i;
  }
}

TEST(TwccRecorderTest, ReorderedPacketsWithinAFeedbackAreReported) {
  TwccRecorder r;
  r.onPacket(10, 1'000'000);
  r.onPacket(12, 1'001'000);
  r.onPacket(11, 1'002'000);
  auto got = drain(r);
  ASSERT_EQ(got.size(), 3u);
  for (auto& s : got) EXPECT_TRUE(s.received);
  EXPECT_EQ(got[1].arrivalUs - got[0].arrivalUs, 2000);  // negative delta for 12 -> 11 encoded
}

TEST(TwccRecorderTest, AJumpBeyondTheRingReportsOnlyWhatItHolds) {
  TwccRecorder r;
  r.onPacket(0, 1'000'000);
  r.onPacket(10000, 1'010'000);
  int packets = 0;
  auto got = drain(r, &packets);
  ASSERT_FALSE(got.empty());
  EXPECT_LE(got.size(), TwccRecorder::kSlots);
  EXPECT_EQ(got.back().seq, 10000);
  EXPECT_TRUE(got.back().received);
}

TEST(TwccRecorderTest, ManyPacketsSplitIntoSeveralFeedbacks) {
  TwccRecorder r;
  for (int i = 0; i < 2000; ++i) r.onPacket(static_cast<uint16_t>(i), 1'000'000 + i * 100);
  int packets = 0;
  auto got = drain(r, &packets);
  EXPECT_EQ(got.size(), 2000u);
  EXPECT_GE(packets, 2);
}

TEST(SendHistoryTest, RemembersWhatWasSentUntilOverwritten) {
  SendHistory h;
  uint16_t first = h.nextSeq();
  h.onSent(1000, 1200);
  h.onSent(2000, 300);
  auto e = h.find(first);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->sendUs, 1000);
  EXPECT_EQ(e->size, 1200);
  ASSERT_TRUE(h.find(static_cast<uint16_t>(first + 1)));
  EXPECT_FALSE(h.find(static_cast<uint16_t>(first + 2)));  // not sent yet
  h.skip();
  for (size_t i = 0; i < SendHistory::kSlots; ++i) h.onSent(3000 + static_cast<int64_t>(i), 100);
  EXPECT_FALSE(h.find(first));  // its slot now holds a newer packet
  auto newest = h.find(static_cast<uint16_t>(h.nextSeq() - 1));
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->size, 100);
}

TEST(SendHistoryTest, WrapsTheSixteenBitSequence) {
  SendHistory h;
  for (int i = 0; i < 70000; ++i) h.onSent(i, 100);
  uint16_t last = static_cast<uint16_t>(h.nextSeq() - 1);
  ASSERT_TRUE(h.find(last));
  EXPECT_EQ(h.find(last)->sendUs, 69999);
}

TEST(SendHistoryTest, AFeedbackTakesEachPacketOnce) {
  SendHistory h;
  uint16_t seq = h.nextSeq();
  h.onSent(5000, 1100, /*probeCluster=*/7);
  auto first = h.takeReport(seq);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->sendUs, 5000);
  EXPECT_EQ(first->size, 1100);
  EXPECT_EQ(first->probeCluster, 7);
  EXPECT_FALSE(first->reported);
  EXPECT_FALSE(h.takeReport(seq));  // a repeated report is not counted again
  ASSERT_TRUE(h.find(seq));
  EXPECT_TRUE(h.find(seq)->reported);
  EXPECT_FALSE(h.takeReport(static_cast<uint16_t>(seq + 1)));  // never sent
}

// A slot keeps only the low 32 bits of its send time; the full time comes back from the newest
// one, also across the 71-minute wrap of those bits and on a clock far from zero.
TEST(SendHistoryTest, SendTimesSurviveTheThirtyTwoBitWrap) {
  SendHistory h;
  const int64_t start = (int64_t{5} << 32) - 1500;  // 1.5 ms before a wrap of the low bits
  uint16_t first = h.nextSeq();
  for (int i = 0; i < 4; ++i) h.onSent(start + i * 1000, 200 + i);
  for (int i = 0; i < 4; ++i) {
    auto p = h.find(static_cast<uint16_t>(first + i));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->sendUs, start + i * 1000);
    EXPECT_EQ(p->size, 200 + i);
  }
}

// The seq check uses the slot (low 12 bits) and the top 4 bits kept in the slot: a seq that
// shares the slot but not the top bits is not the packet there.
TEST(SendHistoryTest, AnotherSeqOnTheSameSlotIsNotFound) {
  SendHistory h;
  uint16_t seq = h.nextSeq();
  h.onSent(1, 60000);  // sizes past kMaxSize are kept as kMaxSize
  EXPECT_EQ(h.find(seq)->size, SendHistory::kMaxSize);
  EXPECT_FALSE(h.find(static_cast<uint16_t>(seq + SendHistory::kSlots)));
  EXPECT_FALSE(h.find(static_cast<uint16_t>(seq - SendHistory::kSlots)));
}

}  // namespace
}  // namespace rounds
