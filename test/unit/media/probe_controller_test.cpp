// ProbeController: when a cluster starts (caps, rate limits, paused subscribers), its pacing, and
// the delivered rate computed from its feedback (send spread, receive spread, min of the two,
// nothing on over-use or loss).
#include "media/probe_controller.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds {
namespace {

using Inputs = ProbeController::Inputs;

Inputs wants(uint32_t estimate, uint32_t wanted) {
  Inputs in;
  in.estimateBps = estimate;
  in.wantedBps = wanted;
  in.canProbe = true;
  return in;
}

// Sends the whole cluster as the worker's timer would (every paceUs from `t`); returns the send
// times and sizes of its packets.
struct Sent {
  int64_t sendUs;
  uint32_t size;
};
std::vector<Sent> sendCluster(ProbeController& p, int64_t& t, uint32_t packetBytes = 295) {
  std::vector<Sent> out;
  for (int step = 0; step < 100 && p.sending(); ++step, t += 5'000) {
    while (p.sending() && p.paddingDue(t) > 0) {
      out.push_back({t, packetBytes});
      p.onProbeSent(packetBytes, t);
    }
  }
  return out;
}

// Reports every packet as arriving `spreadFactor` times as spread out as it was sent (a link
// slower than the probe when > 1), starting 20 ms after it was sent.
void report(ProbeController& p, const std::vector<Sent>& sent, double spreadFactor,
            size_t lose = 0) {
  int64_t first = sent.front().sendUs;
  for (size_t i = 0; i < sent.size(); ++i) {
    int64_t arrival =
        20'000 + first + static_cast<int64_t>((sent[i].sendUs - first) * spreadFactor);
    p.onProbeFeedback(p.clusterId(), sent[i].sendUs, i < lose ? -1 : arrival, sent[i].size);
  }
}

TEST(ProbeControllerTest, NoProbeWithoutReason) {
  ProbeController p;
  Inputs none = wants(300'000, 0);  // nothing to climb to
  EXPECT_FALSE(p.onTick(none, 0));
  Inputs fits = wants(1'000'000, 900'000);  // the estimate covers what is wanted
  EXPECT_FALSE(p.onTick(fits, 0));
  Inputs paused = wants(300'000, 1'000'000);
  paused.canProbe = false;  // audio only / paused video: nothing may carry padding
  EXPECT_FALSE(p.onTick(paused, 0));
  Inputs noEstimate = wants(0, 1'000'000);
  noEstimate.estimateBps.reset();
  EXPECT_FALSE(p.onTick(noEstimate, 0));
  EXPECT_EQ(p.clustersSent(), 0u);
}

TEST(ProbeControllerTest, FirstProbeAtThreeTimesThenCappedByWantedRate) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(100'000, 2'000'000), 0));
  EXPECT_EQ(p.targetBps(), 300'000u);
  ProbeController q;
  ASSERT_TRUE(q.onTick(wants(500'000, 600'000), 0));
  EXPECT_EQ(q.targetBps(), 660'000u);  // 1.1 x the wanted rate, not 3 x the estimate
}

TEST(ProbeControllerTest, PacesTheClusterOverItsDuration) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));  // 1.2 Mbit/s for 20 ms = 3,000 bytes
  EXPECT_EQ(p.targetBps(), 1'200'000u);
  EXPECT_EQ(p.paddingDue(0), 750u);  // the first 5 ms step at once
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  EXPECT_EQ(p.state(), ProbeController::State::Waiting);
  size_t bytes = 0;
  for (auto& s : sent) bytes += s.size;
  EXPECT_GE(bytes, 3000u);
  EXPECT_LT(bytes, 3000u + 295u);
  EXPECT_GE(sent.size(), 5u);
  EXPECT_EQ(sent.back().sendUs - sent.front().sendUs, 15'000);
}

TEST(ProbeControllerTest, LowTargetStillSendsTheMinimumPackets) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(40'000, 1'000'000), 0));  // 120 kbit/s
  int64_t t = 0;
  auto sent = sendCluster(p, t, 100);
  EXPECT_GE(sent.size(), 5u);
}

TEST(ProbeControllerTest, ResultIsTheSmallerOfSendAndReceiveRate) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  report(p, sent, 1.0);  // arrives as sent: the receive rate equals the send rate
  auto r = p.takeResult(false, 200'000);
  ASSERT_TRUE(r);
  // Send rate: all bytes but the last packet's over the 15 ms spread, above the target, so the
  // target bounds it.
  EXPECT_EQ(*r, p.targetBps());
  EXPECT_EQ(p.successes(), 1u);

  // A link at 2/3 of the probe's pace: the receive spread is 1.5 times the send spread, more
  // than 1.2 times, so the link is full and the result is 0.95 of what arrived.
  ProbeController q;
  ASSERT_TRUE(q.onTick(wants(400'000, 5'000'000), 0));
  t = 0;
  sent = sendCluster(q, t);
  report(q, sent, 1.5);
  r = q.takeResult(false, 200'000);
  ASSERT_TRUE(r);
  uint64_t bytes = 0;
  for (auto& s : sent) bytes += s.size;
  double recv = static_cast<double>(bytes - sent.front().size) * 8e6 / (15'000 * 1.5);
  EXPECT_NEAR(*r, 0.95 * recv, 2.0);
  EXPECT_LT(*r, q.targetBps());
}

TEST(ProbeControllerTest, SendRateBoundsTheResultWhenItIsLower) {
  // Receive spread shorter than the send spread (the link bunched them up): the send rate is the
  // smaller one and the result, below the target.
  ProbeController::Config cfg;
  cfg.clusterUs = 40'000;  // 8 steps: a send rate well below the target's pace x 4/3
  ProbeController p(cfg);
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  // Stretch the send times (the timer ran late) so the send rate is half the target.
  for (size_t i = 0; i < sent.size(); ++i) sent[i].sendUs *= 2;
  report(p, sent, 0.5);
  auto r = p.takeResult(false, 400'000);
  ASSERT_TRUE(r);
  uint64_t bytes = 0;
  for (auto& s : sent) bytes += s.size;
  double send = static_cast<double>(bytes - sent.back().size) * 8e6 /
                static_cast<double>(sent.back().sendUs - sent.front().sendUs);
  EXPECT_NEAR(*r, send, 2.0);
}

TEST(ProbeControllerTest, NoResultOnOveruseOrLoss) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  report(p, sent, 1.0);
  EXPECT_FALSE(p.takeResult(/*overusing=*/true, 200'000));
  EXPECT_EQ(p.state(), ProbeController::State::Idle);

  ProbeController q;
  ASSERT_TRUE(q.onTick(wants(400'000, 5'000'000), 0));
  t = 0;
  sent = sendCluster(q, t);
  report(q, sent, 1.0, /*lose=*/2);  // 2 of ~11: more than 10 %
  EXPECT_FALSE(q.takeResult(false, 200'000));
  EXPECT_EQ(q.successes(), 0u);
}

TEST(ProbeControllerTest, WaitsForTheWholeClusterThenTimesOut) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  std::vector<Sent> half(sent.begin(), sent.begin() + static_cast<ptrdiff_t>(sent.size() / 2));
  report(p, half, 1.0);
  EXPECT_FALSE(p.takeResult(false, 100'000));  // more feedback to come
  EXPECT_EQ(p.state(), ProbeController::State::Waiting);
  // The rest never comes: after the timeout the cluster is given up (too lossy to count).
  EXPECT_FALSE(p.takeResult(false, 1'100'000));
  EXPECT_EQ(p.state(), ProbeController::State::Idle);
}

TEST(ProbeControllerTest, ExponentialWhileSucceedingThenPeriodicAfterFailure) {
  ProbeController p;
  uint32_t estimate = 100'000;
  int64_t t = 0;
  ASSERT_TRUE(p.onTick(wants(estimate, 5'000'000), t));
  auto sent = sendCluster(p, t);
  report(p, sent, 1.0);
  auto r = p.takeResult(false, t);
  ASSERT_TRUE(r);
  estimate = *r;
  // Rate limit: not within 200 ms of the last start, even after a success.
  EXPECT_FALSE(p.onTick(wants(estimate, 5'000'000), 100'000));
  ASSERT_TRUE(p.onTick(wants(estimate, 5'000'000), 200'000));
  EXPECT_EQ(p.targetBps(), 2 * estimate);  // then 2x each time
  t = 200'000;
  sent = sendCluster(p, t);
  report(p, sent, 1.0);
  EXPECT_FALSE(p.takeResult(/*overusing=*/true, t));  // failed
  // The next probe waits for the periodic interval (3 s).
  EXPECT_FALSE(p.onTick(wants(estimate, 5'000'000), t + 2'900'000));
  EXPECT_TRUE(p.onTick(wants(estimate, 5'000'000), t + 3'000'000));
  EXPECT_EQ(p.clustersSent(), 3u);
}

TEST(ProbeControllerTest, FeedbackOfAnotherClusterIsIgnored) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  int64_t t = 0;
  auto sent = sendCluster(p, t);
  for (auto& s : sent)
    p.onProbeFeedback(static_cast<uint8_t>(p.clusterId() + 1), s.sendUs, s.sendUs, s.size);
  EXPECT_FALSE(p.takeResult(false, 100'000));
  EXPECT_EQ(p.state(), ProbeController::State::Waiting);
}

TEST(ProbeControllerTest, AbortEndsTheCluster) {
  ProbeController p;
  ASSERT_TRUE(p.onTick(wants(400'000, 5'000'000), 0));
  p.abort(0);
  EXPECT_FALSE(p.sending());
  EXPECT_EQ(p.paddingDue(5'000), 0u);
}

}  // namespace
}  // namespace rounds
