#include "transport/srtp_gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <climits>
#include <cstring>

namespace rounds {

namespace {

constexpr size_t kMinRtpSize = 12;   // RFC 3550 §5.1
constexpr size_t kMinRtcpSize = 8;   // RFC 3550 §6.4.1: header + sender SSRC
constexpr size_t kIvSize = 12;       // RFC 7714 §8.1
constexpr size_t kEsrtcpSize = 4;    // RFC 3711 §3.4: E flag + 31-bit SRTCP index
constexpr uint32_t kMaxRtcpIndex = 0x7FFFFFFF;
constexpr uint32_t kEFlag = 0x80000000u;
constexpr size_t kInitialSlots = 64;

// RFC 3711 §4.3.1 labels.
constexpr uint8_t kLabelRtpKey = 0x00;
constexpr uint8_t kLabelRtpSalt = 0x02;
constexpr uint8_t kLabelRtcpKey = 0x03;
constexpr uint8_t kLabelRtcpSalt = 0x05;

// Length of the RTP header incl. CSRCs and header extension (RFC 3550 §5.1, §5.3.1): the part
// that is authenticated but not encrypted (RFC 7714 §8.2). 0 if it does not fit in `len`.
size_t rtpHeaderLength(const uint8_t* b, size_t len) {
  if (len < kMinRtpSize || (b[0] >> 6) != 2) return 0;
  size_t h = kMinRtpSize + 4 * size_t{static_cast<uint8_t>(b[0] & 0x0F)};
  if (len < h) return 0;
  if (b[0] & 0x10) {
    if (len - h < 4) return 0;
    h += 4 + 4 * size_t{readU16(b + h + 2)};
    if (len < h) return 0;
  }
  return h;
}

const EVP_CIPHER* gcmCipher(size_t keyLen) {
  if (keyLen == 16) return EVP_aes_128_gcm();
  if (keyLen == 32) return EVP_aes_256_gcm();
  return nullptr;
}

EVP_CIPHER_CTX* newGcmContext(Bytes key) {
  const EVP_CIPHER* cipher = gcmCipher(key.size());
  if (!cipher) return nullptr;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return nullptr;
  // The 96-bit IV is GCM's default length (RFC 7714 §8.1); the key is set once here, only the IV
  // changes per packet.
  if (EVP_EncryptInit_ex(ctx, cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvSize), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, key.data(), nullptr) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

// AEAD encryption in place (RFC 7714 §5.2.1 via GCM): AAD = aad1 || aad2, tag written to `tag`.
bool seal(EVP_CIPHER_CTX* ctx, const uint8_t* iv, const uint8_t* aad1, size_t aad1Len,
          const uint8_t* aad2, size_t aad2Len, uint8_t* data, size_t dataLen, uint8_t* tag) {
  int n = 0;
  uint8_t tail[16];
  if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv) != 1) return false;
  if (aad1Len && EVP_EncryptUpdate(ctx, nullptr, &n, aad1, static_cast<int>(aad1Len)) != 1) {
    return false;
  }
  if (aad2Len && EVP_EncryptUpdate(ctx, nullptr, &n, aad2, static_cast<int>(aad2Len)) != 1) {
    return false;
  }
  if (dataLen && EVP_EncryptUpdate(ctx, data, &n, data, static_cast<int>(dataLen)) != 1) {
    return false;
  }
  if (EVP_EncryptFinal_ex(ctx, tail, &n) != 1) return false;
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(SrtpGcm::kTagSize),
                             tag) == 1;
}

