// rounds-netem's scheduling without tun: delay/jitter distribution, ordering, loss rate, the token
// bucket with its bounded drop-tail queue, settings changed at run time, and the control file.
#include "link_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace rounds::netem {
namespace {

constexpr uint64_t kMs = 1000;

TEST(NetemLinkModel, PlainWireForwardsAtOnce) {
  DirectionModel model(1);
  for (uint64_t t = 0; t < 100; ++t) {
    auto release = model.onPacket(t * kMs, 1200);
    ASSERT_TRUE(release);
    EXPECT_EQ(*release, t * kMs);
  }
  EXPECT_EQ(model.counters().lost, 0u);
  EXPECT_EQ(model.counters().delayed, 0u);
}

TEST(NetemLinkModel, DelayAndJitterStayInRangeAndAverageTheDelay) {
  Impairment imp;
  imp.delayMs = 50;
  imp.jitterMs = 10;
  imp.reorder = true;  // the raw distribution, not bent by keeping order
  DirectionModel model(42, imp);
  const int n = 20000;
  double sum = 0;
  std::vector<int> buckets(4, 0);  // [40,45) [45,50) [50,55) [55,60]
  for (int i = 0; i < n; ++i) {
    uint64_t now = static_cast<uint64_t>(i) * 5 * kMs;
    auto release = model.onPacket(now, 100);
    ASSERT_TRUE(release);
    uint64_t held = *release - now;
    ASSERT_GE(held, 40 * kMs);
    ASSERT_LE(held, 60 * kMs);
    sum += static_cast<double>(held) / kMs;
    buckets[std::min<size_t>(3, (held - 40 * kMs) / (5 * kMs))]++;
  }
  EXPECT_NEAR(sum / n, 50.0, 0.3);
  for (int b : buckets) EXPECT_NEAR(static_cast<double>(b) / n, 0.25, 0.03);  // uniform
  EXPECT_EQ(model.counters().delayed, static_cast<uint64_t>(n));
}

TEST(NetemLinkModel, JitterKeepsOrderUnlessReorderIsAsked) {
  Impairment imp;
  imp.delayMs = 50;
  imp.jitterMs = 10;
  auto reversals = [](DirectionModel& model) {
    uint64_t last = 0;
    int count = 0;
    for (uint64_t i = 0; i < 5000; ++i) {
      auto release = model.onPacket(i * kMs, 1000);  // 1 ms apart, far closer than the jitter
      if (*release < last) ++count;
      last = std::max(last, *release);
    }
    return count;
  };
  DirectionModel inOrder(7, imp);
  EXPECT_EQ(reversals(inOrder), 0);
  imp.reorder = true;
  DirectionModel reordering(7, imp);
  EXPECT_GT(reversals(reordering), 1000);
}

TEST(NetemLinkModel, LossRateMatchesTheSetting) {
  Impairment imp;
  imp.lossPercent = 5;
  DirectionModel model(3, imp);
  const int n = 100000;
  int dropped = 0;
  for (int i = 0; i < n; ++i) {
    if (!model.onPacket(static_cast<uint64_t>(i) * 100, 200)) ++dropped;
  }
  EXPECT_NEAR(static_cast<double>(dropped) / n, 0.05, 0.004);
  EXPECT_EQ(model.counters().lost, static_cast<uint64_t>(dropped));

  imp.lossPercent = 100;
  DirectionModel all(3, imp);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(all.onPacket(static_cast<uint64_t>(i), 200));
}

TEST(NetemLinkModel, TokenBucketPacesToTheRateAndDropsTailWhenTheQueueIsFull) {
  Impairment imp;
  imp.rateKbps = 800;  // 100 bytes per ms
  imp.burstBytes = 1000;
  imp.queuePackets = 10;
  DirectionModel model(5, imp);
  // Offer 1000-byte packets every ms (ten times the rate) for one second.
  std::vector<uint64_t> departures;
  size_t maxQueued = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t now = i * kMs;
    auto release = model.onPacket(now, 1000);
    maxQueued = std::max(maxQueued, model.queued(now));
    if (release) departures.push_back(*release);
  }
  ASSERT_GE(departures.size(), 2u);
  EXPECT_EQ(departures[0], 0u);  // the full bucket lets the first one through at once
  for (size_t i = 1; i < departures.size(); ++i) {
    EXPECT_GE(departures[i] - departures[i - 1], 10 * kMs - 1) << i;  // 1000 bytes at 100 B/ms
  }
  // About a second's worth at the rate (+ the queue still draining), the rest dropped at the tail.
  EXPECT_GE(departures.size(), 100u);
  EXPECT_LE(departures.size(), 112u);
  EXPECT_LE(maxQueued, 10u);
  EXPECT_EQ(model.counters().queueDrops, 1000u - departures.size());
  EXPECT_GT(model.counters().rateLimited, 90u);
  EXPECT_LE(departures.back(), 1000 * kMs + 10 * 10 * kMs);  // bounded queueing delay
}

