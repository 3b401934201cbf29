// Unit tests for the load generator's media pieces: pacing, probe trailer, VP8 descriptor and
// payload header (RFC 7741, RFC 6386), frame sizing.
#include "load_media.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace rounds::load {
namespace {

using namespace std::chrono_literals;

TEST(Pacer, HandsOutTicksOnSchedule) {
  SteadyTime t0{std::chrono::seconds(100)};
  Pacer p(t0, 20ms);
  EXPECT_EQ(p.due(t0 - 1ms), 0u);
  EXPECT_EQ(p.due(t0), 1u);  // tick 0 is due at the start
  EXPECT_EQ(p.due(t0 + 19ms), 0u);
  EXPECT_EQ(p.due(t0 + 20ms), 1u);
  EXPECT_EQ(p.due(t0 + 20ms), 0u);  // not twice
  EXPECT_EQ(p.due(t0 + 61ms), 2u);  // ticks 2 and 3
  EXPECT_EQ(p.nextAt(), t0 + 80ms);
  EXPECT_EQ(p.ticks(), 4u);
  EXPECT_EQ(p.skipped(), 0u);
}

TEST(Pacer, FiftyPerSecondOverTenSeconds) {
  SteadyTime t0{std::chrono::seconds(5)};
  Pacer p(t0, 20ms);
  uint64_t total = 0;
  for (auto t = t0; t < t0 + 10s; t += 3ms) total += p.due(t);  // a 3 ms loop
  EXPECT_EQ(total, 500u);
}

TEST(Pacer, SkipsBeyondMaxBurstAfterAStall) {
  SteadyTime t0{std::chrono::seconds(1)};
  Pacer p(t0, 10ms, 3);
  EXPECT_EQ(p.due(t0), 1u);
  EXPECT_EQ(p.due(t0 + 100ms), 3u);  // ticks 1..10 due: 3 sent, 7 skipped
  EXPECT_EQ(p.skipped(), 7u);
  EXPECT_EQ(p.ticks(), 4u);
  EXPECT_EQ(p.due(t0 + 110ms), 1u);  // back on schedule
}

TEST(Pacer, InactiveByDefault) {
  Pacer p;
  EXPECT_FALSE(p.active());
  EXPECT_EQ(p.due(SteadyTime{std::chrono::hours(1)}), 0u);
}

TEST(SendPacer, SpacesPacketsBySizeOverRate) {
  SteadyTime t0{std::chrono::seconds(10)};
  SendPacer p(1'000'000);  // 1 MB/s: 1,000 bytes take 1 ms
  EXPECT_TRUE(p.mayLeave(t0));
  p.left(1000, t0);
  EXPECT_FALSE(p.mayLeave(t0 + 999us));
  EXPECT_TRUE(p.mayLeave(t0 + 1ms));
  p.left(500, t0 + 1ms);
  EXPECT_EQ(p.nextAt(), t0 + 1500us);
}

TEST(SendPacer, ALateTickKeepsTheScheduleButIdleTimeIsNotBanked) {
  SteadyTime t0{std::chrono::seconds(10)};
  SendPacer p(1'000'000);
  p.left(1000, t0);                // next at t0 + 1 ms
  p.left(1000, t0 + 3ms);          // 2 ms late (< kMaxLag): counted from t0 + 1 ms
  EXPECT_EQ(p.nextAt(), t0 + 2ms);
  EXPECT_TRUE(p.mayLeave(t0 + 3ms));  // so a late loop catches up
  p.left(1000, t0 + 100ms);        // after a pause: from now, no burst of saved-up time
  EXPECT_EQ(p.nextAt(), t0 + 101ms);
  EXPECT_FALSE(p.mayLeave(t0 + 100ms + 500us));
}

TEST(SendPacer, ZeroRateDoesNotPace) {
  SendPacer p;
  SteadyTime t{std::chrono::seconds(1)};
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(p.mayLeave(t));
    p.left(1200, t);
  }
}

