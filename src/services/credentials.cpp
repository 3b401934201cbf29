// Argon2id hashing and token helpers. Threading: see credentials.hpp.
#include "services/credentials.hpp"

#include <argon2.h>
#include <openssl/evp.h>

#include <array>
#include <vector>

#include "common/hex.hpp"

namespace rounds {

namespace {
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kTokenChars = 43;  // 43 * 6 bits = 258 bits of entropy from the alphabet
}  // namespace

Result<std::string> hashPassword(std::string_view password, Random& random,
                                 const Argon2Params& p) {
  std::array<uint8_t, kSaltBytes> salt{};
  random.fill(salt);
  const size_t len =
      argon2_encodedlen(p.timeCost, p.memoryKiB, p.parallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(len + 1, '\0');
  const int rc = argon2id_hash_encoded(p.timeCost, p.memoryKiB, p.parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes,
                                       encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return makeError("internal", std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verifyPassword(std::string_view password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string newSecretToken(Random& random) { return random.token(kTokenChars); }

std::string tokenHash(std::string_view token) {
  std::array<uint8_t, 32> md{};
  unsigned int mdLen = 0;
  EVP_Digest(token.data(), token.size(), md.data(), &mdLen, EVP_sha256(), nullptr);
  return toHex(Bytes(md.data(), mdLen));
}

bool looksLikeToken(std::string_view token) {
  if (token.size() != kTokenChars) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace rounds
