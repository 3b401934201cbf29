// RTP packets (RFC 3550) with header extensions (RFC 8285), viewed in place: parse without
// copying, read fields, rewrite SSRC / sequence / timestamp / payload type in the buffer.
// No I/O, no exceptions, no heap allocation. Threading: a view belongs to its buffer's owner.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"

namespace rounds::rtp {

// RFC 7983 + RFC 5761 §4: first byte 128..191 and payload type outside 64..95 (those are RTCP).
// isRtp also needs the 12-byte fixed header; isRtcp the 4-byte common header (second byte 192..223).
bool isRtp(Bytes packet);
bool isRtcp(Bytes packet);

class RtpView {
 public:
  // Returns nullopt for anything malformed: version != 2, lengths past the end, bad padding.
  static std::optional<RtpView> parse(MutableBytes packet);

  bool marker() const;
  uint8_t payloadType() const;
  uint16_t sequenceNumber() const;
  uint32_t timestamp() const;
  uint32_t ssrc() const;
  uint8_t csrcCount() const;
  bool hasExtension() const;
  uint32_t csrc(size_t index) const;  // 0 if index >= csrcCount()
  uint16_t extensionProfile() const { return extProfile_; }  // 0xBEDE, 0x100x, or other
  size_t headerSize() const { return headerSize_; }  // fixed header + CSRCs + extension block
  size_t payloadSize() const { return payloadSize_; }
  size_t paddingSize() const { return paddingSize_; }
  Bytes payload() const { return Bytes(data_.data() + headerSize_, payloadSize_); }
  MutableBytes buffer() const { return data_; }
  size_t size() const { return data_.size(); }

  void setMarker(bool m);
  void setPayloadType(uint8_t pt);
  void setSequenceNumber(uint16_t seq);
  void setTimestamp(uint32_t ts);
  void setSsrc(uint32_t ssrc);

  // RFC 8285 one-byte (0xBEDE) or two-byte (0x100x) form; returns the element's data for `id`.
  std::optional<Bytes> extension(uint8_t id) const;
  // Overwrites an existing element of the same length in place; false if absent or size differs.
  bool setExtension(uint8_t id, Bytes value);

 private:
  // The element's data in the buffer; data() == nullptr when absent or the block is malformed.
  MutableBytes findExtension(uint8_t id) const;

  MutableBytes data_;
  size_t headerSize_ = 0;
  size_t payloadSize_ = 0;
  size_t paddingSize_ = 0;
  size_t extOffset_ = 0;  // offset of the extension elements (after the 4-byte ext header)
  size_t extSize_ = 0;
  uint16_t extProfile_ = 0;
};

// Sequence number arithmetic (RFC 3550 §A.1): true if a is newer than b (mod 2^16).
inline bool seqNewer(uint16_t a, uint16_t b) {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}

}  // namespace rounds::rtp