// The load generator's defaults: 600 kbit/s at 30 fps paced at 2.5x, on its 2 ms loop. Every
// frame's packets leave spread out (never two in one tick), within the frame's 33 ms, and the
// queue drains: the whole second's packets are sent in that second.
TEST(SendPacer, SpreadsEachFrameWithinItsIntervalAtTheDefaults) {
  const uint32_t kbps = 600, fps = 30;
  SendPacer pacer(static_cast<uint64_t>(2.5 * kbps * 1000 / 8));
  SteadyTime t0{std::chrono::seconds(50)};
  std::vector<uint32_t> queue;  // sizes of packets waiting
  uint32_t queued = 0, sent = 0;
  Nanos longestQueueWait{0};
  std::vector<SteadyTime> queuedAt;
  for (auto t = t0; t < t0 + 1s; t += 2ms) {
    auto frameIndex = (t - t0) / (Nanos(1s) / fps);
    if (static_cast<uint32_t>(frameIndex) == queued / 3 && queued < fps * 3) {
      FramePlan plan = planFrame(kbps * 1000, fps, false, 1200, 100);
      ASSERT_EQ(plan.packets, 3u);
      for (uint32_t i = 0; i < plan.packets; ++i) {
        queue.push_back(plan.packetBytes(i));
        queuedAt.push_back(t);
      }
      queued += plan.packets;
    }
    int thisTick = 0;
    while (sent < queue.size() && pacer.mayLeave(t)) {
      pacer.left(12 + queue[sent], t);
      longestQueueWait = std::max<Nanos>(longestQueueWait, t - queuedAt[sent]);
      ++sent;
      ++thisTick;
    }
    EXPECT_LE(thisTick, 1) << "two packets in one 2 ms tick";
  }
  EXPECT_EQ(sent, 90u);
  EXPECT_GE(longestQueueWait, 8ms);   // the third packet of a frame waits for two before it
  EXPECT_LT(longestQueueWait, 33ms);  // and leaves before the next frame is due
}

TEST(Probe, RoundTripsAtTheEndOfThePayload) {
  std::vector<uint8_t> payload(100, 0xEE);
  Probe in{probeSource(7, true), 0xDEADBEEF, 0x0123456789ABCDEFull};
  ASSERT_TRUE(writeProbe(payload, in));
  EXPECT_EQ(payload[79], 0xEE);  // untouched before the trailer
  auto out = readProbe(payload);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->source, 15u);
  EXPECT_EQ(out->counter, 0xDEADBEEFu);
  EXPECT_EQ(out->sendNs, 0x0123456789ABCDEFull);
}

TEST(Probe, RejectsShortOrForeignPayloads) {
  std::vector<uint8_t> small(kProbeSize - 1, 0);
  EXPECT_FALSE(writeProbe(small, Probe{}));
  EXPECT_FALSE(readProbe(small));
  std::vector<uint8_t> other(64, 0);
  EXPECT_FALSE(readProbe(other));  // no magic
}

TEST(Vp8Descriptor, WritesFifteenBitPictureId) {
  std::array<uint8_t, 4> out{};
  Vp8Descriptor d;
  d.startOfPartition = true;
  d.pictureId = 0x1234;
  ASSERT_EQ(writeVp8Descriptor(out, d), 4u);
  // X=1, S=1, PID=0 | I=1 | M=1 + high 7 bits | low 8 bits (RFC 7741 §4.2)
  EXPECT_EQ(out[0], 0x90);
  EXPECT_EQ(out[1], 0x80);
  EXPECT_EQ(out[2], 0x80 | 0x12);
  EXPECT_EQ(out[3], 0x34);
  d.startOfPartition = false;
  d.nonReference = true;
  d.partitionIndex = 3;
  d.pictureId = 0x7FFF;
  writeVp8Descriptor(out, d);
  EXPECT_EQ(out[0], 0x80 | 0x20 | 0x03);
  EXPECT_EQ(out[2], 0xFF);
  EXPECT_EQ(out[3], 0xFF);
  std::array<uint8_t, 3> tooSmall{};
  EXPECT_EQ(writeVp8Descriptor(tooSmall, d), 0u);
}

