// rounds-netem's scheduling logic for one direction of the emulated link: random loss, a rate
// limit (token bucket feeding a bounded drop-tail queue), then delay plus jitter, in order unless
// reordering is asked for. Pure: no clock, no I/O, so the unit tests drive it with their own times.
// Threading: value types; a DirectionModel belongs to the thread that feeds it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace rounds::netem {

// What one direction does to packets. All zero: a plain wire.
struct Impairment {
  double lossPercent = 0;      // each packet independently, before the queue
  uint32_t delayMs = 0;        // one-way base delay
  uint32_t jitterMs = 0;       // uniform in [-jitter, +jitter] around delay, clamped at 0
  uint32_t rateKbps = 0;       // token bucket rate; 0: unlimited
  uint32_t burstBytes = 3000;  // bucket depth (a couple of MTUs)
  uint32_t queuePackets = 50;  // packets waiting for tokens before drop-tail
  bool reorder = false;        // let jitter reorder packets (off: a packet never overtakes another)

  bool operator==(const Impairment&) const = default;
};

// Parses "loss=5 delay=50 jitter=10 rate=300 burst=3000 queue=50 reorder=1" (any order, any
// subset; missing keys keep `base`). Returns nullopt on an unknown key or a bad value.
std::optional<Impairment> parseImpairment(std::string_view text, const Impairment& base = {});
std::string describe(const Impairment& impairment);

// Both directions of the link. A and B are the two namespaces rounds-netem joins.
struct LinkSettings {
  Impairment aToB;
  Impairment bToA;
  bool operator==(const LinkSettings&) const = default;
};

// The control file (re-read on SIGUSR1): one line per direction, "a-to-b <impairment>",
// "b-to-a <impairment>" or "both <impairment>"; '#' starts a comment. Lines apply in order over
// plain wires, so a file without a line lifts every impairment. nullopt on any bad line.
std::optional<LinkSettings> parseControl(std::string_view text);

// Counters of one direction, printed on exit.
struct DirectionCounters {
  uint64_t packets = 0;       // offered to the model
  uint64_t bytes = 0;
  uint64_t lost = 0;          // dropped by random loss
  uint64_t queueDrops = 0;    // dropped by the full queue (drop-tail)
  uint64_t delayed = 0;       // scheduled later than their arrival
  uint64_t rateLimited = 0;   // had to wait for tokens
  uint64_t totalDelayUs = 0;  // summed over forwarded packets (release - arrival)
  uint64_t maxDelayUs = 0;
};

class DirectionModel {
 public:
  // The time a forwarded packet is released, or nullopt when it is dropped. Times are microseconds
  // on any monotonic clock; arrivals must not go backwards.
  using Verdict = std::optional<uint64_t>;

  explicit DirectionModel(uint64_t seed, Impairment impairment = {});

  // A new setting applies to packets arriving from now on; those already scheduled keep their time.
  void setImpairment(const Impairment& impairment);
  const Impairment& impairment() const { return impairment_; }

  Verdict onPacket(uint64_t nowUs, size_t bytes);

  // Packets waiting for tokens at `nowUs` (those whose bottleneck departure is still ahead).
  size_t queued(uint64_t nowUs);
  const DirectionCounters& counters() const { return counters_; }

 private:
  static constexpr size_t kMaxQueue = 1024;  // ring capacity; queuePackets is clamped to it

  Impairment impairment_;
  std::mt19937_64 rng_;
  DirectionCounters counters_;
  // Token bucket (RFC 2697's single-rate idea, one bucket): tokens_ bytes at tokenTimeUs_; a
  // FIFO queue means a packet departs once those before it have and the bucket holds its size.
  double tokens_ = 0;
  uint64_t tokenTimeUs_ = 0;
  bool bucketStarted_ = false;
  // Bottleneck departure times of packets still queued, oldest first (a ring).
  std::array<uint64_t, kMaxQueue> departures_{};
  size_t head_ = 0;
  size_t count_ = 0;
  uint64_t lastReleaseUs_ = 0;  // keeps order when reorder is off
};

}  // namespace rounds::netem
