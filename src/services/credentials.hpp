// Credentials: Argon2id password hashes (RFC 9106) and bearer/join tokens that are stored only as
// their SHA-256. The one place that calls libargon2.
// Threading: stateless functions; safe from any thread (Random must be, e.g. CryptoRandom).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.hpp"
#include "common/result.hpp"

namespace rounds {

struct Argon2Params {
  // RFC 9106 §4 second recommended option is 64 MiB, t=3; OWASP's minimum is 19 MiB, t=2.
  // The defaults follow the latter so that a login costs tens of milliseconds on a small server.
  uint32_t timeCost = 2;
  uint32_t memoryKiB = 19 * 1024;
  uint32_t parallelism = 1;
};

// "$argon2id$v=19$m=...,t=...,p=...$salt$hash" with a fresh 16-byte salt.
Result<std::string> hashPassword(std::string_view password, Random& random,
                                 const Argon2Params& params);
// Constant-time comparison inside libargon2; false for a malformed encoding.
bool verifyPassword(std::string_view password, const std::string& encoded);

// 32 random bytes, base64url (43 characters): the secret handed to a person once.
std::string newSecretToken(Random& random);
// Lower-case hex SHA-256 of a token: what the database keeps. A token carries 256 bits of
// entropy, so a fast hash suffices (no dictionary to guess from).
std::string tokenHash(std::string_view token);
// A token as we issue it: exactly 43 characters of [A-Za-z0-9_-]. Cheap pre-check before lookup.
bool looksLikeToken(std::string_view token);

}  // namespace rounds
