// Unit tests for the steady-state window of a load run (report.hpp): which timeline points it
// spans, and the forwarded-packet rate and CPU figures it derives from them.
#include <gtest/gtest.h>

#include "report.hpp"

namespace rounds::load {
namespace {

TimelinePoint point(double t, uint32_t connected, uint64_t received,
                    std::optional<double> serverCpu = std::nullopt,
                    std::optional<double> loadCpu = std::nullopt) {
  TimelinePoint p;
  p.t = t;
  p.connected = connected;
  p.received = received;
  p.serverCpuSeconds = serverCpu;
  p.loadCpuSeconds = loadCpu;
  return p;
}

TEST(SteadyWindow, StartsAfterEveryoneConnectedPlusSettleTime) {
  std::vector<TimelinePoint> tl = {point(0, 0, 0, 1.0, 0.0), point(1, 2, 50, 1.5, 0.2),
                                   point(2, 3, 200, 2.0, 0.5), point(3, 3, 1000, 2.2, 0.9),
                                   point(5, 3, 3000, 2.6, 1.7)};
  auto w = steadyWindow(tl, 3, 1.0);
  ASSERT_TRUE(w);
  EXPECT_DOUBLE_EQ(w->fromS, 3);
  EXPECT_DOUBLE_EQ(w->toS, 5);
  EXPECT_DOUBLE_EQ(w->forwardedPerSecond, 1000);  // 2000 packets in 2 s
  EXPECT_DOUBLE_EQ(w->sentPerSecond, 0);
  ASSERT_TRUE(w->serverCpuPercent);
  EXPECT_NEAR(*w->serverCpuPercent, 20, 1e-9);  // 0.4 cpu-s in 2 s
  ASSERT_TRUE(w->packetsPerServerCpuSecond);
  EXPECT_NEAR(*w->packetsPerServerCpuSecond, 5000, 1e-6);
  ASSERT_TRUE(w->loadCpuPercent);
  EXPECT_NEAR(*w->loadCpuPercent, 40, 1e-9);
}

TEST(SteadyWindow, NoneWhenSomeoneNeverConnectsOrTheWindowIsShort) {
  std::vector<TimelinePoint> tl = {point(0, 1, 0), point(1, 2, 10), point(2, 2, 20)};
  EXPECT_FALSE(steadyWindow(tl, 3, 1.0));
  std::vector<TimelinePoint> shortRun = {point(0, 3, 0), point(1, 3, 10), point(1.5, 3, 20)};
  EXPECT_FALSE(steadyWindow(shortRun, 3, 1.0));
  EXPECT_FALSE(steadyWindow({}, 1, 1.0));
}

TEST(SteadyWindow, NotBeforeTheMeasureReset) {
  std::vector<TimelinePoint> tl = {point(0, 2, 0), point(1, 2, 100), point(2, 2, 200),
                                   point(2.5, 2, 260), point(4.5, 2, 660)};
  tl[3].sent = 100;
  tl[4].sent = 300;
  auto w = steadyWindow(tl, 2, 1.0, 2.5);
  ASSERT_TRUE(w);
  EXPECT_DOUBLE_EQ(w->fromS, 2.5);
  EXPECT_DOUBLE_EQ(w->forwardedPerSecond, 200);  // 400 packets in 2 s
  EXPECT_DOUBLE_EQ(w->sentPerSecond, 100);
}

TEST(SteadyWindow, CpuFiguresOnlyWhenSampled) {
  std::vector<TimelinePoint> tl = {point(0, 1, 0), point(1, 1, 100), point(3, 1, 500)};
  auto w = steadyWindow(tl, 1, 0.5);
  ASSERT_TRUE(w);
  EXPECT_DOUBLE_EQ(w->fromS, 1);
  EXPECT_DOUBLE_EQ(w->forwardedPerSecond, 200);
  EXPECT_FALSE(w->serverCpuPercent);
  EXPECT_FALSE(w->packetsPerServerCpuSecond);
  EXPECT_FALSE(w->loadCpuPercent);
}

}  // namespace
}  // namespace rounds::load