TEST(Vp8Descriptor, ParsesWhatItWritesAndOtherForms) {
  std::array<uint8_t, 4> out{};
  Vp8Descriptor d{false, true, 0, 4321};
  writeVp8Descriptor(out, d);
  auto p = parseVp8Descriptor(out);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size, 4u);
  EXPECT_TRUE(p->fields.startOfPartition);
  EXPECT_EQ(p->fields.pictureId, 4321);

  const uint8_t minimal[] = {0x10};  // no X: one byte
  p = parseVp8Descriptor(minimal);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size, 1u);

  // X with I (7-bit id), L and T: 1 + 1 + 1 + 1 + 1
  const uint8_t full[] = {0x90, 0xE0, 0x05, 0x11, 0x40, 0x00};
  p = parseVp8Descriptor(full);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->size, 5u);
  EXPECT_EQ(p->fields.pictureId, 5);

  const uint8_t truncated[] = {0x90, 0x80, 0x81};  // M set, second id byte missing
  EXPECT_FALSE(parseVp8Descriptor(truncated));
  EXPECT_FALSE(parseVp8Descriptor(Bytes{}));
}

TEST(Vp8PayloadHeader, KeyFrameCarriesStartCodeAndSize) {
  std::array<uint8_t, 10> out{};
  ASSERT_EQ(writeVp8PayloadHeader(out, true, 1000, 640, 360), kVp8KeyHeaderSize);
  EXPECT_TRUE(isVp8KeyFrameHeader(out));
  uint32_t tag = out[0] | (out[1] << 8) | (out[2] << 16);
  EXPECT_EQ(tag & 1, 0u);         // P = 0: key frame
  EXPECT_EQ((tag >> 4) & 1, 1u);  // show_frame
  EXPECT_EQ(tag >> 5, 1000u);     // first_part_size
  EXPECT_EQ(out[3], 0x9d);
  EXPECT_EQ(out[4], 0x01);
  EXPECT_EQ(out[5], 0x2a);
  EXPECT_EQ(out[6] | (out[7] << 8), 640);
  EXPECT_EQ(out[8] | (out[9] << 8), 360);

  ASSERT_EQ(writeVp8PayloadHeader(out, false, 10, 640, 360), kVp8InterHeaderSize);
  EXPECT_FALSE(isVp8KeyFrameHeader(out));
  std::array<uint8_t, 5> small{};
  EXPECT_EQ(writeVp8PayloadHeader(small, true, 1, 1, 1), 0u);
}

TEST(FramePlan, SplitsIntoNearlyEqualPacketsUnderTheLimit) {
  // 600 kbit/s at 30 fps: 2,500 bytes per frame, 3 packets of at most 1,188.
  FramePlan p = planFrame(600000, 30, false, 1188, 40);
  EXPECT_EQ(p.totalBytes, 2500u);
  EXPECT_EQ(p.packets, 3u);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < p.packets; ++i) {
    EXPECT_LE(p.packetBytes(i), 1188u);
    EXPECT_GE(p.packetBytes(i), 833u);
    sum += p.packetBytes(i);
  }
  EXPECT_EQ(sum, 2500u);
  EXPECT_EQ(p.packetBytes(3), 0u);

  FramePlan key = planFrame(600000, 30, true, 1188, 40);
  EXPECT_EQ(key.totalBytes, 7500u);
  EXPECT_EQ(key.packets, 7u);

  FramePlan tiny = planFrame(8000, 30, false, 1188, 40);  // 33 bytes: raised to the minimum
  EXPECT_EQ(tiny.totalBytes, 40u);
  EXPECT_EQ(tiny.packets, 1u);
  EXPECT_EQ(planFrame(600000, 0, false, 1188, 40).packets, 0u);
}

}  // namespace
}  // namespace rounds::load
