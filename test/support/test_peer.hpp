// TestPeer: the browser's side of a WebRTC transport, in-process, for integration tests: a
// controlling ICE agent (RFC 8445) that nominates the server's candidate, a DTLS client, and SRTP.
// Uses a blocking loopback UDP socket with timeouts; no threads of its own.
// Threading: one test thread.
#pragma once

#include <atomic>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "media/types.hpp"
#include "transport/dtls.hpp"
#include "transport/srtp.hpp"

namespace rounds::test {

class TestPeer : public DtlsTransport::Listener {
 public:
  // With `tcp`, the peer is an ICE-TCP active client (RFC 6544): it connects to the server's
  // "tcp" candidate and frames every packet with RFC 4571's 2-byte length.
  explicit TestPeer(std::shared_ptr<Certificate> cert, bool tcp = false);
  ~TestPeer() override;

  const std::string& ufrag() const { return ufrag_; }
  const std::string& fingerprint() const { return cert_->fingerprintSha256(); }
  const SocketAddress& local() const { return local_; }

  // ICE check with USE-CANDIDATE, then the DTLS handshake. False on timeout or failure.
  bool connect(const TransportDescription& server, std::chrono::milliseconds timeout);
  bool connected() const { return srtpOut_ != nullptr; }
  // Whether connect() has sent its ClientHello (ICE done); readable from another thread.
  bool clientHelloSent() const { return clientHelloSent_; }
  // Before connect(): the DTLS client's first retransmission timeout (default RFC 6347's 1 s).
  void setDtlsInitialTimeout(Millis timeout) { dtls_->setInitialRetransmitTimeout(timeout); }
  // A consent-freshness check (RFC 7675); the response is consumed by receive().
  void sendConsentCheck();
  // ICE restart (RFC 8445 §9) as a browser does it after a network change: with `newSocket` a
  // fresh local socket (a new address, the old one closed), always a new ufrag/pwd, then checks
  // with USE-CANDIDATE against the server's new credentials until one succeeds. DTLS and SRTP
  // carry on. False on timeout.
  bool restartIce(const TransportDescription& server, std::chrono::milliseconds timeout,
                  bool newSocket);

  void sendRtp(uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt,
               const std::vector<uint8_t>& payload, const std::string& mid = "");
  // Protects and sends a whole RTP packet built by the caller (any header extensions).
  void sendRtpPacket(std::vector<uint8_t> plain);
  void sendRtcp(const std::vector<uint8_t>& compound);
  void sendRaw(const std::vector<uint8_t>& datagram);

  struct Packet {
    bool rtcp = false;
    std::vector<uint8_t> data;  // unprotected
  };
  // Next RTP/RTCP packet (STUN and DTLS are handled on the way), or nullopt on timeout.
  std::optional<Packet> receive(std::chrono::milliseconds timeout);
  // Sends close_notify.
  void closeDtls();

  // Simulated loss on the way in: an RTP packet for which this returns true is discarded by
  // receive() before SRTP (its header is readable: SRTP does not encrypt it).
  std::function<bool(Bytes srtp)> dropRtp;

 private:
  void onDtlsSend(Bytes record) override;
  void onDtlsConnected(const DtlsTransport::SrtpKeys& keys) override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsClosed() override {}
  void openSocket();
  // Picks the server's candidate for our transport; with TCP, (re)connects to it.
  bool useServer(const TransportDescription& server);
  void sendPacket(Bytes packet);
  // Receives one datagram into buf_ (returns its size) or 0 on timeout.
  size_t receiveDatagram(std::chrono::milliseconds timeout);

  std::shared_ptr<Certificate> cert_;
  std::unique_ptr<DtlsTransport> dtls_;
  std::atomic<bool> clientHelloSent_{false};
  int fd_ = -1;
  SocketAddress local_;
  SocketAddress server_;
  std::string ufrag_;
  std::string pwd_;
  std::string serverUfrag_;
  std::string serverPwd_;
  std::unique_ptr<SrtpSession> srtpIn_;
  std::unique_ptr<SrtpSession> srtpOut_;
  bool failed_ = false;
  bool tcp_ = false;
  std::vector<uint8_t> buf_;
  std::vector<uint8_t> stream_;  // TCP bytes received but not yet returned as a frame
};

}  // namespace rounds::test
