// Tests for transport/dtls: two in-process DtlsTransports wired back to back through their
// listeners; handshake, SRTP key agreement, fingerprints, retransmission, close, bad input.
#include "transport/dtls.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <deque>
#include <functional>
#include <thread>

#include "common/hex.hpp"
#include "common/random.hpp"

namespace rounds {
namespace {

using Datagram = std::vector<uint8_t>;

std::shared_ptr<Certificate> sharedCert(int which) {
  static auto a = Certificate::generate();
  static auto b = Certificate::generate();
  auto& r = which == 0 ? a : b;
  EXPECT_TRUE(r.ok());
  return r.ok() ? r.value() : nullptr;
}

std::string fingerprintOf(const Certificate& cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  X509_digest(static_cast<X509*>(cert.x509()), md, digest, &len);
  return toColonHex(Bytes(digest, len));
}

struct Endpoint : DtlsTransport::Listener {
  std::deque<Datagram>* wire = nullptr;  // towards the peer
  bool drop = false;
  size_t sentCount = 0;
  size_t largest = 0;
  std::optional<DtlsTransport::SrtpKeys> keys;
  std::string failure;
  int failedCount = 0;
  int closedCount = 0;
  std::function<void()> afterSend;
  std::function<void()> afterConnected;

  void onDtlsSend(Bytes record) override {
    ++sentCount;
    largest = std::max(largest, record.size());
    if (!drop) wire->emplace_back(record.begin(), record.end());
    if (afterSend) afterSend();
  }
  void onDtlsConnected(const DtlsTransport::SrtpKeys& k) override {
    keys = k;
    if (afterConnected) afterConnected();
  }
  void onDtlsFailed(const std::string& reason) override {
    failure = reason;
    ++failedCount;
  }
  void onDtlsClosed() override { ++closedCount; }
};

struct Pair {
  std::deque<Datagram> toServer;
  std::deque<Datagram> toClient;
  Endpoint c;
  Endpoint s;
  std::unique_ptr<DtlsTransport> client;
  std::unique_ptr<DtlsTransport> server;

