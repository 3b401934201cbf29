// Tests for proto/rtp: demux, parse, accessors, in-place rewrites and RFC 8285 extensions.
// Packets are built by hand, byte by byte, so the tests do not trust the code under test.
#include "proto/rtp.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace rounds::rtp {
namespace {

using Buffer = std::vector<uint8_t>;
using Element = std::pair<uint8_t, Buffer>;

// RFC 8285 §4.2: one-byte elements, zero padding to a 32-bit boundary.
Buffer oneByteElements(const std::vector<Element>& elements) {
  Buffer out;
  for (const auto& [id, data] : elements) {
    out.push_back(static_cast<uint8_t>((id << 4) | (data.size() - 1)));
    out.insert(out.end(), data.begin(), data.end());
  }
  while (out.size() % 4) out.push_back(0);
  return out;
}

// RFC 8285 §4.3: two-byte elements.
Buffer twoByteElements(const std::vector<Element>& elements) {
  Buffer out;
  for (const auto& [id, data] : elements) {
    out.push_back(id);
    out.push_back(static_cast<uint8_t>(data.size()));
    out.insert(out.end(), data.begin(), data.end());
  }
  while (out.size() % 4) out.push_back(0);
  return out;
}

struct RtpBuilder {
  uint8_t version = 2;
  bool marker = false;
  uint8_t payloadType = 96;
  uint16_t seq = 0x1234;
  uint32_t timestamp = 0xDEADBEEF;
  uint32_t ssrc = 0x11223344;
  std::vector<uint32_t> csrcs;
  bool extension = false;
  uint16_t extProfile = 0xBEDE;
  Buffer extData;  // already a multiple of 4
  Buffer payload = {1, 2, 3, 4, 5};
  uint8_t padding = 0;  // total padding octets, count included

  Buffer build() const {
    Buffer b;
    b.push_back(static_cast<uint8_t>((version << 6) | (padding ? 0x20 : 0) |
                                     (extension ? 0x10 : 0) | csrcs.size()));
    b.push_back(static_cast<uint8_t>((marker ? 0x80 : 0) | payloadType));
    b.push_back(static_cast<uint8_t>(seq >> 8));
    b.push_back(static_cast<uint8_t>(seq));
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(timestamp >> s));
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(ssrc >> s));
    for (uint32_t c : csrcs)
      for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(c >> s));
    if (extension) {
      b.push_back(static_cast<uint8_t>(extProfile >> 8));
      b.push_back(static_cast<uint8_t>(extProfile));
      b.push_back(static_cast<uint8_t>((extData.size() / 4) >> 8));
      b.push_back(static_cast<uint8_t>(extData.size() / 4));
      b.insert(b.end(), extData.begin(), extData.end());
    }
    b.insert(b.end(), payload.begin(), payload.end());
    if (padding) {
      for (int i = 1; i < padding; ++i) b.push_back(0);
      b.push_back(padding);
    }
    return b;
  }
};

Buffer bytesOf(std::optional<Bytes> b) { return b ? Buffer(b->begin(), b->end()) : Buffer{0xFF}; }

TEST(RtpDemux, FirstAndSecondByteSortRtpFromRtcp) {
  Buffer p = RtpBuilder{}.build();
  EXPECT_TRUE(isRtp(p));
  EXPECT_FALSE(isRtcp(p));
  // RFC 5761 §4: 192..223 in the second byte is RTCP (SR 200, RR 201, PSFB 206, ...).
  for (int second : {192, 200, 201, 206, 223}) {
    p[1] = static_cast<uint8_t>(second);
    EXPECT_FALSE(isRtp(p)) << second;
    EXPECT_TRUE(isRtcp(p)) << second;
  }
  // PT 63 and PT 96 with the marker bit set are still RTP.
  for (int second : {191, 224, 0xEF, 0x60}) {
    p[1] = static_cast<uint8_t>(second);
    EXPECT_TRUE(isRtp(p)) << second;
    EXPECT_FALSE(isRtcp(p)) << second;
  }
  // RFC 7983: STUN (0..3), DTLS (20..63), and anything outside 128..191 is neither.
  for (int first : {0, 1, 20, 63, 127, 192, 255}) {
    p[0] = static_cast<uint8_t>(first);
    p[1] = 200;
    EXPECT_FALSE(isRtcp(p)) << first;
    p[1] = 96;
    EXPECT_FALSE(isRtp(p)) << first;
  }
  EXPECT_FALSE(isRtp(Bytes(p.data(), 11)));
  Buffer rtcp = {0x80, 201, 0, 1};
  EXPECT_TRUE(isRtcp(rtcp));
  EXPECT_FALSE(isRtcp(Bytes(rtcp.data(), 3)));
  EXPECT_FALSE(isRtp(Bytes{}));
  EXPECT_FALSE(isRtcp(Bytes{}));
}

