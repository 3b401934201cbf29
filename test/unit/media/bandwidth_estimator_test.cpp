// The GCC estimator against a simulated bottleneck: a sender pacing 1,200-byte packets at the
// current estimate, a FIFO link of a given capacity (queueing delay grows when it is exceeded),
// optional random loss, and transport feedback every 100 ms.
#include "media/bandwidth_estimator.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

namespace rounds {
namespace {

class LinkSim {
 public:
  double capacityBps = 1'000'000;
  double loss = 0;
  BandwidthEstimator est;

  // Runs `seconds` of simulated time; returns the mean estimate over its last `tail` seconds.
  double run(double seconds, double tail = 1.0) {
    int64_t end = now_ + static_cast<int64_t>(seconds * 1e6);
    int64_t tailFrom = end - static_cast<int64_t>(tail * 1e6);
    double sum = 0;
    int samples = 0;
    while (now_ < end) {
      // Send what the estimate allows up to the next feedback.
      int64_t fbAt = now_ + 100'000;
      while (nextSendUs_ < fbAt) send();
      now_ = fbAt;
      deliverFeedback();
      if (now_ >= tailFrom) {
        sum += est.estimateBps().value_or(0);
        ++samples;
      }
    }
    return samples ? sum / samples : 0;
  }
  double estimate() const { return est.estimateBps().value_or(0); }

 private:
  static constexpr uint32_t kSize = 1200;
  static constexpr int64_t kPropagationUs = 20'000;

