// libFuzzer target for what simulcast reads from untrusted packets and SDP: the VP8 payload
// descriptor (and the in-place picture id / TL0PICIDX rewrite), H.264 key-frame detection, and
// RFC 8851/8853 rid and simulcast values. Nothing may read or write past the input; a rewritten
// descriptor must parse again with the values written.
// Threading: single-threaded (libFuzzer calls one input at a time).
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "proto/sdp.hpp"
#include "proto/video_payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rounds;
  // Exact-size copy, so ASan sees any access past the end.
  std::vector<uint8_t> buf(data, data + size);
  Bytes in(buf.data(), buf.size());
  (void)video::startsKeyFrame(video::Codec::H264, in);
  if (auto d = video::parseVp8(in)) {
    if (d->keyFrame && !(d->startOfPartition && d->partitionIndex == 0)) std::abort();
    if (d->pictureId && d->pictureId15) {
      uint16_t pid = static_cast<uint16_t>((*d->pictureId * 7 + 1) & 0x7FFF);
      video::writeVp8PictureId(MutableBytes(buf.data(), buf.size()), *d, pid);
      uint8_t tl0 = d->tl0PicIdx ? static_cast<uint8_t>(*d->tl0PicIdx + 3) : 0;
      if (d->tl0PicIdx) video::writeVp8Tl0PicIdx(MutableBytes(buf.data(), buf.size()), *d, tl0);
      auto again = video::parseVp8(Bytes(buf.data(), buf.size()));
      if (!again || again->pictureId != pid) std::abort();
      if (d->tl0PicIdx && again->tl0PicIdx != tl0) std::abort();
    }
  }
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto rid = sdp::parseRid(text)) {
    if (rid->id.empty() || rid->id.size() > 255) std::abort();
  }
  for (bool send : {true, false})
    for (const auto& r : sdp::simulcastRids(text, send))
      if (r.empty() || r.front() == '~') std::abort();
  return 0;
}
