// Tests for transport/srtp: round trips, tamper/replay rejection, capacity checks, and a
// known-answer check of libsrtp2 against an independent RFC 3711 implementation built on EVP.
#include "transport/srtp.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <vector>

#include "common/hex.hpp"

namespace rounds {
namespace {

std::vector<SrtpProfile> supportedProfiles() {
  std::vector<SrtpProfile> out;
  for (auto p : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
    if (srtpProfileSupported(p)) out.push_back(p);
  }
  return out;
}

std::vector<uint8_t> testKey(SrtpProfile p, uint8_t seed) {
  std::vector<uint8_t> key(srtpKeyLength(p) + srtpSaltLength(p));
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 13);
  return key;
}

// An RTP packet (RFC 3550 §5.1) with room for the SRTP trailer.
std::vector<uint8_t> rtpPacket(uint16_t seq, uint32_t ssrc, size_t payload) {
  std::vector<uint8_t> p(12 + payload + kSrtpMaxTrailer);
  p[0] = 0x80;
  p[1] = 96;
  writeU16(&p[2], seq);
  writeU32(&p[4], 90000u * seq);
  writeU32(&p[8], ssrc);
  for (size_t i = 0; i < payload; ++i) p[12 + i] = static_cast<uint8_t>(i);
  p.resize(12 + payload);
  return p;
}

// An RTCP receiver report with one report block (RFC 3550 §6.4.2).
std::vector<uint8_t> rtcpPacket(uint32_t ssrc) {
  std::vector<uint8_t> p(32, 0);
  p[0] = 0x81;
  p[1] = 201;
  writeU16(&p[2], 7);
  writeU32(&p[4], ssrc);
  writeU32(&p[8], 0x11223344);
  return p;
}

struct Pair {
  std::unique_ptr<SrtpSession> out;
  std::unique_ptr<SrtpSession> in;
};

Pair makePair(SrtpProfile p, const std::vector<uint8_t>& key) {
  auto out = SrtpSession::create(SrtpSession::Direction::Outbound, p, key);
  auto in = SrtpSession::create(SrtpSession::Direction::Inbound, p, key);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error().message);
  if (!out.ok() || !in.ok()) return {};
  return {std::move(out.value()), std::move(in.value())};
}

bool protectRtp(SrtpSession& s, std::vector<uint8_t>& pkt) {
  size_t len = pkt.size();
  pkt.resize(len + kSrtpMaxTrailer);
  bool ok = s.protectRtp(pkt.data(), len, pkt.size());
  pkt.resize(len);
  return ok;
}

TEST(Srtp, Aes128CmIsSupported) {
  // The fallback every WebRTC endpoint offers must always be there.
  EXPECT_TRUE(srtpProfileSupported(SrtpProfile::Aes128CmSha1_80));
  // Informational: which backend capabilities the linked libsrtp2 has.
  std::printf("AEAD_AES_128_GCM supported by libsrtp2: %s\n",
              srtpProfileSupported(SrtpProfile::AeadAes128Gcm) ? "yes" : "no");
}

TEST(Srtp, KeyLengths) {
  EXPECT_EQ(srtpKeyLength(SrtpProfile::Aes128CmSha1_80), 16u);
  EXPECT_EQ(srtpSaltLength(SrtpProfile::Aes128CmSha1_80), 14u);
  EXPECT_EQ(srtpKeyLength(SrtpProfile::AeadAes128Gcm), 16u);
  EXPECT_EQ(srtpSaltLength(SrtpProfile::AeadAes128Gcm), 12u);
  EXPECT_EQ(toString(SrtpProfile::Aes128CmSha1_80), "SRTP_AES128_CM_SHA1_80");
}

TEST(Srtp, WrongKeyLengthIsAnError) {
  std::vector<uint8_t> key(10, 1);
  auto s = SrtpSession::create(SrtpSession::Direction::Inbound, SrtpProfile::Aes128CmSha1_80, key);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "srtp_key");
}

