// Fuzz target for services/identifier_check: any bytes in, spans that are in range, ordered,
// non-overlapping, and whose text and character offsets agree with the input.
// Threading: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/identifier_check.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spans = rounds::deid::findIdentifiers("field", text);
  size_t prevEnd = 0;
  size_t prevCharEnd = 0;
  for (const auto& s : spans) {
    require(s.byteLength > 0);
    require(s.byteOffset >= prevEnd);
    require(s.byteOffset + s.byteLength <= size);
    require(s.text == text.substr(s.byteOffset, s.byteLength));
    require(s.charOffset >= prevCharEnd);
    require(s.charLength <= s.byteLength);
    require(!s.reason.empty());
    require(rounds::deid::kindName(s.kind) != "unknown");
    prevEnd = s.byteOffset + s.byteLength;
    prevCharEnd = s.charOffset + s.charLength;
  }
  return 0;
}