  void send() {
    int64_t t = nextSendUs_;
    double rate = est.estimateBps().value_or(300'000);
    nextSendUs_ += static_cast<int64_t>(kSize * 8 * 1e6 / rate);
    BandwidthEstimator::PacketResult p{t, -1, kSize};
    if (std::uniform_real_distribution<double>(0, 1)(rng_) >= loss) {
      int64_t start = std::max(t, linkFreeUs_);
      linkFreeUs_ = start + static_cast<int64_t>(kSize * 8 * 1e6 / capacityBps);
      p.arrivalUs = linkFreeUs_ + kPropagationUs;
    }
    inFlight_.push_back(p);
  }

  void deliverFeedback() {
    std::vector<BandwidthEstimator::PacketResult> fb;
    // Everything up to the last packet that has arrived by now (losses in between included).
    size_t last = 0;
    for (size_t i = 0; i < inFlight_.size(); ++i)
      if (inFlight_[i].arrivalUs >= 0 && inFlight_[i].arrivalUs <= now_) last = i + 1;
    for (size_t i = 0; i < last; ++i) fb.push_back(inFlight_[i]);
    inFlight_.erase(inFlight_.begin(), inFlight_.begin() + static_cast<ptrdiff_t>(last));
    if (!fb.empty()) est.onFeedback(fb, now_ + kPropagationUs);
  }

  std::mt19937 rng_{42};
  int64_t now_ = 0;
  int64_t nextSendUs_ = 0;
  int64_t linkFreeUs_ = 0;
  std::deque<BandwidthEstimator::PacketResult> inFlight_;
};

TEST(BandwidthEstimatorTest, NoEstimateBeforeFeedback) {
  BandwidthEstimator est;
  EXPECT_FALSE(est.estimateBps());
  std::vector<BandwidthEstimator::PacketResult> lost = {{0, -1, 1200}, {1000, -1, 1200}};
  est.onFeedback(lost, 100'000);
  EXPECT_FALSE(est.estimateBps());
}

TEST(BandwidthEstimatorTest, SteadyLinkGrowsToTheLinkRate) {
  LinkSim sim;
  sim.capacityBps = 2'000'000;
  double early = sim.run(5);
  EXPECT_LT(early, 1'000'000);  // starts at 300 kbit/s and has to climb
  double settled = sim.run(55, 15);
  EXPECT_GT(settled, 0.7 * sim.capacityBps);
  EXPECT_LT(settled, 1.3 * sim.capacityBps);
}

// GCC §5.5: near the capacity it last saw, the estimate grows by about a packet per response
// time (round trip + 100 ms). A measured 40 ms round trip (this simulated link's) makes that
// 140 ms instead of the 300 ms assumed without one: when the link's rate comes back after a
// dip (1 then 2 Mbit/s), the estimate leaves the old capacity behind sooner.
TEST(BandwidthEstimatorTest, AMeasuredShortRoundTripClimbsBackFaster) {
  LinkSim assumed, measured;
  measured.est.setRoundTrip(40'000);
  EXPECT_EQ(measured.est.responseTimeUs(), 140'000);
  EXPECT_EQ(assumed.est.responseTimeUs(), BandwidthEstimator::kDefaultResponseTimeUs);
  double climbed[2] = {0, 0};
  LinkSim* sims[2] = {&assumed, &measured};
  for (int i = 0; i < 2; ++i) {
    LinkSim& sim = *sims[i];
    sim.capacityBps = 1'000'000;
    sim.run(60);
    sim.capacityBps = 2'000'000;
    climbed[i] = sim.run(8, 1);
  }
  // Measured here: 1.22 Mbit/s with 300 ms, 1.50 Mbit/s with 140 ms, 8 s after the rate came back.
  EXPECT_GT(climbed[1], 1.1 * climbed[0]);
  measured.est.setRoundTrip(60'000'000);  // an absurd sample is bounded
  EXPECT_EQ(measured.est.responseTimeUs(),
            BandwidthEstimator::kMaxRoundTripUs + BandwidthEstimator::kResponseMarginUs);
}

TEST(BandwidthEstimatorTest, BottleneckWithGrowingQueueFallsNearItsRate) {
  LinkSim sim;
  sim.capacityBps = 1'500'000;
  double before = sim.run(60, 10);
  ASSERT_GT(before, 1'000'000);
  sim.capacityBps = 300'000;  // the queue now grows by the difference
  sim.run(4);
  EXPECT_LT(sim.estimate(), 450'000);
  double after = sim.run(6, 4);
  EXPECT_GT(after, 150'000);
  EXPECT_LT(after, 450'000);
  EXPECT_EQ(sim.est.lossBasedBps() >= sim.est.delayBasedBps(), true);  // delay did it, not loss
}

TEST(BandwidthEstimatorTest, LossBacksOffAndRecoveryClimbsBack) {
  LinkSim sim;
  sim.capacityBps = 1'000'000;
  double before = sim.run(60, 10);
  ASSERT_GT(before, 600'000);
  sim.loss = 0.2;
  sim.run(5);
  double lossy = sim.estimate();
  EXPECT_LT(lossy, 0.5 * before);
  EXPECT_LT(sim.est.lossBasedBps(), sim.est.delayBasedBps());
  sim.loss = 0;
  sim.run(30);
  EXPECT_GT(sim.estimate(), 0.8 * before);
  EXPECT_GT(sim.estimate(), 2 * lossy);
}

TEST(BandwidthEstimatorTest, ModerateLossHolds) {
  LinkSim sim;
  sim.capacityBps = 1'000'000;
  double before = sim.run(60, 10);
  sim.loss = 0.05;  // between 2 % and 10 %: neither grow nor back off on loss
  double during = sim.run(10, 5);
  EXPECT_GT(during, 0.6 * before);
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

// 250-byte packets every 20 ms (100 kbit/s), fed back every 100 ms; `queueGrowthUs` is added to
// each packet's one-way delay (a growing queue: over-use).
int64_t feedSteady(BandwidthEstimator& est, int64_t fromUs, double seconds, int64_t queueGrowthUs) {
  int64_t t = fromUs;
  int64_t end = fromUs + static_cast<int64_t>(seconds * 1e6);
  int64_t queue = 0;
  std::vector<BandwidthEstimator::PacketResult> fb;
  while (t < end) {
    queue += queueGrowthUs;
    fb.push_back({t, t + 20'000 + queue, 250});
    t += 20'000;
    if (fb.size() == 5) {
      est.onFeedback(fb, t + 20'000 + queue);
      fb.clear();
    }
  }
  return t;
}

// The acknowledged window keeps the low 32 bits of each arrival time (the receiver's clock): the
// same packets with arrivals that cross a wrap of those bits give the same acknowledged rate and
// estimate as with arrivals that do not.
TEST(BandwidthEstimatorTest, ArrivalsAcrossTheThirtyTwoBitWrapCountTheSame) {
  BandwidthEstimator plain, wrapping;
  const int64_t shift = (int64_t{3} << 32) - 500'000;  // the wrap falls half a second in
  std::vector<BandwidthEstimator::PacketResult> a, b;
  for (int i = 0; i < 100; ++i) {  // 2 s of 1,200-byte packets every 20 ms, feedback every 5
    int64_t send = i * 20'000, arrive = 40'000 + i * 20'000;
    a.push_back({send, arrive, 1200});
    b.push_back({send, arrive + shift, 1200});
    if (a.size() == 5) {
      plain.onFeedback(a, send + 60'000);
      wrapping.onFeedback(b, send + 60'000);
      a.clear();
      b.clear();
      ASSERT_EQ(plain.ackedBps(), wrapping.ackedBps()) << i;
      ASSERT_EQ(plain.estimateBps(), wrapping.estimateBps()) << i;
    }
  }
  ASSERT_TRUE(plain.ackedBps());
  EXPECT_NEAR(*plain.ackedBps(), 480'000, 20'000);  // 1,200 bytes every 20 ms
}

TEST(BandwidthEstimatorProbeTest, ProbeResultLiftsTheEstimateAboveTheAckedCap) {
  BandwidthEstimator est;
  int64_t t = feedSteady(est, 0, 3.0, 0);
  ASSERT_TRUE(est.estimateBps());
  EXPECT_LE(*est.estimateBps(), 1.5 * 100'000 + 10'000 + 1);  // held by what is acknowledged
  est.onProbeResult(1'000'000, t);
  EXPECT_GE(*est.estimateBps(), 1'000'000u);
  // The media stays at 100 kbit/s: the 1.5x cap does not pull the probed estimate back.
  t = feedSteady(est, t, 2.0, 0);
  EXPECT_GE(*est.estimateBps(), 1'000'000u);
  EXPECT_EQ(est.probedBps(), 1'000'000u);
  // Over-use: the decrease forgets the probe, and the estimate falls back under the cap.
  feedSteady(est, t, 2.0, 3'000);
  EXPECT_EQ(est.probedBps(), 0u);
  EXPECT_LT(*est.estimateBps(), 200'000u);
}

TEST(BandwidthEstimatorProbeTest, IgnoredWhileOverusingOrWithoutEstimate) {
  BandwidthEstimator fresh;
  fresh.onProbeResult(1'000'000, 0);
  EXPECT_FALSE(fresh.estimateBps());
  BandwidthEstimator est;
  int64_t t = feedSteady(est, 0, 1.0, 0);
  t = feedSteady(est, t, 1.0, 3'000);
  ASSERT_EQ(est.usage(), BandwidthEstimator::Usage::Overusing);
  uint32_t before = *est.estimateBps();
  est.onProbeResult(5'000'000, t);
  EXPECT_EQ(*est.estimateBps(), before);
}

}  // namespace
}  // namespace rounds
