#include "transport/srtp.hpp"

#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#include "common/log.hpp"
#include "transport/srtp_gcm.hpp"

namespace rounds {

namespace {

// RTP header without CSRCs (RFC 3550 §5.1) and the RTCP common header (RFC 3550 §6.4.1).
constexpr size_t kMinRtpSize = 12;
constexpr size_t kMinRtcpSize = 8;
// RFC 3711 §3.3.2: replay list of at least 64; we allow a generous amount of reordering.
constexpr unsigned long kReplayWindow = 1024;

std::string statusText(srtp_err_status_t s) {
  switch (s) {
    case srtp_err_status_ok: return "ok";
    case srtp_err_status_bad_param: return "bad parameter";
    case srtp_err_status_alloc_fail: return "allocation failed";
    case srtp_err_status_init_fail: return "initialisation failed";
    case srtp_err_status_auth_fail: return "authentication failed";
    case srtp_err_status_cipher_fail: return "cipher failed";
    case srtp_err_status_replay_fail: return "replayed packet";
    case srtp_err_status_replay_old: return "packet too old";
    case srtp_err_status_algo_fail: return "algorithm unavailable";
    case srtp_err_status_no_ctx: return "no context";
    default: return "libsrtp2 error " + std::to_string(static_cast<int>(s));
  }
}

// Bytes protect() appends. RTP: the tag (RFC 3711 §4.2, RFC 7714 §8.1). RTCP: the tag plus the
// 4-byte E flag and SRTCP index (RFC 3711 §3.4, RFC 7714 §9.1). No MKI is used.
size_t rtpTrailer(SrtpProfile p) { return p == SrtpProfile::AeadAes128Gcm ? 16 : 10; }
size_t rtcpTrailer(SrtpProfile p) { return rtpTrailer(p) + 4; }

void setPolicy(srtp_policy_t& policy, SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_rtp_default(&policy.rtp);
      srtp_crypto_policy_set_rtcp_default(&policy.rtcp);
      break;
  }
}

// Whether libsrtp2 can build a session for this profile: the only reliable test, since the
// crypto backend (built-in, OpenSSL, NSS) decides which ciphers exist.
bool probeProfile(SrtpProfile profile) {
  uint8_t key[SRTP_MAX_KEY_LEN] = {};
  for (size_t i = 0; i < sizeof(key); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  setPolicy(policy, profile);
  policy.ssrc.type = ssrc_any_outbound;
  policy.key = key;
  policy.window_size = kReplayWindow;
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) return false;
  // A session can exist with a cipher that then fails; protect one packet to be sure.
  uint8_t packet[kMinRtpSize + 16 + kSrtpMaxTrailer] = {0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 42};
  int len = static_cast<int>(kMinRtpSize + 16);
  bool ok = srtp_protect(session, packet, &len) == srtp_err_status_ok;
  srtp_dealloc(session);
  return ok;
}

}  // namespace

std::string_view toString(SrtpProfile p) {
  switch (p) {
    case SrtpProfile::AeadAes128Gcm: return "SRTP_AEAD_AES_128_GCM";
    case SrtpProfile::Aes128CmSha1_80: return "SRTP_AES128_CM_SHA1_80";
  }
  return "unknown";
}

size_t srtpKeyLength(SrtpProfile p) {
  (void)p;  // both profiles use AES-128
  return 16;
}

size_t srtpSaltLength(SrtpProfile p) {
  // RFC 7714 §12: 96-bit salt for GCM; RFC 3711 §8.2: 112-bit salt for AES-CM.
  return p == SrtpProfile::AeadAes128Gcm ? 12 : 14;
}

void srtpGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    srtp_err_status_t s = srtp_init();
    if (s != srtp_err_status_ok) spdlog::error("srtp_init failed: {}", statusText(s));
  });
}

bool srtpLibsrtpSupports(SrtpProfile p) {
  // Function-local statics are initialised once, thread-safely.
  static const bool gcm = (srtpGlobalInit(), probeProfile(SrtpProfile::AeadAes128Gcm));
  static const bool cm = (srtpGlobalInit(), probeProfile(SrtpProfile::Aes128CmSha1_80));
  return p == SrtpProfile::AeadAes128Gcm ? gcm : cm;
}