TEST(RtpParse, MinimalPacketFields) {
  RtpBuilder b;
  b.marker = true;
  b.payloadType = 111;
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->marker());
  EXPECT_EQ(v->payloadType(), 111);
  EXPECT_EQ(v->sequenceNumber(), 0x1234);
  EXPECT_EQ(v->timestamp(), 0xDEADBEEFu);
  EXPECT_EQ(v->ssrc(), 0x11223344u);
  EXPECT_EQ(v->csrcCount(), 0);
  EXPECT_FALSE(v->hasExtension());
  EXPECT_EQ(v->headerSize(), 12u);
  EXPECT_EQ(v->payloadSize(), 5u);
  EXPECT_EQ(v->paddingSize(), 0u);
  EXPECT_EQ(v->size(), p.size());
  EXPECT_EQ(Buffer(v->payload().begin(), v->payload().end()), b.payload);
  EXPECT_EQ(v->buffer().data(), p.data());
  EXPECT_FALSE(v->extension(1));
}

TEST(RtpParse, HeaderOnlyPacketHasEmptyPayload) {
  RtpBuilder b;
  b.payload.clear();
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->payloadSize(), 0u);
}

TEST(RtpParse, CsrcsAreSkippedAndReadable) {
  RtpBuilder b;
  b.csrcs = {0xA1A2A3A4, 0xB1B2B3B4, 0xC1C2C3C4};
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->csrcCount(), 3);
  EXPECT_EQ(v->headerSize(), 24u);
  EXPECT_EQ(v->csrc(0), 0xA1A2A3A4u);
  EXPECT_EQ(v->csrc(2), 0xC1C2C3C4u);
  EXPECT_EQ(v->csrc(3), 0u);
  EXPECT_EQ(v->payload()[0], 1);
  EXPECT_EQ(v->payloadSize(), 5u);
}

TEST(RtpParse, FifteenCsrcs) {
  RtpBuilder b;
  for (uint32_t i = 0; i < 15; ++i) b.csrcs.push_back(i + 1);
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->headerSize(), 12u + 60u);
  EXPECT_EQ(v->csrc(14), 15u);
}

TEST(RtpExtension, OneByteElements) {
  RtpBuilder b;
  b.extension = true;
  // abs-send-time style 3 bytes, audio level 1 byte, a 16-byte element (the one-byte maximum).
  Buffer sixteen(16);
  for (size_t i = 0; i < 16; ++i) sixteen[i] = static_cast<uint8_t>(0x40 + i);
  b.extData = oneByteElements({{3, {0x12, 0x34, 0x56}}, {1, {0x80 | 40}}, {14, sixteen}});
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->hasExtension());
  EXPECT_EQ(v->extensionProfile(), 0xBEDE);
  EXPECT_EQ(v->headerSize(), 12u + 4u + b.extData.size());
  EXPECT_EQ(bytesOf(v->extension(3)), (Buffer{0x12, 0x34, 0x56}));
  EXPECT_EQ(bytesOf(v->extension(1)), (Buffer{0x80 | 40}));
  EXPECT_EQ(bytesOf(v->extension(14)), sixteen);
  EXPECT_FALSE(v->extension(2));
  EXPECT_FALSE(v->extension(0));   // RFC 8285 §4.2: id 0 is padding, never an element
  EXPECT_FALSE(v->extension(15));  // reserved
  EXPECT_EQ(v->payload()[0], 1);
}

