// Tests for proto/rtcp: every writer read back by the readers, compound walks, NACK packing and
// malformed compounds. Byte-level expectations are spelled out where the RFC fixes the layout.
#include "proto/rtcp.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace rounds::rtcp {
namespace {

using Buffer = std::vector<uint8_t>;

// Reads a buffer holding exactly one packet.
PacketView single(const Buffer& b) {
  CompoundReader r(b);
  auto p = r.next();
  EXPECT_TRUE(p);
  EXPECT_FALSE(r.next());
  EXPECT_TRUE(r.valid());
  return p ? *p : PacketView{};
}

std::vector<uint16_t> nackedSeqs(const PacketView& p) {
  std::vector<uint16_t> seqs;
  forEachNack(p, [&](uint16_t s) { seqs.push_back(s); });
  return seqs;
}

size_t nackEntries(const PacketView& p) { return (p.bytes.size() - 12) / 4; }

ReportBlock sampleBlock(uint32_t ssrc, int32_t lost) {
  ReportBlock b;
  b.ssrc = ssrc;
  b.fractionLost = 25;
  b.cumulativeLost = lost;
  b.highestSeq = 0x0001FFFF;
  b.jitter = 321;
  b.lastSr = 0xAABBCCDD;
  b.delaySinceLastSr = 65536;
  return b;
}

void expectSameBlock(const ReportBlock& a, const ReportBlock& b) {
  EXPECT_EQ(a.ssrc, b.ssrc);
  EXPECT_EQ(a.fractionLost, b.fractionLost);
  EXPECT_EQ(a.cumulativeLost, b.cumulativeLost);
  EXPECT_EQ(a.highestSeq, b.highestSeq);
  EXPECT_EQ(a.jitter, b.jitter);
  EXPECT_EQ(a.lastSr, b.lastSr);
  EXPECT_EQ(a.delaySinceLastSr, b.delaySinceLastSr);
}

TEST(RtcpWrite, SenderReportRoundTrip) {
  SenderInfo info{0xE1E2E3E4F1F2F3F4ull, 90000, 1234, 567890};
  std::array<ReportBlock, 2> blocks = {sampleBlock(0x1111, -5), sampleBlock(0x2222, 0x7FFFFF)};
  Buffer out(200);
  const size_t n = writeSenderReport(out, 0xABCDEF01, info, blocks);
  ASSERT_EQ(n, 28u + 48u);
  out.resize(n);
  // RFC 3550 §6.4.1: V=2, RC=2, PT=200, length = words - 1.
  EXPECT_EQ(out[0], 0x82);
  EXPECT_EQ(out[1], 200);
  EXPECT_EQ(out[3], n / 4 - 1);
  // -5 as 24-bit two's complement.
  EXPECT_EQ(out[28 + 5], 0xFF);
  EXPECT_EQ(out[28 + 7], 0xFB);

  PacketView p = single(out);
  EXPECT_EQ(p.packetType, kSenderReport);
  EXPECT_EQ(p.count, 2);
  EXPECT_EQ(p.senderSsrc(), 0xABCDEF01u);
  auto si = senderInfo(p);
  ASSERT_TRUE(si);
  EXPECT_EQ(si->ntpTimestamp, info.ntpTimestamp);
  EXPECT_EQ(si->rtpTimestamp, info.rtpTimestamp);
  EXPECT_EQ(si->packetCount, info.packetCount);
  EXPECT_EQ(si->octetCount, info.octetCount);
  std::array<ReportBlock, 4> read{};
  ASSERT_EQ(reportBlocks(p, read), 2u);
  expectSameBlock(read[0], blocks[0]);
  expectSameBlock(read[1], blocks[1]);
  // A smaller output span gets the first blocks only.
  std::array<ReportBlock, 1> one{};
  EXPECT_EQ(reportBlocks(p, one), 1u);
  EXPECT_EQ(one[0].ssrc, 0x1111u);
}

TEST(RtcpWrite, SenderReportWithoutBlocks) {
  Buffer out(28);
  ASSERT_EQ(writeSenderReport(out, 1, SenderInfo{1, 2, 3, 4}, {}), 28u);
  PacketView p = single(out);
  EXPECT_EQ(p.count, 0);
  ASSERT_TRUE(senderInfo(p));
  std::array<ReportBlock, 1> read{};
  EXPECT_EQ(reportBlocks(p, read), 0u);
}

TEST(RtcpWrite, ReceiverReportRoundTrip) {
  std::array<ReportBlock, 3> blocks = {sampleBlock(1, 0), sampleBlock(2, -0x800000),
                                       sampleBlock(3, 100000)};
  Buffer out(8 + 72);
  ASSERT_EQ(writeReceiverReport(out, 0x55667788, blocks), out.size());
  PacketView p = single(out);
  EXPECT_EQ(p.packetType, kReceiverReport);
  EXPECT_EQ(p.senderSsrc(), 0x55667788u);
  EXPECT_FALSE(senderInfo(p));
  std::array<ReportBlock, 3> read{};
  ASSERT_EQ(reportBlocks(p, read), 3u);
  for (size_t i = 0; i < 3; ++i) expectSameBlock(read[i], blocks[i]);
}

TEST(RtcpWrite, CumulativeLostIsClampedTo24Bits) {
  std::array<ReportBlock, 2> blocks = {sampleBlock(1, 0x7FFFFFFF), sampleBlock(2, -0x7FFFFFFF)};
  Buffer out(8 + 48);
  ASSERT_NE(writeReceiverReport(out, 1, blocks), 0u);
  std::array<ReportBlock, 2> read{};
  ASSERT_EQ(reportBlocks(single(out), read), 2u);
  EXPECT_EQ(read[0].cumulativeLost, 0x7FFFFF);
  EXPECT_EQ(read[1].cumulativeLost, -0x800000);
}

TEST(RtcpWrite, SdesCnamePaddedToWords) {
  for (size_t len = 0; len <= 12; ++len) {
    std::string cname(len, 'c');
    Buffer out(64, 0xEE);
    const size_t n = writeSdesCname(out, 0x01020304, cname);
    ASSERT_NE(n, 0u) << len;
    EXPECT_EQ(n % 4, 0u);
    // RFC 3550 §6.5: at least one null octet ends the item list.
    EXPECT_GE(n - (10 + len), 1u) << len;
    EXPECT_LE(n - (10 + len), 4u) << len;
    for (size_t i = 10 + len; i < n; ++i) EXPECT_EQ(out[i], 0) << len;
    out.resize(n);
    PacketView p = single(out);
    EXPECT_EQ(p.packetType, kSdes);
    EXPECT_EQ(p.count, 1);
    EXPECT_EQ(p.senderSsrc(), 0x01020304u);
    auto read = sdesCname(p);
    ASSERT_TRUE(read);
    EXPECT_EQ(*read, cname);
  }
  Buffer big(300);
  EXPECT_EQ(writeSdesCname(big, 1, std::string(256, 'x')), 0u);
  EXPECT_EQ(writeSdesCname(big, 1, std::string(255, 'x')), 268u);
}

TEST(RtcpWrite, PliRoundTrip) {
  Buffer out(12);
  ASSERT_EQ(writePli(out, 0xA, 0xB), 12u);
  EXPECT_EQ(out, (Buffer{0x81, 206, 0, 2, 0, 0, 0, 0xA, 0, 0, 0, 0xB}));
  PacketView p = single(out);
  EXPECT_EQ(pliMediaSsrc(p), 0xBu);
  EXPECT_FALSE(firEntry(p));
  EXPECT_FALSE(rembBitrate(p));
  EXPECT_FALSE(forEachNack(p, [](uint16_t) {}));
}

TEST(RtcpWrite, FirRoundTrip) {
  Buffer out(20);
  ASSERT_EQ(writeFir(out, 0xA, 0xCAFE, 7), 20u);
  EXPECT_EQ(out[0], 0x84);
  // RFC 5104 §4.3.1.2: the header's media SSRC is 0.
  EXPECT_EQ(out[8] | out[9] | out[10] | out[11], 0);
  PacketView p = single(out);
  auto fir = firEntry(p);
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->ssrc, 0xCAFEu);
  EXPECT_EQ(fir->seq, 7);
  EXPECT_FALSE(pliMediaSsrc(p));
}

