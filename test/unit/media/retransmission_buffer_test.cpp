#include "media/retransmission_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds {
namespace {

std::vector<uint8_t> packet(uint16_t seq, size_t size = 100) {
  std::vector<uint8_t> p(size, static_cast<uint8_t>(seq));
  p[0] = static_cast<uint8_t>(seq >> 8);
  return p;
}

class RetransmissionBufferTest : public ::testing::Test {
 protected:
  TimePoint t0{std::chrono::hours(1)};
};

TEST_F(RetransmissionBufferTest, StoresAndFindsByteExactCopies) {
  RetransmissionBuffer b(16);
  auto p = packet(7, 300);
  ASSERT_TRUE(b.insert(7, p, t0));
  p[5] = 0xFF;  // the buffer holds its own copy
  auto got = b.find(7, t0);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 300u);
  EXPECT_EQ((*got)[5], 7);
  EXPECT_FALSE(b.find(8, t0).has_value());
}

TEST_F(RetransmissionBufferTest, LookupTellsWhenAPacketArrivedAndWhetherItWasARepair) {
  RetransmissionBuffer b(16);
  ASSERT_TRUE(b.insert(7, packet(7, 100), t0));
  ASSERT_TRUE(b.insert(8, packet(8, 100), t0 + Millis(5), /*repair=*/true));
  auto seven = b.lookup(7, t0 + Millis(10));
  auto eight = b.lookup(8, t0 + Millis(10));
  ASSERT_TRUE(seven && eight);
  EXPECT_EQ(seven->arrival, t0);
  EXPECT_FALSE(seven->repair);
  EXPECT_EQ(eight->arrival, t0 + Millis(5));
  EXPECT_TRUE(eight->repair);
  EXPECT_EQ(eight->packet.size(), 100u);
}

TEST_F(RetransmissionBufferTest, CapacityIsAPowerOfTwoAndMemoryIsPreallocated) {
  RetransmissionBuffer b(100, 1500);
  EXPECT_EQ(b.capacity(), 128u);
  EXPECT_GE(b.memoryBytes(), 128u * 1500u);
}

TEST_F(RetransmissionBufferTest, NewerPacketsEvictTheOldest) {
  RetransmissionBuffer b(8);
  for (uint16_t s = 0; s < 20; ++s) ASSERT_TRUE(b.insert(s, packet(s), t0));
  for (uint16_t s = 0; s < 12; ++s) EXPECT_FALSE(b.find(s, t0).has_value()) << s;
  for (uint16_t s = 12; s < 20; ++s) EXPECT_TRUE(b.find(s, t0).has_value()) << s;
}

TEST_F(RetransmissionBufferTest, WrapsAt65535) {
  RetransmissionBuffer b(8);
  for (uint16_t s = 65530; s != 4; ++s) ASSERT_TRUE(b.insert(s, packet(s), t0));
  for (uint16_t s : {65532, 65535, 0, 3}) {
    auto got = b.find(s, t0);
    ASSERT_TRUE(got.has_value()) << s;
    EXPECT_EQ((*got)[1], static_cast<uint8_t>(s));
  }
  EXPECT_FALSE(b.find(65531, t0).has_value());  // evicted by 3
}

TEST_F(RetransmissionBufferTest, LatePacketsAreKeptUnlessTheyWouldEvictNewerOnes) {
  RetransmissionBuffer b(8);
  b.insert(100, packet(100), t0);
  b.insert(103, packet(103), t0);
  EXPECT_TRUE(b.insert(101, packet(101), t0));  // reordered: still within the window
  EXPECT_TRUE(b.find(101, t0).has_value());
  EXPECT_FALSE(b.insert(95, packet(95), t0));  // its slot belongs to 103 now
  EXPECT_TRUE(b.find(103, t0).has_value());
}

TEST_F(RetransmissionBufferTest, OldPacketsAndOversizedOnesAreNotServed) {
  RetransmissionBuffer b(8, 200);
  EXPECT_FALSE(b.insert(1, packet(1, 201), t0));
  EXPECT_FALSE(b.find(1, t0).has_value());
  ASSERT_TRUE(b.insert(2, packet(2), t0));
  EXPECT_TRUE(b.find(2, t0 + RetransmissionBuffer::kMaxAge).has_value());
  EXPECT_FALSE(b.find(2, t0 + RetransmissionBuffer::kMaxAge + Millis(1)).has_value());
  b.clear();
  EXPECT_FALSE(b.find(2, t0).has_value());
}

}  // namespace
}  // namespace rounds
