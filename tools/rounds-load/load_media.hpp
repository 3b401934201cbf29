// Synthetic media for the load generator: pacing schedules, VP8 payload descriptors (RFC 7741),
// the probe trailer every packet carries (send time, per-stream counter), video frame sizing.
// Threading: value types and stateless functions; a Pacer belongs to one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"

namespace rounds::load {

using Nanos = std::chrono::nanoseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

// Ticks at start + k * interval (k = 0, 1, ...). due() says how many ticks have come due since the
// previous call; after a stall longer than maxBurst ticks the oldest are skipped (and counted),
// so a late event loop does not answer with a burst the real sender would never make.
class Pacer {
 public:
  Pacer() = default;
  Pacer(SteadyTime start, Nanos interval, uint32_t maxBurst = 4);
  uint32_t due(SteadyTime now);
  SteadyTime nextAt() const { return start_ + interval_ * static_cast<int64_t>(next_); }
  uint64_t ticks() const { return next_ - skipped_; }  // ticks handed out
  uint64_t skipped() const { return skipped_; }
  bool active() const { return interval_.count() > 0; }

 private:
  SteadyTime start_{};
  Nanos interval_{0};
  uint32_t maxBurst_ = 4;
  uint64_t next_ = 0;  // index of the next tick not yet handed out or skipped
  uint64_t skipped_ = 0;
};

// A browser's paced sender, reduced to what shapes the load a server sees: packets leave no
// faster than `bytesPerSecond` (WebRTC paces video at 2.5 x its target rate), so a frame's
// packets are spread over a few milliseconds instead of arriving in one burst. A packet may leave
// once the packets before it have had their time on the wire (size / rate). A tick that comes a
// little late keeps the schedule (the queue catches up); time spent idle is not banked, so the
// first packet after a pause leaves at once and the next one waits. 0: no pacing.
class SendPacer {
 public:
  static constexpr Nanos kMaxLag = std::chrono::milliseconds(5);  // beyond it, idle: not banked
  SendPacer() = default;
  explicit SendPacer(uint64_t bytesPerSecond) : rate_(bytesPerSecond) {}
  bool mayLeave(SteadyTime now) const { return rate_ == 0 || now >= nextAt_; }
  void left(size_t bytes, SteadyTime now);  // a packet of `bytes` has just been sent
  SteadyTime nextAt() const { return nextAt_; }

 private:
  uint64_t rate_ = 0;
  SteadyTime nextAt_{};
};

// Probe trailer: the last kProbeSize bytes of every RTP payload we send.
//   magic "RLD1" | source (u32) | counter (u32) | send time (u64, steady clock ns)
constexpr uint32_t kProbeMagic = 0x524C4431;
constexpr size_t kProbeSize = 20;

struct Probe {
  uint32_t source = 0;  // publisher index * 2 + (0 audio, 1 video)
  uint32_t counter = 0;
  uint64_t sendNs = 0;
};
inline uint32_t probeSource(uint32_t publisherIndex, bool video) {
  return publisherIndex * 2 + (video ? 1 : 0);
}
// Writes into the last kProbeSize bytes of `payload`; false if it is shorter.
bool writeProbe(MutableBytes payload, const Probe& p);
// Reads the trailer of an RTP payload; nullopt if too short or the magic does not match.
std::optional<Probe> readProbe(Bytes payload);

// RFC 7741 §4.2 VP8 payload descriptor, in the form browsers send: X=1 with a 15-bit PictureID
// (I=1, M=1), no TL0PICIDX/TID/KEYIDX. Always 4 bytes.
struct Vp8Descriptor {
  bool nonReference = false;      // N
  bool startOfPartition = false;  // S
  uint8_t partitionIndex = 0;     // PID (3 bits)
  uint16_t pictureId = 0;         // 15 bits
};
constexpr size_t kVp8DescriptorSize = 4;
size_t writeVp8Descriptor(MutableBytes out, const Vp8Descriptor& d);  // 0 if it does not fit
// Parses any RFC 7741 descriptor (7- or 15-bit PictureID, optional L/T/K fields): its size and
// fields, or nullopt if truncated.
struct ParsedVp8Descriptor {
  Vp8Descriptor fields;
  size_t size = 0;
};
std::optional<ParsedVp8Descriptor> parseVp8Descriptor(Bytes payload);

// RFC 7741 §4.3 / RFC 6386 §9.1: the VP8 payload header starting the first partition: the 3-byte
// frame tag (P bit clear on key frames) and, on key frames, start code and dimensions (7 bytes).
constexpr size_t kVp8KeyHeaderSize = 10;
constexpr size_t kVp8InterHeaderSize = 3;
size_t writeVp8PayloadHeader(MutableBytes out, bool keyFrame, uint32_t firstPartitionSize,
                             uint16_t width, uint16_t height);
// True if `payload` (after the descriptor) starts a key frame: P bit clear.
bool isVp8KeyFrameHeader(Bytes afterDescriptor);

// Video frame sizing: bitrate / 8 / fps bytes of RTP payload per frame, key frames kKeyFrameFactor
// times larger; split into the fewest packets of at most maxPayload bytes, of nearly equal size.
constexpr uint32_t kKeyFrameFactor = 3;
struct FramePlan {
  uint32_t totalBytes = 0;
  uint32_t packets = 0;
  uint32_t packetBytes(uint32_t i) const;  // size of packet i's payload
};
FramePlan planFrame(uint32_t bitrateBps, uint32_t fps, bool keyFrame, uint32_t maxPayload,
                    uint32_t minPacket);

}  // namespace rounds::load