// AEAD decryption in place (RFC 7714 §5.2.2); false if the tag does not verify.
bool open(EVP_CIPHER_CTX* ctx, const uint8_t* iv, const uint8_t* aad1, size_t aad1Len,
          const uint8_t* aad2, size_t aad2Len, uint8_t* data, size_t dataLen, uint8_t* tag) {
  int n = 0;
  uint8_t tail[16];
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(SrtpGcm::kTagSize), tag) !=
      1) {
    return false;
  }
  if (aad1Len && EVP_DecryptUpdate(ctx, nullptr, &n, aad1, static_cast<int>(aad1Len)) != 1) {
    return false;
  }
  if (aad2Len && EVP_DecryptUpdate(ctx, nullptr, &n, aad2, static_cast<int>(aad2Len)) != 1) {
    return false;
  }
  if (dataLen && EVP_DecryptUpdate(ctx, data, &n, data, static_cast<int>(dataLen)) != 1) {
    return false;
  }
  return EVP_DecryptFinal_ex(ctx, tail, &n) == 1;
}

// RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.
void rtpIv(uint8_t* iv, const std::array<uint8_t, SrtpGcm::kSaltSize>& salt, uint32_t ssrc,
           uint64_t index) {
  iv[0] = 0;
  iv[1] = 0;
  writeU32(iv + 2, ssrc);
  writeU32(iv + 6, static_cast<uint32_t>(index >> 16));
  writeU16(iv + 10, static_cast<uint16_t>(index));
  for (size_t i = 0; i < kIvSize; ++i) iv[i] ^= salt[i];
}

// RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.
void rtcpIv(uint8_t* iv, const std::array<uint8_t, SrtpGcm::kSaltSize>& salt, uint32_t ssrc,
            uint32_t index) {
  iv[0] = 0;
  iv[1] = 0;
  writeU32(iv + 2, ssrc);
  iv[6] = 0;
  iv[7] = 0;
  writeU32(iv + 8, index & kMaxRtcpIndex);
  for (size_t i = 0; i < kIvSize; ++i) iv[i] ^= salt[i];
}

size_t hashSlot(uint32_t ssrc, size_t mask) {
  uint32_t h = ssrc * 2654435761u;
  return (h ^ (h >> 16)) & mask;
}

}  // namespace

// ---- RFC 3711 §3.3.2 replay list ----

bool SrtpReplayWindow::check(uint64_t index) const {
  if (empty_ || index > highest_) return true;
  const uint64_t offset = highest_ - index;
  if (offset >= kSize) return false;  // too old to tell: reject
  return !((bits_[offset / 64] >> (offset % 64)) & 1);
}

void SrtpReplayWindow::accept(uint64_t index) {
  if (empty_) {
    empty_ = false;
    highest_ = index;
    bits_[0] = 1;
    bits_[1] = 0;
    return;
  }
  if (index > highest_) {
    const uint64_t shift = index - highest_;
    if (shift >= kSize) {
      bits_[0] = 0;
      bits_[1] = 0;
    } else if (shift >= 64) {
      bits_[1] = bits_[0] << (shift - 64);
      bits_[0] = 0;
    } else {
      bits_[1] = (bits_[1] << shift) | (bits_[0] >> (64 - shift));
      bits_[0] <<= shift;
    }
    bits_[0] |= 1;
    highest_ = index;
    return;
  }
  const uint64_t offset = highest_ - index;
  if (offset < kSize) bits_[offset / 64] |= uint64_t{1} << (offset % 64);
}

// RFC 3711 Appendix A: choose ROC - 1, ROC or ROC + 1 so that the index lies within 2^15 of the
// highest index so far. The ROC never goes below 0.
uint64_t srtpEstimateIndex(uint64_t highest, uint16_t seq) {
  const uint64_t roc = highest >> 16;
  const uint16_t sl = static_cast<uint16_t>(highest);
  uint64_t v = roc;
  if (sl < 32768) {
    if (seq > sl && seq - sl > 32768 && roc > 0) v = roc - 1;
  } else {
    if (sl - 32768 > seq && roc < 0xFFFFFFFFu) v = roc + 1;
  }
  return (v << 16) | seq;
}

