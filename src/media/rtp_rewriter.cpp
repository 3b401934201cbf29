#include "media/rtp_rewriter.hpp"

#include "proto/rtp.hpp"

namespace rounds {

RtpRewriter::Out RtpRewriter::rewrite(uint32_t sourceSsrc, uint16_t seq, uint32_t ts,
                                      uint32_t nowTicks) {
  if (!started_ || sourceSsrc != source_ || resync_) {
    resync_ = false;
    // New source: the first packet continues right after the last one sent. The timestamp moves
    // on by the wall time that passed (at least one tick) so playout keeps its pace.
    uint32_t elapsed = started_ ? nowTicks - lastTick_ : 0;
    if (started_ && elapsed == 0) elapsed = 1;
    uint32_t outTs = lastTs_ + elapsed;
    seqOffset_ = static_cast<uint16_t>(nextSeq_ - seq);
    tsOffset_ = outTs - ts;
    source_ = sourceSsrc;
    highestInSeq_ = seq;
    started_ = true;
  }
  Out out{static_cast<uint16_t>(seq + seqOffset_), ts + tsOffset_};
  // Only in-order packets advance the continuation point; a late (reordered or retransmitted)
  // packet keeps its own mapped number.
  if (rtp::seqNewer(seq, highestInSeq_) || seq == highestInSeq_) {
    highestInSeq_ = seq;
    nextSeq_ = static_cast<uint16_t>(out.seq + 1);
    lastTs_ = out.timestamp;
    lastTick_ = nowTicks;
  }
  return out;
}

}  // namespace rounds