  explicit Pair(bool fingerprints = true) {
    c.wire = &toServer;
    s.wire = &toClient;
    client = std::make_unique<DtlsTransport>(sharedCert(0), DtlsTransport::Role::Client, c);
    server = std::make_unique<DtlsTransport>(sharedCert(1), DtlsTransport::Role::Server, s);
    if (fingerprints) {
      client->setRemoteFingerprint("sha-256", sharedCert(1)->fingerprintSha256());
      server->setRemoteFingerprint("sha-256", sharedCert(0)->fingerprintSha256());
    }
  }
  // Delivers queued datagrams until both directions are quiet.
  void pump(int limit = 200) {
    while ((!toServer.empty() || !toClient.empty()) && limit-- > 0) {
      if (!toServer.empty()) {
        Datagram d = std::move(toServer.front());
        toServer.pop_front();
        if (server) server->processPacket(d);
      }
      if (!toClient.empty()) {
        Datagram d = std::move(toClient.front());
        toClient.pop_front();
        if (client) client->processPacket(d);
      }
    }
  }
  void connect() {
    server->start();
    client->start();
    pump();
  }
};

TEST(Certificate, GeneratedCertificateShape) {
  auto cert = sharedCert(0);
  ASSERT_TRUE(cert);
  const std::string& fp = cert->fingerprintSha256();
  ASSERT_EQ(fp.size(), 32u * 3 - 1);
  for (size_t i = 0; i < fp.size(); ++i) {
    if (i % 3 == 2) {
      EXPECT_EQ(fp[i], ':');
    } else {
      const char ch = fp[i];
      EXPECT_TRUE((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'F'));
    }
  }
  EXPECT_EQ(fp, fingerprintOf(*cert, EVP_sha256()));
  auto* x509 = static_cast<X509*>(cert->x509());
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "rounds");
  EXPECT_EQ(X509_cmp_current_time(X509_get0_notBefore(x509)), -1);  // already valid
  EXPECT_EQ(X509_cmp_current_time(X509_get0_notAfter(x509)), 1);    // not yet expired
  EXPECT_EQ(EVP_PKEY_get_base_id(static_cast<EVP_PKEY*>(cert->privateKey())), EVP_PKEY_EC);
  EXPECT_NE(sharedCert(0)->fingerprintSha256(), sharedCert(1)->fingerprintSha256());
}

TEST(Dtls, IsDtlsByFirstByte) {
  const uint8_t hs[] = {22, 0xfe, 0xfd};
  const uint8_t stun[] = {0, 1};
  const uint8_t rtp[] = {0x80, 96};
  EXPECT_TRUE(isDtls(hs));
  EXPECT_TRUE(isDtls(std::array<uint8_t, 1>{20}));
  EXPECT_TRUE(isDtls(std::array<uint8_t, 1>{63}));
  EXPECT_FALSE(isDtls(std::array<uint8_t, 1>{19}));
  EXPECT_FALSE(isDtls(std::array<uint8_t, 1>{64}));
  EXPECT_FALSE(isDtls(stun));
  EXPECT_FALSE(isDtls(rtp));
  EXPECT_FALSE(isDtls(Bytes{}));
}

TEST(Dtls, HandshakeAgreesOnProfileAndKeys) {
  Pair p;
  p.connect();
  ASSERT_EQ(p.client->state(), DtlsTransport::State::Connected) << p.c.failure;
  ASSERT_EQ(p.server->state(), DtlsTransport::State::Connected) << p.s.failure;
  ASSERT_TRUE(p.c.keys && p.s.keys);
  const auto& ck = *p.c.keys;
  const auto& sk = *p.s.keys;
  EXPECT_EQ(ck.profile, sk.profile);
  const SrtpProfile expected = srtpProfileSupported(SrtpProfile::AeadAes128Gcm)
                                   ? SrtpProfile::AeadAes128Gcm
                                   : SrtpProfile::Aes128CmSha1_80;
  EXPECT_EQ(ck.profile, expected);
  const size_t n = srtpKeyLength(ck.profile) + srtpSaltLength(ck.profile);
  EXPECT_EQ(ck.localKeyAndSalt.size(), n);
  EXPECT_EQ(ck.localKeyAndSalt, sk.remoteKeyAndSalt);
  EXPECT_EQ(ck.remoteKeyAndSalt, sk.localKeyAndSalt);
  EXPECT_NE(ck.localKeyAndSalt, ck.remoteKeyAndSalt);
  // Every record fits the MTU as its own datagram.
  EXPECT_LE(p.c.largest, DtlsTransport::kMtu);
  EXPECT_LE(p.s.largest, DtlsTransport::kMtu);
  EXPECT_EQ(p.c.failedCount + p.s.failedCount, 0);
  EXPECT_FALSE(p.client->nextTimeout(TimePoint{}).has_value());

  // SRTP built from the exported keys interoperates in both directions.
  auto cOut = SrtpSession::create(SrtpSession::Direction::Outbound, ck.profile, ck.localKeyAndSalt);
  auto sIn = SrtpSession::create(SrtpSession::Direction::Inbound, sk.profile, sk.remoteKeyAndSalt);
  auto sOut = SrtpSession::create(SrtpSession::Direction::Outbound, sk.profile, sk.localKeyAndSalt);
  auto cIn = SrtpSession::create(SrtpSession::Direction::Inbound, ck.profile, ck.remoteKeyAndSalt);
  ASSERT_TRUE(cOut.ok() && sIn.ok() && sOut.ok() && cIn.ok());
  for (auto [out, in] : {std::pair{cOut->get(), sIn->get()}, std::pair{sOut->get(), cIn->get()}}) {
    std::vector<uint8_t> pkt(12 + 100 + kSrtpMaxTrailer, 0xAB);
    pkt[0] = 0x80;
    pkt[1] = 111;
    writeU16(&pkt[2], 7);
    writeU32(&pkt[8], 0x55667788);
    const std::vector<uint8_t> plain(pkt.begin(), pkt.begin() + 112);
    size_t len = 112;
    ASSERT_TRUE(out->protectRtp(pkt.data(), len, pkt.size()));
    ASSERT_TRUE(in->unprotectRtp(pkt.data(), len));
    ASSERT_EQ(len, 112u);
    EXPECT_TRUE(std::equal(plain.begin(), plain.end(), pkt.begin()));
  }
}

TEST(Dtls, FingerprintCaseAndOtherDigests) {
  struct Case {
    const char* algorithm;
    const EVP_MD* md;
    bool lower;
  };
  for (Case k : {Case{"SHA-256", EVP_sha256(), true}, Case{"sha-1", EVP_sha1(), false},
                 Case{"sha-384", EVP_sha384(), true}, Case{"sha-512", EVP_sha512(), false}}) {
    SCOPED_TRACE(k.algorithm);
    Pair p;
    std::string fp = fingerprintOf(*sharedCert(1), k.md);
    if (k.lower) std::transform(fp.begin(), fp.end(), fp.begin(), ::tolower);
    p.client->setRemoteFingerprint(k.algorithm, fp);
    p.connect();
    EXPECT_EQ(p.client->state(), DtlsTransport::State::Connected) << p.c.failure;
    EXPECT_EQ(p.server->state(), DtlsTransport::State::Connected) << p.s.failure;
  }
}

TEST(Dtls, FingerprintMismatchFails) {
  Pair p;
  // The client expects the server to hold certificate 0, which it does not.
  p.client->setRemoteFingerprint("sha-256", sharedCert(0)->fingerprintSha256());
  p.connect();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Failed);
  EXPECT_EQ(p.c.failure, "fingerprint mismatch");
  EXPECT_EQ(p.c.failedCount, 1);
  EXPECT_FALSE(p.c.keys.has_value());
  // The server learns through close_notify that the association is over.
  EXPECT_NE(p.server->state(), DtlsTransport::State::Connected);
}