TEST(Srtp, RtpAndRtcpRoundTripForEachProfile) {
  for (SrtpProfile p : supportedProfiles()) {
    SCOPED_TRACE(std::string(toString(p)));
    auto pair = makePair(p, testKey(p, 3));
    ASSERT_TRUE(pair.out && pair.in);
    for (uint16_t seq = 65530; seq != 10; ++seq) {  // crosses the ROC wrap (RFC 3711 §3.3.1)
      auto plain = rtpPacket(seq, 0x01020304, 100);
      auto pkt = plain;
      ASSERT_TRUE(protectRtp(*pair.out, pkt));
      EXPECT_EQ(pkt.size(), plain.size() + (p == SrtpProfile::AeadAes128Gcm ? 16u : 10u));
      EXPECT_NE(std::vector<uint8_t>(pkt.begin() + 12, pkt.begin() + 112),
                std::vector<uint8_t>(plain.begin() + 12, plain.end()));
      size_t len = pkt.size();
      ASSERT_TRUE(pair.in->unprotectRtp(pkt.data(), len));
      pkt.resize(len);
      EXPECT_EQ(pkt, plain);
    }
    auto plain = rtcpPacket(0x0A0B0C0D);
    auto pkt = plain;
    size_t len = pkt.size();
    pkt.resize(len + kSrtpMaxTrailer);
    ASSERT_TRUE(pair.out->protectRtcp(pkt.data(), len, pkt.size()));
    EXPECT_EQ(len, plain.size() + (p == SrtpProfile::AeadAes128Gcm ? 20u : 14u));
    ASSERT_TRUE(pair.in->unprotectRtcp(pkt.data(), len));
    pkt.resize(len);
    EXPECT_EQ(pkt, plain);
  }
}

TEST(Srtp, TamperedPacketFails) {
  for (SrtpProfile p : supportedProfiles()) {
    SCOPED_TRACE(std::string(toString(p)));
    auto pair = makePair(p, testKey(p, 9));
    ASSERT_TRUE(pair.out && pair.in);
    auto pkt = rtpPacket(1, 42, 50);
    ASSERT_TRUE(protectRtp(*pair.out, pkt));
    for (size_t pos : {size_t{3}, size_t{20}, pkt.size() - 1}) {
      auto bad = pkt;
      bad[pos] ^= 0x01;
      size_t len = bad.size();
      EXPECT_FALSE(pair.in->unprotectRtp(bad.data(), len)) << "flipped byte " << pos;
    }
    // The untouched packet still authenticates after the failures.
    size_t len = pkt.size();
    EXPECT_TRUE(pair.in->unprotectRtp(pkt.data(), len));

    auto rtcp = rtcpPacket(42);
    size_t rlen = rtcp.size();
    rtcp.resize(rlen + kSrtpMaxTrailer);
    ASSERT_TRUE(pair.out->protectRtcp(rtcp.data(), rlen, rtcp.size()));
    rtcp[10] ^= 0x80;
    EXPECT_FALSE(pair.in->unprotectRtcp(rtcp.data(), rlen));
  }
}

TEST(Srtp, ReplayedPacketFails) {
  for (SrtpProfile p : supportedProfiles()) {
    SCOPED_TRACE(std::string(toString(p)));
    auto pair = makePair(p, testKey(p, 5));
    ASSERT_TRUE(pair.out && pair.in);
    auto pkt = rtpPacket(77, 42, 50);
    ASSERT_TRUE(protectRtp(*pair.out, pkt));
    auto copy = pkt;
    size_t len = pkt.size();
    ASSERT_TRUE(pair.in->unprotectRtp(pkt.data(), len));
    len = copy.size();
    EXPECT_FALSE(pair.in->unprotectRtp(copy.data(), len));  // RFC 3711 §3.3.2

    auto rtcp = rtcpPacket(42);
    size_t rlen = rtcp.size();
    rtcp.resize(rlen + kSrtpMaxTrailer);
    ASSERT_TRUE(pair.out->protectRtcp(rtcp.data(), rlen, rtcp.size()));
    auto rcopy = rtcp;
    size_t clen = rlen;
    ASSERT_TRUE(pair.in->unprotectRtcp(rtcp.data(), rlen));
    EXPECT_FALSE(pair.in->unprotectRtcp(rcopy.data(), clen));
  }
}

TEST(Srtp, OutboundRetransmissionIsAllowed) {
  auto pair = makePair(SrtpProfile::Aes128CmSha1_80, testKey(SrtpProfile::Aes128CmSha1_80, 1));
  ASSERT_TRUE(pair.out);
  auto a = rtpPacket(500, 42, 40);
  auto b = a;
  EXPECT_TRUE(protectRtp(*pair.out, a));
  EXPECT_TRUE(protectRtp(*pair.out, b));  // allow_repeat_tx
  EXPECT_EQ(a, b);
}

TEST(Srtp, CapacityTooSmallFailsCleanly) {
  for (SrtpProfile p : supportedProfiles()) {
    SCOPED_TRACE(std::string(toString(p)));
    auto pair = makePair(p, testKey(p, 7));
    ASSERT_TRUE(pair.out && pair.in);
    auto pkt = rtpPacket(1, 42, 50);
    const auto original = pkt;
    size_t len = pkt.size();
    pkt.resize(len + 9);  // one short of the smallest tag
    EXPECT_FALSE(pair.out->protectRtp(pkt.data(), len, pkt.size()));
    EXPECT_EQ(len, original.size());
    EXPECT_TRUE(std::equal(original.begin(), original.end(), pkt.begin()));
    EXPECT_FALSE(pair.out->protectRtp(pkt.data(), len, len - 1));  // capacity < len

    auto rtcp = rtcpPacket(42);
    size_t rlen = rtcp.size();
    rtcp.resize(rlen + 13);
    EXPECT_FALSE(pair.out->protectRtcp(rtcp.data(), rlen, rtcp.size()));
    EXPECT_EQ(rlen, 32u);
  }
}