namespace {
// ROUNDS_SRTP_GCM=libsrtp2 puts GCM back on libsrtp2 (the fallback if our own GCM misbehaves);
// srtpSetGcmBackend() overrides it (the side-by-side benchmark).
std::atomic<int>& gcmBackendSetting() {
  static std::atomic<int> v = [] {
    const char* e = std::getenv("ROUNDS_SRTP_GCM");
    return static_cast<int>(e && std::string_view(e) == "libsrtp2" ? SrtpBackend::Libsrtp2
                                                                    : SrtpBackend::Own);
  }();
  return v;
}
bool gcmOnLibsrtp() {
  return gcmBackendSetting().load(std::memory_order_relaxed) ==
         static_cast<int>(SrtpBackend::Libsrtp2);
}
}  // namespace

void srtpSetGcmBackend(SrtpBackend b) {
  gcmBackendSetting().store(static_cast<int>(b == SrtpBackend::Libsrtp2 ? SrtpBackend::Libsrtp2
                                                                        : SrtpBackend::Own),
                            std::memory_order_relaxed);
}

bool srtpProfileSupported(SrtpProfile p) {
  if (p == SrtpProfile::AeadAes128Gcm && !gcmOnLibsrtp()) return true;  // our own (srtp_gcm)
  return srtpLibsrtpSupports(p);
}

struct SrtpSession::Impl {
  srtp_t session = nullptr;
  std::unique_ptr<SrtpGcm> gcm;  // set instead of `session` when we do GCM ourselves
  SrtpProfile profile = SrtpProfile::Aes128CmSha1_80;
  RateLimit logLimit;
};

Result<std::unique_ptr<SrtpSession>> SrtpSession::create(Direction dir, SrtpProfile profile,
                                                         Bytes keyAndSalt) {
  return create(dir, profile, keyAndSalt, SrtpBackend::Default);
}

Result<std::unique_ptr<SrtpSession>> SrtpSession::create(Direction dir, SrtpProfile profile,
                                                         Bytes keyAndSalt, SrtpBackend backend) {
  srtpGlobalInit();
  const size_t need = srtpKeyLength(profile) + srtpSaltLength(profile);
  if (keyAndSalt.size() != need) {
    return makeError("srtp_key", "SRTP key and salt must be " + std::to_string(need) +
                                     " bytes for " + std::string(toString(profile)) + ", got " +
                                     std::to_string(keyAndSalt.size()));
  }
  const bool gcm = profile == SrtpProfile::AeadAes128Gcm;
  if (backend == SrtpBackend::Own && !gcm) {
    return makeError("srtp_backend", "our own SRTP does only the AES-GCM profiles");
  }
  if (gcm && (backend == SrtpBackend::Own ||
              (backend == SrtpBackend::Default && !gcmOnLibsrtp()))) {
    const size_t keyLen = srtpKeyLength(profile);
    auto own = SrtpGcm::create(keyAndSalt.first(keyLen), keyAndSalt.subspan(keyLen));
    if (!own) return makeError("srtp_create", "AES-GCM session: OpenSSL failed");
    std::unique_ptr<SrtpSession> out(new SrtpSession());
    out->impl_ = std::make_unique<Impl>();
    out->impl_->gcm = std::move(own);
    out->impl_->profile = profile;
    return out;
  }
  // libsrtp2 copies the key during srtp_create(); the local copy is wiped afterwards.
  uint8_t key[SRTP_MAX_KEY_LEN] = {};
  std::memcpy(key, keyAndSalt.data(), keyAndSalt.size());

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  setPolicy(policy, profile);
  // One wildcard stream per direction: every SSRC of this DTLS association shares the key
  // (RFC 5764 §4.1.2); libsrtp2 clones per-SSRC state on first use.
  policy.ssrc.type = dir == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.key = key;
  policy.window_size = kReplayWindow;
  // Outbound RTX of an identical packet (same seq, same payload) must not be refused.
  policy.allow_repeat_tx = dir == Direction::Outbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t session = nullptr;
  srtp_err_status_t s = srtp_create(&session, &policy);
  OPENSSL_cleanse(key, sizeof(key));
  if (s != srtp_err_status_ok) {
    return makeError("srtp_create",
                     std::string(toString(profile)) + " session: " + statusText(s));
  }
  std::unique_ptr<SrtpSession> out(new SrtpSession());
  out->impl_ = std::make_unique<Impl>();
  out->impl_->session = session;
  out->impl_->profile = profile;
  return out;
}

