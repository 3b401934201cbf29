#include "transport/dtls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/hex.hpp"
#include "common/log.hpp"

namespace rounds {

namespace {

constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
constexpr unsigned kMaxTimeoutUs = 60'000'000;            // RFC 6347 §4.2.4.1
// Our certificate is ECDSA, so only ECDHE-ECDSA suites can be chosen; AEAD ones only.
constexpr char kCipherList[] = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384";
constexpr char kGroups[] = "X25519:P-256:P-384";

// Drains OpenSSL's (thread-local) error queue into one readable line.
std::string opensslErrors(std::string_view what) {
  std::string out(what);
  bool first = true;
  char buf[256];
  while (unsigned long e = ERR_get_error()) {
    ERR_error_string_n(e, buf, sizeof(buf));
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

// Identity comes from the SDP fingerprint, not from a CA: accept the (self-signed) chain here and
// compare the digest once the handshake is done (RFC 5763 §5, RFC 8827 §6.5).
int acceptPeerCertificate(int /*preverifyOk*/, X509_STORE_CTX* /*store*/) { return 1; }

// The write side of the SSL object: a sink BIO that turns every BIO_write into one datagram.
// OpenSSL's DTLS record layer writes one record per call and sizes records to the MTU, so no
// datagram exceeds kMtu and datagram boundaries survive (BIO_s_mem would glue a flight together;
// BIO_s_dgram_mem only exists from OpenSSL 3.2).
using Outbox = std::vector<std::vector<uint8_t>>;

int outBioWrite(BIO* bio, const char* data, int len) {
  auto* outbox = static_cast<Outbox*>(BIO_get_data(bio));
  if (!outbox || len <= 0) return 0;
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  outbox->emplace_back(p, p + len);
  return len;
}

long outBioCtrl(BIO* /*bio*/, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU: return static_cast<long>(DtlsTransport::kMtu);
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING: return 0;
    default: return 0;
  }
}

int outBioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int outBioDestroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

BIO_METHOD* outBioMethod() {
  // Created once, never freed; magic statics make this thread-safe.
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rounds-dtls-out");
    if (m) {
      BIO_meth_set_write(m, outBioWrite);
      BIO_meth_set_ctrl(m, outBioCtrl);
      BIO_meth_set_create(m, outBioCreate);
      BIO_meth_set_destroy(m, outBioDestroy);
    }
    return m;
  }();
  return method;
}

// RFC 8122 §5 / IANA "Hash Function Textual Names".
const EVP_MD* fingerprintDigest(std::string_view algorithm) {
  if (algorithm == "sha-1") return EVP_sha1();
  if (algorithm == "sha-224") return EVP_sha224();
  if (algorithm == "sha-256") return EVP_sha256();
  if (algorithm == "sha-384") return EVP_sha384();
  if (algorithm == "sha-512") return EVP_sha512();
  return nullptr;
}

}  // namespace

bool isDtls(Bytes packet) {
  // RFC 7983 §7: a first byte of 20..63 is DTLS.
  return !packet.empty() && packet[0] >= 20 && packet[0] <= 63;
}

void* Certificate::dtlsContext(std::string& error) const {
  std::call_once(contextOnce_, [this] {
    srtpGlobalInit();
    ERR_clear_error();
    SSL_CTX* ctx = SSL_CTX_new(DTLS_method());
    if (!ctx) {
      contextError_ = opensslErrors("SSL_CTX_new");
      return;
    }
    SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION);
    // We pin the MTU ourselves; no tickets or renegotiation on a media association.
    SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Every association has a handshake of its own: no session is kept for resumption, which
    // would also skip the certificate the fingerprint check needs (RFC 5763 §5).
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_read_ahead(ctx, 1);
    // RFC 5764 §4.1.2: our preference order; GCM only when libsrtp2 can actually do it.
    std::string profiles;
    if (srtpProfileSupported(SrtpProfile::AeadAes128Gcm)) profiles = "SRTP_AEAD_AES_128_GCM:";
    profiles += "SRTP_AES128_CM_SHA1_80";
    bool ok = SSL_CTX_use_certificate(ctx, static_cast<X509*>(x509_)) == 1 &&
              SSL_CTX_use_PrivateKey(ctx, static_cast<EVP_PKEY*>(key_)) == 1 &&
              SSL_CTX_check_private_key(ctx) == 1 &&
              SSL_CTX_set_cipher_list(ctx, kCipherList) == 1 &&
              SSL_CTX_set1_groups_list(ctx, kGroups) == 1 &&
              SSL_CTX_set_tlsext_use_srtp(ctx, profiles.c_str()) == 0;  // 0 means success here
    if (!ok) {
      contextError_ = opensslErrors("configuring the DTLS context");
      SSL_CTX_free(ctx);
      return;
    }
    // RFC 5763 §5: both ends present a certificate; the server insists on the client's.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       acceptPeerCertificate);
    context_ = ctx;
  });
  if (!context_) error = contextError_.empty() ? "no DTLS context" : contextError_;
  return context_;
}