TEST(RtcpWrite, RembRoundTrip) {
  std::array<uint32_t, 2> ssrcs = {0x1000, 0x2000};
  for (uint64_t bitrate :
       {uint64_t{0}, uint64_t{262143}, uint64_t{1500000}, uint64_t{187500} << 30}) {
    Buffer out(28);
    ASSERT_EQ(writeRemb(out, 0x99, bitrate, ssrcs), 28u);
    PacketView p = single(out);
    EXPECT_EQ(rembBitrate(p), bitrate);  // all exactly representable
    std::array<uint32_t, 4> read{};
    ASSERT_EQ(rembSsrcs(p, read), 2u);
    EXPECT_EQ(read[0], 0x1000u);
    EXPECT_EQ(read[1], 0x2000u);
  }
  // 1.5 Mbps: exponent 3, mantissa 187500.
  Buffer out(20);
  ASSERT_EQ(writeRemb(out, 1, 1500000, {}), 20u);
  EXPECT_EQ(Buffer(out.begin() + 12, out.end()),
            (Buffer{'R', 'E', 'M', 'B', 0, 3 << 2 | 0x02, 0xDC, 0x6C}));
  // Not exactly representable: rounded down, within one part in 2^17.
  for (uint64_t bitrate : {uint64_t{1234567891}, ~uint64_t{0}}) {
    ASSERT_EQ(writeRemb(out, 1, bitrate, {}), 20u);
    auto read = rembBitrate(single(out));
    ASSERT_TRUE(read);
    EXPECT_LE(*read, bitrate);
    EXPECT_GE(*read, bitrate - (bitrate >> 17));
  }
}

