// Loss recovery as a browser does it, for the load generator (docs/load.md, "Loss recovery"):
// a receiver NACKs the video packets it misses (RFC 4585 §6.2.1) and takes their retransmissions
// on the RTX stream (RFC 4588); a publisher keeps what it sent for a second and answers NACKs
// from it. The gap bookkeeping is the server's own NackGenerator (media/nack_generator.hpp).
// Threading: value types; each belongs to the participant (run loop thread) that owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "common/clock.hpp"
#include "media/nack_generator.hpp"
#include "proto/rtp.hpp"

namespace rounds::load {

// One received video stream's missing packets. The NackGenerator's table (6 KB) is made only
// when the stream first loses a packet: hundreds of viewers that lose nothing carry 4 bytes.
class ReceiveRepair {
 public:
  // Every packet of the stream, media or unwrapped from RTX. newMissing: a gap opened, which a
  // browser NACKs at once rather than at its next timer; keyFrameNeeded: a hole too large to
  // repair packet by packet (ask for a key frame instead).
  NackGenerator::Result onPacket(uint16_t seq, TimePoint now);
  // The sequence numbers to NACK now (RTP order), noted as asked; see NackGenerator::collect.
  size_t collect(TimePoint now, std::span<uint16_t> out, Millis retryInterval);
  size_t missing() const { return nack_ ? nack_->missing() : 0; }
  uint64_t recovered() const { return nack_ ? nack_->recovered() : 0; }
  uint64_t abandoned() const { return nack_ ? nack_->abandoned() : 0; }

 private:
  bool started_ = false;
  uint16_t highest_ = 0;
  std::unique_ptr<NackGenerator> nack_;
};

// What a publisher sent on its video stream, as plain RTP (before SRTP), for a second: the
// retransmissions a NACK asks for. Slots are indexed by sequence number; the ring (slots x 1,200
// bytes) is allocated by the first store.
class SentHistory {
 public:
  static constexpr size_t kMaxPacket = 1200;
  static constexpr Millis kMaxAge{1000};

  explicit SentHistory(size_t slots = 512) : slotCount_(slots) {}
  // Keeps `packet` (at most kMaxPacket bytes; longer ones are not kept).
  void store(Bytes packet, uint16_t seq, TimePoint now);
  // The packet sent with `seq`, if it is still held and younger than kMaxAge: a view over the
  // history's own copy, to be read (by rtx::wrap, or copied out), not written.
  std::optional<rtp::RtpView> find(uint16_t seq, TimePoint now);

 private:
  struct Slot {
    bool used = false;
    uint16_t seq = 0;
    uint16_t size = 0;
    TimePoint sentAt{};
    uint8_t data[kMaxPacket];
  };
  size_t slotCount_;
  std::vector<Slot> slots_;
};

}  // namespace rounds::load
