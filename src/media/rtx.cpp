#include "media/rtx.hpp"

#include <cstring>

namespace rounds::rtx {

size_t wrap(const rtp::RtpView& original, MutableBytes out, const WrapParams& p) {
  size_t header = original.headerSize();
  size_t rest = original.size() - header;  // payload + padding
  size_t len = original.size() + 2;
  if (len > out.size()) return 0;
  const uint8_t* src = original.buffer().data();
  std::memcpy(out.data(), src, header);
  writeU16(out.data() + header, p.originalSeq);
  std::memcpy(out.data() + header + 2, src + header, rest);
  auto view = rtp::RtpView::parse(out.first(len));
  if (!view) return 0;
  view->setSsrc(p.ssrc);
  view->setPayloadType(p.payloadType);
  view->setSequenceNumber(p.sequence);
  view->setTimestamp(p.timestamp);
  return len;
}

std::optional<size_t> unwrap(MutableBytes packet, uint32_t mediaSsrc, uint8_t mediaPayloadType) {
  auto view = rtp::RtpView::parse(packet);
  if (!view || view->payloadSize() < 2) return std::nullopt;
  size_t header = view->headerSize();
  uint16_t osn = readU16(packet.data() + header);
  // The payload and any padding move up by two bytes over the OSN.
  std::memmove(packet.data() + header, packet.data() + header + 2, packet.size() - header - 2);
  size_t len = packet.size() - 2;
  view->setSequenceNumber(osn);
  view->setSsrc(mediaSsrc);
  view->setPayloadType(mediaPayloadType);
  return len;
}

}  // namespace rounds::rtx
