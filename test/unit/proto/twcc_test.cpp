// Transport-cc wire format: a hand-built feedback shaped like Chromium's (run length + 2-bit
// vector chunks, a negative large delta, sequence wrap, P-bit padding), round trips, malformed input.
#include "proto/twcc.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "proto/rtcp.hpp"

namespace rounds::twcc {
namespace {

std::vector<PacketStatus> readAll(Bytes packet, FeedbackHeader* header = nullptr) {
  std::vector<PacketStatus> out;
  auto r = FeedbackReader::parse(packet);
  if (!r) return out;
  if (header) *header = r->header();
  PacketStatus s;
  while (r->next(s)) out.push_back(s);
  return out;
}

// Shaped like a Chromium feedback: V=2 P=1 FMT=15, PT 205, a run-length chunk of three small
// deltas then a 2-bit vector (lost, large negative delta, small, small, lost x3), one pad byte.
const std::array<uint8_t, 32> kChromiumLike = {
    0xAF, 0xCD, 0x00, 0x07,              // header, length 7 words
    0x11, 0x22, 0x33, 0x44,              // sender SSRC
    0x55, 0x66, 0x77, 0x88,              // media SSRC
    0xFF, 0xFE, 0x00, 0x0A,              // base seq 65534, status count 10
    0x00, 0x00, 0x10, 0x07,              // reference time 16 (x 64 ms), feedback count 7
    0x20, 0x03,                          // run length: small delta x 3
    0xC9, 0x40,                          // 2-bit vector: 0 2 1 1 0 0 0
    0x04, 0x00, 0x08, 0xFF, 0xFC, 0xC8, 0x01,  // deltas: 4, 0, 8, -4 (large), 200, 1
    0x01};                               // padding count

TEST(TwccTest, ParsesChromiumShapedFeedbackThroughCompoundReader) {
  rtcp::CompoundReader compound(kChromiumLike);
  auto pv = compound.next();
  ASSERT_TRUE(pv);
  EXPECT_EQ(pv->packetType, rtcp::kRtpFeedback);
  EXPECT_EQ(pv->count, kFmtTransportCc);
  FeedbackHeader h;
  auto all = readAll(pv->bytes, &h);
  ASSERT_EQ(all.size(), 10u);
  EXPECT_EQ(h.senderSsrc, 0x11223344u);
  EXPECT_EQ(h.mediaSsrc, 0x55667788u);
  EXPECT_EQ(h.baseSeq, 65534);
  EXPECT_EQ(h.referenceTime, 16);
  EXPECT_EQ(h.feedbackCount, 7);
  const int64_t ref = 16 * 64000;
  struct Want {
    uint16_t seq;
    bool received;
    int64_t at;
  };
  const Want want[] = {{65534, true, ref + 1000}, {65535, true, ref + 1000}, {0, true, ref + 3000},
                       {1, false, 0},             {2, true, ref + 2000},     {3, true, ref + 52000},
                       {4, true, ref + 52250},    {5, false, 0},             {6, false, 0},
                       {7, false, 0}};
  for (size_t i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(all[i].seq, want[i].seq);
    EXPECT_EQ(all[i].received, want[i].received);
    if (want[i].received) {
      EXPECT_EQ(all[i].arrivalUs, want[i].at);
    }
  }
}

TEST(TwccTest, WriterEncodesTheSameArrivalsAsChromium) {
  const int64_t ref = 16 * 64000;
  std::vector<int64_t> arrivals = {ref + 1000,  ref + 1000,  ref + 3000, kNotReceived,
                                   ref + 2000,  ref + 52000, ref + 52250, kNotReceived,
                                   kNotReceived, kNotReceived};
  std::array<uint8_t, 256> buf;
  auto w = writeFeedback(buf, 0x11223344, 0x55667788, 65534, 7, arrivals);
  ASSERT_EQ(w.packets, 10u);
  ASSERT_EQ(w.bytes % 4, 0u);
  rtcp::CompoundReader compound(Bytes(buf.data(), w.bytes));
  auto pv = compound.next();
  ASSERT_TRUE(pv);
  EXPECT_FALSE(compound.next());
  EXPECT_TRUE(compound.valid());
  auto ours = readAll(pv->bytes);
  rtcp::CompoundReader theirsReader(kChromiumLike);
  auto theirs = readAll(theirsReader.next()->bytes);
  ASSERT_EQ(ours.size(), theirs.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].seq, theirs[i].seq);
    EXPECT_EQ(ours[i].received, theirs[i].received);
    if (ours[i].received) {
      EXPECT_EQ(ours[i].arrivalUs, theirs[i].arrivalUs);
    }
  }
}

