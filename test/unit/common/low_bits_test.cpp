// widenLow32: a time kept as its low 32 bits, made whole again from a newer full time.
#include "common/low_bits.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(WidenLow32, GivesBackTheFullTimeAlsoAcrossTheWrap) {
  const int64_t wrap = int64_t{1} << 32;
  struct Case {
    int64_t time, newest;
  } cases[] = {
      {0, 0},                          // the same time
      {1'000, 250'000},                // small times: the low bits are the time
      {5 * wrap - 10, 5 * wrap + 20},  // the newest is past a wrap, the time is not
      {5 * wrap + 3, 5 * wrap + 3},    // both past it
      {7 * wrap + 100, 8 * wrap - 1},  // almost 2^32 older
  };
  for (const auto& c : cases)
    EXPECT_EQ(widenLow32(c.newest, static_cast<uint32_t>(c.time)), c.time) << c.time;
}

}  // namespace
}  // namespace rounds