bool srtpDeriveKey(Bytes masterKey, Bytes masterSalt, uint8_t label, MutableBytes out) {
  const EVP_CIPHER* cipher = masterKey.size() == 16   ? EVP_aes_128_ctr()
                             : masterKey.size() == 32 ? EVP_aes_256_ctr()
                                                      : nullptr;
  if (!cipher || masterSalt.size() > 14 || out.size() > 64) return false;
  // x = (label || 0^48) XOR master_salt (112 bits; a 96-bit salt is multiplied by 2^16), and the
  // PRF is AES-CM under the master key with IV = x * 2^16 (RFC 3711 §4.3.1, §4.3.3).
  uint8_t iv[16] = {};
  std::memcpy(iv, masterSalt.data(), masterSalt.size());
  iv[7] ^= label;
  uint8_t zeros[64] = {};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (!ctx) return false;
  int n = 0;
  bool ok = EVP_EncryptInit_ex(ctx, cipher, nullptr, masterKey.data(), iv) == 1 &&
            EVP_EncryptUpdate(ctx, out.data(), &n, zeros, static_cast<int>(out.size())) == 1 &&
            static_cast<size_t>(n) == out.size();
  EVP_CIPHER_CTX_free(ctx);
  return ok;
}

// ---- SrtpGcm ----

std::unique_ptr<SrtpGcm> SrtpGcm::create(Bytes masterKey, Bytes masterSalt) {
  if ((masterKey.size() != 16 && masterKey.size() != 32) || masterSalt.size() != kSaltSize) {
    return nullptr;
  }
  uint8_t keys[2][32];
  uint8_t salts[2][kSaltSize];
  const size_t kl = masterKey.size();
  bool ok = srtpDeriveKey(masterKey, masterSalt, kLabelRtpKey, MutableBytes(keys[0], kl)) &&
            srtpDeriveKey(masterKey, masterSalt, kLabelRtpSalt, MutableBytes(salts[0], kSaltSize)) &&
            srtpDeriveKey(masterKey, masterSalt, kLabelRtcpKey, MutableBytes(keys[1], kl)) &&
            srtpDeriveKey(masterKey, masterSalt, kLabelRtcpSalt, MutableBytes(salts[1], kSaltSize));
  std::unique_ptr<SrtpGcm> out;
  if (ok) {
    out = createWithSessionKeys(Bytes(keys[0], kl), Bytes(salts[0], kSaltSize), Bytes(keys[1], kl),
                                Bytes(salts[1], kSaltSize));
  }
  OPENSSL_cleanse(keys, sizeof(keys));
  OPENSSL_cleanse(salts, sizeof(salts));
  return out;
}

std::unique_ptr<SrtpGcm> SrtpGcm::createWithSessionKeys(Bytes rtpKey, Bytes rtpSalt, Bytes rtcpKey,
                                                        Bytes rtcpSalt) {
  std::unique_ptr<SrtpGcm> s(new SrtpGcm());
  if (!s->init(rtpKey, rtpSalt, rtcpKey, rtcpSalt)) return nullptr;
  return s;
}

bool SrtpGcm::init(Bytes rtpKey, Bytes rtpSalt, Bytes rtcpKey, Bytes rtcpSalt) {
  if (rtpSalt.size() != kSaltSize || rtcpSalt.size() != kSaltSize) return false;
  rtpCtx_ = newGcmContext(rtpKey);
  rtcpCtx_ = newGcmContext(rtcpKey);
  if (!rtpCtx_ || !rtcpCtx_) return false;
  std::memcpy(rtpSalt_.data(), rtpSalt.data(), kSaltSize);
  std::memcpy(rtcpSalt_.data(), rtcpSalt.data(), kSaltSize);
  streams_.resize(kInitialSlots);
  return true;
}

SrtpGcm::~SrtpGcm() {
  EVP_CIPHER_CTX_free(rtpCtx_);
  EVP_CIPHER_CTX_free(rtcpCtx_);
  OPENSSL_cleanse(rtpSalt_.data(), rtpSalt_.size());
  OPENSSL_cleanse(rtcpSalt_.data(), rtcpSalt_.size());
}