TEST(RtcpRead, RembRejectsBadIdentifierOverrunAndOverflow) {
  Buffer out(24);
  std::array<uint32_t, 1> ssrcs = {5};
  ASSERT_EQ(writeRemb(out, 1, 1000, ssrcs), 24u);
  Buffer bad = out;
  bad[15] = 'X';
  EXPECT_FALSE(rembBitrate(single(bad)));
  bad = out;
  bad[16] = 2;  // two SSRCs announced, one present
  EXPECT_FALSE(rembBitrate(single(bad)));
  std::array<uint32_t, 2> read{};
  EXPECT_EQ(rembSsrcs(single(bad), read), 0u);
  bad = out;
  bad[17] = 63 << 2 | 0x03;  // exponent 63 with a large mantissa: beyond 64 bits
  EXPECT_FALSE(rembBitrate(single(bad)));
  bad[17] = 63 << 2;  // exponent 63, mantissa 0: zero, fine
  bad[18] = bad[19] = 0;
  EXPECT_EQ(rembBitrate(single(bad)), 0u);
}

TEST(RtcpWrite, ByeRoundTrip) {
  std::array<uint32_t, 3> ssrcs = {1, 2, 0xFFFFFFFF};
  Buffer out(16);
  ASSERT_EQ(writeBye(out, ssrcs), 16u);
  PacketView p = single(out);
  EXPECT_EQ(p.packetType, kBye);
  std::array<uint32_t, 8> read{};
  ASSERT_EQ(byeSsrcs(p, read), 3u);
  EXPECT_EQ(read[2], 0xFFFFFFFFu);
  std::array<uint32_t, 1> one{};
  EXPECT_EQ(byeSsrcs(p, one), 1u);
}

