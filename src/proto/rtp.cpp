// RTP fixed header, CSRC list, header extension block and padding (RFC 3550 §5.1, §5.3.1) and
// RFC 8285 extension elements, read and rewritten in the caller's buffer.
// Threading: a view belongs to its buffer's owner; the free functions are stateless.
#include "proto/rtp.hpp"

#include <cstring>

namespace rounds::rtp {

namespace {

constexpr size_t kFixedHeaderSize = 12;
constexpr uint8_t kVersion = 2;
constexpr uint16_t kOneByteProfile = 0xBEDE;      // RFC 8285 §4.2
constexpr uint16_t kTwoByteProfileMask = 0xFFF0;  // RFC 8285 §4.3: 0x100 + 4 "appbits"
constexpr uint16_t kTwoByteProfile = 0x1000;
constexpr uint8_t kOneByteStopId = 15;  // RFC 8285 §4.2: reserved, ends parsing of the block

// RFC 7983 §7: 128..191 is RTP or RTCP. Both checks share it.
bool looksLikeRtpFamily(Bytes packet) { return (packet[0] & 0xC0) == 0x80; }

// RFC 5761 §4: RTCP packet types 192..223 overlap RTP payload types 64..95 with the marker set.
bool rtcpPacketType(uint8_t secondByte) { return secondByte >= 192 && secondByte <= 223; }

}  // namespace

bool isRtp(Bytes packet) {
  return packet.size() >= kFixedHeaderSize && looksLikeRtpFamily(packet) &&
         !rtcpPacketType(packet[1]);
}

bool isRtcp(Bytes packet) {
  // RFC 3550 §6.4: the smallest RTCP packet is the 4-byte common header (plus SSRC in practice).
  return packet.size() >= 4 && looksLikeRtpFamily(packet) && rtcpPacketType(packet[1]);
}

std::optional<RtpView> RtpView::parse(MutableBytes packet) {
  // RFC 3550 §5.1 fixed header.
  if (packet.size() < kFixedHeaderSize) return std::nullopt;
  const uint8_t first = packet[0];
  if ((first >> 6) != kVersion) return std::nullopt;
  const bool padding = (first & 0x20) != 0;
  const bool extension = (first & 0x10) != 0;
  const size_t csrcCount = first & 0x0F;

  size_t offset = kFixedHeaderSize + 4 * csrcCount;
  if (offset > packet.size()) return std::nullopt;

  RtpView view;
  view.data_ = packet;

  // RFC 3550 §5.3.1: 16-bit profile field, then the length in 32-bit words (header excluded).
  if (extension) {
    if (packet.size() - offset < 4) return std::nullopt;
    view.extProfile_ = readU16(packet.data() + offset);
    const size_t extBytes = size_t{readU16(packet.data() + offset + 2)} * 4;
    offset += 4;
    if (packet.size() - offset < extBytes) return std::nullopt;
    view.extOffset_ = offset;
    view.extSize_ = extBytes;
    offset += extBytes;
  }

  // RFC 3550 §5.1 (P): the last octet counts the padding octets, itself included.
  size_t paddingBytes = 0;
  if (padding) {
    if (offset == packet.size()) return std::nullopt;
    paddingBytes = packet[packet.size() - 1];
    if (paddingBytes == 0 || paddingBytes > packet.size() - offset) return std::nullopt;
  }

  view.headerSize_ = offset;
  view.paddingSize_ = paddingBytes;
  view.payloadSize_ = packet.size() - offset - paddingBytes;
  return view;
}

bool RtpView::marker() const { return (data_[1] & 0x80) != 0; }
uint8_t RtpView::payloadType() const { return data_[1] & 0x7F; }
uint16_t RtpView::sequenceNumber() const { return readU16(data_.data() + 2); }
uint32_t RtpView::timestamp() const { return readU32(data_.data() + 4); }
uint32_t RtpView::ssrc() const { return readU32(data_.data() + 8); }
uint8_t RtpView::csrcCount() const { return data_[0] & 0x0F; }
bool RtpView::hasExtension() const { return (data_[0] & 0x10) != 0; }

uint32_t RtpView::csrc(size_t index) const {
  if (index >= csrcCount()) return 0;
  return readU32(data_.data() + kFixedHeaderSize + 4 * index);
}

void RtpView::setMarker(bool m) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x7F) | (m ? 0x80 : 0x00));
}
void RtpView::setPayloadType(uint8_t pt) {
  data_[1] = static_cast<uint8_t>((data_[1] & 0x80) | (pt & 0x7F));
}
void RtpView::setSequenceNumber(uint16_t seq) { writeU16(data_.data() + 2, seq); }
void RtpView::setTimestamp(uint32_t ts) { writeU32(data_.data() + 4, ts); }
void RtpView::setSsrc(uint32_t ssrc) { writeU32(data_.data() + 8, ssrc); }

MutableBytes RtpView::findExtension(uint8_t id) const {
  if (!hasExtension() || id == 0) return {};
  uint8_t* const block = data_.data() + extOffset_;
  const size_t size = extSize_;

  if (extProfile_ == kOneByteProfile) {
    // RFC 8285 §4.2: ID (4 bits) | L (4 bits, length - 1), then L + 1 data bytes.
    if (id >= kOneByteStopId) return {};
    size_t i = 0;
    while (i < size) {
      const uint8_t head = block[i];
      if (head == 0) {  // padding between or after elements
        ++i;
        continue;
      }
      const uint8_t elementId = head >> 4;
      if (elementId == kOneByteStopId) return {};
      const size_t length = static_cast<size_t>(head & 0x0F) + 1;
      if (size - i - 1 < length) return {};  // element runs past the block: stop
      if (elementId == id) return MutableBytes(block + i + 1, length);
      i += 1 + length;
    }
    return {};
  }

  if ((extProfile_ & kTwoByteProfileMask) == kTwoByteProfile) {
    // RFC 8285 §4.3: ID (8 bits) | L (8 bits, may be 0), then L data bytes.
    size_t i = 0;
    while (i < size) {
      const uint8_t elementId = block[i];
      if (elementId == 0) {
        ++i;
        continue;
      }
      if (size - i < 2) return {};
      const size_t length = block[i + 1];
      if (size - i - 2 < length) return {};
      // A zero-length element still needs a non-null pointer so callers can tell it exists.
      if (elementId == id) return MutableBytes(block + i + 2, length);
      i += 2 + length;
    }
  }
  return {};
}

std::optional<Bytes> RtpView::extension(uint8_t id) const {
  MutableBytes found = findExtension(id);
  if (found.data() == nullptr) return std::nullopt;
  return Bytes(found.data(), found.size());
}

bool RtpView::setExtension(uint8_t id, Bytes value) {
  MutableBytes found = findExtension(id);
  if (found.data() == nullptr || found.size() != value.size()) return false;
  if (!value.empty()) std::memmove(found.data(), value.data(), value.size());
  return true;
}

}  // namespace rounds::rtp
