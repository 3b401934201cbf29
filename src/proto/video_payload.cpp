#include "proto/video_payload.hpp"

#include <string_view>

namespace rounds::video {

Codec codecFromName(const char* name, size_t size) {
  std::string_view n(name, size);
  auto eq = [&](std::string_view want) {
    if (n.size() != want.size()) return false;
    for (size_t i = 0; i < n.size(); ++i)
      if ((n[i] | 0x20) != (want[i] | 0x20)) return false;
    return true;
  };
  if (eq("vp8")) return Codec::Vp8;
  if (eq("h264")) return Codec::H264;
  return Codec::Other;
}

std::optional<Vp8Descriptor> parseVp8(Bytes p) {
  // RFC 7741 §4.2: |X|R|N|S|R| PID | then, with X, |I|L|T|K| RSV | and the optional fields.
  if (p.empty()) return std::nullopt;
  Vp8Descriptor d;
  size_t i = 0;
  uint8_t b0 = p[i++];
  d.startOfPartition = (b0 & 0x10) != 0;
  d.partitionIndex = b0 & 0x07;
  if (b0 & 0x80) {
    if (i >= p.size()) return std::nullopt;
    uint8_t x = p[i++];
    if (x & 0x80) {  // I: picture id, M bit selects 15 bits
      if (i >= p.size()) return std::nullopt;
      d.pictureIdOffset = i;
      if (p[i] & 0x80) {
        if (i + 1 >= p.size()) return std::nullopt;
        d.pictureId = static_cast<uint16_t>(((p[i] & 0x7F) << 8) | p[i + 1]);
        d.pictureId15 = true;
        i += 2;
      } else {
        d.pictureId = p[i] & 0x7F;
        i += 1;
      }
    }
    if (x & 0x40) {  // L: TL0PICIDX
      if (i >= p.size()) return std::nullopt;
      d.tl0PicIdxOffset = i;
      d.tl0PicIdx = p[i++];
    }
    if (x & 0x30) {  // T or K: TID/Y/KEYIDX
      if (i >= p.size()) return std::nullopt;
      ++i;
    }
  }
  if (d.startOfPartition && d.partitionIndex == 0 && i < p.size()) {
    // RFC 7741 §4.3: P bit (inverse key frame flag) in the first byte of the VP8 payload header.
    d.keyFrame = (p[i] & 0x01) == 0;
    // RFC 6386 §9.1: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (LE).
    if (d.keyFrame && i + 10 <= p.size() && p[i + 3] == 0x9d && p[i + 4] == 0x01 &&
        p[i + 5] == 0x2a) {
      d.width = static_cast<uint16_t>((p[i + 6] | (p[i + 7] << 8)) & 0x3FFF);
      d.height = static_cast<uint16_t>((p[i + 8] | (p[i + 9] << 8)) & 0x3FFF);
    }
  }
  return d;
}

void writeVp8PictureId(MutableBytes p, const Vp8Descriptor& d, uint16_t pictureId) {
  if (!d.pictureId) return;
  if (d.pictureId15) {
    if (d.pictureIdOffset + 1 >= p.size()) return;
    p[d.pictureIdOffset] = static_cast<uint8_t>(0x80 | ((pictureId >> 8) & 0x7F));
    p[d.pictureIdOffset + 1] = static_cast<uint8_t>(pictureId);
  } else {
    if (d.pictureIdOffset >= p.size()) return;
    p[d.pictureIdOffset] = static_cast<uint8_t>(pictureId & 0x7F);
  }
}

void writeVp8Tl0PicIdx(MutableBytes p, const Vp8Descriptor& d, uint8_t tl0) {
  if (d.tl0PicIdx && d.tl0PicIdxOffset < p.size()) p[d.tl0PicIdxOffset] = tl0;
}

bool h264StartsKeyFrame(Bytes p) {
  if (p.empty()) return false;
  auto key = [](uint8_t nal) {
    uint8_t t = nal & 0x1F;
    return t == 5 || t == 7;  // IDR slice, SPS (RFC 6184 §1.3 / H.264 Table 7-1)
  };
  uint8_t type = p[0] & 0x1F;
  if (type >= 1 && type <= 23) return key(p[0]);
  if (type == 24) {  // STAP-A (§5.7.1): 16-bit size before each NAL unit
    size_t i = 1;
    while (i + 2 < p.size()) {
      size_t len = (size_t{p[i]} << 8) | p[i + 1];
      i += 2;
      if (len == 0 || i + len > p.size()) return false;
      if (key(p[i])) return true;
      i += len;
    }
    return false;
  }
  if (type == 28) {  // FU-A (§5.8): the start bit of the FU header
    return p.size() >= 2 && (p[1] & 0x80) != 0 && key(p[1]);
  }
  return false;
}

bool startsKeyFrame(Codec codec, Bytes payload) {
  switch (codec) {
    case Codec::Vp8: {
      auto d = parseVp8(payload);
      return d && d->keyFrame;
    }
    case Codec::H264:
      return h264StartsKeyFrame(payload);
    case Codec::Other:
      return false;
  }
  return false;
}

}  // namespace rounds::video
