// SRTP/SRTCP (RFC 3711, RFC 7714): AES-GCM by our own code (srtp_gcm.hpp, OpenSSL EVP), AES-CM
// through libsrtp2 (this is the only code that calls libsrtp2). One SrtpSession protects
// (outbound) or unprotects (inbound) for one DTLS association.
// Threading: a session belongs to one worker thread; srtpGlobalInit() is thread-safe, call once.
#pragma once

#include <cstdint>
#include <array>
#include <memory>
#include <string_view>

#include "common/bytes.hpp"
#include "common/result.hpp"
#include "transport/srtp_gcm.hpp"

namespace rounds {

enum class SrtpProfile {
  AeadAes128Gcm,      // SRTP_AEAD_AES_128_GCM (RFC 7714): 16-byte key, 12-byte salt, 16-byte tag
  Aes128CmSha1_80,    // SRTP_AES128_CM_SHA1_80 (RFC 5764): 16-byte key, 14-byte salt, 10-byte tag
};
std::string_view toString(SrtpProfile p);
size_t srtpKeyLength(SrtpProfile p);
size_t srtpSaltLength(SrtpProfile p);
// Whether SrtpSession can do this profile (AES-GCM: always, by our own code).
bool srtpProfileSupported(SrtpProfile p);
// Whether the linked libsrtp2 can do this profile (Debian's may lack AES-GCM): for the
// libsrtp2 cross-checks and the side-by-side benchmark.
bool srtpLibsrtpSupports(SrtpProfile p);
void srtpGlobalInit();

// Bytes protect() may append (authentication tag + SRTCP index); buffers need this much room.
constexpr size_t kSrtpMaxTrailer = 16 + 4 + 16;

// Who does the cryptography. Default: our own for GCM, libsrtp2 for AES-CM; the environment
// variable ROUNDS_SRTP_GCM=libsrtp2 (read once) sends GCM back to libsrtp2.
enum class SrtpBackend { Default, Libsrtp2, Own };
// Process-wide: which backend Default means for GCM in sessions created from now on (Own or
// Libsrtp2). For the side-by-side benchmark; thread-safe.
void srtpSetGcmBackend(SrtpBackend b);

class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };
  // keyAndSalt: master key followed by master salt, as exported from DTLS for this direction.
  static Result<std::unique_ptr<SrtpSession>> create(Direction dir, SrtpProfile profile,
                                                     Bytes keyAndSalt);
  // The same with an explicit backend (Own is only for the GCM profiles).
  static Result<std::unique_ptr<SrtpSession>> create(Direction dir, SrtpProfile profile,
                                                     Bytes keyAndSalt, SrtpBackend backend);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // In place. `len` is the packet size in and out; `capacity` is the buffer size.
  // Return false (packet must be dropped and counted) on authentication/replay failure.
  bool protectRtp(uint8_t* buf, size_t& len, size_t capacity);
  bool protectRtcp(uint8_t* buf, size_t& len, size_t capacity);
  bool unprotectRtp(uint8_t* buf, size_t& len);
  bool unprotectRtcp(uint8_t* buf, size_t& len);

  // A hint for the fan-out loop (Router::onRtp): asks the CPU to start loading what the next
  // protectRtp will touch (addresses noted by the previous protect, the GCM backend only), so a
  // subscriber's SRTP state is in cache by the time its copy is protected. Changes no result.
  void prefetch() const {
    for (const auto& r : hot_)
      for (uint32_t off = 0; off < r.bytes; off += 64)
        __builtin_prefetch(static_cast<const char*>(r.base) + off);
  }

 private:
  SrtpSession() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  // Where the last protectRtp's state was (empty ranges until then); see prefetch().
  std::array<SrtpGcm::HotRange, SrtpGcm::kHotRanges + 1> hot_{};
};

}  // namespace rounds
