// RFC 4571 §2 framing of RTP, RTCP, STUN and DTLS over a TCP stream (ICE-TCP, RFC 6544 §3): each
// packet is preceded by its length as a 16-bit big-endian integer. Pure functions, no I/O, no
// allocation.
// Threading: stateless; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.hpp"

namespace rounds::rfc4571 {

constexpr size_t kHeaderSize = 2;

enum class FrameStatus {
  Complete,  // a whole frame is buffered: `length` bytes after the 2-byte header
  NeedMore,  // not enough bytes yet (header or body incomplete)
  Invalid,   // a zero length or one over the caller's maximum: the stream cannot be trusted
};

struct Frame {
  FrameStatus status = FrameStatus::NeedMore;
  size_t length = 0;  // the packet's length (header excluded); set for Complete and NeedMore
                      // once the header is in
};

// Looks at the start of `buffered` (bytes received and not yet consumed).
inline Frame peekFrame(Bytes buffered, size_t maxLength) {
  if (buffered.size() < kHeaderSize) return {FrameStatus::NeedMore, 0};
  size_t len = (size_t{buffered[0]} << 8) | buffered[1];
  if (len == 0 || len > maxLength) return {FrameStatus::Invalid, len};
  if (buffered.size() - kHeaderSize < len) return {FrameStatus::NeedMore, len};
  return {FrameStatus::Complete, len};
}

// Writes the header for a packet of `length` bytes (1..65535) into out[0..1]; false otherwise.
inline bool writeHeader(size_t length, uint8_t* out) {
  if (length == 0 || length > 0xffff) return false;
  out[0] = static_cast<uint8_t>(length >> 8);
  out[1] = static_cast<uint8_t>(length & 0xff);
  return true;
}

}  // namespace rounds::rfc4571
