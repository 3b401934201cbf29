// ActiveSpeaker: the loudest participant speaking becomes the active speaker; a challenger takes
// over only after leading for switchAfter and once the speaker has held for minHold (no flapping);
// silence keeps the last speaker; a speaker who leaves is replaced at once.
#include "media/active_speaker.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds {
namespace {

constexpr uintptr_t kAnn = 1, kBen = 2, kCal = 3;
constexpr uint8_t kSilent = 127;

class ActiveSpeakerTest : public ::testing::Test {
 protected:
  // Feeds the same levels every 100 ms for `ms` milliseconds; returns the speaker at the end.
  std::optional<uintptr_t> run(std::vector<ActiveSpeaker::Level> levels, int ms) {
    std::optional<uintptr_t> s;
    for (int t = 0; t < ms; t += 100) {
      now_ += Millis(100);
      s = speaker_.update(levels, now_);
    }
    return s;
  }
  ActiveSpeaker speaker_;
  TimePoint now_{};
};

TEST_F(ActiveSpeakerTest, NobodyUntilSomeoneSpeaksThenTheLoudest) {
  EXPECT_FALSE(run({{kAnn, kSilent}, {kBen, 90}}, 500));  // 90: background noise, not speech
  EXPECT_EQ(run({{kAnn, 40}, {kBen, 25}, {kCal, kSilent}}, 100), kBen);  // 25 dB below is louder
  EXPECT_EQ(speaker_.switches(), 1u);
}

TEST_F(ActiveSpeakerTest, SilenceKeepsTheLastSpeaker) {
  run({{kAnn, 30}, {kBen, kSilent}}, 300);
  EXPECT_EQ(run({{kAnn, kSilent}, {kBen, kSilent}}, 5000), kAnn);
}

TEST_F(ActiveSpeakerTest, AChallengerWaitsForTheHoldTimes) {
  ActiveSpeaker::Params p;
  run({{kAnn, 30}, {kBen, kSilent}}, 100);  // Ann speaks first
  ASSERT_EQ(speaker_.current(), kAnn);
  // Ben is louder from now on; Ann has held only 100 ms and Ben must lead for switchAfter.
  EXPECT_EQ(run({{kAnn, 40}, {kBen, 20}}, static_cast<int>(p.switchAfter.count()) - 200), kAnn);
  // Once both holds are over, Ben takes over.
  EXPECT_EQ(run({{kAnn, 40}, {kBen, 20}}, static_cast<int>(p.minHold.count())), kBen);
  EXPECT_EQ(speaker_.switches(), 2u);
}

TEST_F(ActiveSpeakerTest, AlternatingLeadersDoNotFlap) {
  run({{kAnn, 30}, {kBen, kSilent}}, 3000);
  // Ann and Ben take turns being louder every 300 ms for 10 s: no one leads for a full second.
  for (int i = 0; i < 33; ++i) {
    if (i % 2) run({{kAnn, 25}, {kBen, 35}}, 300);
    else run({{kAnn, 35}, {kBen, 25}}, 300);
  }
  EXPECT_EQ(speaker_.current(), kAnn);
  EXPECT_EQ(speaker_.switches(), 1u);
}

TEST_F(ActiveSpeakerTest, ASpeakerWhoLeavesIsReplacedAtOnce) {
  run({{kAnn, 30}, {kBen, 50}}, 500);
  ASSERT_EQ(speaker_.current(), kAnn);
  EXPECT_EQ(run({{kBen, 50}}, 100), kBen);  // Ann's audio producer is gone
  speaker_.forget(kBen);
  EXPECT_FALSE(speaker_.current());
  EXPECT_FALSE(run({{kCal, kSilent}}, 100));
}

}  // namespace
}  // namespace rounds