TEST(RtcpNack, ContiguousSeqsFillOneEntry) {
  std::vector<uint16_t> seqs;
  for (uint16_t s = 100; s <= 116; ++s) seqs.push_back(s);  // PID + 16 bits
  Buffer out(64);
  const size_t n = writeNack(out, 1, 0x77, seqs);
  ASSERT_EQ(n, 16u);
  out.resize(n);
  // RFC 4585 §6.2.1: PID 100, BLP all ones.
  EXPECT_EQ(Buffer(out.begin() + 12, out.end()), (Buffer{0, 100, 0xFF, 0xFF}));
  PacketView p = single(out);
  EXPECT_EQ(p.packetType, kRtpFeedback);
  EXPECT_EQ(p.count, 1);
  EXPECT_EQ(forEachNack(p, [](uint16_t) {}), 0x77u);
  EXPECT_EQ(nackedSeqs(p), seqs);

  seqs.push_back(117);  // one more needs a second entry
  Buffer out2(64);
  out2.resize(writeNack(out2, 1, 0x77, seqs));
  PacketView p2 = single(out2);
  EXPECT_EQ(nackEntries(p2), 2u);
  EXPECT_EQ(nackedSeqs(p2), seqs);
}

TEST(RtcpNack, ScatteredSeqs) {
  std::vector<uint16_t> seqs = {10, 12, 26, 27, 500, 30000, 30001};
  Buffer out(64);
  out.resize(writeNack(out, 1, 2, seqs));
  ASSERT_FALSE(out.empty());
  PacketView p = single(out);
  EXPECT_EQ(nackEntries(p), 4u);  // {10,12,26} {27} {500} {30000,30001}: 27 is PID+17
  EXPECT_EQ(nackedSeqs(p), seqs);
}

TEST(RtcpNack, WrapAroundAt65535) {
  std::vector<uint16_t> seqs = {65530, 65534, 65535, 0, 1, 9};
  Buffer out(64);
  out.resize(writeNack(out, 1, 2, seqs));
  PacketView p = single(out);
  ASSERT_EQ(nackEntries(p), 1u);  // all within PID 65530 + 16
  // PID 65530; deltas 4, 5, 6, 7 and 15 set BLP bits 3..6 and 14.
  EXPECT_EQ(Buffer(out.begin() + 12, out.end()), (Buffer{0xFF, 0xFA, 0x40, 0x78}));
  EXPECT_EQ(nackedSeqs(p), seqs);

  std::vector<uint16_t> across = {65535, 16, 17};  // 16 is PID+17: new entry
  Buffer out2(64);
  out2.resize(writeNack(out2, 1, 2, across));
  PacketView p2 = single(out2);
  EXPECT_EQ(nackEntries(p2), 2u);
  EXPECT_EQ(nackedSeqs(p2), across);
}

TEST(RtcpNack, DuplicatesUnsortedAndLimits) {
  std::vector<uint16_t> seqs = {5, 5, 6, 3};
  Buffer out(64);
  out.resize(writeNack(out, 1, 2, seqs));
  PacketView p = single(out);
  EXPECT_EQ(nackedSeqs(p), (std::vector<uint16_t>{5, 6, 3}));

  Buffer small(15);
  EXPECT_EQ(writeNack(small, 1, 2, seqs), 0u);
  EXPECT_EQ(writeNack(out, 1, 2, {}), 0u);
  // A list that needs 2 entries does not fit in 19 bytes.
  std::vector<uint16_t> two = {1, 100};
  Buffer nineteen(19);
  EXPECT_EQ(writeNack(nineteen, 1, 2, two), 0u);
}

TEST(RtcpWrite, WritersRefuseShortBuffers) {
  Buffer out(64);
  std::array<ReportBlock, 1> block = {sampleBlock(1, 1)};
  std::array<uint32_t, 1> ssrc = {1};
  EXPECT_EQ(writeSenderReport(MutableBytes(out.data(), 51), 1, {}, block), 0u);
  EXPECT_EQ(writeReceiverReport(MutableBytes(out.data(), 31), 1, block), 0u);
  EXPECT_EQ(writeSdesCname(MutableBytes(out.data(), 15), 1, "abcd"), 0u);
  EXPECT_EQ(writePli(MutableBytes(out.data(), 11), 1, 2), 0u);
  EXPECT_EQ(writeFir(MutableBytes(out.data(), 19), 1, 2, 3), 0u);
  EXPECT_EQ(writeRemb(MutableBytes(out.data(), 23), 1, 2, ssrc), 0u);
  EXPECT_EQ(writeBye(MutableBytes(out.data(), 7), ssrc), 0u);
  std::array<ReportBlock, 32> many{};
  Buffer huge(2000);
  EXPECT_EQ(writeReceiverReport(huge, 1, many), 0u);  // RC is 5 bits
}