TEST(Srtp, ShortAndGarbageInputIsRejected) {
  for (SrtpProfile p : supportedProfiles()) {
    auto pair = makePair(p, testKey(p, 11));
    ASSERT_TRUE(pair.out && pair.in);
    std::array<uint8_t, 64> buf{};
    for (size_t n = 0; n < buf.size(); ++n) {
      size_t len = n;
      EXPECT_FALSE(pair.in->unprotectRtp(buf.data(), len));
      len = n;
      EXPECT_FALSE(pair.in->unprotectRtcp(buf.data(), len));
    }
    size_t len = 4;
    EXPECT_FALSE(pair.out->protectRtp(buf.data(), len, buf.size()));
    EXPECT_FALSE(pair.out->protectRtcp(buf.data(), len, buf.size()));
  }
}

TEST(Srtp, SameKeyInteroperatesDifferentKeyFails) {
  for (SrtpProfile p : supportedProfiles()) {
    SCOPED_TRACE(std::string(toString(p)));
    auto key = testKey(p, 21);
    auto sender = makePair(p, key);
    auto other = makePair(p, key);      // an independent session from the same key
    auto wrong = makePair(p, testKey(p, 22));
    auto pkt = rtpPacket(1000, 0xDEADBEEF, 160);
    const auto plain = pkt;
    ASSERT_TRUE(protectRtp(*sender.out, pkt));
    auto copy = pkt;
    size_t len = copy.size();
    EXPECT_FALSE(wrong.in->unprotectRtp(copy.data(), len));
    len = pkt.size();
    ASSERT_TRUE(other.in->unprotectRtp(pkt.data(), len));
    pkt.resize(len);
    EXPECT_EQ(pkt, plain);
  }
}

// ---- Independent RFC 3711 reference (AES-CM + HMAC-SHA1-80), built on OpenSSL EVP ----

std::vector<uint8_t> aesCtr(Bytes key, const std::array<uint8_t, 16>& iv, Bytes in) {
  std::vector<uint8_t> out(in.size());
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, key.data(), iv.data());
  EVP_EncryptUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size()));
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

// RFC 3711 §4.3.1 with key_derivation_rate 0: x = (label || 0^48) XOR master_salt; the
// keystream of AES-CM under the master key from IV = x * 2^16.
std::vector<uint8_t> deriveKey(Bytes masterKey, Bytes masterSalt, uint8_t label, size_t n) {
  std::array<uint8_t, 16> iv{};
  std::copy(masterSalt.begin(), masterSalt.end(), iv.begin());
  iv[7] ^= label;
  return aesCtr(masterKey, iv, std::vector<uint8_t>(n, 0));
}

// RFC 3711 §3.1, §4.1.1, §4.2 for one RTP packet with ROC 0.
std::vector<uint8_t> referenceProtect(Bytes masterKey, Bytes masterSalt, Bytes packet) {
  auto encKey = deriveKey(masterKey, masterSalt, 0, 16);
  auto authKey = deriveKey(masterKey, masterSalt, 1, 20);
  auto salt = deriveKey(masterKey, masterSalt, 2, 14);
  std::array<uint8_t, 16> iv{};
  std::copy(salt.begin(), salt.end(), iv.begin());
  for (int i = 0; i < 4; ++i) iv[4 + i] ^= packet[8 + i];    // SSRC * 2^64
  for (int i = 0; i < 2; ++i) iv[12 + i] ^= packet[2 + i];   // (ROC=0 || SEQ) * 2^16
  std::vector<uint8_t> out(packet.begin(), packet.begin() + 12);
  auto enc = aesCtr(encKey, iv, packet.subspan(12));
  out.insert(out.end(), enc.begin(), enc.end());
  std::vector<uint8_t> authed = out;
  authed.insert(authed.end(), {0, 0, 0, 0});  // ROC
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned macLen = 0;
  HMAC(EVP_sha1(), authKey.data(), static_cast<int>(authKey.size()), authed.data(), authed.size(),
       mac, &macLen);
  out.insert(out.end(), mac, mac + 10);
  return out;
}