TEST(Dtls, UnsupportedFingerprintAlgorithmFails) {
  Pair p;
  p.server->setRemoteFingerprint("md5", "00:11");
  p.connect();
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Failed);
  EXPECT_NE(p.s.failure.find("unsupported fingerprint algorithm"), std::string::npos);
}

TEST(Dtls, FingerprintArrivingAfterHandshakeCompletesIt) {
  Pair p(false);
  p.client->setRemoteFingerprint("sha-256", sharedCert(1)->fingerprintSha256());
  p.connect();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Connected);
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Connecting);
  EXPECT_FALSE(p.s.keys.has_value());
  p.server->setRemoteFingerprint("sha-256", sharedCert(0)->fingerprintSha256());
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Connected);
  ASSERT_TRUE(p.s.keys.has_value());
  EXPECT_EQ(p.s.keys->remoteKeyAndSalt, p.c.keys->localKeyAndSalt);
}

TEST(Dtls, DefaultRetransmissionTimerIsOneSecond) {
  Pair p;
  p.c.drop = true;
  p.client->start();
  const TimePoint now{std::chrono::hours(5)};
  auto due = p.client->nextTimeout(now);
  ASSERT_TRUE(due.has_value());
  EXPECT_GT(*due - now, std::chrono::milliseconds(900));
  EXPECT_LE(*due - now, std::chrono::milliseconds(1000));
  const size_t sent = p.c.sentCount;
  p.client->onTimeout();  // not due yet: nothing is retransmitted
  EXPECT_EQ(p.c.sentCount, sent);
  EXPECT_FALSE(p.server->nextTimeout(now).has_value());  // server not started
}

// OpenSSL 3.0 keeps the retransmission timer on its own clock (gettimeofday), so a test cannot
// fake it; with the shortest initial timeout we wait (a few ms) until nextTimeout() says due.
void waitUntilDue(DtlsTransport& t) {
  for (int i = 0; i < 500; ++i) {
    const TimePoint now = std::chrono::steady_clock::now();
    auto due = t.nextTimeout(now);
    if (!due || *due <= now) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

TEST(Dtls, DroppedFirstFlightRecoversOnTimeout) {
  Pair p;
  p.client->setInitialRetransmitTimeout(DtlsTransport::kMinInitialTimeout);
  p.server->start();
  p.c.drop = true;
  p.client->start();
  EXPECT_EQ(p.c.sentCount, 1u);  // the ClientHello, lost
  p.pump();
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Connecting);
  ASSERT_TRUE(p.client->nextTimeout(TimePoint{}).has_value());
  p.c.drop = false;
  waitUntilDue(*p.client);
  p.client->onTimeout();
  EXPECT_EQ(p.c.sentCount, 2u);  // retransmitted once
  p.pump();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Connected) << p.c.failure;
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Connected) << p.s.failure;
}

TEST(Dtls, DroppedServerFlightRecoversOnTimeout) {
  Pair p;
  p.server->setInitialRetransmitTimeout(DtlsTransport::kMinInitialTimeout);
  p.server->start();
  p.client->start();
  p.s.drop = true;  // lose the server's first flight
  p.pump();
  p.s.drop = false;
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Connecting);
  // The server's own timer repeats its flight (a repeated ClientHello would not trigger it).
  ASSERT_TRUE(p.server->nextTimeout(std::chrono::steady_clock::now()).has_value());
  waitUntilDue(*p.server);
  p.server->onTimeout();
  p.pump();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Connected) << p.c.failure;
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Connected) << p.s.failure;
}

TEST(Dtls, CloseNotifiesPeer) {
  Pair p;
  p.connect();
  ASSERT_EQ(p.server->state(), DtlsTransport::State::Connected);
  p.client->close();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Closed);
  p.pump();
  EXPECT_EQ(p.s.closedCount, 1);
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Closed);
  EXPECT_EQ(p.c.closedCount, 0);  // a local close() reports nothing
  EXPECT_EQ(p.c.failedCount + p.s.failedCount, 0);
  p.client->close();  // idempotent
  p.server->close();
}

