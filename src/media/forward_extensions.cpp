#include "media/forward_extensions.hpp"

#include <array>
#include <chrono>
#include <cstring>

#include "common/bytes.hpp"
#include "media/types.hpp"

namespace rounds {

namespace {

// RFC 8285 §4.2: a zero byte is padding, so zeroing an element (its header and data) removes it
// without moving anything.
void clearExtension(rtp::RtpView& v, uint8_t id) {
  auto data = v.extension(id);
  if (!data) return;
  MutableBytes buf = v.buffer();
  size_t dataOffset = static_cast<size_t>(data->data() - buf.data());
  size_t profileOffset = 12 + 4 * size_t{v.csrcCount()};
  bool oneByte = readU16(buf.data() + profileOffset) == 0xBEDE;
  size_t headerLen = oneByte ? 1 : 2;
  if (dataOffset < headerLen) return;
  std::memset(buf.data() + dataOffset - headerLen, 0, headerLen + data->size());
}

}  // namespace

void stampAbsSendTime(rtp::RtpView& v, TimePoint now) {
  if (!v.hasExtension()) return;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  uint32_t ast = static_cast<uint32_t>((static_cast<uint64_t>(us) << 18) / 1'000'000) & 0xFFFFFF;
  std::array<uint8_t, 3> b{static_cast<uint8_t>(ast >> 16), static_cast<uint8_t>(ast >> 8),
                           static_cast<uint8_t>(ast)};
  v.setExtension(ExtensionIds::kAbsSendTime, Bytes(b.data(), b.size()));
}

void prepareForSubscribers(rtp::RtpView& v, TimePoint now) {
  if (!v.hasExtension()) return;
  clearExtension(v, ExtensionIds::kMid);
  clearExtension(v, ExtensionIds::kRid);
  clearExtension(v, ExtensionIds::kRepairedRid);
  stampAbsSendTime(v, now);
}

}  // namespace rounds
