// Fuzzes the signalling message validator: any text must give a Request or an error, and the
// error reply for it must serialise.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control/signalling.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = rounds::signalling::parseRequest(text);
  if (auto* e = std::get_if<rounds::signalling::RequestError>(&r)) {
    (void)rounds::signalling::replyError(e->id, e->error);
  }
  return 0;
}
