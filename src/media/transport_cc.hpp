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
#include "common/low_bits.hpp"

namespace rounds {

// Receive side, towards a publisher whose browser runs the send-side estimator.
class TwccRecorder {
 public:
  // Packets between two feedbacks (every 100 ms): 0.68 s of them at 3,000 packets/s. 8 bytes a
  // slot, 16 KB per publishing peer (and per rounds-load leg, which records what it receives).
  static constexpr size_t kSlots = 2048;

  void onPacket(uint16_t seq, int64_t arrivalUs);
  bool pending() const { return started_ && next_ <= highest_; }
  // Writes one feedback packet for the packets not reported yet; 0 when there is nothing to
  // report or `out` is too small. Call again until 0: a long gap may need several packets.
  size_t buildFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc);
  uint64_t feedbacksBuilt() const { return feedbacks_; }

 private:
  // By unwrapped seq % kSlots: which seq the slot holds (its low 32 bits + 1; 0: none) and when
  // it arrived (low 32 bits of the µs; the full time is reckoned back from the latest arrival).
  struct Slot {
    uint32_t seqPlusOne = 0;
    uint32_t arrivalUs = 0;
  };
  static_assert(sizeof(Slot) == 8);
  // The arrival of unwrapped seq `u`, or twcc::kNotReceived.
  int64_t arrivalOf(int64_t u) const;

  std::array<Slot, kSlots> slots_{};
  int64_t latestArrivalUs_ = 0;
  bool started_ = false;
  int64_t highest_ = 0;  // unwrapped
  int64_t next_ = 0;     // first unwrapped seq not yet reported
  uint8_t feedbackCount_ = 0;
  uint64_t feedbacks_ = 0;
};

// Send side, towards a subscriber: what went out with which transport sequence number. Every
// subscriber has one, so a slot is 8 bytes (4,096 of them: 32 KB per peer, not 64).
class SendHistory {
 public:
  static constexpr size_t kSlots = 4096;  // > 1 s of packets; feedback comes every 100 ms
  static constexpr size_t kMaxSize = 0xFFF;  // sizes are kept up to this (any RTP packet fits)

  struct Packet {
    int64_t sendUs = 0;
    uint16_t size = 0;
    uint8_t probeCluster = 0;  // a bandwidth probe's padding: its cluster id (0: media)
    bool reported = false;     // a feedback already counted it
  };

  // The next transport sequence number to stamp (does not consume it).
  uint16_t nextSeq() const { return nextSeq_; }
  // Remembers a packet sent with nextSeq() and advances it; `probeCluster`: probe padding.
  // Send times must not go backwards.
  void onSent(int64_t sendUs, size_t size, uint8_t probeCluster = 0);
  // Skips a sequence number that was stamped but not sent (e.g. protection failed).
  void skip() { ++nextSeq_; }
  // The packet sent with `seq`, if it is still in the ring.
  std::optional<Packet> find(uint16_t seq) const;
  // find() for a feedback: the packet the first time it is reported, nullopt after (a repeated
  // report is not counted twice).
  std::optional<Packet> takeReport(uint16_t seq);
  // Fan-out prefetch hints (Peer::prefetchForSend): the line holding the next sequence number
  // (no load), then the ring slot the next onSent writes (reads that number).
  void prefetchHead() const { __builtin_prefetch(&nextSeq_); }
  void prefetchSlot() const { __builtin_prefetch(&ring_[nextSeq_ % kSlots], 1); }

 private:
  static constexpr unsigned kSeqShift = 12;  // kSlots == 1 << 12: the slot is the seq's low bits
  static constexpr uint16_t kUsed = 0x100;
  static constexpr uint16_t kReported = 0x200;
  struct Slot {
    uint32_t sendUs = 0;      // low 32 bits (widenLow32 from the newest send)
    uint16_t seqAndSize = 0;  // the seq's top 4 bits, then the size's 12
    uint16_t flags = 0;       // kUsed | kReported | probe cluster (low 8 bits)
  };
  static_assert(sizeof(Slot) == 8);
  static_assert(kSlots == size_t{1} << kSeqShift);
  // The slot holding `seq`, if it does.
  std::optional<size_t> slotOf(uint16_t seq) const;
  Packet unpack(const Slot& s) const;

  std::array<Slot, kSlots> ring_{};
  uint16_t nextSeq_ = 1;
  int64_t lastSendUs_ = 0;  // the newest send time: a slot's full time is reckoned back from it
};

}  // namespace rounds