TEST(RtpExtension, OneBytePaddingBetweenElementsIsSkipped) {
  RtpBuilder b;
  b.extension = true;
  // RFC 8285 §4.2: zero bytes may sit between elements.
  b.extData = {0x10, 0xAA, 0x00, 0x00, 0x21, 0xBB, 0xCC, 0x00};
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(bytesOf(v->extension(1)), (Buffer{0xAA}));
  EXPECT_EQ(bytesOf(v->extension(2)), (Buffer{0xBB, 0xCC}));
}

TEST(RtpExtension, OneByteIdFifteenStopsParsing) {
  RtpBuilder b;
  b.extension = true;
  b.extData = {0x10, 0xAA, 0xF0, 0x00, 0x20, 0xBB, 0x00, 0x00};
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(bytesOf(v->extension(1)), (Buffer{0xAA}));
  EXPECT_FALSE(v->extension(2));  // after the id-15 byte: not parsed
}

TEST(RtpExtension, OneByteElementPastBlockEndIsIgnored) {
  RtpBuilder b;
  b.extension = true;
  b.extData = {0x10, 0xAA, 0x23, 0xBB};  // id 2 claims 4 bytes, only 1 left
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(bytesOf(v->extension(1)), (Buffer{0xAA}));
  EXPECT_FALSE(v->extension(2));
}

TEST(RtpExtension, TwoByteElements) {
  RtpBuilder b;
  b.extension = true;
  b.extProfile = 0x1003;  // appbits are ignored
  Buffer big(17, 0x5A);   // longer than the one-byte form allows
  b.extData = twoByteElements({{1, {0x01, 0x02}}, {7, {}}, {200, big}});
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(bytesOf(v->extension(1)), (Buffer{0x01, 0x02}));
  auto empty = v->extension(7);
  ASSERT_TRUE(empty);  // zero-length element exists
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(bytesOf(v->extension(200)), big);
  EXPECT_FALSE(v->extension(2));
  EXPECT_FALSE(v->extension(0));
}

TEST(RtpExtension, TwoBytePaddingAndTruncation) {
  RtpBuilder b;
  b.extension = true;
  b.extProfile = 0x1000;
  b.extData = {0x00, 0x05, 0x01, 0xEE, 0x06, 0x09, 0x00, 0x00};  // pad, id5 [EE], id6 len 9 (past)
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(bytesOf(v->extension(5)), (Buffer{0xEE}));
  EXPECT_FALSE(v->extension(6));
}

TEST(RtpExtension, UnknownProfileHasNoElements) {
  RtpBuilder b;
  b.extension = true;
  b.extProfile = 0xABCD;
  b.extData = {0x10, 0xAA, 0x00, 0x00};
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->hasExtension());
  EXPECT_FALSE(v->extension(1));
  EXPECT_FALSE(v->setExtension(1, Buffer{0xBB}));
}

TEST(RtpExtension, EmptyExtensionBlock) {
  RtpBuilder b;
  b.extension = true;
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->headerSize(), 16u);
  EXPECT_FALSE(v->extension(1));
}

TEST(RtpExtension, SetExtensionInPlace) {
  RtpBuilder b;
  b.extension = true;
  b.extData = oneByteElements({{2, {0, 0, 0}}, {5, {9}}});
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->setExtension(2, Buffer{0xAB, 0xCD, 0xEF}));
  EXPECT_FALSE(v->setExtension(5, Buffer{1, 2}));  // size differs
  EXPECT_FALSE(v->setExtension(6, Buffer{1}));     // absent
  auto again = RtpView::parse(p);
  ASSERT_TRUE(again);
  EXPECT_EQ(bytesOf(again->extension(2)), (Buffer{0xAB, 0xCD, 0xEF}));
  EXPECT_EQ(bytesOf(again->extension(5)), (Buffer{9}));
  EXPECT_EQ(Buffer(again->payload().begin(), again->payload().end()), b.payload);

  RtpBuilder t;
  t.extension = true;
  t.extProfile = 0x1000;
  t.extData = twoByteElements({{42, {1, 2, 3, 4}}});
  Buffer q = t.build();
  auto w = RtpView::parse(q);
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->setExtension(42, Buffer{5, 6, 7, 8}));
  EXPECT_EQ(bytesOf(w->extension(42)), (Buffer{5, 6, 7, 8}));
}

