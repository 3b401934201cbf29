// Transport-wide congestion control state of one peer (draft-holmer-rmcat-transport-wide-cc-
// extensions-01): the arrivals of a publisher's transport sequence numbers, turned into feedback
// every tick (TwccRecorder), and what we sent a subscriber, stamped with our own transport sequence
// numbers (SendHistory). Fixed rings allocated once per peer: nothing is allocated per packet.
// Threading: belongs to its peer's worker thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"

namespace rounds {

// Receive side, towards a publisher whose browser runs the send-side estimator.
class TwccRecorder {
 public:
  static constexpr size_t kSlots = 4096;  // > 1 s of packets at 3,000 packets/s

  TwccRecorder() { slotSeq_.fill(-1); }
  void onPacket(uint16_t seq, int64_t arrivalUs);
  bool pending() const { return started_ && next_ <= highest_; }
  // Writes one feedback packet for the packets not reported yet; 0 when there is nothing to
  // report or `out` is too small. Call again until 0: a long gap may need several packets.
  size_t buildFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc);
  uint64_t feedbacksBuilt() const { return feedbacks_; }

 private:
  std::array<int64_t, kSlots> arrivals_{};  // by unwrapped seq % kSlots; -1 none
  std::array<int64_t, kSlots> slotSeq_{};   // which unwrapped seq the slot holds (-1: none)
  bool started_ = false;
  int64_t highest_ = 0;  // unwrapped
  int64_t next_ = 0;     // first unwrapped seq not yet reported
  uint8_t feedbackCount_ = 0;
  uint64_t feedbacks_ = 0;
};

// Send side, towards a subscriber: what went out with which transport sequence number.
class SendHistory {
 public:
  static constexpr size_t kSlots = 4096;  // > 1 s of packets; feedback comes every 100 ms

  struct Entry {
    int64_t sendUs = -1;
    uint16_t size = 0;
    uint16_t seq = 0;
    bool reported = false;  // feedback already counted (a repeated report is not counted twice)
    uint8_t probeCluster = 0;  // a bandwidth probe's padding: its cluster id (0: media)
  };

  // The next transport sequence number to stamp (does not consume it).
  uint16_t nextSeq() const { return nextSeq_; }
  // Remembers a packet sent with nextSeq() and advances it; `probeCluster`: probe padding.
  void onSent(int64_t sendUs, size_t size, uint8_t probeCluster = 0);
  // Skips a sequence number that was stamped but not sent (e.g. protection failed).
  void skip() { ++nextSeq_; }
  // The packet sent with `seq`, if it is still in the ring.
  Entry* find(uint16_t seq);
  // Fan-out prefetch hints (Peer::prefetchForSend): the line holding the next sequence number
  // (no load), then the ring slot the next onSent writes (reads that number).
  void prefetchHead() const { __builtin_prefetch(&nextSeq_); }
  void prefetchSlot() const { __builtin_prefetch(&ring_[nextSeq_ % kSlots], 1); }

 private:
  std::array<Entry, kSlots> ring_{};
  uint16_t nextSeq_ = 1;
};

}  // namespace rounds
