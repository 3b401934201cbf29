// RTCP compound walking, readers and writers (RFC 3550 §6, RFC 4585 §6, RFC 5104 §4.3.1,
// draft-alvestrand-rmcat-remb §2.2). Threading: stateless; safe from any thread.
#include "proto/rtcp.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace rounds::rtcp {

namespace {

constexpr uint8_t kVersion = 2;
constexpr size_t kHeaderSize = 4;
constexpr size_t kReportBlockSize = 24;     // RFC 3550 §6.4.1
constexpr size_t kSenderInfoSize = 20;      // RFC 3550 §6.4.1
constexpr size_t kFeedbackHeaderSize = 12;  // RFC 4585 §6.1: header, sender SSRC, media SSRC
constexpr uint8_t kMaxCount = 31;           // 5-bit RC / SC field
constexpr uint8_t kFmtNack = 1;             // RFC 4585 §6.2.1
constexpr uint8_t kFmtPli = 1;              // RFC 4585 §6.3.1
constexpr uint8_t kFmtFir = 4;              // RFC 5104 §4.3.1
constexpr uint8_t kFmtAfb = 15;             // RFC 4585 §6.4, REMB rides on it
constexpr uint8_t kSdesCname = 1;           // RFC 3550 §6.5.1
constexpr uint8_t kRembId[4] = {'R', 'E', 'M', 'B'};
constexpr unsigned kRembMantissaBits = 18;
constexpr uint64_t kRembMantissaMax = (uint64_t{1} << kRembMantissaBits) - 1;

// RFC 3550 §6.4.1: V=2, P=0, 5-bit count, packet type, length in 32-bit words minus one.
void writeHeader(uint8_t* p, uint8_t count, uint8_t packetType, size_t totalSize) {
  p[0] = static_cast<uint8_t>((kVersion << 6) | (count & 0x1F));
  p[1] = packetType;
  writeU16(p + 2, static_cast<uint16_t>(totalSize / 4 - 1));
}

// Any packet we write must be a whole number of words and describable by the 16-bit length.
bool fits(MutableBytes out, size_t size) {
  return size % 4 == 0 && size / 4 - 1 <= 0xFFFF && out.size() >= size;
}

// RFC 3611 §2: an XR of `size` bytes from `ssrc` holding one block of `blockType` whose body is
// `words` 32-bit words (§3); returns where the body starts.
uint8_t* writeXrWithOneBlock(uint8_t* d, uint32_t ssrc, size_t size, uint8_t blockType,
                             uint16_t words) {
  writeHeader(d, 0, kExtendedReport, size);  // no count field: its 5 bits are reserved
  writeU32(d + 4, ssrc);
  d[8] = blockType;
  d[9] = 0;
  writeU16(d + 10, words);
  return d + 12;
}

int32_t signExtend24(uint32_t v) {
  return (v & 0x800000) ? static_cast<int32_t>(v) - 0x1000000 : static_cast<int32_t>(v);
}

uint32_t clampTo24(int32_t v) {
  if (v > 0x7FFFFF) v = 0x7FFFFF;
  if (v < -0x800000) v = -0x800000;
  return static_cast<uint32_t>(v) & 0xFFFFFF;
}

void writeReportBlock(uint8_t* p, const ReportBlock& b) {
  writeU32(p, b.ssrc);
  p[4] = b.fractionLost;
  writeU24(p + 5, clampTo24(b.cumulativeLost));
  writeU32(p + 8, b.highestSeq);
  writeU32(p + 12, b.jitter);
  writeU32(p + 16, b.lastSr);
  writeU32(p + 20, b.delaySinceLastSr);
}

bool isRemb(const PacketView& p) {
  return p.packetType == kPayloadFeedback && p.count == kFmtAfb && p.bytes.size() >= 20 &&
         std::memcmp(p.bytes.data() + 12, kRembId, sizeof kRembId) == 0;
}

}  // namespace

uint32_t PacketView::senderSsrc() const {
  return bytes.size() >= 8 ? readU32(bytes.data() + 4) : 0;
}

