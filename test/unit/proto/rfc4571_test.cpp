#include "proto/rfc4571.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds {
namespace {

using rfc4571::FrameStatus;

TEST(Rfc4571, HeaderIsBigEndianLength) {
  uint8_t h[2];
  ASSERT_TRUE(rfc4571::writeHeader(0x0102, h));
  EXPECT_EQ(h[0], 0x01);
  EXPECT_EQ(h[1], 0x02);
  EXPECT_FALSE(rfc4571::writeHeader(0, h));
  EXPECT_FALSE(rfc4571::writeHeader(0x10000, h));
}

TEST(Rfc4571, PeekReportsCompleteNeedMoreAndInvalid) {
  std::vector<uint8_t> b{0x00};
  EXPECT_EQ(rfc4571::peekFrame(b, 2048).status, FrameStatus::NeedMore);  // half a header
  b = {0x00, 0x03, 'a', 'b'};
  auto f = rfc4571::peekFrame(b, 2048);
  EXPECT_EQ(f.status, FrameStatus::NeedMore);
  EXPECT_EQ(f.length, 3u);
  b.push_back('c');
  b.push_back(0x00);  // the next frame's first byte does not matter yet
  f = rfc4571::peekFrame(b, 2048);
  EXPECT_EQ(f.status, FrameStatus::Complete);
  EXPECT_EQ(f.length, 3u);
  b = {0x00, 0x00};
  EXPECT_EQ(rfc4571::peekFrame(b, 2048).status, FrameStatus::Invalid);  // zero length
  b = {0x08, 0x01};
  EXPECT_EQ(rfc4571::peekFrame(b, 2048).status, FrameStatus::Invalid);  // 2049 > max
  b = {0x08, 0x00};
  EXPECT_EQ(rfc4571::peekFrame(b, 2048).status, FrameStatus::NeedMore);  // 2048 == max is fine
}

}  // namespace
}  // namespace rounds
