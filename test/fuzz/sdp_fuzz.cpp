// libFuzzer target for the SDP parser: any text either fails cleanly or round-trips, i.e. what
// serialize() writes parses again to the same structure.
// Threading: single-threaded (libFuzzer calls one input at a time).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/sdp.hpp"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "sdp_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rounds::sdp;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto first = parse(text);
  if (!first.ok()) {
    if (first.error().code != "sdp_invalid") die("wrong error code", first.error().code);
    return 0;
  }
  std::string written = serialize(first.value());
  // The writer may expand the text (rtcp-fb:* per codec, static payload types given an
  // a=rtpmap, session c= repeated per section); past the limits the re-parse is allowed to fail.
  size_t lines = static_cast<size_t>(std::count(written.begin(), written.end(), '\n'));
  if (written.size() > kMaxSdpBytes || lines > kMaxSdpLines) return 0;
  auto second = parse(written);
  if (!second.ok())
    die("serialized SDP does not parse again", second.error().message + "\n" + written);
  if (!(second.value() == first.value())) die("round trip changed the structure", written);
  if (serialize(second.value()) != written) die("serialize is not stable", written);
  return 0;
}