std::optional<PacketView> CompoundReader::next() {
  if (!valid_) return std::nullopt;
  // A compound holds at least one packet; an empty datagram is not RTCP.
  if (data_.empty()) {
    valid_ = false;
    return std::nullopt;
  }
  if (pos_ == data_.size()) return std::nullopt;

  const size_t remaining = data_.size() - pos_;
  const uint8_t* p = data_.data() + pos_;
  if (remaining < kHeaderSize || (p[0] >> 6) != kVersion) {
    valid_ = false;
    return std::nullopt;
  }
  // RFC 3550 §6.4.1: length counts 32-bit words minus one, so the packet is never empty.
  const size_t size = (size_t{readU16(p + 2)} + 1) * 4;
  if (size > remaining) {
    valid_ = false;
    return std::nullopt;
  }
  // RFC 3550 §6.4.1 (P): the last octet counts padding octets, itself included; it may not eat
  // into the common header. The view leaves the padding out so readers never mistake it for data.
  size_t padding = 0;
  if (p[0] & 0x20) {
    padding = p[size - 1];
    if (padding == 0 || padding > size - kHeaderSize) {
      valid_ = false;
      return std::nullopt;
    }
  }
  PacketView view;
  view.packetType = p[1];
  view.count = p[0] & 0x1F;
  view.bytes = Bytes(p, size - padding);
  pos_ += size;
  return view;
}

std::optional<SenderInfo> senderInfo(const PacketView& p) {
  // RFC 3550 §6.4.1: sender info follows the sender SSRC.
  if (p.packetType != kSenderReport || p.bytes.size() < 8 + kSenderInfoSize) return std::nullopt;
  const uint8_t* d = p.bytes.data() + 8;
  SenderInfo info;
  info.ntpTimestamp = readU64(d);
  info.rtpTimestamp = readU32(d + 8);
  info.packetCount = readU32(d + 12);
  info.octetCount = readU32(d + 16);
  return info;
}

size_t reportBlocks(const PacketView& p, std::span<ReportBlock> out) {
  size_t start = 0;
  if (p.packetType == kSenderReport) {
    start = 8 + kSenderInfoSize;
  } else if (p.packetType == kReceiverReport) {
    start = 8;
  } else {
    return 0;
  }
  // The RC field must be honest: a packet too short for its own count is malformed.
  if (p.bytes.size() < start || (p.bytes.size() - start) / kReportBlockSize < p.count) return 0;
  const size_t n = std::min<size_t>(p.count, out.size());
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* d = p.bytes.data() + start + i * kReportBlockSize;
    ReportBlock& b = out[i];
    b.ssrc = readU32(d);
    b.fractionLost = d[4];
    b.cumulativeLost = signExtend24(readU24(d + 5));
    b.highestSeq = readU32(d + 8);
    b.jitter = readU32(d + 12);
    b.lastSr = readU32(d + 16);
    b.delaySinceLastSr = readU32(d + 20);
  }
  return n;
}

std::optional<uint32_t> pliMediaSsrc(const PacketView& p) {
  // RFC 4585 §6.3.1: no FCI; the media SSRC names the stream to refresh.
  if (p.packetType != kPayloadFeedback || p.count != kFmtPli ||
      p.bytes.size() < kFeedbackHeaderSize)
    return std::nullopt;
  return readU32(p.bytes.data() + 8);
}

std::optional<FirEntry> firEntry(const PacketView& p) {
  // RFC 5104 §4.3.1.1: FCI entries of SSRC (4), seq nr (1), reserved (3).
  if (p.packetType != kPayloadFeedback || p.count != kFmtFir ||
      p.bytes.size() < kFeedbackHeaderSize + 8)
    return std::nullopt;
  const uint8_t* d = p.bytes.data() + kFeedbackHeaderSize;
  return FirEntry{readU32(d), d[4]};
}

std::optional<uint64_t> rembBitrate(const PacketView& p) {
  // draft-alvestrand-rmcat-remb §2.2: "REMB", Num SSRC (8), BR Exp (6), BR Mantissa (18), SSRCs.
  if (!isRemb(p)) return std::nullopt;
  const uint8_t* d = p.bytes.data() + 16;
  const size_t numSsrcs = d[0];
  if ((p.bytes.size() - 20) / 4 < numSsrcs) return std::nullopt;
  const unsigned exponent = d[1] >> 2;
  const uint64_t mantissa = readU24(d + 1) & kRembMantissaMax;
  // The wire allows mantissa << 63; anything that would not fit in 64 bits is malformed.
  if (mantissa > (std::numeric_limits<uint64_t>::max() >> exponent)) return std::nullopt;
  return mantissa << exponent;
}

size_t rembSsrcs(const PacketView& p, std::span<uint32_t> out) {
  if (!rembBitrate(p)) return 0;
  const size_t n = std::min<size_t>(p.bytes[16], out.size());
  for (size_t i = 0; i < n; ++i) out[i] = readU32(p.bytes.data() + 20 + 4 * i);
  return n;
}

