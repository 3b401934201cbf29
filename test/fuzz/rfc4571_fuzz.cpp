// Fuzz target for proto/rfc4571: walks a byte stream frame by frame as TcpMediaServer does, and
// checks that every frame reported complete lies inside the buffer, within the maximum, and that
// the walk always makes progress or stops.
#include <cstdint>
#include <cstdlib>

#include "proto/rfc4571.hpp"

using namespace rounds;

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMax = 2048;
  size_t offset = 0;
  while (offset < size) {
    auto f = rfc4571::peekFrame(Bytes(data + offset, size - offset), kMax);
    if (f.status != rfc4571::FrameStatus::Complete) {
      check(f.status == rfc4571::FrameStatus::Invalid ? (f.length == 0 || f.length > kMax)
                                                      : f.length <= kMax);
      break;
    }
    check(f.length > 0 && f.length <= kMax);
    check(offset + rfc4571::kHeaderSize + f.length <= size);
    uint8_t h[2];
    check(rfc4571::writeHeader(f.length, h) && h[0] == data[offset] && h[1] == data[offset + 1]);
    offset += rfc4571::kHeaderSize + f.length;
  }
  return 0;
}
