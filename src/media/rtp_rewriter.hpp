// RtpRewriter: maps one consumer's incoming sequence numbers and timestamps onto a continuous
// outgoing sequence, also across a change of source (a publisher that re-joined, later a simulcast
// layer switch), so the subscriber's jitter buffer never sees a jump.
// Threading: belongs to one worker thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "proto/rtp.hpp"

namespace rounds {

class RtpRewriter {
 public:
  struct Out {
    uint16_t seq;
    uint32_t timestamp;
  };
  // `initialSeq` / `initialTs`: random starting points (RFC 3550 §5.1) for the outgoing stream.
  RtpRewriter(uint16_t initialSeq, uint32_t initialTs) : nextSeq_(initialSeq), lastTs_(initialTs) {}

  // Maps an incoming packet. `sourceSsrc` identifies the incoming stream; a change starts a new
  // mapping that continues right after the last packet sent. `nowTicks` is the current time in the
  // stream's clock (used for the timestamp gap across a switch).
  Out rewrite(uint32_t sourceSsrc, uint16_t seq, uint32_t ts, uint32_t nowTicks);
  bool started() const { return started_; }
  // A late packet (a repair, or reordered) of the current source from before the packet that
  // started the mapping: the subscriber began after it (at a key frame), so it must not be
  // forwarded, or it would land below the first number the subscriber saw.
  bool beforeStart(uint32_t sourceSsrc, uint16_t seq) const {
    return started_ && !resync_ && startNear_ && sourceSsrc == source_ &&
           rtp::seqNewer(startInSeq_, seq);
  }
  // The next packet starts a new mapping even from the same source (after a pause: the skipped
  // packets must not look lost to the subscriber).
  void resync() { resync_ = true; }
  uint32_t source() const { return source_; }
  // The mapping of the current source without advancing anything (for a retransmission).
  Out map(uint16_t seq, uint32_t ts) const {
    return {static_cast<uint16_t>(seq + offsetOf(seq)), ts + tsOffset_};
  }
  // The incoming sequence number an outgoing one was mapped from (current source only):
  // how a subscriber's NACK finds the publisher's packet.
  uint16_t sourceSeq(uint16_t outSeq) const;
  // The publisher's padding-only packet `seq` is not forwarded (RFC 3550 §5.1): later packets
  // close up behind it, so the subscriber sees no gap to NACK. Only the next packet in order can
  // be removed (an earlier one's number is already taken); false when it was not removed.
  bool skip(uint32_t sourceSsrc, uint16_t seq);

 private:
  bool started_ = false;
  bool resync_ = false;
  uint32_t source_ = 0;
  uint16_t seqOffset_ = 0;
  uint32_t tsOffset_ = 0;
  uint16_t nextSeq_;
  uint16_t highestInSeq_ = 0;
  // The incoming number that started the current mapping; only compared while the newest is
  // within kStartHorizon of it (later, no late packet can be that old, and the numbers wrap).
  uint16_t startInSeq_ = 0;
  bool startNear_ = false;
  static constexpr uint16_t kStartHorizon = 8192;
  uint32_t lastTs_;
  uint32_t lastTick_ = 0;
  // Sequence numbers skipped in the current source: packets before one of them map one higher
  // than the current offset says. Entries far behind (beyond any history) are pruned.
  uint16_t offsetOf(uint16_t seq) const;
  static constexpr size_t kMaxSkipped = 256;
  std::array<uint16_t, kMaxSkipped> skipped_{};
  size_t skippedHead_ = 0;
  size_t skippedCount_ = 0;
};

}  // namespace rounds
