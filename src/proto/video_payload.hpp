// Just enough of the VP8 (RFC 7741) and H.264 (RFC 6184) RTP payload formats for an SFU that
// switches simulcast layers: does a packet start a key frame, how big is it, and where are the VP8
// picture id and TL0PICIDX (rewritten so the subscriber sees one continuous stream).
// No I/O, no allocation; every function takes untrusted bytes. Threading: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "common/bytes.hpp"

namespace rounds::video {

enum class Codec { Other, Vp8, H264 };
Codec codecFromName(const char* name, size_t size);

// RFC 7741 §4.2 payload descriptor (and, on the first packet of a key frame, §4.3 / RFC 6386
// §9.1 frame size).
struct Vp8Descriptor {
  bool startOfPartition = false;  // S bit
  uint8_t partitionIndex = 0;     // PID
  bool keyFrame = false;          // S=1, PID=0 and the payload header's P bit is 0
  std::optional<uint16_t> pictureId;  // 7 or 15 bits
  bool pictureId15 = false;           // M bit: the two-byte form
  size_t pictureIdOffset = 0;         // within the payload
  std::optional<uint8_t> tl0PicIdx;
  size_t tl0PicIdxOffset = 0;
  uint16_t width = 0;  // key frames only (0 when not known)
  uint16_t height = 0;
};
std::optional<Vp8Descriptor> parseVp8(Bytes payload);
// Writes a 15-bit picture id / TL0PICIDX back in place (the form must be the one parsed).
void writeVp8PictureId(MutableBytes payload, const Vp8Descriptor& d, uint16_t pictureId);
void writeVp8Tl0PicIdx(MutableBytes payload, const Vp8Descriptor& d, uint8_t tl0);

// RFC 6184 §5.4: an IDR slice or SPS in a single NAL unit, a STAP-A, or the first FU-A fragment.
bool h264StartsKeyFrame(Bytes payload);

// True if this packet starts a key frame of `codec` (Other: never).
bool startsKeyFrame(Codec codec, Bytes payload);

}  // namespace rounds::video