size_t byeSsrcs(const PacketView& p, std::span<uint32_t> out) {
  // RFC 3550 §6.6: SC SSRC/CSRC words follow the header, then an optional reason.
  if (p.packetType != kBye || p.bytes.size() < kHeaderSize ||
      (p.bytes.size() - kHeaderSize) / 4 < p.count)
    return 0;
  const size_t n = std::min<size_t>(p.count, out.size());
  for (size_t i = 0; i < n; ++i) out[i] = readU32(p.bytes.data() + kHeaderSize + 4 * i);
  return n;
}

size_t writeSenderReport(MutableBytes out, uint32_t ssrc, const SenderInfo& info,
                         std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxCount) return 0;
  const size_t size = 8 + kSenderInfoSize + blocks.size() * kReportBlockSize;
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, static_cast<uint8_t>(blocks.size()), kSenderReport, size);
  writeU32(d + 4, ssrc);
  writeU64(d + 8, info.ntpTimestamp);
  writeU32(d + 16, info.rtpTimestamp);
  writeU32(d + 20, info.packetCount);
  writeU32(d + 24, info.octetCount);
  for (size_t i = 0; i < blocks.size(); ++i)
    writeReportBlock(d + 28 + i * kReportBlockSize, blocks[i]);
  return size;
}

size_t writeReceiverReport(MutableBytes out, uint32_t ssrc, std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxCount) return 0;
  const size_t size = 8 + blocks.size() * kReportBlockSize;
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, static_cast<uint8_t>(blocks.size()), kReceiverReport, size);
  writeU32(d + 4, ssrc);
  for (size_t i = 0; i < blocks.size(); ++i)
    writeReportBlock(d + 8 + i * kReportBlockSize, blocks[i]);
  return size;
}

size_t writeSdesCname(MutableBytes out, uint32_t ssrc, std::string_view cname) {
  // RFC 3550 §6.5: one chunk = SSRC, items, then a null octet ending the list, padded with more
  // nulls to a 32-bit boundary (so 1..4 null octets after the item).
  if (cname.size() > 255) return 0;
  const size_t itemSize = 2 + cname.size();
  const size_t terminator = 4 - itemSize % 4;
  const size_t size = 8 + itemSize + terminator;
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, 1, kSdes, size);
  writeU32(d + 4, ssrc);
  d[8] = kSdesCname;
  d[9] = static_cast<uint8_t>(cname.size());
  if (!cname.empty()) std::memcpy(d + 10, cname.data(), cname.size());
  std::memset(d + 10 + cname.size(), 0, terminator);
  return size;
}

std::optional<std::string_view> sdesCname(const PacketView& p) {
  // First chunk only: the one an SFU's own writer produces and browsers send.
  if (p.packetType != kSdes || p.count < 1 || p.bytes.size() < 8) return std::nullopt;
  size_t i = 8;
  while (i < p.bytes.size()) {
    const uint8_t type = p.bytes[i];
    if (type == 0) return std::nullopt;  // end of this chunk's items
    if (p.bytes.size() - i < 2) return std::nullopt;
    const size_t length = p.bytes[i + 1];
    if (p.bytes.size() - i - 2 < length) return std::nullopt;
    if (type == kSdesCname)
      return std::string_view(reinterpret_cast<const char*>(p.bytes.data() + i + 2), length);
    i += 2 + length;
  }
  return std::nullopt;
}

size_t writePli(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc) {
  const size_t size = kFeedbackHeaderSize;
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, kFmtPli, kPayloadFeedback, size);
  writeU32(d + 4, senderSsrc);
  writeU32(d + 8, mediaSsrc);
  return size;
}

size_t writeFir(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc, uint8_t seq) {
  // RFC 5104 §4.3.1.2: the header's media source SSRC is unused and SHALL be 0; the target goes
  // in the FCI entry.
  const size_t size = kFeedbackHeaderSize + 8;
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, kFmtFir, kPayloadFeedback, size);
  writeU32(d + 4, senderSsrc);
  writeU32(d + 8, 0);
  writeU32(d + 12, mediaSsrc);
  d[16] = seq;
  d[17] = d[18] = d[19] = 0;
  return size;
}