TEST(Dtls, CloseBeforeStartSendsNothing) {
  Pair p;
  p.client->close();
  p.client->start();
  EXPECT_EQ(p.c.sentCount, 0u);
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Closed);
}

TEST(Dtls, CloseFromInsideCallbacks) {
  Pair p;
  p.c.afterConnected = [&] { p.client->close(); };
  p.s.afterSend = [&] {
    if (p.s.sentCount == 2) p.server->close();  // mid-flight, while the outbox is draining
  };
  p.connect();
  EXPECT_EQ(p.client->state(), DtlsTransport::State::Closed);
  EXPECT_EQ(p.server->state(), DtlsTransport::State::Closed);
}

TEST(Dtls, DestroyFromInsideCallback) {
  Pair p;
  p.s.afterSend = [&] { p.server.reset(); };
  p.connect();
  EXPECT_FALSE(p.server);
  Pair q;
  q.c.afterConnected = [&] { q.client.reset(); };
  q.connect();
  EXPECT_FALSE(q.client);
  EXPECT_TRUE(q.c.keys.has_value());
}

TEST(Dtls, GarbageRecordsDoNotCrash) {
  Pair p;
  CryptoRandom& rnd = CryptoRandom::instance();
  auto garbage = [&](DtlsTransport& t, int count) {
    for (int i = 0; i < count; ++i) {
      Datagram d(1 + rnd.u32() % 300);
      rnd.fill(d);
      d[0] = static_cast<uint8_t>(20 + rnd.u32() % 44);
      if (d.size() > 3 && i % 2 == 0) {  // plausible DTLS 1.2 header, random rest
        d[1] = 0xfe;
        d[2] = 0xfd;
      }
      t.processPacket(d);
    }
  };
  garbage(*p.server, 50);  // before the handshake (server may see data before start)
  garbage(*p.client, 50);  // client not started: ignored
  // The same server can still complete a handshake afterwards (or failed cleanly).
  p.client->start();
  p.pump();
  EXPECT_TRUE(p.server->state() == DtlsTransport::State::Connected ||
              p.s.failedCount == 1);
  Pair fresh;
  fresh.connect();
  ASSERT_EQ(fresh.client->state(), DtlsTransport::State::Connected);
  garbage(*fresh.client, 200);  // after the handshake: epoch-1 garbage fails authentication
  garbage(*fresh.server, 200);
  EXPECT_NE(fresh.client->state(), DtlsTransport::State::New);
  fresh.pump();
  // Truncated and oversized inputs too.
  Datagram big(70000, 23);
  fresh.client->processPacket(big);
  fresh.client->processPacket(Bytes{});
}

TEST(Dtls, GarbageDuringHandshakeFailsCleanlyOrIsIgnored) {
  Pair p;
  p.server->start();
  p.client->start();
  CryptoRandom& rnd = CryptoRandom::instance();
  for (int round = 0; round < 20; ++round) {
    Datagram d(13 + rnd.u32() % 200);
    rnd.fill(d);
    d[0] = 22;
    d[1] = 0xfe;
    d[2] = 0xfd;
    d[3] = 0;
    d[4] = 0;  // epoch 0: handled by the handshake layer
    writeU16(&d[11], static_cast<uint16_t>(d.size() - 13));
    p.server->processPacket(d);
    p.client->processPacket(d);
  }
  p.pump();
  for (auto* t : {p.client.get(), p.server.get()}) {
    auto st = t->state();
    EXPECT_TRUE(st == DtlsTransport::State::Connected || st == DtlsTransport::State::Failed ||
                st == DtlsTransport::State::Connecting);
  }
  if (p.client->state() == DtlsTransport::State::Failed) {
    EXPECT_EQ(p.c.failedCount, 1);
  }
}

TEST(Dtls, MissingCertificateReportsFailureOnStart) {
  Endpoint e;
  std::deque<Datagram> wire;
  e.wire = &wire;
  DtlsTransport t(nullptr, DtlsTransport::Role::Client, e);
  EXPECT_EQ(t.state(), DtlsTransport::State::Failed);
  t.start();
  EXPECT_EQ(e.failedCount, 1);
  t.start();
  EXPECT_EQ(e.failedCount, 1);
  t.processPacket(std::array<uint8_t, 13>{22});
  t.onTimeout();
  t.close();
}

}  // namespace
}  // namespace rounds
