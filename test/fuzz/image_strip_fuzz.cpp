// Fuzz target for services/image_strip: any bytes in; an accepted image comes out no larger than
// it went in and stripping it again changes nothing.
// Threading: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/image_strip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = rounds::image::stripMetadata(in);
  if (!r) return 0;
  if (r->bytes.size() > size) __builtin_trap();
  auto again = rounds::image::stripMetadata(r->bytes);
  if (!again || again->bytes != r->bytes || again->removed != 0) __builtin_trap();
  return 0;
}