TEST(TwccTest, RoundTripsRandomArrivalsWithLossAndReordering) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    size_t n = 1 + rng() % 300;
    std::vector<int64_t> arrivals(n);
    int64_t t = 5'000'000 + static_cast<int64_t>(rng() % 100'000'000);
    for (auto& a : arrivals) {
      if (rng() % 10 == 0) {
        a = kNotReceived;
        continue;
      }
      int jump = static_cast<int>(rng() % 100);
      // Mostly small steps, some long gaps (large deltas), some reordering (negative deltas).
      int64_t step = jump < 80 ? rng() % 20'000 : jump < 95 ? rng() % 2'000'000 : -int64_t(rng() % 30'000);
      t = std::max<int64_t>(0, t + step);
      a = t;
    }
    uint16_t base = static_cast<uint16_t>(rng());
    size_t done = 0;
    while (done < n) {
      std::array<uint8_t, 1200> buf;
      auto w = writeFeedback(buf, 1, 2, static_cast<uint16_t>(base + done), 0,
                             std::span<const int64_t>(arrivals).subspan(done));
      if (w.packets == 0) {  // only losses left
        for (size_t k = done; k < n; ++k) ASSERT_EQ(arrivals[k], kNotReceived);
        break;
      }
      rtcp::CompoundReader compound(Bytes(buf.data(), w.bytes));
      auto pv = compound.next();
      ASSERT_TRUE(pv);
      auto got = readAll(pv->bytes);
      ASSERT_EQ(got.size(), w.packets);
      for (size_t k = 0; k < got.size(); ++k) {
        int64_t a = arrivals[done + k];
        ASSERT_EQ(got[k].seq, static_cast<uint16_t>(base + done + k));
        ASSERT_EQ(got[k].received, a >= 0);
        if (a >= 0) {
          ASSERT_EQ(got[k].arrivalUs, a / kDeltaUnitUs * kDeltaUnitUs);
        }
      }
      done += w.packets;
    }
  }
}

TEST(TwccTest, SplitsWhereADeltaDoesNotFitSixteenBits) {
  std::vector<int64_t> arrivals = {1'000'000, 1'001'000, 1'001'000 + 9'000'000, 1'001'000 + 9'000'250};
  std::array<uint8_t, 256> buf;
  auto w = writeFeedback(buf, 1, 2, 100, 0, arrivals);
  EXPECT_EQ(w.packets, 2u);
  auto rest = writeFeedback(buf, 1, 2, 102, 1, std::span<const int64_t>(arrivals).subspan(2));
  EXPECT_EQ(rest.packets, 2u);
}

TEST(TwccTest, WritesNothingWithoutAnArrivalOrRoom) {
  std::array<uint8_t, 256> buf;
  std::vector<int64_t> lost = {kNotReceived, kNotReceived};
  EXPECT_EQ(writeFeedback(buf, 1, 2, 0, 0, lost).bytes, 0u);
  std::vector<int64_t> one = {1000};
  EXPECT_EQ(writeFeedback(MutableBytes(buf).first(20), 1, 2, 0, 0, one).bytes, 0u);
}

TEST(TwccTest, RejectsMalformedFeedback) {
  std::array<uint8_t, 32> p = kChromiumLike;
  Bytes whole(p.data(), 31);  // as the compound reader hands it, less the padding
  EXPECT_TRUE(FeedbackReader::parse(whole));
  EXPECT_FALSE(FeedbackReader::parse(whole.first(30)));  // last delta missing
  EXPECT_FALSE(FeedbackReader::parse(whole.first(22)));  // second chunk missing
  auto zeroCount = p;
  zeroCount[15] = 0;
  EXPECT_FALSE(FeedbackReader::parse(Bytes(zeroCount.data(), 31)));
  auto reserved = p;
  reserved[22] = 0xFC;  // 2-bit vector whose first symbol is 3 (reserved)
  EXPECT_FALSE(FeedbackReader::parse(Bytes(reserved.data(), 31)));
  auto nack = p;
  nack[0] = 0xA1;  // FMT 1
  EXPECT_FALSE(FeedbackReader::parse(Bytes(nack.data(), 31)));
  // Status count past what the chunks cover within the packet.
  auto big = p;
  big[14] = 0x40;
  EXPECT_FALSE(FeedbackReader::parse(Bytes(big.data(), 31)));
}

TEST(TwccTest, LongRunLengthChunks) {
  // 20 received packets 1 ms apart, 30 lost, 20 received: run-length chunks on both sides.
  std::vector<int64_t> arrivals;
  for (int i = 0; i < 20; ++i) arrivals.push_back(64000 + i * 1000);
  for (int i = 0; i < 30; ++i) arrivals.push_back(kNotReceived);
  for (int i = 0; i < 20; ++i) arrivals.push_back(200000 + i * 1000);
  std::array<uint8_t, 256> buf;
  auto w = writeFeedback(buf, 1, 2, 0, 0, arrivals);
  ASSERT_EQ(w.packets, arrivals.size());
  // RLE 20 small, RLE 30 lost, a 2-bit vector (the large delta after the gap), RLE 13 small.
  EXPECT_EQ(w.bytes, 20u + 4 * 2 + 19 + 2 + 19 + 1 + 3);
  auto got = readAll(Bytes(buf.data(), w.bytes));
  ASSERT_EQ(got.size(), arrivals.size());
  EXPECT_EQ(got[69].arrivalUs, 200000 + 19 * 1000);
}

TEST(TwccTest, SequenceExtension) {
  std::array<uint8_t, 2> ext{};
  EXPECT_TRUE(writeSequence(ext, 0xBEEF));
  EXPECT_EQ(readSequence(ext), 0xBEEF);
  EXPECT_FALSE(readSequence(Bytes(ext.data(), 1)));
  std::array<uint8_t, 3> wrong{};
  EXPECT_FALSE(writeSequence(wrong, 1));
}

}  // namespace
}  // namespace rounds::twcc