TEST(RtcpCompound, SenderReportPlusSdes) {
  Buffer out(256);
  std::array<ReportBlock, 1> block = {sampleBlock(0x2222, 3)};
  size_t n = writeSenderReport(out, 0x1111, SenderInfo{5, 6, 7, 8}, block);
  n += writeSdesCname(MutableBytes(out).subspan(n), 0x1111, "user@host{1234}");
  out.resize(n);

  CompoundReader r(out);
  auto sr = r.next();
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->packetType, kSenderReport);
  EXPECT_EQ(senderInfo(*sr)->packetCount, 7u);
  std::array<ReportBlock, 1> read{};
  EXPECT_EQ(reportBlocks(*sr, read), 1u);
  auto sdes = r.next();
  ASSERT_TRUE(sdes);
  EXPECT_EQ(sdes->packetType, kSdes);
  EXPECT_EQ(sdesCname(*sdes), "user@host{1234}");
  EXPECT_FALSE(r.next());
  EXPECT_TRUE(r.valid());
}

TEST(RtcpCompound, ReceiverReportPlusRemb) {
  Buffer out(256);
  std::array<ReportBlock, 2> blocks = {sampleBlock(1, 0), sampleBlock(2, 0)};
  std::array<uint32_t, 2> ssrcs = {1, 2};
  size_t n = writeReceiverReport(out, 0x3333, blocks);
  n += writeRemb(MutableBytes(out).subspan(n), 0x3333, 800000, ssrcs);
  out.resize(n);

  CompoundReader r(out);
  std::vector<uint8_t> types;
  std::optional<uint64_t> bitrate;
  while (auto p = r.next()) {
    types.push_back(p->packetType);
    EXPECT_EQ(p->senderSsrc(), 0x3333u);
    if (auto b = rembBitrate(*p)) bitrate = b;
  }
  EXPECT_TRUE(r.valid());
  EXPECT_EQ(types, (std::vector<uint8_t>{kReceiverReport, kPayloadFeedback}));
  EXPECT_EQ(bitrate, 800000u);
}

Buffer rrPlusPli() {
  Buffer out(64);
  size_t n = writeReceiverReport(out, 1, {});
  n += writePli(MutableBytes(out).subspan(n), 1, 2);
  out.resize(n);
  return out;
}

size_t walk(const Buffer& b, bool& valid) {
  CompoundReader r(b);
  size_t packets = 0;
  while (r.next()) ++packets;
  valid = r.valid();
  EXPECT_FALSE(r.next());  // stays finished
  return packets;
}

TEST(RtcpMalformed, LengthPastEnd) {
  Buffer b = rrPlusPli();
  b[8 + 3] = 3;  // PLI claims 16 bytes, 12 present
  bool valid = true;
  EXPECT_EQ(walk(b, valid), 1u);
  EXPECT_FALSE(valid);
  b = rrPlusPli();
  b.pop_back();  // cut mid-packet
  EXPECT_EQ(walk(b, valid), 1u);
  EXPECT_FALSE(valid);
}

TEST(RtcpMalformed, VersionOne) {
  Buffer b = rrPlusPli();
  b[8] = 0x41;  // V=1 on the second packet
  bool valid = true;
  EXPECT_EQ(walk(b, valid), 1u);
  EXPECT_FALSE(valid);
  b[0] = 0x40;
  EXPECT_EQ(walk(b, valid), 0u);
  EXPECT_FALSE(valid);
}

TEST(RtcpMalformed, TrailingBytesAndEmptyInput) {
  bool valid = true;
  for (size_t extra = 1; extra <= 8; ++extra) {
    Buffer b = rrPlusPli();
    b.resize(b.size() + extra, 0);  // zero bytes: too short for a header, or version 0
    EXPECT_EQ(walk(b, valid), 2u) << extra;
    EXPECT_FALSE(valid) << extra;
  }
  EXPECT_EQ(walk(Buffer{}, valid), 0u);
  EXPECT_FALSE(valid);
  Buffer good = rrPlusPli();
  EXPECT_EQ(walk(good, valid), 2u);
  EXPECT_TRUE(valid);
}