SrtpGcm::Stream* SrtpGcm::find(uint32_t ssrc) {
  if (streams_.empty()) return nullptr;
  Stream& last = streams_[lastSlot_];
  if (last.used && last.ssrc == ssrc) return &last;
  const size_t mask = streams_.size() - 1;
  for (size_t i = hashSlot(ssrc, mask);; i = (i + 1) & mask) {
    Stream& s = streams_[i];
    if (!s.used) return nullptr;
    if (s.ssrc == ssrc) {
      lastSlot_ = i;
      return &s;
    }
  }
}

bool SrtpGcm::grow() {
  std::vector<Stream> old;
  old.swap(streams_);
  streams_.resize(old.size() * 2);
  const size_t mask = streams_.size() - 1;
  for (const Stream& s : old) {
    if (!s.used) continue;
    size_t i = hashSlot(s.ssrc, mask);
    while (streams_[i].used) i = (i + 1) & mask;
    streams_[i] = s;
  }
  lastSlot_ = 0;
  return true;
}

// A new SSRC: the only time the table may allocate (it doubles at half load).
SrtpGcm::Stream* SrtpGcm::insert(const Stream& s) {
  if (streams_.empty() || streamCount_ >= kMaxStreams) return nullptr;
  if ((streamCount_ + 1) * 2 > streams_.size()) grow();
  const size_t mask = streams_.size() - 1;
  size_t i = hashSlot(s.ssrc, mask);
  while (streams_[i].used) i = (i + 1) & mask;
  streams_[i] = s;
  streams_[i].used = true;
  ++streamCount_;
  lastSlot_ = i;
  return &streams_[i];
}

void SrtpGcm::setNextRtcpIndex(uint32_t ssrc, uint32_t index) {
  Stream* s = find(ssrc);
  if (!s) {
    Stream fresh;
    fresh.ssrc = ssrc;
    s = insert(fresh);
  }
  if (s) s->nextRtcpIndex = index;
}

// RFC 7714 §8: the header (with CSRCs and extension) is AAD, the payload (with padding) is
// encrypted, the 16-byte tag is appended.
size_t SrtpGcm::hotRanges(HotRange* out) const {
  size_t n = 0;
  out[n++] = {this, sizeof(SrtpGcm)};
  if (!streams_.empty()) out[n++] = {&streams_[lastSlot_], sizeof(Stream)};
  // EVP_CIPHER_CTX is opaque: its first lines. The provider's own GCM state (key schedule,
  // tables) behind it has no public address in OpenSSL 3, so it is not prefetched.
  if (rtpCtx_) out[n++] = {rtpCtx_, 192};
  return n;
}

bool SrtpGcm::protectRtp(uint8_t* buf, size_t& len, size_t capacity) {
  if (!buf || capacity < len || capacity - len < kTagSize || len > INT_MAX - 64) return false;
  const size_t h = rtpHeaderLength(buf, len);
  if (h == 0) return false;
  const uint32_t ssrc = readU32(buf + 8);
  const uint16_t seq = readU16(buf + 2);
  Stream* s = find(ssrc);
  if (!s) {
    Stream fresh;
    fresh.ssrc = ssrc;
    s = insert(fresh);
    if (!s) return false;
  }
  // RFC 3711 §3.3.1: the sender's ROC counts wraps of its sequence numbers; an older packet
  // sent again (a retransmission) keeps the ROC it had.
  uint64_t index = seq;
  if (s->rtpSent) index = srtpEstimateIndex(s->sendIndex, seq);
  if (!s->rtpSent || index > s->sendIndex) s->sendIndex = index;
  s->rtpSent = true;
  uint8_t iv[kIvSize];
  rtpIv(iv, rtpSalt_, ssrc, index);
  if (!seal(rtpCtx_, iv, buf, h, nullptr, 0, buf + h, len - h, buf + len)) return false;
  len += kTagSize;
  return true;
}

