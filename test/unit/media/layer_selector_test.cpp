// LayerSelector: per-subscriber simulcast layer choice — down when the budget stayed below the
// layer for a second, up only after the condition held (longer after a failed climb), switches only on a key frame of
// the target layer, and no larger a layer than the tile needs.
#include "media/layer_selector.hpp"

#include <gtest/gtest.h>

#include <array>

namespace rounds {
namespace {

using Info = LayerSelector::LayerInfo;

// l: 150 kbit/s 90p, m: 400 kbit/s 180p, h: 1.2 Mbit/s 360p, all flowing.
std::array<Info, 3> threeLayers() {
  return {Info{150'000, 90, true}, Info{400'000, 180, true}, Info{1'200'000, 360, true}};
}

class LayerSelectorTest : public ::testing::Test {
 protected:
  void update(std::optional<uint64_t> budget) { sel_.update(budget, layers_, now_); }
  void advance(Millis d) { now_ += d; }
  // Feeds a key frame of `layer` and reports whether it was forwarded.
  bool keyFrame(size_t layer) { return sel_.onPacket(layer, true); }
  bool delta(size_t layer) { return sel_.onPacket(layer, false); }

  LayerSelector sel_;
  std::array<Info, 3> layers_ = threeLayers();
  TimePoint now_ = TimePoint{} + Millis(100000);
};

TEST_F(LayerSelectorTest, WithoutEstimateStartsOnTopAndWaitsForItsKeyFrame) {
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 2);
  EXPECT_EQ(sel_.current(), LayerSelector::kNone);
  EXPECT_TRUE(sel_.waitingForKeyFrame());
  EXPECT_FALSE(delta(2)) << "a delta frame cannot start a stream";
  EXPECT_FALSE(keyFrame(0)) << "a key frame of another layer is not the target";
  EXPECT_TRUE(keyFrame(2));
  EXPECT_EQ(sel_.current(), 2);
  EXPECT_FALSE(sel_.waitingForKeyFrame());
  EXPECT_TRUE(delta(2));
  EXPECT_FALSE(delta(1));
  EXPECT_FALSE(delta(0));
}

TEST_F(LayerSelectorTest, DowngradesAfterTheHoldAndSwitchesOnlyOnTheKeyFrame) {
  update(std::nullopt);
  ASSERT_TRUE(keyFrame(2));
  update(300'000);  // fits only l
  EXPECT_EQ(sel_.target(), 2) << "a dip shorter than the hold changes nothing";
  advance(LayerSelector::kDowngradeHold - Millis(100));
  update(300'000);
  EXPECT_EQ(sel_.target(), 2);
  advance(Millis(100));
  update(300'000);
  EXPECT_EQ(sel_.target(), 0);
  EXPECT_EQ(sel_.current(), 2);
  EXPECT_TRUE(delta(2)) << "keeps forwarding the old layer until the new one can start";
  EXPECT_FALSE(delta(0));
  EXPECT_TRUE(keyFrame(0));
  EXPECT_EQ(sel_.current(), 0);
  EXPECT_FALSE(delta(2)) << "the old layer stops at the switch";
  EXPECT_TRUE(delta(0));
  EXPECT_EQ(sel_.switches(), 2u);
}

TEST_F(LayerSelectorTest, BudgetBetweenLayersPicksTheHighestThatFits) {
  update(500'000);
  EXPECT_EQ(sel_.target(), 1);
  update(100'000);  // below even l: the lowest layer still flows
  advance(LayerSelector::kDowngradeHold);
  update(100'000);
  EXPECT_EQ(sel_.target(), 0);
}

TEST_F(LayerSelectorTest, UpgradesOneLayerAfterTheHold) {
  update(200'000);
  ASSERT_EQ(sel_.target(), 0);
  ASSERT_TRUE(keyFrame(0));
  advance(Millis(1000));
  update(2'000'000);
  EXPECT_EQ(sel_.target(), 0) << "no climb before the hold";
  advance(LayerSelector::kUpgradeHold - Millis(100));
  update(2'000'000);
  EXPECT_EQ(sel_.target(), 0);
  advance(Millis(200));
  update(2'000'000);
  EXPECT_EQ(sel_.target(), 1) << "one layer at a time";
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(2'000'000);
  update(2'000'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(2'000'000);
  EXPECT_EQ(sel_.target(), 2);
}

TEST_F(LayerSelectorTest, AShortDipDoesNotDowngrade) {
  update(500'000);
  ASSERT_EQ(sel_.target(), 1);
  update(300'000);
  advance(Millis(600));
  update(500'000);  // recovered before the hold ran out
  advance(Millis(600));
  update(300'000);
  EXPECT_EQ(sel_.target(), 1) << "the hold restarts after a recovery";
}

TEST_F(LayerSelectorTest, ADipInTheEstimateRestartsTheHold) {
  update(200'000);
  advance(Millis(1000));
  update(2'000'000);
  advance(Millis(1500));
  update(160'000);  // the condition fails once (l still fits)
  advance(Millis(1000));
  update(2'000'000);
  EXPECT_EQ(sel_.target(), 0) << "2.5 s of good estimates, but not 2 s in a row";
}

TEST_F(LayerSelectorTest, ProbesUpwardWhenTheEstimateHasHeadroomOverTheCurrentLayer) {
  // A receive-side estimate only grows to about 1.5x what arrives: 250 kbit/s on l (150) does
  // not fit m (400), but leaves headroom, so after the hold the selector tries m; 170 does not.
  update(200'000);
  advance(Millis(1000));
  update(170'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(170'000);
  ASSERT_EQ(sel_.target(), 0) << "170 kbit/s is less than 1.15 x 150";
  update(200'000);
  advance(Millis(1000));
  update(250'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(250'000);
  EXPECT_EQ(sel_.target(), 1);
}

TEST_F(LayerSelectorTest, AFailedClimbDoublesTheNextHold) {
  update(200'000);
  advance(Millis(1000));
  update(250'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(250'000);
  ASSERT_EQ(sel_.target(), 1);
  advance(Millis(1000));
  update(200'000);  // the estimate falls: the link is full, back down within the failure window
  advance(LayerSelector::kDowngradeHold);
  update(200'000);
  ASSERT_EQ(sel_.target(), 0);
  advance(Millis(100));
  update(250'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(250'000);
  EXPECT_EQ(sel_.target(), 0) << "the second climb waits twice as long";
  advance(LayerSelector::kUpgradeHold);
  update(250'000);
  EXPECT_EQ(sel_.target(), 1);
}

TEST_F(LayerSelectorTest, AProbeIsKeptWhileTheEstimateHoldsThenJudged) {
  update(200'000);
  advance(Millis(1000));
  update(250'000);
  advance(LayerSelector::kUpgradeHold + Millis(100));
  update(250'000);
  ASSERT_EQ(sel_.target(), 1) << "probing m (400 kbit/s) on a 250 kbit/s estimate";
  advance(LayerSelector::kProbeGrace - Millis(500));
  update(240'000);
  EXPECT_EQ(sel_.target(), 1) << "within the grace, a steady estimate keeps the probe";
  advance(Millis(1000));
  update(240'000);
  advance(LayerSelector::kDowngradeHold);
  update(240'000);
  EXPECT_EQ(sel_.target(), 0) << "after the grace the estimate never grew to fit m";

  // A probe whose estimate grows to fit the layer stays for good.
  advance(LayerSelector::kMaxUpgradeHold + Millis(100));
  update(250'000);
  advance(LayerSelector::kMaxUpgradeHold + Millis(100));
  update(250'000);
  ASSERT_EQ(sel_.target(), 1);
  advance(Millis(1000));
  update(450'000);
  advance(LayerSelector::kProbeGrace);
  update(450'000);
  EXPECT_EQ(sel_.target(), 1);
}

TEST_F(LayerSelectorTest, TileCapsTheLayer) {
  sel_.setTileHeight(170);
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 1) << "180p is enough for a 170-pixel tile";
  sel_.setTileHeight(60);
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 0);
  sel_.setTileHeight(1080);
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 1) << "without an estimate the tile alone decides, one step per update";
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 2);
}

TEST_F(LayerSelectorTest, UnknownHeightsDisableTheTileCap) {
  layers_[2].height = 0;
  sel_.setTileHeight(60);
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 2);
}

TEST_F(LayerSelectorTest, InactiveLayersAreSkipped) {
  layers_[2].active = false;  // the publisher stopped its top layer
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 1);
  layers_[0].active = false;
  layers_[1].active = false;
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 1) << "nothing flows: keep the last target";
  layers_[0].active = true;
  update(std::nullopt);
  EXPECT_EQ(sel_.target(), 0) << "the target stopped: move to what flows";
}

}  // namespace
}  // namespace rounds
