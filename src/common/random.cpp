#include "common/random.hpp"

#include <openssl/rand.h>

#include "common/assert.hpp"

namespace rounds {

uint32_t Random::u32() {
  uint8_t b[4];
  fill(b);
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

uint64_t Random::u64() { return (uint64_t{u32()} << 32) | u32(); }

namespace {
std::string fromAlphabet(Random& r, size_t length, const char* alphabet) {
  // 64-symbol alphabets only, so 6 random bits pick a symbol with no bias.
  std::string s(length, '\0');
  uint8_t buf[64];
  size_t i = 0;
  while (i < length) {
    size_t n = std::min(length - i, sizeof buf);
    r.fill(std::span<uint8_t>(buf, n));
    for (size_t k = 0; k < n; ++k) s[i + k] = alphabet[buf[k] & 63];
    i += n;
  }
  return s;
}
}  // namespace

std::string Random::iceString(size_t length) {
  return fromAlphabet(*this, length,
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

std::string Random::token(size_t length) {
  return fromAlphabet(*this, length,
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

void CryptoRandom::fill(std::span<uint8_t> out) {
  RELEASE_ASSERT(RAND_bytes(out.data(), static_cast<int>(out.size())) == 1, "RAND_bytes failed");
}

CryptoRandom& CryptoRandom::instance() {
  static CryptoRandom r;
  return r;
}

}  // namespace rounds