TEST(RtpParse, PaddingIsExcludedFromPayload) {
  RtpBuilder b;
  b.padding = 4;
  Buffer p = b.build();
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->paddingSize(), 4u);
  EXPECT_EQ(v->payloadSize(), 5u);
  EXPECT_EQ(v->headerSize() + v->payloadSize() + v->paddingSize(), p.size());

  // A padding-only packet (bandwidth probe): all of the body is padding.
  b.payload.clear();
  b.padding = 255;
  Buffer probe = b.build();
  v = RtpView::parse(probe);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->paddingSize(), 255u);
  EXPECT_EQ(v->payloadSize(), 0u);
}

TEST(RtpRewrite, SettersRoundTrip) {
  RtpBuilder b;
  b.csrcs = {7};
  b.extension = true;
  b.extData = oneByteElements({{1, {0x33}}});
  b.padding = 3;
  Buffer p = b.build();
  const Buffer original = p;
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  v->setSsrc(0xCAFEBABE);
  v->setSequenceNumber(65535);
  v->setTimestamp(0x01020304);
  v->setPayloadType(100);
  v->setMarker(true);

  auto w = RtpView::parse(p);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->ssrc(), 0xCAFEBABEu);
  EXPECT_EQ(w->sequenceNumber(), 65535);
  EXPECT_EQ(w->timestamp(), 0x01020304u);
  EXPECT_EQ(w->payloadType(), 100);
  EXPECT_TRUE(w->marker());
  EXPECT_EQ(w->csrc(0), 7u);
  EXPECT_EQ(bytesOf(w->extension(1)), (Buffer{0x33}));
  EXPECT_EQ(w->paddingSize(), 3u);
  // Only bytes 1..11 changed; the first byte, CSRCs, extension, payload and padding did not.
  EXPECT_EQ(p[0], original[0]);
  EXPECT_TRUE(std::equal(p.begin() + 12, p.end(), original.begin() + 12));

  // Marker and payload type share a byte: each setter keeps the other.
  w->setPayloadType(0xFF);  // only 7 bits are stored
  EXPECT_EQ(w->payloadType(), 0x7F);
  EXPECT_TRUE(w->marker());
  w->setMarker(false);
  EXPECT_EQ(w->payloadType(), 0x7F);
  EXPECT_FALSE(w->marker());

  // Back to the original values gives back the original bytes.
  w->setSsrc(b.ssrc);
  w->setSequenceNumber(b.seq);
  w->setTimestamp(b.timestamp);
  w->setPayloadType(b.payloadType);
  EXPECT_EQ(p, original);
}

TEST(RtpMalformed, TruncatedHeader) {
  Buffer p = RtpBuilder{}.build();
  for (size_t n = 0; n < 12; ++n) EXPECT_FALSE(RtpView::parse(MutableBytes(p.data(), n))) << n;
}

TEST(RtpMalformed, BadVersion) {
  for (uint8_t version : {0, 1, 3}) {
    RtpBuilder b;
    b.version = version;
    Buffer p = b.build();
    EXPECT_FALSE(RtpView::parse(p)) << int{version};
  }
}

TEST(RtpMalformed, CsrcPastEnd) {
  RtpBuilder b;
  b.csrcs = {1, 2};
  b.payload.clear();
  Buffer p = b.build();
  EXPECT_TRUE(RtpView::parse(p));
  EXPECT_FALSE(RtpView::parse(MutableBytes(p.data(), p.size() - 1)));
  p[0] = 0x8F;  // claims 15 CSRCs
  EXPECT_FALSE(RtpView::parse(p));
}

