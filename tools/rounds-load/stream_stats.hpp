// Receive-side accounting for the load generator: loss, duplicates and reordering from a wrapping
// counter (RFC 3550 §A.1 style extension), one-way latency samples and percentiles, interarrival
// jitter (RFC 3550 §6.4.1, on send/arrival times in ns rather than RTP timestamps).
// Threading: value types; a StreamStats belongs to the thread that feeds it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace rounds::load {

// Tracks a counter of `bits` bits (16 for RTP sequence numbers, 32 for our probe counter), extended
// to 64 bits across wraps. Remembers the last kWindow values to tell duplicates from late packets.
class SequenceTracker {
 public:
  static constexpr uint64_t kWindow = 4096;
  enum class Outcome { First, InOrder, Reordered, Duplicate, TooOld };

  explicit SequenceTracker(unsigned bits = 32);
  Outcome add(uint32_t value);

  uint64_t received() const { return received_; }  // distinct values counted
  uint64_t duplicates() const { return duplicates_; }
  uint64_t reordered() const { return reordered_; }
  uint64_t tooOld() const { return tooOld_; }
  // highest - lowest + 1 over the distinct values seen; 0 before the first.
  uint64_t expected() const { return received_ == 0 ? 0 : highest_ - base_ + 1; }
  uint64_t lost() const { return expected() > received_ ? expected() - received_ : 0; }
  int64_t highestExtended() const { return highest_; }

 private:
  bool seen(int64_t ext) const;
  void mark(int64_t ext, bool on);

  uint64_t mask_;
  int64_t half_;
  int64_t base_ = 0;
  int64_t highest_ = 0;
  uint64_t received_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t reordered_ = 0;
  uint64_t tooOld_ = 0;
  std::array<uint64_t, kWindow / 64> window_{};
};

// Nearest-rank percentile (p in [0, 100]) of unsorted samples; sorts `samples` in place.
// nullopt when there are none.
std::optional<int64_t> percentile(std::vector<int64_t>& samples, double p);

struct LatencySummary {
  size_t count = 0;
  double p50Ms = 0;
  double p99Ms = 0;
  double maxMs = 0;
  double meanMs = 0;
};
// Summarises latency samples in nanoseconds (sorts them).
LatencySummary summarizeLatency(std::vector<int64_t>& samplesNs);

// RFC 3550 §6.4.1: J += (|D| - J) / 16, D the change in transit time between consecutive packets.
class JitterEstimator {
 public:
  void add(int64_t sendNs, int64_t arrivalNs);
  double jitterMs() const { return jitterNs_ / 1e6; }

 private:
  bool have_ = false;
  int64_t lastTransit_ = 0;
  double jitterNs_ = 0;
};

// Everything measured about one received stream (one publisher's audio or video at one receiver).
class StreamStats {
 public:
  StreamStats();
  // `counter` from the probe, `rtpSeq` as the SFU rewrote it, times on the steady clock in ns.
  void add(uint32_t counter, uint16_t rtpSeq, int64_t sendNs, int64_t arrivalNs, size_t bytes);

  const SequenceTracker& counter() const { return counter_; }
  const SequenceTracker& rtpSeq() const { return rtpSeq_; }
  const JitterEstimator& jitter() const { return jitter_; }
  std::vector<int64_t>& latencies() { return latenciesNs_; }
  const std::vector<int64_t>& latencies() const { return latenciesNs_; }
  uint64_t packets() const { return packets_; }  // every arrival, duplicates included
  uint64_t bytes() const { return bytes_; }
  int64_t firstArrivalNs() const { return firstArrivalNs_; }
  int64_t lastArrivalNs() const { return lastArrivalNs_; }
  void countKeyFrame() { ++keyFrames_; }
  uint64_t keyFrames() const { return keyFrames_; }

 private:
  SequenceTracker counter_{32};
  SequenceTracker rtpSeq_{16};
  JitterEstimator jitter_;
  std::vector<int64_t> latenciesNs_;
  uint64_t packets_ = 0;
  uint64_t bytes_ = 0;
  int64_t firstArrivalNs_ = 0;
  int64_t lastArrivalNs_ = 0;
  uint64_t keyFrames_ = 0;
};

}  // namespace rounds::load
