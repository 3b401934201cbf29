// Random: injected source of randomness. CryptoRandom is for anything an attacker must not guess
// (ICE credentials, tokens, SSRCs); tests may substitute a seeded one.
// Threading: CryptoRandom is safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rounds {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<uint8_t> out) = 0;
  uint32_t u32();
  uint64_t u64();
  // Random string over [A-Za-z0-9+/] of the given length (ICE ufrag/pwd alphabet, RFC 8839 §5.4).
  std::string iceString(size_t length);
  // Random URL-safe token (base64url alphabet) of the given length.
  std::string token(size_t length);
};

class CryptoRandom final : public Random {
 public:
  void fill(std::span<uint8_t> out) override;
  static CryptoRandom& instance();
};

}  // namespace rounds
