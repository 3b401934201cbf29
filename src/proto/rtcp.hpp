// RTCP (RFC 3550 §6, RFC 4585, RFC 5104): walk compound packets, read the reports and feedback
// an SFU acts on, and write the ones it sends. No I/O, no exceptions, no heap allocation.
// Threading: stateless functions and views; safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "common/bytes.hpp"

namespace rounds::rtcp {

constexpr uint8_t kSenderReport = 200;
constexpr uint8_t kReceiverReport = 201;
constexpr uint8_t kSdes = 202;
constexpr uint8_t kBye = 203;
constexpr uint8_t kApp = 204;
constexpr uint8_t kRtpFeedback = 205;    // FMT 1 generic NACK, 15 transport-cc
constexpr uint8_t kPayloadFeedback = 206;  // FMT 1 PLI, 4 FIR, 15 REMB (AFB)
constexpr uint8_t kExtendedReport = 207;   // RFC 3611 XR: RRTR (BT 4), DLRR (BT 5)

// One packet of a compound: header fields and its bytes (header included).
struct PacketView {
  uint8_t packetType = 0;
  uint8_t count = 0;  // RC / SC / FMT (5 bits)
  Bytes bytes;        // whole packet, 4 * (length + 1) bytes, less its padding if P is set
  uint32_t senderSsrc() const;  // first word after the header (0 if too short)
};

// Iterates the packets of a compound packet. valid() is false after a malformed packet (the
// iteration then stops): callers drop the whole compound in that case. Malformed: an empty
// compound, version != 2, a length or padding count past the end, trailing bytes (RFC 3550 §A.2).
class CompoundReader {
 public:
  explicit CompoundReader(Bytes compound) : data_(compound) {}
  // Returns the next packet, or nullopt at the end or on malformed input (then valid() == false).
  std::optional<PacketView> next();
  bool valid() const { return valid_; }

 private:
  Bytes data_;
  size_t pos_ = 0;
  bool valid_ = true;
};

struct ReportBlock {
  uint32_t ssrc = 0;
  uint8_t fractionLost = 0;
  int32_t cumulativeLost = 0;  // 24-bit signed
  uint32_t highestSeq = 0;     // extended highest sequence number received
  uint32_t jitter = 0;
  uint32_t lastSr = 0;
  uint32_t delaySinceLastSr = 0;
};

struct SenderInfo {
  uint64_t ntpTimestamp = 0;
  uint32_t rtpTimestamp = 0;
  uint32_t packetCount = 0;
  uint32_t octetCount = 0;
};

// RFC 3550 §6.4.1 / RFC 3611 §4.4-4.5: a report echoes an NTP timestamp in compact form (its
// middle 32 bits: LSR, LRR) with the delay since it arrived in units of 1/65536 s (DLSR, DLRR).
inline uint32_t compactNtp(uint64_t ntpTimestamp) {
  return static_cast<uint32_t>(ntpTimestamp >> 16);
}
// A delay in those units (a negative one counts as 0; beyond 18 hours it wraps).
inline uint32_t toDelayUnits(std::chrono::microseconds delay) {
  if (delay.count() <= 0) return 0;
  return static_cast<uint32_t>((static_cast<uint64_t>(delay.count()) << 16) / 1'000'000);
}
// And back (exact to the microsecond below).
inline std::chrono::microseconds fromDelayUnits(uint32_t units) {
  return std::chrono::microseconds((static_cast<uint64_t>(units) * 1'000'000) >> 16);
}

// Readers for a single packet view. Each returns nullopt/false if the packet is too short.
std::optional<SenderInfo> senderInfo(const PacketView& p);  // SR only
// Report blocks of an SR or RR; writes up to out.size() and returns how many were read.
size_t reportBlocks(const PacketView& p, std::span<ReportBlock> out);
// PLI (PSFB FMT 1): the media source SSRC.
std::optional<uint32_t> pliMediaSsrc(const PacketView& p);
// FIR (PSFB FMT 4, RFC 5104 §4.3.1): the first FCI entry's SSRC and sequence number.
struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t seq = 0;
};
std::optional<FirEntry> firEntry(const PacketView& p);
// Generic NACK (RTPFB FMT 1, RFC 4585 §6.2.1): media SSRC, then calls visit(seq) for every
// sequence number the FCI entries name. Returns the media SSRC, or nullopt if malformed.
template <typename F>
std::optional<uint32_t> forEachNack(const PacketView& p, F&& visit);
// REMB (PSFB FMT 15 "REMB"): bitrate in bits per second and the SSRCs it applies to.
// nullopt also when the identifier is not "REMB", the SSRC list overruns the packet, or the
// exponent/mantissa pair does not fit in 64 bits.
std::optional<uint64_t> rembBitrate(const PacketView& p);
// The SSRCs a valid REMB applies to; writes up to out.size() and returns how many were written.
size_t rembSsrcs(const PacketView& p, std::span<uint32_t> out);
// SDES (RFC 3550 §6.5.1): the CNAME of the first chunk; it points into the packet's bytes.
std::optional<std::string_view> sdesCname(const PacketView& p);
// BYE: the SSRCs leaving; returns how many were written into out.
size_t byeSsrcs(const PacketView& p, std::span<uint32_t> out);
// XR DLRR sub-block (RFC 3611 §4.5): a receiver's answer to our RRTR, in the same form as an
// SR's LSR/DLSR: the RRTR sender's SSRC, the middle 32 bits of the RRTR's NTP time, the delay
// since it arrived (1/65536 s).
struct DlrrItem {
  uint32_t ssrc = 0;
  uint32_t lastRr = 0;
  uint32_t delaySinceLastRr = 0;
};
// Calls visit(blockType, body) for every report block of an XR packet (RFC 3611 §3; `body` is
// what follows the block's 4-byte header). False if the packet is not XR or a block overruns
// it (blocks already visited stay visited).
template <typename F>
bool forEachXrBlock(const PacketView& p, F&& visit);
// Calls visit(DlrrItem) for every sub-block of every DLRR block of an XR packet; other block
// types are skipped. False as forEachXrBlock.
template <typename F>
bool forEachDlrr(const PacketView& p, F&& visit);
// The NTP timestamp of the first RRTR block of an XR packet (RFC 3611 §4.4), if it has one.
std::optional<uint64_t> xrRrtr(const PacketView& p);

