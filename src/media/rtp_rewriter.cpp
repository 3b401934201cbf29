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
    startInSeq_ = seq;
    startNear_ = true;
    skippedCount_ = 0;  // a new mapping: earlier skips belong to the old one
    started_ = true;
  }
  // A late packet from before a skipped padding packet keeps the number it had then.
  bool inOrder = rtp::seqNewer(seq, highestInSeq_) || seq == highestInSeq_;
  uint16_t offset = inOrder || skippedCount_ == 0 ? seqOffset_ : offsetOf(seq);
  Out out{static_cast<uint16_t>(seq + offset), ts + tsOffset_};
  // Only in-order packets advance the continuation point; a late (reordered or retransmitted)
  // packet keeps its own mapped number.
  if (inOrder) {
    highestInSeq_ = seq;
    if (startNear_ && static_cast<uint16_t>(seq - startInSeq_) >= kStartHorizon) startNear_ = false;
    nextSeq_ = static_cast<uint16_t>(out.seq + 1);
    lastTs_ = out.timestamp;
    lastTick_ = nowTicks;
  }
  return out;
}

namespace {
// A skip this far behind the newest packet can no longer matter: no history is that long.
constexpr uint16_t kSkipHorizon = 4096;
}  // namespace

namespace {
bool atOrAfter(uint16_t a, uint16_t b) { return a == b || rtp::seqNewer(a, b); }
}  // namespace

uint16_t RtpRewriter::offsetOf(uint16_t seq) const {
  // Skips are kept in order, newest last: count those at or after `seq` from the newest back.
  uint16_t offset = seqOffset_;
  for (size_t i = skippedCount_; i > 0; --i) {
    if (!atOrAfter(skipped_[(skippedHead_ + i - 1) % kMaxSkipped], seq)) break;
    ++offset;
  }
  return offset;
}

uint16_t RtpRewriter::sourceSeq(uint16_t outSeq) const {
  // out = in + seqOffset_ + (skips at or after in): start as if there were none and step back
  // once per skip that turns out to lie at or after the candidate (newest first; one pass).
  uint16_t in = static_cast<uint16_t>(outSeq - seqOffset_);
  for (size_t i = skippedCount_; i > 0; --i) {
    if (!atOrAfter(skipped_[(skippedHead_ + i - 1) % kMaxSkipped], in)) break;
    --in;
  }
  return in;
}

bool RtpRewriter::skip(uint32_t sourceSsrc, uint16_t seq) {
  if (!started_ || resync_ || sourceSsrc != source_) return false;
  if (seq != static_cast<uint16_t>(highestInSeq_ + 1)) return false;
  while (skippedCount_ > 0 &&
         static_cast<uint16_t>(seq - skipped_[skippedHead_]) > kSkipHorizon) {
    skippedHead_ = (skippedHead_ + 1) % kMaxSkipped;
    --skippedCount_;
  }
  if (skippedCount_ == kMaxSkipped) return false;
  skipped_[(skippedHead_ + skippedCount_) % kMaxSkipped] = seq;
  ++skippedCount_;
  highestInSeq_ = seq;
  --seqOffset_;  // the next packet takes the number this one would have had
  return true;
}

}  // namespace rounds