struct DtlsTransport::Impl {
  Impl(DtlsTransport& o, Role r) : owner(o), role(r) {}
  ~Impl() {
    *alive = false;
    if (ssl) SSL_free(ssl);  // frees both BIOs; the context is the certificate's
  }

  DtlsTransport& owner;
  Role role;
  std::shared_ptr<Certificate> cert;
  SSL* ssl = nullptr;
  BIO* rbio = nullptr;  // BIO_s_mem, owned by ssl
  Outbox outbox;
  unsigned initialTimeoutUs = static_cast<unsigned>(kDefaultInitialTimeout.count()) * 1000;
  std::string remoteAlgorithm;
  std::vector<uint8_t> remoteFingerprint;
  bool handshakeDone = false;
  bool peerClosed = false;
  std::string failReason;   // set together with state_ = Failed
  bool failReported = false;
  bool closedReported = false;
  // Set false by the destructor: lets a method notice that a callback destroyed the transport.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  bool init(std::shared_ptr<Certificate> certificate);
  static unsigned timerCallback(SSL* ssl, unsigned previousUs);
  void fail(std::string reason);
  void drive();
  bool flush();
  void report();
  void completeHandshake();
  bool verifyFingerprint(std::string& reason);
  bool exportKeys(SrtpKeys& keys, std::string& reason);
};

bool DtlsTransport::Impl::init(std::shared_ptr<Certificate> certificate) {
  cert = std::move(certificate);
  if (!cert || !cert->x509() || !cert->privateKey()) {
    failReason = "no certificate";
    return false;
  }
  ERR_clear_error();
  auto* ctx = static_cast<SSL_CTX*>(cert->dtlsContext(failReason));  // the certificate's, shared
  if (!ctx) return false;

  ssl = SSL_new(ctx);
  rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(outBioMethod());
  if (!ssl || !rbio || !wbio) {
    BIO_free(rbio);
    BIO_free(wbio);
    rbio = nullptr;
    failReason = opensslErrors("creating the DTLS session");
    return false;
  }
  BIO_set_mem_eof_return(rbio, -1);  // empty means "want read", not EOF
  BIO_set_data(wbio, &outbox);
  SSL_set_bio(ssl, rbio, wbio);
  SSL_set_app_data(ssl, this);
  SSL_set_mtu(ssl, static_cast<long>(kMtu));
  DTLS_set_timer_cb(ssl, &Impl::timerCallback);
  if (role == Role::Client) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  return true;
}

unsigned DtlsTransport::Impl::timerCallback(SSL* ssl, unsigned previousUs) {
  // RFC 6347 §4.2.4.1: start at the initial value, double on every expiry, cap at 60 s.
  auto* self = static_cast<Impl*>(SSL_get_app_data(ssl));
  if (previousUs == 0) return self ? self->initialTimeoutUs : 1'000'000u;
  return previousUs >= kMaxTimeoutUs / 2 ? kMaxTimeoutUs : previousUs * 2;
}

void DtlsTransport::Impl::fail(std::string reason) {
  if (owner.state_ == State::Failed || owner.state_ == State::Closed) return;
  owner.state_ = State::Failed;
  failReason = std::move(reason);
}

