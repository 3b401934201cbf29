// Our own SRTP/SRTCP with AEAD_AES_128_GCM and AEAD_AES_256_GCM (RFC 7714) on OpenSSL's EVP API:
// no heap allocation per packet. Used by SrtpSession for the GCM profiles (srtp.cpp).
// Threading: an SrtpGcm belongs to one worker thread, like the SrtpSession that owns it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "common/bytes.hpp"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace rounds {

// RFC 3711 §3.3.2 replay list over a packet index: the highest index seen and a 128-bit bitmap of
// the indices below it (bit i = highest - i was received).
class SrtpReplayWindow {
 public:
  static constexpr uint64_t kSize = 128;
  // Whether `index` is new and inside the window (does not record it).
  bool check(uint64_t index) const;
  // Records `index` as received (call only after authentication succeeded).
  void accept(uint64_t index);
  bool empty() const { return empty_; }
  uint64_t highest() const { return highest_; }

 private:
  bool empty_ = true;
  uint64_t highest_ = 0;
  uint64_t bits_[2] = {0, 0};  // bits_[0] holds offsets 0..63, bits_[1] offsets 64..127
};

// RFC 3711 §3.3.1 and Appendix A: the 48-bit packet index (ROC || SEQ) of a packet with sequence
// number `seq`, given the highest index so far `highest`.
uint64_t srtpEstimateIndex(uint64_t highest, uint16_t seq);

// RFC 3711 §4.3.1 (key_derivation_rate 0) with the AES-CM PRF (RFC 3711 §4.3.3; AES-256 per
// RFC 6188 §7) and the 96-bit master salt zero-extended (RFC 7714 §11, erratum 4938).
// masterKey is 16 or 32 bytes, masterSalt 12 or 14; writes out.size() bytes. False on failure.
bool srtpDeriveKey(Bytes masterKey, Bytes masterSalt, uint8_t label, MutableBytes out);

class SrtpGcm {
 public:
  static constexpr size_t kTagSize = 16;   // RFC 7714 §14.2
  static constexpr size_t kSaltSize = 12;  // RFC 7714 §12
  static constexpr size_t kMaxStreams = 8192;

  // From the master key (16 or 32 bytes) and 12-byte master salt; nullptr on failure.
  static std::unique_ptr<SrtpGcm> create(Bytes masterKey, Bytes masterSalt);
  // With the session keys and salts given directly (the RFC 7714 §16/§17 vectors use these).
  static std::unique_ptr<SrtpGcm> createWithSessionKeys(Bytes rtpKey, Bytes rtpSalt, Bytes rtcpKey,
                                                        Bytes rtcpSalt);
  ~SrtpGcm();
  SrtpGcm(const SrtpGcm&) = delete;
  SrtpGcm& operator=(const SrtpGcm&) = delete;

  // Same contract as SrtpSession: in place, false on any failure (nothing is sent then).
  bool protectRtp(uint8_t* buf, size_t& len, size_t capacity);
  bool protectRtcp(uint8_t* buf, size_t& len, size_t capacity);
  bool unprotectRtp(uint8_t* buf, size_t& len);
  bool unprotectRtcp(uint8_t* buf, size_t& len);

  // Where protectRtp's state lives (this object, the last stream used, the cipher context), for
  // prefetching ahead of the next protect (SrtpSession::prefetch); fills `out`, returns the count.
  struct HotRange {
    const void* base = nullptr;
    uint32_t bytes = 0;
  };
  static constexpr size_t kHotRanges = 3;
  size_t hotRanges(HotRange* out) const;

  // Test hook: the SRTCP index the next protectRtcp() for `ssrc` uses (RFC 7714 §17 vector).
  void setNextRtcpIndex(uint32_t ssrc, uint32_t index);

 private:
  // Per-SSRC cryptographic context state (RFC 3711 §3.2.1), both directions.
  struct Stream {
    uint32_t ssrc = 0;
    bool used = false;
    bool rtpSent = false;
    uint64_t sendIndex = 0;       // highest SRTP index protected (ROC || SEQ)
    SrtpReplayWindow rtpReplay;   // received SRTP indices
    uint32_t nextRtcpIndex = 1;   // SRTCP index of the next protected packet
    SrtpReplayWindow rtcpReplay;  // received SRTCP indices
  };

  SrtpGcm() = default;
  bool init(Bytes rtpKey, Bytes rtpSalt, Bytes rtcpKey, Bytes rtcpSalt);
  Stream* find(uint32_t ssrc);
  Stream* insert(const Stream& s);
  bool grow();

  EVP_CIPHER_CTX* rtpCtx_ = nullptr;
  EVP_CIPHER_CTX* rtcpCtx_ = nullptr;
  std::array<uint8_t, kSaltSize> rtpSalt_{};
  std::array<uint8_t, kSaltSize> rtcpSalt_{};
  // Open-addressing table keyed by SSRC; grows (allocates) only when a new SSRC appears.
  std::vector<Stream> streams_;
  size_t streamCount_ = 0;
  size_t lastSlot_ = 0;  // the last stream used: most packets repeat it
};

}  // namespace rounds