SrtpSession::~SrtpSession() {
  if (impl_ && impl_->session) srtp_dealloc(impl_->session);
}

bool SrtpSession::protectRtp(uint8_t* buf, size_t& len, size_t capacity) {
  if (impl_->gcm) {
    if (impl_->gcm->protectRtp(buf, len, capacity)) {
      hot_[0] = {impl_.get(), sizeof(Impl)};
      size_t n = 1 + impl_->gcm->hotRanges(hot_.data() + 1);
      for (; n < hot_.size(); ++n) hot_[n] = {};
      return true;
    }
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "SRTP AES-GCM protectRtp failed");
    return false;
  }
  if (!buf || len < kMinRtpSize || capacity < len ||
      capacity - len < rtpTrailer(impl_->profile) || len > INT_MAX - kSrtpMaxTrailer) {
    return false;
  }
  int n = static_cast<int>(len);
  srtp_err_status_t s = srtp_protect(impl_->session, buf, &n);
  if (s != srtp_err_status_ok) {
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "srtp_protect: {}", statusText(s));
    return false;
  }
  len = static_cast<size_t>(n);
  return true;
}

bool SrtpSession::protectRtcp(uint8_t* buf, size_t& len, size_t capacity) {
  if (impl_->gcm) {
    if (impl_->gcm->protectRtcp(buf, len, capacity)) return true;
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "SRTP AES-GCM protectRtcp failed");
    return false;
  }
  if (!buf || len < kMinRtcpSize || capacity < len ||
      capacity - len < rtcpTrailer(impl_->profile) || len > INT_MAX - kSrtpMaxTrailer) {
    return false;
  }
  int n = static_cast<int>(len);
  srtp_err_status_t s = srtp_protect_rtcp(impl_->session, buf, &n);
  if (s != srtp_err_status_ok) {
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "srtp_protect_rtcp: {}", statusText(s));
    return false;
  }
  len = static_cast<size_t>(n);
  return true;
}

bool SrtpSession::unprotectRtp(uint8_t* buf, size_t& len) {
  if (impl_->gcm) {
    if (impl_->gcm->unprotectRtp(buf, len)) return true;
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "SRTP AES-GCM unprotectRtp failed");
    return false;
  }
  if (!buf || len < kMinRtpSize + rtpTrailer(impl_->profile) || len > INT_MAX) return false;
  int n = static_cast<int>(len);
  srtp_err_status_t s = srtp_unprotect(impl_->session, buf, &n);
  if (s != srtp_err_status_ok) {
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "srtp_unprotect: {}", statusText(s));
    return false;
  }
  len = static_cast<size_t>(n);
  return true;
}

bool SrtpSession::unprotectRtcp(uint8_t* buf, size_t& len) {
  if (impl_->gcm) {
    if (impl_->gcm->unprotectRtcp(buf, len)) return true;
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "SRTP AES-GCM unprotectRtcp failed");
    return false;
  }
  if (!buf || len < kMinRtcpSize + rtcpTrailer(impl_->profile) || len > INT_MAX) return false;
  int n = static_cast<int>(len);
  srtp_err_status_t s = srtp_unprotect_rtcp(impl_->session, buf, &n);
  if (s != srtp_err_status_ok) {
    ROUNDS_LOG_RATE_LIMITED(impl_->logLimit, debug, "srtp_unprotect_rtcp: {}", statusText(s));
    return false;
  }
  len = static_cast<size_t>(n);
  return true;
}

}  // namespace rounds