// Advances OpenSSL after new input or a timeout. Never calls the listener: output collects in
// the outbox and state changes are recorded, so no callback can run while OpenSSL is on the stack.
void DtlsTransport::Impl::drive() {
  if (!handshakeDone) {
    int r = SSL_do_handshake(ssl);
    if (r != 1) {
      int e = SSL_get_error(ssl, r);
      if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        fail(opensslErrors("DTLS handshake failed"));
      }
      return;
    }
    handshakeDone = true;
  }
  // After the handshake, records are alerts, close_notify, or a peer retransmitting its last
  // flight (OpenSSL answers with ours). DTLS application data has no use here; it is dropped.
  uint8_t buf[2048];
  for (int guard = 0; guard < 64; ++guard) {
    int r = SSL_read(ssl, buf, sizeof(buf));
    if (r > 0) continue;
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_ZERO_RETURN) {
      // RFC 5246 §7.2.1 close_notify.
      if (owner.state_ != State::Failed && owner.state_ != State::Closed) {
        owner.state_ = State::Closed;
        peerClosed = true;
      }
      return;
    }
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) fail(opensslErrors("DTLS error"));
    return;
  }
}

// Hands queued datagrams to the listener. Returns false if a callback destroyed the transport.
bool DtlsTransport::Impl::flush() {
  std::shared_ptr<bool> stillAlive = alive;
  Listener& listener = owner.listener_;
  while (!outbox.empty()) {
    Outbox batch;
    batch.swap(outbox);
    for (const auto& datagram : batch) {
      listener.onDtlsSend(Bytes(datagram.data(), datagram.size()));
      if (!*stillAlive) return false;
    }
  }
  return true;
}

// Sends what OpenSSL produced, then tells the listener what changed. Callbacks may close() or
// destroy the transport; every step re-checks.
void DtlsTransport::Impl::report() {
  std::shared_ptr<bool> stillAlive = alive;
  if (!flush()) return;
  Listener& listener = owner.listener_;
  if (owner.state_ == State::Failed) {
    if (!failReported) {
      failReported = true;
      spdlog::debug("DTLS failed: {}", failReason);
      listener.onDtlsFailed(failReason);
    }
    return;
  }
  if (peerClosed) {
    if (!closedReported) {
      closedReported = true;
      listener.onDtlsClosed();
    }
    return;
  }
  if (handshakeDone && owner.state_ == State::Connecting) completeHandshake();
}

void DtlsTransport::Impl::completeHandshake() {
  if (remoteAlgorithm.empty()) {
    // The answer carrying a=fingerprint may still be on its way; setRemoteFingerprint() resumes.
    return;
  }
  std::string reason;
  SrtpKeys keys;
  if (!verifyFingerprint(reason) || !exportKeys(keys, reason)) {
    fail(reason);
    // Tell the peer we are gone rather than leave it waiting for media.
    ERR_clear_error();
    SSL_shutdown(ssl);
    report();
    return;
  }
  owner.state_ = State::Connected;
  spdlog::debug("DTLS connected, {}", toString(keys.profile));
  owner.listener_.onDtlsConnected(keys);
}