TEST(RtpMalformed, ExtensionPastEnd) {
  RtpBuilder b;
  b.extension = true;
  b.extData = oneByteElements({{1, {1, 2, 3, 4, 5, 6}}});
  b.payload.clear();
  Buffer p = b.build();
  ASSERT_TRUE(RtpView::parse(p));
  // Every cut inside the extension header or its data must fail.
  for (size_t n = 12; n < p.size(); ++n)
    EXPECT_FALSE(RtpView::parse(MutableBytes(p.data(), n))) << n;
  p[15] = 0xFF;  // length in words far past the end
  EXPECT_FALSE(RtpView::parse(p));
}

TEST(RtpMalformed, BadPadding) {
  RtpBuilder b;
  b.padding = 4;
  Buffer p = b.build();
  p.back() = 10;  // more than payload (5) + padding (4)
  EXPECT_FALSE(RtpView::parse(p));
  p.back() = 0;  // a count of zero cannot include itself
  EXPECT_FALSE(RtpView::parse(p));
  p.back() = 9;  // exactly the whole body
  auto v = RtpView::parse(p);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->payloadSize(), 0u);

  // P set on a header-only packet: no byte for the count.
  RtpBuilder h;
  h.payload.clear();
  Buffer q = h.build();
  q[0] |= 0x20;
  EXPECT_FALSE(RtpView::parse(q));

  // Padding may not eat into the CSRC list.
  RtpBuilder c;
  c.csrcs = {0x01010101};
  c.payload.clear();
  Buffer r = c.build();
  r[0] |= 0x20;
  r.back() = 4;
  EXPECT_FALSE(RtpView::parse(r));
}

TEST(RtpMalformed, EveryPrefixIsSafe) {
  RtpBuilder b;
  b.csrcs = {1};
  b.extension = true;
  b.extData = twoByteElements({{1, {1, 2, 3}}, {2, {4}}});
  b.padding = 2;
  Buffer p = b.build();
  for (size_t n = 0; n <= p.size(); ++n) {
    Buffer prefix(p.begin(), p.begin() + static_cast<long>(n));
    auto v = RtpView::parse(prefix);
    if (v) {
      EXPECT_LE(v->headerSize() + v->payloadSize() + v->paddingSize(), prefix.size());
      (void)v->extension(1);
    }
  }
}

TEST(RtpSeq, NewerWrapsAround) {
  EXPECT_TRUE(seqNewer(1, 0));
  EXPECT_FALSE(seqNewer(0, 1));
  EXPECT_FALSE(seqNewer(5, 5));
  EXPECT_TRUE(seqNewer(0, 65535));
  EXPECT_TRUE(seqNewer(10, 65000));
  EXPECT_FALSE(seqNewer(65000, 10));
}

// Writes fuzz seeds: ROUNDS_SEED_DIR=test/fuzz/corpus/rtp unit_proto
// --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzSeeds*'
TEST(RtpSeeds, DISABLED_WriteFuzzSeeds) {
  const char* dir = std::getenv("ROUNDS_SEED_DIR");
  ASSERT_NE(dir, nullptr);
  std::vector<std::pair<std::string, Buffer>> seeds;
  seeds.emplace_back("minimal", RtpBuilder{}.build());
  RtpBuilder one;
  one.csrcs = {0xAABBCCDD};
  one.extension = true;
  one.extData = oneByteElements({{1, {0x80}}, {3, {1, 2, 3}}});
  seeds.emplace_back("one_byte_ext", one.build());
  RtpBuilder two;
  two.extension = true;
  two.extProfile = 0x1000;
  two.extData = twoByteElements({{1, {}}, {20, Buffer(20, 7)}});
  two.padding = 4;
  seeds.emplace_back("two_byte_ext_padding", two.build());
  for (const auto& [name, bytes] : seeds) {
    std::ofstream f(std::string(dir) + "/" + name, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
  }
}

}  // namespace
}  // namespace rounds::rtp