TEST(RtcpMalformed, PaddingIsCheckedAndStripped) {
  // A BYE with one SSRC and 4 octets of padding: length 2 words + 1.
  Buffer b = {0xA1, kBye, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4};
  PacketView p = single(b);
  EXPECT_EQ(p.bytes.size(), 8u);
  std::array<uint32_t, 2> read{};
  EXPECT_EQ(byeSsrcs(p, read), 1u);
  EXPECT_EQ(read[0], 9u);
  bool valid = true;
  b.back() = 0;  // a zero count cannot include itself
  EXPECT_EQ(walk(b, valid), 0u);
  EXPECT_FALSE(valid);
  b.back() = 9;  // eats into the common header
  EXPECT_EQ(walk(b, valid), 0u);
  EXPECT_FALSE(valid);
}

TEST(RtcpRead, ShortAndMislabelledPacketsAreRejected) {
  // Packets whose length is honest but too short for what their type promises.
  Buffer sr = {0x81, kSenderReport, 0, 1, 0, 0, 0, 1};  // RC=1, no sender info
  PacketView p = single(sr);
  EXPECT_FALSE(senderInfo(p));
  std::array<ReportBlock, 1> blocks{};
  EXPECT_EQ(reportBlocks(p, blocks), 0u);

  Buffer rr = {0x82, kReceiverReport, 0, 7, 0, 0, 0, 1};  // RC=2, room for one block
  rr.resize(32, 0);
  EXPECT_EQ(reportBlocks(single(rr), blocks), 0u);

  Buffer pli = {0x81, kPayloadFeedback, 0, 1, 0, 0, 0, 1};
  EXPECT_FALSE(pliMediaSsrc(single(pli)));
  EXPECT_FALSE(forEachNack(single(pli), [](uint16_t) {}));
  Buffer fir = {0x84, kPayloadFeedback, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(firEntry(single(fir)));
  Buffer bye = {0x83, kBye, 0, 1, 0, 0, 0, 1};  // SC=3, one SSRC
  std::array<uint32_t, 4> ssrcs{};
  EXPECT_EQ(byeSsrcs(single(bye), ssrcs), 0u);
  Buffer hdr = {0x80, kApp, 0, 0};
  EXPECT_EQ(single(hdr).senderSsrc(), 0u);
  EXPECT_FALSE(sdesCname(single(hdr)));
}

// Writes fuzz seeds: ROUNDS_SEED_DIR=test/fuzz/corpus/rtcp unit_proto
// --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzSeeds*'
// RFC 3611: our RRTR block, and the DLRR items a browser answers with.
TEST(RtcpXr, RrtrIsWrittenAsRfc3611Says) {
  std::array<uint8_t, 32> buf{};
  ASSERT_EQ(writeXrRrtr(std::span(buf).first(19), 1, 2), 0u) << "too small";
  const size_t n = writeXrRrtr(buf, 0x01020304, 0x1122334455667788ull);
  ASSERT_EQ(n, 20u);
  const std::array<uint8_t, 20> want{0x80, 207, 0,    4,    1,    2,    3,    4,    4,    0,
                                     0,    2,   0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  EXPECT_TRUE(std::equal(want.begin(), want.end(), buf.begin()));
  CompoundReader r(Bytes(buf.data(), n));
  auto p = r.next();
  ASSERT_TRUE(p);
  EXPECT_EQ(p->packetType, kExtendedReport);
  EXPECT_EQ(p->senderSsrc(), 0x01020304u);
}

TEST(RtcpXr, DlrrItemsAreReadAndOtherBlocksSkipped) {
  // XR from 0xAAAA: an RRTR block (BT 4, skipped), then a DLRR block (BT 5) with two items.
  const std::vector<uint8_t> xr{0x80, 207, 0, 11, 0, 0, 0xAA, 0xAA, 4, 0, 0, 2, 1, 2, 3, 4,
                                5,    6,   7, 8,  5, 0, 0,    6,    0, 0, 0, 1, 0, 0, 0, 2,
                                0,    0,   0, 3,  0, 0, 0,    4,    0, 0, 0, 5, 0, 0, 0, 6};
  CompoundReader r(xr);
  auto p = r.next();
  ASSERT_TRUE(p);
  ASSERT_TRUE(r.valid());
  std::vector<DlrrItem> items;
  EXPECT_TRUE(forEachDlrr(*p, [&](const DlrrItem& i) { items.push_back(i); }));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].ssrc, 1u);
  EXPECT_EQ(items[0].lastRr, 2u);
  EXPECT_EQ(items[0].delaySinceLastRr, 3u);
  EXPECT_EQ(items[1].ssrc, 4u);
  EXPECT_EQ(items[1].delaySinceLastRr, 6u);
  EXPECT_EQ(xrRrtr(*p), 0x0102030405060708ull);

  // What we write to answer an RRTR reads back the same.
  std::array<uint8_t, 64> out{};
  const size_t n = writeXrDlrr(out, 0xBBBB, items);
  ASSERT_EQ(n, 8u + 4 + 24);
  CompoundReader again(Bytes(out.data(), n));
  auto q = again.next();
  ASSERT_TRUE(q);
  std::vector<DlrrItem> read;
  EXPECT_TRUE(forEachDlrr(*q, [&](const DlrrItem& i) { read.push_back(i); }));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[1].lastRr, 5u);
  EXPECT_FALSE(xrRrtr(*q));
  EXPECT_EQ(writeXrDlrr(out, 1, {}), 0u);
}