// Writers return bytes written into `out`, 0 if it does not fit. Each writes one packet; append
// several into one buffer to build a compound.
size_t writeSenderReport(MutableBytes out, uint32_t ssrc, const SenderInfo& info,
                         std::span<const ReportBlock> blocks);
size_t writeReceiverReport(MutableBytes out, uint32_t ssrc, std::span<const ReportBlock> blocks);
size_t writeSdesCname(MutableBytes out, uint32_t ssrc, std::string_view cname);
size_t writePli(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc);
size_t writeFir(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t seq);
// Packs seqs into PID+BLP entries in the order given (sort them in RTP order, wrap-aware, for
// the fewest entries); 0 for an empty list. A caller with a long list splits it per MTU.
size_t writeNack(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc,
                 std::span<const uint16_t> seqs);
// The bitrate is rounded down to what 18 bits of mantissa can carry.
size_t writeRemb(MutableBytes out, uint32_t senderSsrc, uint64_t bitrate,
                 std::span<const uint32_t> ssrcs);
// BYE without a reason (RFC 3550 §6.6), at most 31 SSRCs.
size_t writeBye(MutableBytes out, std::span<const uint32_t> ssrcs);
// XR with one Receiver Reference Time block (RFC 3611 §4.4): a receiver's own NTP time, which
// the media sender echoes in a DLRR block so that the receiver learns its round trip.
size_t writeXrRrtr(MutableBytes out, uint32_t ssrc, uint64_t ntpTimestamp);
// XR with one DLRR block (RFC 3611 §4.5) of up to 31 items: the answer to others' RRTRs.
size_t writeXrDlrr(MutableBytes out, uint32_t ssrc, std::span<const DlrrItem> items);

// ---- template implementation ----
template <typename F>
std::optional<uint32_t> forEachNack(const PacketView& p, F&& visit) {
  if (p.packetType != kRtpFeedback || p.count != 1 || p.bytes.size() < 12) return std::nullopt;
  uint32_t media = readU32(p.bytes.data() + 8);
  for (size_t off = 12; off + 4 <= p.bytes.size(); off += 4) {
    uint16_t pid = readU16(p.bytes.data() + off);
    uint16_t blp = readU16(p.bytes.data() + off + 2);
    visit(pid);
    for (int i = 0; i < 16; ++i)
      if (blp & (1u << i)) visit(static_cast<uint16_t>(pid + i + 1));
  }
  return media;
}

template <typename F>
bool forEachXrBlock(const PacketView& p, F&& visit) {
  // RFC 3611 §3: header, SSRC of the XR's sender, then blocks of BT, a type-specific byte and a
  // length in 32-bit words after the block's own first word.
  if (p.packetType != kExtendedReport || p.bytes.size() < 8) return false;
  size_t off = 8;
  while (off < p.bytes.size()) {
    if (off + 4 > p.bytes.size()) return false;
    const uint8_t type = p.bytes[off];
    const size_t end = off + 4 + 4 * size_t{readU16(p.bytes.data() + off + 2)};
    if (end > p.bytes.size()) return false;
    visit(type, p.bytes.subspan(off + 4, end - off - 4));
    off = end;
  }
  return true;
}

template <typename F>
bool forEachDlrr(const PacketView& p, F&& visit) {
  constexpr uint8_t kBlockDlrr = 5;
  return forEachXrBlock(p, [&](uint8_t type, Bytes body) {
    if (type != kBlockDlrr) return;
    for (size_t item = 0; item + 12 <= body.size(); item += 12)
      visit(DlrrItem{readU32(body.data() + item), readU32(body.data() + item + 4),
                     readU32(body.data() + item + 8)});
  });
}

}  // namespace rounds::rtcp
