// DTLS 1.2 (RFC 6347) over OpenSSL memory BIOs, for DTLS-SRTP (RFC 5764): handshake, peer
// certificate fingerprint check (RFC 8122), SRTP key export, close_notify. The only code that
// calls OpenSSL's SSL API. No sockets: records in via processPacket(), out via the listener.
// Threading: a DtlsTransport belongs to one worker thread; a Certificate is shared by all threads
// (immutable but for its DTLS context, made once under std::call_once).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "transport/srtp.hpp"

namespace rounds {

// A self-signed ECDSA P-256 certificate and key, generated at start-up.
class Certificate {
 public:
  static Result<std::shared_ptr<Certificate>> generate();
  ~Certificate();
  const std::string& fingerprintSha256() const { return fingerprint_; }  // "AB:CD:..."
  void* x509() const { return x509_; }     // X509*
  void* privateKey() const { return key_; }  // EVP_PKEY*
  // The DTLS context (SSL_CTX*) every DtlsTransport with this certificate shares, configured on
  // first use (dtls.cpp): a context per transport cost more than the rest of creating a peer.
  // OpenSSL lets threads create sessions from one context at once. Null if configuring failed,
  // with the reason in `error`.
  void* dtlsContext(std::string& error) const;

 private:
  Certificate() = default;
  void* x509_ = nullptr;
  void* key_ = nullptr;
  std::string fingerprint_;
  mutable std::once_flag contextOnce_;
  mutable void* context_ = nullptr;  // SSL_CTX*, freed with the certificate
  mutable std::string contextError_;
};

// RFC 7983: first byte 20..63.
bool isDtls(Bytes packet);

class DtlsTransport {
 public:
  enum class Role { Server, Client };
  enum class State { New, Connecting, Connected, Failed, Closed };

  struct SrtpKeys {
    SrtpProfile profile;
    std::vector<uint8_t> localKeyAndSalt;   // protect what we send
    std::vector<uint8_t> remoteKeyAndSalt;  // unprotect what we receive
  };

  struct Listener {
    virtual ~Listener() = default;
    virtual void onDtlsSend(Bytes record) = 0;  // one datagram to send to the peer
    virtual void onDtlsConnected(const SrtpKeys& keys) = 0;
    virtual void onDtlsFailed(const std::string& reason) = 0;  // handshake or fingerprint failure
    virtual void onDtlsClosed() = 0;  // peer sent close_notify
  };

  // Largest datagram onDtlsSend() hands out: fits a 1280-byte IPv6 path with UDP/TURN headroom.
  static constexpr size_t kMtu = 1200;
  // RFC 6347 §4.2.4.1: initial retransmission timeout, doubled on each expiry (max 60 s).
  static constexpr Millis kDefaultInitialTimeout{1000};

  DtlsTransport(std::shared_ptr<Certificate> cert, Role role, Listener& listener);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Before start(); clamped to [20 ms, 60 s]. OpenSSL 3.0 runs this timer on its own wall clock
  // and treats one with under 15 ms left as expired, so shorter values would retransmit at once.
  static constexpr Millis kMinInitialTimeout{20};
  void setInitialRetransmitTimeout(Millis timeout);

  // From the remote SDP's a=fingerprint; must be set before the handshake completes.
  void setRemoteFingerprint(std::string algorithm, std::string value);
  // Client: sends the ClientHello. Server: waits for one.
  void start();
  void processPacket(Bytes record);
  // Retransmission timer: call at or after nextTimeout(); handles DTLSv1_handle_timeout.
  // nextTimeout() is `now` plus what OpenSSL's own timer has left (nullopt when none runs).
  std::optional<TimePoint> nextTimeout(TimePoint now) const;
  void onTimeout();
  // Sends close_notify (if connected) and stops. No listener callback follows. Safe to call from
  // inside a listener callback; destroying the transport from inside a callback is also safe.
  void close();
  State state() const { return state_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Listener& listener_;
  State state_ = State::New;
  friend struct Impl;
};

}  // namespace rounds
