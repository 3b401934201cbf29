#include "load_media.hpp"

#include <algorithm>

namespace rounds::load {

Pacer::Pacer(SteadyTime start, Nanos interval, uint32_t maxBurst)
    : start_(start), interval_(interval), maxBurst_(std::max<uint32_t>(maxBurst, 1)) {}

uint32_t Pacer::due(SteadyTime now) {
  if (interval_.count() <= 0 || now < start_) return 0;
  // Ticks 0..last are due at `now`.
  uint64_t last = static_cast<uint64_t>((now - start_) / interval_);
  if (last + 1 <= next_) return 0;
  uint64_t pending = last + 1 - next_;
  if (pending > maxBurst_) {
    skipped_ += pending - maxBurst_;
    pending = maxBurst_;
  }
  next_ = last + 1;
  return static_cast<uint32_t>(pending);
}

void SendPacer::left(size_t bytes, SteadyTime now) {
  if (rate_ == 0) return;
  SteadyTime from = nextAt_ + kMaxLag < now ? now : nextAt_;
  nextAt_ = from + Nanos(static_cast<int64_t>(uint64_t{bytes} * 1'000'000'000 / rate_));
}

bool writeProbe(MutableBytes payload, const Probe& p) {
  if (payload.size() < kProbeSize) return false;
  uint8_t* at = payload.data() + payload.size() - kProbeSize;
  writeU32(at, kProbeMagic);
  writeU32(at + 4, p.source);
  writeU32(at + 8, p.counter);
  writeU64(at + 12, p.sendNs);
  return true;
}

std::optional<Probe> readProbe(Bytes payload) {
  if (payload.size() < kProbeSize) return std::nullopt;
  const uint8_t* at = payload.data() + payload.size() - kProbeSize;
  if (readU32(at) != kProbeMagic) return std::nullopt;
  return Probe{readU32(at + 4), readU32(at + 8), readU64(at + 12)};
}

size_t writeVp8Descriptor(MutableBytes out, const Vp8Descriptor& d) {
  if (out.size() < kVp8DescriptorSize) return 0;
  // RFC 7741 §4.2: |X|R|N|S|R| PID |, then |I|L|T|K| RSV |, then |M| PictureID (15 bits)|.
  out[0] = static_cast<uint8_t>(0x80 | (d.nonReference ? 0x20 : 0) |
                                (d.startOfPartition ? 0x10 : 0) | (d.partitionIndex & 0x07));
  out[1] = 0x80;  // I: PictureID present
  out[2] = static_cast<uint8_t>(0x80 | ((d.pictureId >> 8) & 0x7F));
  out[3] = static_cast<uint8_t>(d.pictureId & 0xFF);
  return kVp8DescriptorSize;
}

std::optional<ParsedVp8Descriptor> parseVp8Descriptor(Bytes payload) {
  ParsedVp8Descriptor r;
  size_t pos = 0;
  if (payload.size() < 1) return std::nullopt;
  uint8_t b0 = payload[pos++];
  r.fields.nonReference = b0 & 0x20;
  r.fields.startOfPartition = b0 & 0x10;
  r.fields.partitionIndex = b0 & 0x07;
  if (b0 & 0x80) {  // X: extension octet follows
    if (payload.size() < pos + 1) return std::nullopt;
    uint8_t x = payload[pos++];
    if (x & 0x80) {  // I: PictureID, 7 or 15 bits (M)
      if (payload.size() < pos + 1) return std::nullopt;
      if (payload[pos] & 0x80) {
        if (payload.size() < pos + 2) return std::nullopt;
        r.fields.pictureId = static_cast<uint16_t>(((payload[pos] & 0x7F) << 8) | payload[pos + 1]);
        pos += 2;
      } else {
        r.fields.pictureId = payload[pos] & 0x7F;
        pos += 1;
      }
    }
    if (x & 0x40) ++pos;  // L: TL0PICIDX
    if (x & 0x30) ++pos;  // T and/or K share one octet (TID|Y|KEYIDX)
    if (payload.size() < pos) return std::nullopt;
  }
  r.size = pos;
  return r;
}

size_t writeVp8PayloadHeader(MutableBytes out, bool keyFrame, uint32_t firstPartitionSize,
                             uint16_t width, uint16_t height) {
  size_t need = keyFrame ? kVp8KeyHeaderSize : kVp8InterHeaderSize;
  if (out.size() < need) return 0;
  // RFC 6386 §9.1 frame tag, little-endian: P (bit 0, 0 = key frame), version (3 bits),
  // show_frame (1 bit), first_part_size (19 bits).
  uint32_t tag =
      (keyFrame ? 0u : 1u) | (0u << 1) | (1u << 4) | ((firstPartitionSize & 0x7FFFF) << 5);
  out[0] = static_cast<uint8_t>(tag);
  out[1] = static_cast<uint8_t>(tag >> 8);
  out[2] = static_cast<uint8_t>(tag >> 16);
  if (!keyFrame) return need;
  out[3] = 0x9d;  // start code
  out[4] = 0x01;
  out[5] = 0x2a;
  out[6] = static_cast<uint8_t>(width);  // 14-bit width, scale 0, little-endian
  out[7] = static_cast<uint8_t>((width >> 8) & 0x3F);
  out[8] = static_cast<uint8_t>(height);
  out[9] = static_cast<uint8_t>((height >> 8) & 0x3F);
  return need;
}

bool isVp8KeyFrameHeader(Bytes afterDescriptor) {
  return !afterDescriptor.empty() && (afterDescriptor[0] & 0x01) == 0;
}

uint32_t FramePlan::packetBytes(uint32_t i) const {
  if (packets == 0 || i >= packets) return 0;
  return totalBytes / packets + (i < totalBytes % packets ? 1 : 0);
}

FramePlan planFrame(uint32_t bitrateBps, uint32_t fps, bool keyFrame, uint32_t maxPayload,
                    uint32_t minPacket) {
  FramePlan p;
  if (fps == 0 || maxPayload == 0) return p;
  uint64_t bytes = uint64_t{bitrateBps} / 8 / fps;
  if (keyFrame) bytes *= kKeyFrameFactor;
  bytes = std::max<uint64_t>(bytes, minPacket);
  bytes = std::min<uint64_t>(bytes, uint64_t{maxPayload} * 1000);  // a sane upper bound per frame
  p.totalBytes = static_cast<uint32_t>(bytes);
  p.packets = static_cast<uint32_t>((bytes + maxPayload - 1) / maxPayload);
  return p;
}

}  // namespace rounds::load