TEST(NetemLinkModel, ZeroQueueIsAPolicer) {
  Impairment imp;
  imp.rateKbps = 800;
  imp.burstBytes = 2000;
  imp.queuePackets = 0;
  DirectionModel model(5, imp);
  int passed = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    auto release = model.onPacket(i * kMs, 1000);
    if (release) {
      EXPECT_EQ(*release, i * kMs);  // nothing waits
      ++passed;
    }
  }
  // 2000 bytes of burst + 100 ms at 100 B/ms = 12000 bytes: about 12 packets.
  EXPECT_GE(passed, 11);
  EXPECT_LE(passed, 13);
}

TEST(NetemLinkModel, LiftingTheLimitAtRunTimeFreesNewPackets) {
  Impairment imp;
  imp.rateKbps = 80;  // 10 bytes per ms
  imp.burstBytes = 1000;
  imp.queuePackets = 100;
  imp.delayMs = 20;
  DirectionModel model(9, imp);
  uint64_t last = 0;
  for (uint64_t i = 0; i < 20; ++i) last = *model.onPacket(i * kMs, 1000);
  EXPECT_GT(last, 1000 * kMs);  // far behind
  model.setImpairment(Impairment{});
  // In order behind what is already scheduled, but no further pacing or delay of its own.
  auto next = model.onPacket(21 * kMs, 1000);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, last);
  DirectionModel fresh(9, imp);
  fresh.setImpairment(Impairment{});
  EXPECT_EQ(*fresh.onPacket(5 * kMs, 1000), 5 * kMs);
}

TEST(NetemLinkModel, ParsesImpairmentsAndRejectsNonsense) {
  auto imp = parseImpairment("loss=5 delay=50 jitter=10 rate=300 burst=4000 queue=20 reorder=1");
  ASSERT_TRUE(imp);
  EXPECT_DOUBLE_EQ(imp->lossPercent, 5);
  EXPECT_EQ(imp->delayMs, 50u);
  EXPECT_EQ(imp->jitterMs, 10u);
  EXPECT_EQ(imp->rateKbps, 300u);
  EXPECT_EQ(imp->burstBytes, 4000u);
  EXPECT_EQ(imp->queuePackets, 20u);
  EXPECT_TRUE(imp->reorder);
  EXPECT_TRUE(parseImpairment("loss=2.5"));
  EXPECT_EQ(parseImpairment(""), Impairment{});
  for (const char* bad : {"loss=101", "loss=-1", "delay=x", "speed=3", "delay", "delay=5ms", "reorder=2",
                          "burst=0", "delay=99999999999"}) {
    EXPECT_FALSE(parseImpairment(bad)) << bad;
  }
}

TEST(NetemLinkModel, ControlFileSetsEachDirectionAndLiftsWhatItOmits) {
  auto s = parseControl("# test\nboth loss=5 delay=50 jitter=10\nb-to-a rate=500\n");
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->aToB.lossPercent, 5);
  EXPECT_EQ(s->aToB.rateKbps, 0u);
  EXPECT_EQ(s->bToA.delayMs, 50u);
  EXPECT_EQ(s->bToA.rateKbps, 500u);
  auto lifted = parseControl("\n# nothing\n");
  ASSERT_TRUE(lifted);
  EXPECT_EQ(*lifted, LinkSettings{});
  EXPECT_FALSE(parseControl("sideways loss=5\n"));
  EXPECT_FALSE(parseControl("both loss=500\n"));
}

}  // namespace
}  // namespace rounds::netem
