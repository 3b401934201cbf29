#include "media/rtx.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds {
namespace {

// A packet with a one-byte extension block (mid "1"), a payload and optionally padding.
std::vector<uint8_t> media(uint16_t seq, size_t payload, uint8_t padding = 0) {
  std::vector<uint8_t> p(20, 0);
  p[0] = 0x90 | (padding ? 0x20 : 0);
  p[1] = 0x80 | 96;  // marker set
  writeU16(&p[2], seq);
  writeU32(&p[4], 123456);
  writeU32(&p[8], 0xA11CE);
  writeU16(&p[12], 0xBEDE);
  writeU16(&p[14], 1);
  p[16] = 0x10;
  p[17] = '1';
  for (size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(i * 7));
  for (uint8_t i = 1; i <= padding; ++i) p.push_back(i == padding ? padding : 0);
  return p;
}

TEST(Rtx, WrapPutsOsnBeforeThePayloadAndRewritesTheHeader) {
  auto orig = media(500, 40);
  auto view = rtp::RtpView::parse(orig);
  ASSERT_TRUE(view);
  std::vector<uint8_t> out(1500);
  rtx::WrapParams p{0xCAFE, 97, 7, 999, 65535};
  size_t n = rtx::wrap(*view, out, p);
  ASSERT_EQ(n, orig.size() + 2);
  auto r = rtp::RtpView::parse(MutableBytes(out.data(), n));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ssrc(), 0xCAFEu);
  EXPECT_EQ(r->payloadType(), 97);
  EXPECT_EQ(r->sequenceNumber(), 7);
  EXPECT_EQ(r->timestamp(), 999u);
  EXPECT_TRUE(r->marker());
  ASSERT_TRUE(r->extension(1).has_value());  // header extensions travel with it
  ASSERT_EQ(r->payloadSize(), 42u);
  EXPECT_EQ(readU16(r->payload().data()), 65535);  // RFC 4588 §4: OSN first
  EXPECT_EQ(r->payload()[2 + 5], 35);
}

TEST(Rtx, WrapFailsWhenItDoesNotFit) {
  auto orig = media(1, 40);
  auto view = rtp::RtpView::parse(orig);
  std::vector<uint8_t> out(orig.size() + 1);
  EXPECT_EQ(rtx::wrap(*view, out, {}), 0u);
}

TEST(Rtx, UnwrapRestoresTheOriginal) {
  for (uint8_t padding : {0, 4}) {
    auto orig = media(4242, 33, padding);
    auto view = rtp::RtpView::parse(orig);
    std::vector<uint8_t> out(1500);
    size_t n = rtx::wrap(*view, out, {0xCAFE, 97, 65535, 123456, 4242});
    ASSERT_GT(n, 0u);
    auto len = rtx::unwrap(MutableBytes(out.data(), n), 0xA11CE, 96);
    ASSERT_TRUE(len.has_value());
    ASSERT_EQ(*len, orig.size());
    EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + *len), orig)
        << "padding " << int{padding};
  }
}

TEST(Rtx, UnwrapRejectsPaddingOnlyAndMalformedPackets) {
  auto probe = media(1, 0, 8);  // an RTX padding probe: no OSN
  EXPECT_FALSE(rtx::unwrap(probe, 1, 96).has_value());
  auto oneByte = media(1, 1);
  EXPECT_FALSE(rtx::unwrap(oneByte, 1, 96).has_value());
  std::vector<uint8_t> junk(5, 0x80);
  EXPECT_FALSE(rtx::unwrap(junk, 1, 96).has_value());
  auto osnOnly = media(1, 2);  // an empty original payload is still a packet
  EXPECT_EQ(rtx::unwrap(osnOnly, 1, 96), osnOnly.size() - 2);
}

}  // namespace
}  // namespace rounds
