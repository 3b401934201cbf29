// ProbeController: bandwidth probing towards one subscriber (the idea of GCC's probe controller,
// draft-ietf-rmcat-gcc-02 §5 + libwebrtc's design): a short cluster of padding at a multiple of the
// estimate, whose delivered rate, read from transport-cc feedback, may raise the estimate above
// what we already send. Decides when to probe, paces the cluster and computes its result; the
// Peer sends the padding packets and feeds back what the subscriber reported about them.
// Threading: belongs to its peer's worker thread. Fixed-size state: no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace rounds {

class ProbeController {
 public:
  struct Config {
    int64_t clusterUs = 20'000;       // a cluster is sent over this long (15-30 ms)
    int64_t paceUs = 5'000;           // the worker's probe timer: padding goes out in steps
    uint32_t minPackets = 5;          // fewer packets say nothing about the link
    uint32_t paddingBytes = 255;      // RFC 3550 §5.1: the padding count is one byte
    double firstFactor = 3.0;         // the first probe of a subscriber: 3x its estimate
    double growFactor = 2.0;          // later ones: 2x
    double capHeadroom = 1.1;         // never probe beyond the wanted rate (+ this margin)
    double continueFraction = 0.7;    // a result this close to its target probes again at once
    int64_t minIntervalUs = 200'000;  // between two cluster starts, whatever happened
    int64_t periodicUs =
        3'000'000;  // after a failure or a full link (a lifted limit is found within this)
    int64_t resultTimeoutUs = 1'000'000;  // feedback for a cluster must come within this
    double maxLoss = 0.1;                 // a cluster losing more than this raises nothing
    double saturatedRatio = 1.2;          // receive rate this far below send rate: link is full
  };
  // What the peer knows at a tick.
  struct Inputs {
    std::optional<uint32_t> estimateBps;  // the current downlink estimate
    uint32_t wantedBps = 0;               // what the wanted layers need (0: nothing to climb to)
    bool canProbe = false;                // an unpaused video consumer with RTX to carry padding
  };
  enum class State { Idle, Sending, Waiting };

  ProbeController() : ProbeController(Config{}) {}
  explicit ProbeController(Config config) : config_(config) {}

  // Every worker tick: starts a cluster when one is due. True when it started one.
  bool onTick(const Inputs& in, int64_t nowUs);
  // Bytes of padding to send now to keep the cluster on its pace; 0 when none is due.
  size_t paddingDue(int64_t nowUs) const;
  // One padding packet of the current cluster went out (`wireBytes` on the wire).
  void onProbeSent(size_t wireBytes, int64_t nowUs);
  // The padding cannot be sent (no consumer to carry it any more): the cluster ends unmeasured.
  void abort(int64_t nowUs);
  bool sending() const { return state_ == State::Sending; }
  State state() const { return state_; }
  // The id stamped on this cluster's packets in the send history (1-255; 0 is "not a probe").
  uint8_t clusterId() const { return clusterId_; }
  uint32_t targetBps() const { return targetBps_; }

  // Transport feedback about one probe packet (from the send history). `arrivalUs` < 0: lost.
  void onProbeFeedback(uint8_t cluster, int64_t sendUs, int64_t arrivalUs, uint32_t size);
  // After each transport feedback: the delivered rate of the finished cluster, once; nullopt if
  // it is not finished or raised nothing (over-use, loss, too few packets).
  std::optional<uint32_t> takeResult(bool overusing, int64_t nowUs);

  uint64_t clustersSent() const { return clusters_; }
  uint64_t successes() const { return successes_; }
  uint64_t paddingBytesSent() const { return paddingBytes_; }
  std::optional<uint32_t> lastResultBps() const { return lastResult_; }

 private:
  void finish(bool success, bool probeAgain, int64_t nowUs);

  Config config_;
  State state_ = State::Idle;
  uint8_t clusterId_ = 0;
  uint32_t targetBps_ = 0;
  size_t clusterBytes_ = 0;
  size_t sentBytes_ = 0;
  uint32_t sentPackets_ = 0;
  int64_t startUs_ = 0;
  int64_t durationUs_ = 20'000;
  int64_t deadlineUs_ = 0;
  int64_t lastStartUs_ = -1;
  int64_t nextProbeUs_ = 0;
  bool probedBefore_ = false;
  // Feedback of the current cluster.
  uint32_t reported_ = 0;
  uint32_t received_ = 0;
  uint64_t bytes_ = 0;
  int64_t firstSendUs_ = 0, lastSendUs_ = 0, firstArrivalUs_ = 0, lastArrivalUs_ = 0;
  uint32_t lastSentSize_ = 0;      // excluded from the send rate (its bytes left after the spread)
  uint32_t firstArrivedSize_ = 0;  // excluded from the receive rate (arrived before the spread)
  uint64_t clusters_ = 0;
  uint64_t successes_ = 0;
  uint64_t paddingBytes_ = 0;
  std::optional<uint32_t> lastResult_;
};

}  // namespace rounds