bool DtlsTransport::Impl::verifyFingerprint(std::string& reason) {
  const EVP_MD* md = fingerprintDigest(remoteAlgorithm);
  if (!md) {
    reason = "unsupported fingerprint algorithm " + remoteAlgorithm;
    return false;
  }
  X509* peer = SSL_get1_peer_certificate(ssl);
  if (!peer) {
    reason = "peer sent no certificate";
    return false;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  bool ok = X509_digest(peer, md, digest, &len) == 1;
  X509_free(peer);
  // Compared as bytes: the SDP text may use either case (RFC 8122 §5).
  if (!ok || len != remoteFingerprint.size() ||
      std::memcmp(digest, remoteFingerprint.data(), len) != 0) {
    reason = "fingerprint mismatch";
    return false;
  }
  return true;
}

bool DtlsTransport::Impl::exportKeys(SrtpKeys& keys, std::string& reason) {
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl);
  if (!selected) {
    reason = "peer did not negotiate DTLS-SRTP (use_srtp)";
    return false;
  }
  switch (selected->id) {
    case SRTP_AEAD_AES_128_GCM: keys.profile = SrtpProfile::AeadAes128Gcm; break;
    case SRTP_AES128_CM_SHA1_80: keys.profile = SrtpProfile::Aes128CmSha1_80; break;
    default: reason = "unexpected SRTP profile " + std::to_string(selected->id); return false;
  }
  // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
  const size_t k = srtpKeyLength(keys.profile);
  const size_t s = srtpSaltLength(keys.profile);
  uint8_t material[2 * (32 + 14)];
  const size_t total = 2 * (k + s);
  ERR_clear_error();
  if (SSL_export_keying_material(ssl, material, total, kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    reason = opensslErrors("SRTP key export failed");
    return false;
  }
  std::vector<uint8_t> client(material, material + k);
  client.insert(client.end(), material + 2 * k, material + 2 * k + s);
  std::vector<uint8_t> server(material + k, material + 2 * k);
  server.insert(server.end(), material + 2 * k + s, material + total);
  OPENSSL_cleanse(material, sizeof(material));
  const bool isClient = role == Role::Client;
  keys.localKeyAndSalt = isClient ? std::move(client) : std::move(server);
  keys.remoteKeyAndSalt = isClient ? std::move(server) : std::move(client);
  return true;
}

DtlsTransport::DtlsTransport(std::shared_ptr<Certificate> cert, Role role, Listener& listener)
    : impl_(std::make_unique<Impl>(*this, role)), listener_(listener) {
  if (!impl_->init(std::move(cert))) {
    // Reported from start(): the owner is not ready for callbacks during construction.
    state_ = State::Failed;
  }
}

DtlsTransport::~DtlsTransport() = default;

void DtlsTransport::setInitialRetransmitTimeout(Millis timeout) {
  auto us = std::clamp<int64_t>(timeout.count() * 1000, kMinInitialTimeout.count() * 1000,
                                kMaxTimeoutUs);
  impl_->initialTimeoutUs = static_cast<unsigned>(us);
}

void DtlsTransport::setRemoteFingerprint(std::string algorithm, std::string value) {
  std::transform(algorithm.begin(), algorithm.end(), algorithm.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  impl_->remoteAlgorithm = std::move(algorithm);
  impl_->remoteFingerprint = fromHex(value);
  if (impl_->remoteFingerprint.empty()) impl_->remoteFingerprint.push_back(0);  // never matches
  if (impl_->handshakeDone && state_ == State::Connecting) impl_->completeHandshake();
}

void DtlsTransport::start() {
  if (state_ == State::Failed) {
    impl_->report();
    return;
  }
  if (state_ != State::New) return;
  state_ = State::Connecting;
  if (impl_->role == Role::Client) {
    ERR_clear_error();
    impl_->drive();  // RFC 6347 §4.2.1: the client opens with a ClientHello
  }
  impl_->report();
}

void DtlsTransport::processPacket(Bytes record) {
  if (state_ == State::Failed || state_ == State::Closed || record.empty()) return;
  if (state_ == State::New) {
    if (impl_->role == Role::Client) return;  // nothing to answer before our ClientHello
    state_ = State::Connecting;               // a server may see the ClientHello first
  }
  if (record.size() > static_cast<size_t>(INT32_MAX)) return;
  ERR_clear_error();
  // One datagram at a time: the read BIO is empty before and after, so boundaries hold.
  BIO_reset(impl_->rbio);
  BIO_write(impl_->rbio, record.data(), static_cast<int>(record.size()));
  impl_->drive();
  BIO_reset(impl_->rbio);
  impl_->report();
}

std::optional<TimePoint> DtlsTransport::nextTimeout(TimePoint now) const {
  if (state_ != State::Connecting || impl_->handshakeDone) return std::nullopt;
  timeval tv{};
  if (DTLSv1_get_timeout(impl_->ssl, &tv) != 1) return std::nullopt;
  return now + std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

void DtlsTransport::onTimeout() {
  if (state_ != State::Connecting || impl_->handshakeDone) return;
  ERR_clear_error();
  // RFC 6347 §4.2.4: retransmit the last flight (OpenSSL does nothing if not yet due).
  if (DTLSv1_handle_timeout(impl_->ssl) < 0) {
    impl_->fail(opensslErrors("DTLS handshake timed out"));
  }
  impl_->report();
}

void DtlsTransport::close() {
  if (state_ == State::Closed || state_ == State::Failed) return;
  const bool sendNotify = impl_->handshakeDone;
  state_ = State::Closed;
  if (sendNotify) {
    ERR_clear_error();
    SSL_shutdown(impl_->ssl);  // RFC 5246 §7.2.1: close_notify
    ERR_clear_error();
  }
  impl_->flush();
}

}  // namespace rounds
