#include "media/audio_level.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(AudioLevelMeter, SilentUntilTheFirstLevel) {
  AudioLevelMeter m;
  TimePoint t{std::chrono::hours(1)};
  EXPECT_EQ(m.level(t), AudioLevelMeter::kSilence);
  EXPECT_FALSE(m.voiceActivity(t));
}

TEST(AudioLevelMeter, RisesQuicklyFallsSlowly) {
  AudioLevelMeter m;
  TimePoint t{std::chrono::hours(1)};
  const uint8_t loud = 0x80 | 20;  // V set, -20 dBov
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(m.onExtension(Bytes(&loud, 1), t += Millis(20)));
  EXPECT_NEAR(m.level(t), 20, 1);
  EXPECT_TRUE(m.voiceActivity(t));
  const uint8_t quiet = 100;
  m.onExtension(Bytes(&quiet, 1), t += Millis(20));
  uint8_t afterOne = m.level(t);
  EXPECT_GT(afterOne, 20);
  EXPECT_LT(afterOne, 60) << "one quiet packet must not look like silence";
  EXPECT_FALSE(m.voiceActivity(t));
  for (int i = 0; i < 50; ++i) m.onExtension(Bytes(&quiet, 1), t += Millis(20));
  EXPECT_NEAR(m.level(t), 100, 1);
  EXPECT_EQ(m.samples(), 59u);
}

TEST(AudioLevelMeter, StaleLevelReadsAsSilence) {
  AudioLevelMeter m;
  TimePoint t{std::chrono::hours(1)};
  const uint8_t loud = 10;
  for (int i = 0; i < 10; ++i) m.onExtension(Bytes(&loud, 1), t += Millis(20));
  EXPECT_EQ(m.level(t + AudioLevelMeter::kStale), 10);
  EXPECT_EQ(m.level(t + AudioLevelMeter::kStale + Millis(1)), AudioLevelMeter::kSilence);
}

TEST(AudioLevelMeter, RejectsWrongSizedElements) {
  AudioLevelMeter m;
  TimePoint t{std::chrono::hours(1)};
  const uint8_t two[2] = {10, 10};
  EXPECT_FALSE(m.onExtension(Bytes(two, 2), t));
  EXPECT_FALSE(m.onExtension(Bytes(), t));
  EXPECT_EQ(m.samples(), 0u);
}

}  // namespace
}  // namespace rounds