size_t writeNack(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc,
                 std::span<const uint16_t> seqs) {
  // RFC 4585 §6.2.1: each FCI entry is PID plus a bitmask of the 16 following sequence numbers.
  // Sequence numbers are packed greedily in the order given (wrap-aware), so a list sorted in RTP
  // order packs optimally; any order still names every number.
  if (seqs.empty() || out.size() < kFeedbackHeaderSize) return 0;
  uint8_t* d = out.data();
  size_t size = kFeedbackHeaderSize;
  uint16_t pid = 0;
  uint16_t blp = 0;
  bool open = false;
  for (uint16_t seq : seqs) {
    if (open) {
      const uint16_t delta = static_cast<uint16_t>(seq - pid);
      if (delta == 0) continue;
      if (delta <= 16) {
        blp = static_cast<uint16_t>(blp | (1u << (delta - 1)));
        continue;
      }
      if (out.size() - size < 4) return 0;
      writeU16(d + size, pid);
      writeU16(d + size + 2, blp);
      size += 4;
    }
    pid = seq;
    blp = 0;
    open = true;
  }
  if (out.size() - size < 4) return 0;
  writeU16(d + size, pid);
  writeU16(d + size + 2, blp);
  size += 4;
  if (!fits(out, size)) return 0;
  writeHeader(d, kFmtNack, kRtpFeedback, size);
  writeU32(d + 4, senderSsrc);
  writeU32(d + 8, mediaSsrc);
  return size;
}

size_t writeRemb(MutableBytes out, uint32_t senderSsrc, uint64_t bitrate,
                 std::span<const uint32_t> ssrcs) {
  // draft-alvestrand-rmcat-remb §2.2. The mantissa is rounded down: never announce more than
  // the estimate.
  if (ssrcs.size() > 255) return 0;
  const size_t size = 20 + 4 * ssrcs.size();
  if (!fits(out, size)) return 0;
  unsigned exponent = 0;
  while ((bitrate >> exponent) > kRembMantissaMax) ++exponent;
  const uint32_t mantissa = static_cast<uint32_t>(bitrate >> exponent);
  uint8_t* d = out.data();
  writeHeader(d, kFmtAfb, kPayloadFeedback, size);
  writeU32(d + 4, senderSsrc);
  writeU32(d + 8, 0);  // media source SSRC: unused, 0
  std::memcpy(d + 12, kRembId, sizeof kRembId);
  d[16] = static_cast<uint8_t>(ssrcs.size());
  writeU24(d + 17, (uint32_t{exponent} << kRembMantissaBits) | mantissa);
  for (size_t i = 0; i < ssrcs.size(); ++i) writeU32(d + 20 + 4 * i, ssrcs[i]);
  return size;
}

size_t writeBye(MutableBytes out, std::span<const uint32_t> ssrcs) {
  // RFC 3550 §6.6, without the optional reason.
  if (ssrcs.size() > kMaxCount) return 0;
  const size_t size = kHeaderSize + 4 * ssrcs.size();
  if (!fits(out, size)) return 0;
  uint8_t* d = out.data();
  writeHeader(d, static_cast<uint8_t>(ssrcs.size()), kBye, size);
  for (size_t i = 0; i < ssrcs.size(); ++i) writeU32(d + kHeaderSize + 4 * i, ssrcs[i]);
  return size;
}

std::optional<uint64_t> xrRrtr(const PacketView& p) {
  constexpr uint8_t kBlockRrtr = 4;
  std::optional<uint64_t> ntp;
  forEachXrBlock(p, [&](uint8_t type, Bytes body) {
    if (type == kBlockRrtr && body.size() >= 8 && !ntp) ntp = readU64(body.data());
  });
  return ntp;
}

size_t writeXrDlrr(MutableBytes out, uint32_t ssrc, std::span<const DlrrItem> items) {
  // §4.5: BT 5, three words per item.
  if (items.empty() || items.size() > kMaxCount) return 0;
  const size_t size = 12 + 12 * items.size();
  if (!fits(out, size)) return 0;
  uint8_t* body =
      writeXrWithOneBlock(out.data(), ssrc, size, 5, static_cast<uint16_t>(3 * items.size()));
  for (const DlrrItem& item : items) {
    writeU32(body, item.ssrc);
    writeU32(body + 4, item.lastRr);
    writeU32(body + 8, item.delaySinceLastRr);
    body += 12;
  }
  return size;
}

size_t writeXrRrtr(MutableBytes out, uint32_t ssrc, uint64_t ntpTimestamp) {
  // §4.4: BT 4, the NTP timestamp in two words.
  constexpr size_t size = 12 + 8;
  if (!fits(out, size)) return 0;
  writeU64(writeXrWithOneBlock(out.data(), ssrc, size, 4, 2), ntpTimestamp);
  return size;
}

}  // namespace rounds::rtcp
