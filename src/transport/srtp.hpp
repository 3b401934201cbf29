// SRTP/SRTCP (RFC 3711, RFC 7714) through libsrtp2: the only code that calls libsrtp2.
// One SrtpSession protects (outbound) or unprotects (inbound) for one DTLS association.
// Threading: a session belongs to one worker thread; srtpGlobalInit() is thread-safe, call once.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/bytes.hpp"
#include "common/result.hpp"

namespace rounds {

enum class SrtpProfile {
  AeadAes128Gcm,      // SRTP_AEAD_AES_128_GCM (RFC 7714): 16-byte key, 12-byte salt, 16-byte tag
  Aes128CmSha1_80,    // SRTP_AES128_CM_SHA1_80 (RFC 5764): 16-byte key, 14-byte salt, 10-byte tag
};
std::string_view toString(SrtpProfile p);
size_t srtpKeyLength(SrtpProfile p);
size_t srtpSaltLength(SrtpProfile p);
// Whether the linked libsrtp2 can do this profile (Debian's may lack AES-GCM).
bool srtpProfileSupported(SrtpProfile p);
void srtpGlobalInit();

// Bytes protect() may append (authentication tag + SRTCP index); buffers need this much room.
constexpr size_t kSrtpMaxTrailer = 16 + 4 + 16;

class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };
  // keyAndSalt: master key followed by master salt, as exported from DTLS for this direction.
  static Result<std::unique_ptr<SrtpSession>> create(Direction dir, SrtpProfile profile,
                                                     Bytes keyAndSalt);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // In place. `len` is the packet size in and out; `capacity` is the buffer size.
  // Return false (packet must be dropped and counted) on authentication/replay failure.
  bool protectRtp(uint8_t* buf, size_t& len, size_t capacity);
  bool protectRtcp(uint8_t* buf, size_t& len, size_t capacity);
  bool unprotectRtp(uint8_t* buf, size_t& len);
  bool unprotectRtcp(uint8_t* buf, size_t& len);

 private:
  SrtpSession() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rounds
