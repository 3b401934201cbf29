// Tests for transport/srtp_gcm (our own RFC 7714 AES-GCM SRTP/SRTCP): the RFC 7714 §16/§17
// vectors, key derivation (RFC 3711 B.3), ROC estimation, replay and tamper rejection, and
// cross-checks against libsrtp2 in both directions across a sequence-number wrap.
#include "transport/srtp_gcm.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/hex.hpp"
#include "transport/srtp.hpp"

namespace rounds {
namespace {

// RFC 7714 §16: session key/salt (given directly, no KDF) and the RTP packet they protect.
const char* kKey128 = "000102030405060708090a0b0c0d0e0f";
const char* kKey256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kSalt = "517569642070726f2071756f";
const char* kRtpPlain =
    "8040f17b8041f8d35501a0b2"
    "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
const char* kRtpCipher128 =  // §16.1.1: header, ciphertext, tag
    "8040f17b8041f8d35501a0b2"
    "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
    "899d7f27beb16a9152cf765ee4390cce";
const char* kRtpCipher256 =  // §16.2.1
    "8040f17b8041f8d35501a0b2"
    "32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799"
    "b87b7aa3db36dfffd6b0f9bb7878d7a76c13";
// RFC 7714 §17: the SRTCP packet of SSRC "Mars" with SRTCP index 0x5d4.
const char* kRtcpPlain =
    "81c8000d4d617273"
    "4e5450314e54503252545020" "0000042a0000e9304c756e61" "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
const char* kRtcpCipher128 =  // §17.1.1: header, ciphertext, tag, E flag + index
    "81c8000d4d617273"
    "63e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b46"
    "86303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade"
    "800005d4";

std::unique_ptr<SrtpGcm> vectorSession(const char* key) {
  auto k = fromHex(key);
  auto s = fromHex(kSalt);
  return SrtpGcm::createWithSessionKeys(k, s, k, s);
}

bool protect(SrtpGcm& g, std::vector<uint8_t>& p, bool rtcp = false) {
  size_t len = p.size();
  p.resize(len + 64);
  bool ok = rtcp ? g.protectRtcp(p.data(), len, p.size()) : g.protectRtp(p.data(), len, p.size());
  p.resize(ok ? len : p.size() - 64);
  return ok;
}

bool unprotect(SrtpGcm& g, std::vector<uint8_t>& p, bool rtcp = false) {
  size_t len = p.size();
  bool ok = rtcp ? g.unprotectRtcp(p.data(), len) : g.unprotectRtp(p.data(), len);
  if (ok) p.resize(len);
  return ok;
}

TEST(SrtpGcmVectors, Rfc7714Section16_1_Aes128Rtp) {
  auto g = vectorSession(kKey128);
  ASSERT_TRUE(g);
  auto p = fromHex(kRtpPlain);
  ASSERT_TRUE(protect(*g, p));
  EXPECT_EQ(toHex(p), kRtpCipher128);
  auto in = vectorSession(kKey128);
  auto c = fromHex(kRtpCipher128);
  ASSERT_TRUE(unprotect(*in, c));  // §16.1.2
  EXPECT_EQ(toHex(c), kRtpPlain);
  // One context switches between encryption and decryption (only the IV is set per packet).
  ASSERT_TRUE(unprotect(*g, p));
  EXPECT_EQ(toHex(p), kRtpPlain);
  auto again = fromHex(kRtpPlain);
  ASSERT_TRUE(protect(*g, again));
  EXPECT_EQ(toHex(again), kRtpCipher128);
}

TEST(SrtpGcmVectors, Rfc7714Section16_2_Aes256Rtp) {
  auto g = vectorSession(kKey256);
  ASSERT_TRUE(g);
  auto p = fromHex(kRtpPlain);
  ASSERT_TRUE(protect(*g, p));
  EXPECT_EQ(toHex(p), kRtpCipher256);
  auto in = vectorSession(kKey256);
  auto c = fromHex(kRtpCipher256);
  ASSERT_TRUE(unprotect(*in, c));
  EXPECT_EQ(toHex(c), kRtpPlain);
}

TEST(SrtpGcmVectors, Rfc7714Section17_1_Aes128Rtcp) {
  auto g = vectorSession(kKey128);
  ASSERT_TRUE(g);
  g->setNextRtcpIndex(0x4d617273, 0x5d4);
  auto p = fromHex(kRtcpPlain);
  ASSERT_TRUE(protect(*g, p, true));
  EXPECT_EQ(toHex(p), kRtcpCipher128);
  auto in = vectorSession(kKey128);
  auto c = fromHex(kRtcpCipher128);
  ASSERT_TRUE(unprotect(*in, c, true));  // §17.1.2
  EXPECT_EQ(toHex(c), kRtcpPlain);
  // The next protected packet carries the next index.
  auto q = fromHex(kRtcpPlain);
  ASSERT_TRUE(protect(*g, q, true));
  EXPECT_EQ(toHex(Bytes(q).last(4)), "800005d5");
}

TEST(SrtpGcmVectors, KeyDerivationRfc3711AppendixB3) {
  auto mk = fromHex("E1F97A0D3E018BE0D64FA32C06DE4139");
  auto ms = fromHex("0EC675AD498AFEEBB6960B3AABE6");
  uint8_t key[16], salt[14], auth[20];
  ASSERT_TRUE(srtpDeriveKey(mk, ms, 0, key));
  ASSERT_TRUE(srtpDeriveKey(mk, ms, 2, salt));
  ASSERT_TRUE(srtpDeriveKey(mk, ms, 1, auth));
  EXPECT_EQ(toHex(key), "c61e7a93744f39ee10734afe3ff7a087");
  EXPECT_EQ(toHex(salt), "30cbbc08863d8c85d49db34a9ae1");
  EXPECT_EQ(toHex(auth), "cebe321f6ff7716b6fd4ab49af256a156d38baa4");
  uint8_t bad[16];
  EXPECT_FALSE(srtpDeriveKey(Bytes(mk).first(15), ms, 0, bad));
}

TEST(SrtpGcmIndex, RocEstimateRfc3711AppendixA) {
  EXPECT_EQ(srtpEstimateIndex(100, 101), 101u);
  EXPECT_EQ(srtpEstimateIndex(100, 50), 50u);
  EXPECT_EQ(srtpEstimateIndex(0xFFF0, 0x0005), 0x10005u);     // wrap forward: ROC + 1
  EXPECT_EQ(srtpEstimateIndex(0x10005, 0xFFF0), 0xFFF0u);     // late packet: ROC - 1
  EXPECT_EQ(srtpEstimateIndex(0x0005, 0xFFF0), 0xFFF0u);      // ROC 0 never goes negative
  EXPECT_EQ(srtpEstimateIndex(0x38000, 0x7FFF), 0x37FFFu);
}

TEST(SrtpGcmIndex, ReplayWindow) {
  SrtpReplayWindow w;
  EXPECT_TRUE(w.check(1000));
  w.accept(1000);
  EXPECT_FALSE(w.check(1000));
  EXPECT_TRUE(w.check(999));
  w.accept(999);
  EXPECT_FALSE(w.check(999));
  EXPECT_TRUE(w.check(1000 - 127));
  EXPECT_FALSE(w.check(1000 - 128));  // outside the 128-packet window
  w.accept(1100);                     // shift by 100: 1000 and 999 now at offsets 100, 101
  EXPECT_FALSE(w.check(1000));
  EXPECT_FALSE(w.check(999));
  EXPECT_TRUE(w.check(1001));
  w.accept(1400);
  EXPECT_FALSE(w.check(1100));  // fell out of the window
  EXPECT_TRUE(w.check(1399));
}

std::vector<uint8_t> rtp(uint16_t seq, uint32_t ssrc, size_t payload, bool csrcAndExt = false) {
  std::vector<uint8_t> p(12);
  p[0] = 0x80;
  p[1] = 111;
  writeU16(&p[2], seq);
  writeU32(&p[4], 960u * seq);
  writeU32(&p[8], ssrc);
  if (csrcAndExt) {
    p[0] = 0x80 | 0x10 | 2;  // X bit, CC = 2
    for (uint32_t c : {0x01020304u, 0x05060708u}) {
      p.resize(p.size() + 4);
      writeU32(&p[p.size() - 4], c);
    }
    const uint8_t ext[] = {0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0x00, 0x00};  // RFC 8285 one-byte
    p.insert(p.end(), ext, ext + sizeof(ext));
  }
  for (size_t i = 0; i < payload; ++i) p.push_back(static_cast<uint8_t>(i * 3 + seq));
  return p;
}

std::vector<uint8_t> rtcp(uint32_t ssrc, uint8_t fill) {
  std::vector<uint8_t> p(28, fill);
  p[0] = 0x81;
  p[1] = 201;
  writeU16(&p[2], 6);
  writeU32(&p[4], ssrc);
  return p;
}

std::vector<uint8_t> masterKey(uint8_t seed) {
  std::vector<uint8_t> k(28);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 7 + i * 11);
  return k;
}

std::unique_ptr<SrtpGcm> fromMaster(const std::vector<uint8_t>& k) {
  return SrtpGcm::create(Bytes(k).first(16), Bytes(k).subspan(16));
}

TEST(SrtpGcm, ReplayIsRejectedReorderIsAccepted) {
  auto k = masterKey(1);
  auto out = fromMaster(k);
  auto in = fromMaster(k);
  std::vector<std::vector<uint8_t>> sent;
  for (uint16_t s = 10; s < 20; ++s) {
    auto p = rtp(s, 0xABCD, 50);
    ASSERT_TRUE(protect(*out, p));
    sent.push_back(p);
  }
  auto a = sent[9];
  ASSERT_TRUE(unprotect(*in, a));
  auto late = sent[3];
  ASSERT_TRUE(unprotect(*in, late));  // reordered, inside the window
  auto again = sent[3];
  EXPECT_FALSE(unprotect(*in, again));  // replayed
  auto again2 = sent[9];
  EXPECT_FALSE(unprotect(*in, again2));
  // RTCP: replay of the same SRTCP index is refused.
  auto r = rtcp(0xABCD, 1);
  ASSERT_TRUE(protect(*out, r, true));
  auto r2 = r;
  ASSERT_TRUE(unprotect(*in, r, true));
  EXPECT_FALSE(unprotect(*in, r2, true));
}

TEST(SrtpGcm, TamperedTagHeaderPayloadAreRejected) {
  auto k = masterKey(2);
  auto out = fromMaster(k);
  auto in = fromMaster(k);
  for (bool ext : {false, true}) {
    auto p = rtp(ext ? 501 : 500, 0x1111, 80, ext);
    const auto plain = p;
    ASSERT_TRUE(protect(*out, p));
    for (size_t pos : {size_t{1}, size_t{9}, plain.size() - 1 - (ext ? 0 : 1), p.size() - 1,
                       p.size() - 16, size_t{13}}) {
      auto t = p;
      t[pos] ^= 0x01;
      EXPECT_FALSE(unprotect(*in, t)) << "byte " << pos;
    }
    auto t = p;
    t.pop_back();  // truncated tag
    EXPECT_FALSE(unprotect(*in, t));
    // The genuine packet still passes: failures change no state.
    ASSERT_TRUE(unprotect(*in, p));
    EXPECT_EQ(p, plain);
  }
  auto r = rtcp(0x2222, 7);
  const auto rplain = r;
  ASSERT_TRUE(protect(*out, r, true));
  for (size_t pos : {size_t{0}, size_t{5}, size_t{10}, r.size() - 5, r.size() - 1, r.size() - 4}) {
    auto t = r;
    t[pos] ^= 0x01;
    EXPECT_FALSE(unprotect(*in, t, true)) << "rtcp byte " << pos;
  }
  ASSERT_TRUE(unprotect(*in, r, true));
  EXPECT_EQ(r, rplain);
}

TEST(SrtpGcm, WrongKeyShortAndGarbageAreRejected) {
  auto out = fromMaster(masterKey(3));
  auto wrong = fromMaster(masterKey(4));
  auto p = rtp(1, 5, 20);
  ASSERT_TRUE(protect(*out, p));
  auto c = p;
  EXPECT_FALSE(unprotect(*wrong, c));
  for (size_t n = 0; n < 40; ++n) {
    std::vector<uint8_t> g(n, 0xFF);
    size_t len = n;
    EXPECT_FALSE(wrong->unprotectRtp(g.data(), len));
    len = n;
    EXPECT_FALSE(wrong->unprotectRtcp(g.data(), len));
  }
  // Not enough room for the tag, or an extension longer than the packet.
  auto q = rtp(2, 5, 20);
  size_t len = q.size();
  q.resize(len + 15);
  EXPECT_FALSE(out->protectRtp(q.data(), len, q.size()));
  auto bad = rtp(3, 5, 4, true);
  bad[22] = 0xFF;  // extension length 0xFF.. words
  len = bad.size();
  bad.resize(len + 16);
  EXPECT_FALSE(out->protectRtp(bad.data(), len, bad.size()));
  EXPECT_FALSE(SrtpGcm::create(Bytes(masterKey(1)).first(15), Bytes(masterKey(1)).subspan(16)));
}

// ---- against libsrtp2 ----

std::unique_ptr<SrtpSession> libsrtp(SrtpSession::Direction d, const std::vector<uint8_t>& k) {
  auto s = SrtpSession::create(d, SrtpProfile::AeadAes128Gcm, k, SrtpBackend::Libsrtp2);
  return s.ok() ? std::move(s.value()) : nullptr;
}

std::unique_ptr<SrtpSession> own(SrtpSession::Direction d, const std::vector<uint8_t>& k) {
  auto s = SrtpSession::create(d, SrtpProfile::AeadAes128Gcm, k, SrtpBackend::Own);
  return s.ok() ? std::move(s.value()) : nullptr;
}

// Protects a run of RTP packets across a sequence-number wrap (and RTCP) on `tx`, unprotects on
// `rx`, and compares with the plaintext.
void crossCheck(SrtpSession& tx, SrtpSession& rx) {
  int checked = 0;
  for (int i = 0; i < 40; ++i) {
    const uint16_t seq = static_cast<uint16_t>(65520 + i);  // wraps at i = 16
    for (uint32_t ssrc : {0x1234u, 0x9999u}) {
      auto p = rtp(seq, ssrc, 100 + i, i % 3 == 0);
      const auto plain = p;
      size_t len = p.size();
      p.resize(len + kSrtpMaxTrailer);
      ASSERT_TRUE(tx.protectRtp(p.data(), len, p.size())) << seq;
      ASSERT_TRUE(rx.unprotectRtp(p.data(), len)) << "seq " << seq;
      p.resize(len);
      ASSERT_EQ(p, plain) << seq;
      ++checked;
    }
    auto r = rtcp(0x1234, static_cast<uint8_t>(i));
    const auto rplain = r;
    size_t len = r.size();
    r.resize(len + kSrtpMaxTrailer);
    ASSERT_TRUE(tx.protectRtcp(r.data(), len, r.size()));
    ASSERT_TRUE(rx.unprotectRtcp(r.data(), len)) << "rtcp " << i;
    r.resize(len);
    ASSERT_EQ(r, rplain);
  }
  EXPECT_EQ(checked, 80);
}

TEST(SrtpGcmInterop, OursProtectsLibsrtpUnprotects) {
  if (!srtpLibsrtpSupports(SrtpProfile::AeadAes128Gcm)) GTEST_SKIP() << "no GCM in libsrtp2";
  auto k = masterKey(9);
  auto tx = own(SrtpSession::Direction::Outbound, k);
  auto rx = libsrtp(SrtpSession::Direction::Inbound, k);
  ASSERT_TRUE(tx && rx);
  crossCheck(*tx, *rx);
}

TEST(SrtpGcmInterop, LibsrtpProtectsOursUnprotects) {
  if (!srtpLibsrtpSupports(SrtpProfile::AeadAes128Gcm)) GTEST_SKIP() << "no GCM in libsrtp2";
  auto k = masterKey(10);
  auto tx = libsrtp(SrtpSession::Direction::Outbound, k);
  auto rx = own(SrtpSession::Direction::Inbound, k);
  ASSERT_TRUE(tx && rx);
  crossCheck(*tx, *rx);
}

TEST(SrtpGcmInterop, SameBytesAsLibsrtp) {
  if (!srtpLibsrtpSupports(SrtpProfile::AeadAes128Gcm)) GTEST_SKIP() << "no GCM in libsrtp2";
  auto k = masterKey(11);
  auto a = own(SrtpSession::Direction::Outbound, k);
  auto b = libsrtp(SrtpSession::Direction::Outbound, k);
  ASSERT_TRUE(a && b);
  for (uint16_t seq : {uint16_t{65535}, uint16_t{0}, uint16_t{1}}) {
    auto p = rtp(seq, 0x42, 33, true);
    auto q = p;
    size_t lp = p.size(), lq = q.size();
    p.resize(lp + kSrtpMaxTrailer);
    q.resize(lq + kSrtpMaxTrailer);
    ASSERT_TRUE(a->protectRtp(p.data(), lp, p.size()));
    ASSERT_TRUE(b->protectRtp(q.data(), lq, q.size()));
    p.resize(lp);
    q.resize(lq);
    EXPECT_EQ(toHex(p), toHex(q)) << seq;
  }
}

TEST(SrtpGcmInterop, DefaultBackendIsOursForGcm) {
  EXPECT_TRUE(srtpProfileSupported(SrtpProfile::AeadAes128Gcm));
  auto k = masterKey(12);
  auto s = SrtpSession::create(SrtpSession::Direction::Outbound, SrtpProfile::AeadAes128Gcm, k,
                               SrtpBackend::Own);
  EXPECT_TRUE(s.ok());
  auto cm = SrtpSession::create(SrtpSession::Direction::Outbound, SrtpProfile::Aes128CmSha1_80,
                                std::vector<uint8_t>(30, 1), SrtpBackend::Own);
  EXPECT_FALSE(cm.ok());
}

}  // namespace
}  // namespace rounds