TEST(RtcpXr, ABlockPastTheEndOfThePacketIsMalformed) {
  // The DLRR block claims 6 words but the packet holds 3.
  const std::vector<uint8_t> xr{0x80, 207, 0, 4, 0, 0, 0xAA, 0xAA, 5, 0, 0, 6,
                                0,    0,   0, 1, 0, 0, 0,    2,    0, 0, 0, 3};
  CompoundReader r(xr);
  auto p = r.next();
  ASSERT_TRUE(p);
  size_t visited = 0;
  EXPECT_FALSE(forEachDlrr(*p, [&](const DlrrItem&) { ++visited; }));
  EXPECT_EQ(visited, 0u);
  PacketView rr{kReceiverReport, 0, Bytes(xr)};
  EXPECT_FALSE(forEachDlrr(rr, [&](const DlrrItem&) { ++visited; })) << "not an XR";
}

TEST(RtcpSeeds, DISABLED_WriteFuzzSeeds) {
  const char* dir = std::getenv("ROUNDS_SEED_DIR");
  ASSERT_NE(dir, nullptr);
  std::vector<std::pair<std::string, Buffer>> seeds;
  auto add = [&](const char* name, auto&& write) {
    Buffer b(512);
    b.resize(write(MutableBytes(b)));
    seeds.emplace_back(name, b);
  };
  std::array<ReportBlock, 1> block = {sampleBlock(0x2222, -1)};
  std::array<uint32_t, 2> ssrcs = {0x2222, 0x3333};
  std::array<uint16_t, 5> seqs = {65534, 0, 3, 40, 41};
  add("sr_sdes", [&](MutableBytes o) {
    size_t n = writeSenderReport(o, 0x1111, SenderInfo{1, 2, 3, 4}, block);
    return n + writeSdesCname(o.subspan(n), 0x1111, "cname");
  });
  add("rr_remb", [&](MutableBytes o) {
    size_t n = writeReceiverReport(o, 0x1111, block);
    return n + writeRemb(o.subspan(n), 0x1111, 1500000, ssrcs);
  });
  add("pli_fir_nack", [&](MutableBytes o) {
    size_t n = writePli(o, 1, 0x2222);
    n += writeFir(o.subspan(n), 1, 0x2222, 9);
    return n + writeNack(o.subspan(n), 1, 0x2222, seqs);
  });
  add("bye", [&](MutableBytes o) { return writeBye(o, ssrcs); });
  for (const auto& [name, bytes] : seeds) {
    std::ofstream f(std::string(dir) + "/" + name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
  }
}

}  // namespace
}  // namespace rounds::rtcp
