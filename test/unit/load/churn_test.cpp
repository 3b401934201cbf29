// Unit tests for the load generator's churn schedule (tools/rounds-load/churn.hpp): when viewers
// leave, in which order, and how many arrivals a run holds.
#include "churn.hpp"

#include <gtest/gtest.h>

namespace rounds::load {
namespace {

using std::chrono::milliseconds;
using SteadyTime = ChurnSchedule::SteadyTime;

TEST(ChurnSchedule, NothingIsDueBeforeItStarts) {
  ChurnSchedule c(milliseconds(500));
  c.addViewer(2);
  SteadyTime t{};
  EXPECT_FALSE(c.started());
  EXPECT_EQ(c.due(t + milliseconds(5000), 100), 0u);
}

TEST(ChurnSchedule, OneDeparturePerIntervalFromOneIntervalAfterTheStart) {
  ChurnSchedule c(milliseconds(500));
  SteadyTime t{};
  c.start(t);
  EXPECT_EQ(c.due(t + milliseconds(499), 100), 0u);
  EXPECT_EQ(c.due(t + milliseconds(500), 100), 1u);
  EXPECT_EQ(c.due(t + milliseconds(700), 100), 0u);
  // A loop that fell behind catches up with every departure it missed, once.
  EXPECT_EQ(c.due(t + milliseconds(2100), 100), 3u);
  EXPECT_EQ(c.due(t + milliseconds(2100), 100), 0u);
  c.start(t + milliseconds(2100));  // a second start changes nothing
  EXPECT_EQ(c.due(t + milliseconds(2500), 100), 1u);
}

TEST(ChurnSchedule, StopsAtTheArrivalsTheRunReserved) {
  ChurnSchedule c(milliseconds(100));
  SteadyTime t{};
  c.start(t);
  EXPECT_EQ(c.due(t + milliseconds(1000), 4), 4u);
  EXPECT_EQ(c.due(t + milliseconds(5000), 4), 0u);
}

TEST(ChurnSchedule, TheLongestPresentLeavesFirstAndArrivalsQueueBehind) {
  ChurnSchedule c(milliseconds(100));
  c.addViewer(2);
  c.addViewer(3);
  EXPECT_EQ(c.nextToLeave(), 2u);
  c.addViewer(4);  // the arrival that replaced 2
  EXPECT_EQ(c.nextToLeave(), 3u);
  EXPECT_EQ(c.nextToLeave(), 4u);
  EXPECT_EQ(c.nextToLeave(), std::nullopt);
}

TEST(ChurnSchedule, ArrivalsFitTheDuration) {
  EXPECT_EQ(ChurnSchedule::maxArrivals(milliseconds(500), 6.0), 12u);
  EXPECT_EQ(ChurnSchedule::maxArrivals(milliseconds(300), 1.0), 3u);
  EXPECT_EQ(ChurnSchedule::maxArrivals(milliseconds(0), 6.0), 0u);
}

}  // namespace
}  // namespace rounds::load