bool SrtpGcm::unprotectRtp(uint8_t* buf, size_t& len) {
  if (!buf || len < kMinRtpSize + kTagSize || len > INT_MAX) return false;
  const size_t body = len - kTagSize;
  const size_t h = rtpHeaderLength(buf, body);
  if (h == 0) return false;
  const uint32_t ssrc = readU32(buf + 8);
  const uint16_t seq = readU16(buf + 2);
  Stream* s = find(ssrc);
  Stream fresh;
  fresh.ssrc = ssrc;
  const Stream& st = s ? *s : fresh;
  // RFC 3711 §3.3.1: a new stream starts with ROC 0; then Appendix A's estimate.
  const uint64_t index =
      st.rtpReplay.empty() ? uint64_t{seq} : srtpEstimateIndex(st.rtpReplay.highest(), seq);
  if (!st.rtpReplay.check(index)) return false;  // RFC 3711 §3.3.2: replayed or too old
  uint8_t iv[kIvSize];
  rtpIv(iv, rtpSalt_, ssrc, index);
  if (!open(rtpCtx_, iv, buf, h, nullptr, 0, buf + h, body - h, buf + body)) return false;
  // Only an authenticated packet creates a stream or moves the replay window.
  if (!s) {
    s = insert(fresh);
    if (!s) return false;
  }
  s->rtpReplay.accept(index);
  len = body;
  return true;
}

// RFC 7714 §9: the 8-byte RTCP header and the E flag + SRTCP index are AAD, the rest is
// encrypted; the tag precedes the E flag + index word.
bool SrtpGcm::protectRtcp(uint8_t* buf, size_t& len, size_t capacity) {
  if (!buf || len < kMinRtcpSize || capacity < len || capacity - len < kTagSize + kEsrtcpSize ||
      len > INT_MAX - 64) {
    return false;
  }
  const uint32_t ssrc = readU32(buf + 4);
  Stream* s = find(ssrc);
  if (!s) {
    Stream fresh;
    fresh.ssrc = ssrc;
    s = insert(fresh);
    if (!s) return false;
  }
  // RFC 3711 §3.3.2: the index must not wrap under one key.
  const uint32_t index = s->nextRtcpIndex;
  if (index > kMaxRtcpIndex) return false;
  uint8_t* esrtcp = buf + len + kTagSize;
  writeU32(esrtcp, kEFlag | index);
  uint8_t iv[kIvSize];
  rtcpIv(iv, rtcpSalt_, ssrc, index);
  if (!seal(rtcpCtx_, iv, buf, kMinRtcpSize, esrtcp, kEsrtcpSize, buf + kMinRtcpSize,
            len - kMinRtcpSize, buf + len)) {
    return false;
  }
  s->nextRtcpIndex = index + 1;
  len += kTagSize + kEsrtcpSize;
  return true;
}

bool SrtpGcm::unprotectRtcp(uint8_t* buf, size_t& len) {
  if (!buf || len < kMinRtcpSize + kTagSize + kEsrtcpSize || len > INT_MAX) return false;
  const size_t body = len - kTagSize - kEsrtcpSize;
  uint8_t* tag = buf + body;
  uint8_t* esrtcp = tag + kTagSize;
  const uint32_t word = readU32(esrtcp);
  const uint32_t index = word & kMaxRtcpIndex;
  const uint32_t ssrc = readU32(buf + 4);
  Stream* s = find(ssrc);
  Stream fresh;
  fresh.ssrc = ssrc;
  const Stream& st = s ? *s : fresh;
  if (!st.rtcpReplay.check(index)) return false;
  uint8_t iv[kIvSize];
  rtcpIv(iv, rtcpSalt_, ssrc, index);
  bool ok;
  if (word & kEFlag) {
    ok = open(rtcpCtx_, iv, buf, kMinRtcpSize, esrtcp, kEsrtcpSize, buf + kMinRtcpSize,
              body - kMinRtcpSize, tag);
  } else {
    // RFC 7714 §9.3: unencrypted SRTCP: the whole packet and the index word are AAD.
    ok = open(rtcpCtx_, iv, buf, body, esrtcp, kEsrtcpSize, nullptr, 0, tag);
  }
  if (!ok) return false;
  if (!s) {
    s = insert(fresh);
    if (!s) return false;
  }
  s->rtcpReplay.accept(index);
  len = body;
  return true;
}

}  // namespace rounds