// RFC 7714 §8.1 and §11 (with erratum 4938: the 96-bit master salt is zero-extended for the
// RFC 3711 KDF) for one RTP packet with ROC 0.
std::vector<uint8_t> referenceProtectGcm(Bytes masterKey, Bytes masterSalt, Bytes packet) {
  auto encKey = deriveKey(masterKey, masterSalt, 0, 16);
  auto salt = deriveKey(masterKey, masterSalt, 2, 12);
  std::array<uint8_t, 12> iv{};
  for (int i = 0; i < 4; ++i) iv[2 + i] = packet[8 + i];  // SSRC
  for (int i = 0; i < 2; ++i) iv[10 + i] = packet[2 + i];  // ROC (0) || SEQ
  for (size_t i = 0; i < iv.size(); ++i) iv[i] ^= salt[i];
  std::vector<uint8_t> out(packet.begin(), packet.end());
  out.resize(packet.size() + 16);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), nullptr, encKey.data(), iv.data());
  EVP_EncryptUpdate(ctx, nullptr, &n, packet.data(), 12);  // AAD: the RTP header
  EVP_EncryptUpdate(ctx, out.data() + 12, &n, packet.data() + 12,
                    static_cast<int>(packet.size() - 12));
  EVP_EncryptFinal_ex(ctx, out.data() + 12 + n, &n);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + packet.size());
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

TEST(SrtpKnownAnswer, Rfc3711AppendixB3KeyDerivation) {
  auto mk = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  auto ms = fromHex("0EC675AD498AFEEBB6960B3AABE6");
  EXPECT_EQ(toHex(deriveKey(mk, ms, 0, 16)), "c61e7a93744f39ee10734afe3ff7a087");
  EXPECT_EQ(toHex(deriveKey(mk, ms, 2, 14)), "30cbbc08863d8c85d49db34a9ae1");
  EXPECT_EQ(toHex(deriveKey(mk, ms, 1, 20)), "cebe321f6ff7716b6fd4ab49af256a156d38baa4");
}

TEST(SrtpKnownAnswer, Rfc3711AppendixB2KeystreamSegment) {
  auto key = fromHex("2B7E151628AED2A6ABF7158809CF4F3C");
  std::array<uint8_t, 16> iv{};
  auto ivHex = fromHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  std::copy(ivHex.begin(), ivHex.end(), iv.begin());
  auto ks = aesCtr(key, iv, std::vector<uint8_t>(48, 0));
  EXPECT_EQ(toHex(ks), "e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab"
                       "41e95b3bb0a2e8dd477901e4fca894c0");
}

TEST(SrtpKnownAnswer, LibsrtpMatchesReferenceWithAppendixB3MasterKey) {
  // The master key and salt of RFC 3711 Appendix B.3; the packet is ours.
  auto keyAndSalt = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6");
  Bytes mk(keyAndSalt.data(), 16);
  Bytes ms(keyAndSalt.data() + 16, 14);
  auto pair = makePair(SrtpProfile::Aes128CmSha1_80, keyAndSalt);
  ASSERT_TRUE(pair.out && pair.in);
  for (uint16_t seq : {uint16_t{1}, uint16_t{2}, uint16_t{0x1234}}) {
    auto plain = rtpPacket(seq, 0xCAFEBABE, 37);
    auto expected = referenceProtect(mk, ms, plain);
    auto pkt = plain;
    ASSERT_TRUE(protectRtp(*pair.out, pkt));
    EXPECT_EQ(toHex(pkt), toHex(expected)) << "seq " << seq;
    // And libsrtp2 accepts what the reference produced.
    size_t len = expected.size();
    ASSERT_TRUE(pair.in->unprotectRtp(expected.data(), len));
    expected.resize(len);
    EXPECT_EQ(expected, plain);
  }
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

TEST(SrtpKnownAnswer, LibsrtpGcmMatchesReference) {
  if (!srtpProfileSupported(SrtpProfile::AeadAes128Gcm)) GTEST_SKIP() << "no AES-GCM in libsrtp2";
  auto keyAndSalt = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3A");
  Bytes mk(keyAndSalt.data(), 16);
  Bytes ms(keyAndSalt.data() + 16, 12);
  auto pair = makePair(SrtpProfile::AeadAes128Gcm, keyAndSalt);
  ASSERT_TRUE(pair.out && pair.in);
  for (uint16_t seq : {uint16_t{1}, uint16_t{0x4321}}) {
    auto plain = rtpPacket(seq, 0x12345678, 41);
    auto expected = referenceProtectGcm(mk, ms, plain);
    auto pkt = plain;
    ASSERT_TRUE(protectRtp(*pair.out, pkt));
    EXPECT_EQ(toHex(pkt), toHex(expected)) << "seq " << seq;
    size_t len = expected.size();
    ASSERT_TRUE(pair.in->unprotectRtp(expected.data(), len));
  }
}

}  // namespace
}  // namespace rounds
