// Hex helpers for tests, fingerprints and logs. Threading: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace rounds {

std::string toHex(Bytes b);
// "AB:CD:..." as used by SDP a=fingerprint (RFC 8122 §5).
std::string toColonHex(Bytes b);
// Accepts hex with optional whitespace and colons; returns empty on malformed input.
std::vector<uint8_t> fromHex(std::string_view s);

}  // namespace rounds
