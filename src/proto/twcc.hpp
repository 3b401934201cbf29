// Transport-wide congestion control on the wire (draft-holmer-rmcat-transport-wide-cc-extensions-01):
// the 2-byte transport sequence number header extension and the RTCP transport feedback (RTPFB
// FMT 15). Read and write in place; no I/O, no exceptions, no heap allocation.
// Threading: stateless functions and value types; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "common/bytes.hpp"

namespace rounds::twcc {

inline constexpr const char* kExtensionUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr uint8_t kFmtTransportCc = 15;  // RTPFB (PT 205), draft §3.1
inline constexpr int64_t kDeltaUnitUs = 250;     // receive deltas: multiples of 250 µs (§3.1.5)
inline constexpr int64_t kReferenceUnitUs = 64000;  // reference time: multiples of 64 ms (§3.1)
inline constexpr int64_t kNotReceived = -1;      // an arrival time the writer reports as lost
inline constexpr size_t kMaxFeedbackPackets = 1024;  // packets one feedback we write covers

// Draft §2: the extension's data is the 16-bit sequence number, big-endian.
std::optional<uint16_t> readSequence(Bytes extensionData);
bool writeSequence(MutableBytes extensionData, uint16_t seq);

// Packet status symbols (draft §3.1.1).
enum class Symbol : uint8_t { NotReceived = 0, SmallDelta = 1, LargeDelta = 2, Reserved = 3 };

struct FeedbackHeader {
  uint32_t senderSsrc = 0;
  uint32_t mediaSsrc = 0;
  uint16_t baseSeq = 0;
  uint16_t statusCount = 0;
  int32_t referenceTime = 0;  // 24-bit signed, in units of 64 ms
  uint8_t feedbackCount = 0;  // feedback packet count, wraps at 256
};

struct PacketStatus {
  uint16_t seq = 0;
  bool received = false;
  // referenceTime * 64 ms + the sum of the deltas up to this packet; meaningful if received.
  int64_t arrivalUs = 0;
};

// Walks one transport feedback packet: parse() checks the whole packet (chunks cover the status
// count, every delta is inside the packet, no reserved symbol) before the first next().
class FeedbackReader {
 public:
  // `packet` is one RTCP packet, its 4-byte header included (rtcp::PacketView::bytes).
  static std::optional<FeedbackReader> parse(Bytes packet);
  const FeedbackHeader& header() const { return header_; }
  // The next packet's status, in sequence order; false after statusCount packets.
  bool next(PacketStatus& out);

 private:
  bool nextSymbol(Symbol& out);  // from the chunks, no bounds left to check after parse()

  Bytes data_;
  FeedbackHeader header_;
  size_t chunkPos_ = 0;
  size_t deltaPos_ = 0;
  uint16_t chunk_ = 0;
  unsigned chunkLeft_ = 0;   // symbols left in the current chunk
  unsigned chunkIndex_ = 0;  // symbols already taken from it
  unsigned emitted_ = 0;
  int64_t timeUs_ = 0;
};

struct WriteResult {
  size_t bytes = 0;    // bytes written into out (0: nothing written)
  size_t packets = 0;  // how many of the arrivals it covers, from baseSeq on
};

// Writes one feedback packet for baseSeq, baseSeq + 1, ... with arrivalsUs[i] the arrival of
// baseSeq + i in µs (>= 0), or kNotReceived. It stops early where the packet would overflow `out`
// or a delta would not fit in 16 bits, and after kMaxFeedbackPackets (the caller sends the rest in another packet). At least one
// of the covered packets must have arrived: otherwise nothing is written.
WriteResult writeFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc,
                          uint16_t baseSeq, uint8_t feedbackCount,
                          std::span<const int64_t> arrivalsUs);

}  // namespace rounds::twcc
