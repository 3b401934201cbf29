// Transport-wide congestion control feedback and sequence extension
// (draft-holmer-rmcat-transport-wide-cc-extensions-01). Threading: stateless; safe from any thread.
#include "proto/twcc.hpp"

#include <algorithm>
#include <array>
#include <limits>

namespace rounds::twcc {

namespace {

constexpr size_t kFixedSize = 20;  // RTCP header, sender SSRC, media SSRC, base, count, ref, fb
constexpr uint8_t kRtpFeedback = 205;
constexpr unsigned kRunLengthMax = 0x1FFF;  // 13 bits (§3.1.3)
constexpr unsigned kOneBitSymbols = 14;     // §3.1.4, S = 0
constexpr unsigned kTwoBitSymbols = 7;      // §3.1.4, S = 1

int32_t signExtend24(uint32_t v) {
  return (v & 0x800000) ? static_cast<int32_t>(v) - 0x1000000 : static_cast<int32_t>(v);
}

// How many symbols a chunk carries (§3.1.2: T = 0 run length, T = 1 status vector).
unsigned chunkSymbols(uint16_t chunk) {
  if ((chunk & 0x8000) == 0) return chunk & kRunLengthMax;
  return (chunk & 0x4000) ? kTwoBitSymbols : kOneBitSymbols;
}

Symbol chunkSymbol(uint16_t chunk, unsigned index) {
  if ((chunk & 0x8000) == 0) return static_cast<Symbol>((chunk >> 13) & 0x3);
  if (chunk & 0x4000) return static_cast<Symbol>((chunk >> (12 - 2 * index)) & 0x3);
  return static_cast<Symbol>((chunk >> (13 - index)) & 0x1);
}

size_t deltaBytes(Symbol s) {
  return s == Symbol::SmallDelta ? 1 : s == Symbol::LargeDelta ? 2 : 0;
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

std::optional<uint16_t> readSequence(Bytes extensionData) {
  if (extensionData.size() != 2) return std::nullopt;
  return readU16(extensionData.data());
}

bool writeSequence(MutableBytes extensionData, uint16_t seq) {
  if (extensionData.size() != 2) return false;
  writeU16(extensionData.data(), seq);
  return true;
}

std::optional<FeedbackReader> FeedbackReader::parse(Bytes packet) {
  if (packet.size() < kFixedSize) return std::nullopt;
  const uint8_t* p = packet.data();
  if ((p[0] >> 6) != 2 || (p[0] & 0x1F) != kFmtTransportCc || p[1] != kRtpFeedback)
    return std::nullopt;
  FeedbackReader r;
  r.data_ = packet;
  r.header_.senderSsrc = readU32(p + 4);
  r.header_.mediaSsrc = readU32(p + 8);
  r.header_.baseSeq = readU16(p + 12);
  r.header_.statusCount = readU16(p + 14);
  r.header_.referenceTime = signExtend24(readU24(p + 16));
  r.header_.feedbackCount = p[19];
  if (r.header_.statusCount == 0) return std::nullopt;
  // First pass: the chunks must describe statusCount packets and their deltas must be present.
  size_t pos = kFixedSize;
  size_t needDeltas = 0;
  unsigned covered = 0;
  while (covered < r.header_.statusCount) {
    if (pos + 2 > packet.size()) return std::nullopt;
    uint16_t chunk = readU16(p + pos);
    pos += 2;
    unsigned n = chunkSymbols(chunk);
    unsigned take = std::min<unsigned>(n, r.header_.statusCount - covered);
    if ((chunk & 0x8000) == 0) {
      Symbol s = chunkSymbol(chunk, 0);
      if (s == Symbol::Reserved && take > 0) return std::nullopt;
      needDeltas += deltaBytes(s) * take;
    } else {
      for (unsigned i = 0; i < take; ++i) {
        Symbol s = chunkSymbol(chunk, i);
        if (s == Symbol::Reserved) return std::nullopt;
        needDeltas += deltaBytes(s);
      }
    }
    covered += take;
  }
  if (pos + needDeltas > packet.size()) return std::nullopt;
  r.deltaPos_ = pos;
  r.chunkPos_ = kFixedSize;
  r.timeUs_ = int64_t{r.header_.referenceTime} * kReferenceUnitUs;
  return r;
}

bool FeedbackReader::nextSymbol(Symbol& out) {
  while (chunkLeft_ == 0) {
    chunk_ = readU16(data_.data() + chunkPos_);
    chunkPos_ += 2;
    chunkLeft_ = chunkSymbols(chunk_);
    chunkIndex_ = 0;
  }
  out = chunkSymbol(chunk_, chunkIndex_);
  ++chunkIndex_;
  --chunkLeft_;
  return true;
}

bool FeedbackReader::next(PacketStatus& out) {
  if (emitted_ >= header_.statusCount) return false;
  Symbol s;
  nextSymbol(s);
  out.seq = static_cast<uint16_t>(header_.baseSeq + emitted_);
  out.received = s == Symbol::SmallDelta || s == Symbol::LargeDelta;
  if (s == Symbol::SmallDelta) {
    timeUs_ += int64_t{data_[deltaPos_]} * kDeltaUnitUs;
    deltaPos_ += 1;
  } else if (s == Symbol::LargeDelta) {
    timeUs_ += int64_t{static_cast<int16_t>(readU16(data_.data() + deltaPos_))} * kDeltaUnitUs;
    deltaPos_ += 2;
  }
  out.arrivalUs = timeUs_;
  ++emitted_;
  return true;
}

WriteResult writeFeedback(MutableBytes out, uint32_t senderSsrc, uint32_t mediaSsrc,
                          uint16_t baseSeq, uint8_t feedbackCount,
                          std::span<const int64_t> arrivalsUs) {
  WriteResult none;
  if (out.size() < kFixedSize + 8) return none;
  // Conservative budget: per packet at most a 2-byte delta and a 2-byte chunk per 7 (< 3 bytes),
  // then up to 3 bytes of padding.
  size_t budget = (out.size() - kFixedSize - 4) / 3;
  size_t n = std::min({arrivalsUs.size(), kMaxFeedbackPackets, budget});
  size_t firstReceived = 0;
  while (firstReceived < n && arrivalsUs[firstReceived] < 0) ++firstReceived;
  if (firstReceived == n) return none;
  // §3.1: the reference time is the first arrival rounded down to 64 ms; 24 bits on the wire.
  int64_t ref64 = floorDiv(arrivalsUs[firstReceived], kReferenceUnitUs);
  // Symbols and deltas (§3.1.5); stop before a delta that does not fit a signed 16-bit delta.
  std::array<Symbol, kMaxFeedbackPackets> symbols;
  std::array<int16_t, kMaxFeedbackPackets> deltas;
  int64_t prev = ref64 * (kReferenceUnitUs / kDeltaUnitUs);
  size_t count = 0;
  for (; count < n; ++count) {
    int64_t a = arrivalsUs[count];
    if (a < 0) {
      symbols[count] = Symbol::NotReceived;
      continue;
    }
    int64_t units = floorDiv(a, kDeltaUnitUs);
    int64_t delta = units - prev;
    if (delta < std::numeric_limits<int16_t>::min() || delta > std::numeric_limits<int16_t>::max())
      break;
    prev = units;
    deltas[count] = static_cast<int16_t>(delta);
    symbols[count] = (delta >= 0 && delta <= 0xFF) ? Symbol::SmallDelta : Symbol::LargeDelta;
  }
  uint8_t* p = out.data();
  size_t pos = kFixedSize;
  // Chunks, greedily (§3.1.3, §3.1.4): a run length chunk for a long run of one symbol (or for
  // the tail), else a 1-bit vector of 14 when no large delta is among them, else a 2-bit vector.
  for (size_t i = 0; i < count;) {
    size_t run = 1;
    while (i + run < count && run < kRunLengthMax && symbols[i + run] == symbols[i]) ++run;
    size_t window = std::min<size_t>(kOneBitSymbols, count - i);
    bool oneBit = std::none_of(symbols.begin() + static_cast<ptrdiff_t>(i),
                               symbols.begin() + static_cast<ptrdiff_t>(i + window),
                               [](Symbol s) { return s == Symbol::LargeDelta; });
    uint16_t chunk = 0;
    size_t used = 0;
    if (run >= kOneBitSymbols || (!oneBit && run >= kTwoBitSymbols) || i + run == count) {
      chunk = static_cast<uint16_t>((static_cast<unsigned>(symbols[i]) << 13) | run);
      used = run;
    } else if (oneBit) {
      chunk = 0x8000;
      for (; used < window; ++used)
        if (symbols[i + used] != Symbol::NotReceived)
          chunk = static_cast<uint16_t>(chunk | (1u << (13 - used)));
    } else {
      chunk = 0xC000;
      for (; used < kTwoBitSymbols && i + used < count; ++used)
        chunk = static_cast<uint16_t>(
            chunk | (static_cast<unsigned>(symbols[i + used]) << (12 - 2 * used)));
    }
    writeU16(p + pos, chunk);
    pos += 2;
    i += used;
  }
  for (size_t k = 0; k < count; ++k) {
    if (symbols[k] == Symbol::SmallDelta) {
      p[pos++] = static_cast<uint8_t>(deltas[k]);
    } else if (symbols[k] == Symbol::LargeDelta) {
      writeU16(p + pos, static_cast<uint16_t>(deltas[k]));
      pos += 2;
    }
  }
  // RFC 3550 §6.4.1: pad to a 32-bit boundary, with P set and the pad count in the last byte.
  size_t padding = (4 - pos % 4) % 4;
  for (size_t k = 0; k < padding; ++k) p[pos + k] = 0;
  if (padding) p[pos + padding - 1] = static_cast<uint8_t>(padding);
  pos += padding;
  p[0] = static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) | kFmtTransportCc);
  p[1] = kRtpFeedback;
  writeU16(p + 2, static_cast<uint16_t>(pos / 4 - 1));
  writeU32(p + 4, senderSsrc);
  writeU32(p + 8, mediaSsrc);
  writeU16(p + 12, baseSeq);
  writeU16(p + 14, static_cast<uint16_t>(count));
  writeU24(p + 16, static_cast<uint32_t>(ref64) & 0xFFFFFF);
  p[19] = feedbackCount;
  return WriteResult{pos, count};
}

}  // namespace rounds::twcc
