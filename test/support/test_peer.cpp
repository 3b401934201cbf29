#include "test_peer.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "common/random.hpp"
#include "proto/rtp.hpp"
#include "proto/stun.hpp"

namespace rounds::test {

using Clock = std::chrono::steady_clock;

TestPeer::TestPeer(std::shared_ptr<Certificate> cert, bool tcp)
    : cert_(std::move(cert)), tcp_(tcp), buf_(2048) {
  ufrag_ = CryptoRandom::instance().iceString(8);
  pwd_ = CryptoRandom::instance().iceString(24);
  if (!tcp_) openSocket();
  dtls_ = std::make_unique<DtlsTransport>(cert_, DtlsTransport::Role::Client, *this);
}

bool TestPeer::useServer(const TransportDescription& server) {
  const IceCandidateInfo* cand = nullptr;
  for (const auto& c : server.candidates)
    if (c.protocol == (tcp_ ? "tcp" : "udp")) cand = &c;
  if (!cand) return false;
  server_ = *SocketAddress::parse(cand->address, cand->port);
  if (!tcp_) return true;
  if (fd_ >= 0) ::close(fd_);
  stream_.clear();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd_, server_.sockaddrPtr(), server_.length()) != 0) return false;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  local_ = *SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  return true;
}

void TestPeer::sendPacket(Bytes packet) {
  if (!tcp_) {
    ::sendto(fd_, packet.data(), packet.size(), 0, server_.sockaddrPtr(), server_.length());
    return;
  }
  std::vector<uint8_t> framed{static_cast<uint8_t>(packet.size() >> 8),
                              static_cast<uint8_t>(packet.size() & 0xff)};
  framed.insert(framed.end(), packet.begin(), packet.end());
  ::send(fd_, framed.data(), framed.size(), MSG_NOSIGNAL);
}

void TestPeer::openSocket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
  auto any = *SocketAddress::parse("127.0.0.1", 0);
  ::bind(fd_, any.sockaddrPtr(), any.length());
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  local_ = *SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

bool TestPeer::restartIce(const TransportDescription& server, std::chrono::milliseconds timeout,
                          bool newSocket) {
  if (newSocket && !tcp_) openSocket();
  ufrag_ = CryptoRandom::instance().iceString(8);
  pwd_ = CryptoRandom::instance().iceString(24);
  // Over TCP, a restart without a network change keeps its connection (only credentials change).
  bool keepConnection = tcp_ && !newSocket;
  if (!keepConnection && !useServer(server)) return false;
  serverUfrag_ = server.iceUfrag;
  serverPwd_ = server.icePwd;
  auto deadline = Clock::now() + timeout;
  auto lastCheck = Clock::time_point{};
  while (Clock::now() < deadline) {
    if (Clock::now() - lastCheck > std::chrono::milliseconds(100)) {
      sendConsentCheck();
      lastCheck = Clock::now();
    }
    size_t n = receiveDatagram(std::chrono::milliseconds(20));
    if (n == 0) continue;
    Bytes pkt(buf_.data(), n);
    if (!stun::isStun(pkt)) continue;  // media still on its way to the old path, or DTLS
    auto msg = stun::parse(pkt);
    if (msg && msg->type == stun::kBindingSuccess && stun::checkIntegrity(pkt, *msg, serverPwd_) &&
        msg->xorMappedAddress == local_)
      return true;
  }
  return false;
}

TestPeer::~TestPeer() {
  dtls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void TestPeer::sendRaw(const std::vector<uint8_t>& datagram) { sendPacket(datagram); }

void TestPeer::sendConsentCheck() {
  std::vector<uint8_t> out(512);
  stun::BindingRequestParams p;
  CryptoRandom::instance().fill(p.transactionId);
  std::string username = serverUfrag_ + ":" + ufrag_;
  p.username = username;
  p.key = serverPwd_;
  p.priority = 1853824767;
  p.tieBreaker = 0x1122334455667788ull;
  p.controlling = true;
  p.useCandidate = true;
  size_t n = stun::writeBindingRequest(out, p);
  out.resize(n);
  sendRaw(out);
}

size_t TestPeer::receiveDatagram(std::chrono::milliseconds timeout) {
  if (tcp_) {
    // RFC 4571: reassemble one frame from the stream.
    auto deadline = Clock::now() + timeout;
    for (;;) {
      if (stream_.size() >= 2) {
        size_t len = (size_t{stream_[0]} << 8) | stream_[1];
        if (len <= buf_.size() && stream_.size() >= 2 + len) {
          std::memcpy(buf_.data(), stream_.data() + 2, len);
          stream_.erase(stream_.begin(), stream_.begin() + static_cast<std::ptrdiff_t>(2 + len));
          return len;
        }
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return 0;
      pollfd pfd{fd_, POLLIN, 0};
      if (::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) return 0;
      uint8_t chunk[4096];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return 0;
      stream_.insert(stream_.end(), chunk, chunk + n);
    }
  }
  pollfd pfd{fd_, POLLIN, 0};
  if (::poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) return 0;
  ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

bool TestPeer::connect(const TransportDescription& server, std::chrono::milliseconds timeout) {
  if (!useServer(server)) return false;
  serverUfrag_ = server.iceUfrag;
  serverPwd_ = server.icePwd;
  dtls_->setRemoteFingerprint("sha-256", server.fingerprintSha256);
  auto deadline = Clock::now() + timeout;
  bool iceDone = false;
  auto lastCheck = Clock::time_point{};
  while (Clock::now() < deadline && !failed_) {
    if (!iceDone && Clock::now() - lastCheck > std::chrono::milliseconds(100)) {
      sendConsentCheck();
      lastCheck = Clock::now();
    }
    size_t n = receiveDatagram(std::chrono::milliseconds(20));
    if (n == 0) {
      if (iceDone) {
        auto next = dtls_->nextTimeout(Clock::now());
        if (next && *next <= Clock::now()) dtls_->onTimeout();
      }
      continue;
    }
    Bytes pkt(buf_.data(), n);
    if (stun::isStun(pkt)) {
      auto msg = stun::parse(pkt);
      if (msg && msg->type == stun::kBindingSuccess && !iceDone) {
        iceDone = true;
        dtls_->start();  // ClientHello
        clientHelloSent_ = true;
      }
    } else if (isDtls(pkt)) {
      dtls_->processPacket(pkt);
      if (srtpOut_) return true;
    }
  }
  return srtpOut_ != nullptr;
}

void TestPeer::sendRtp(uint32_t ssrc, uint16_t seq, uint32_t ts, uint8_t pt,
                       const std::vector<uint8_t>& payload, const std::string& mid) {
  std::vector<uint8_t> p(12, 0);
  p[0] = 0x80;
  p[1] = pt & 0x7F;
  writeU16(&p[2], seq);
  writeU32(&p[4], ts);
  writeU32(&p[8], ssrc);
  if (!mid.empty()) {
    // RFC 8285 one-byte extension block with the mid element, padded to 32 bits.
    p[0] |= 0x10;
    size_t elem = 1 + mid.size();
    size_t words = (elem + 3) / 4;
    size_t at = p.size();
    p.resize(at + 4 + words * 4, 0);
    writeU16(&p[at], 0xBEDE);
    writeU16(&p[at + 2], static_cast<uint16_t>(words));
    p[at + 4] = static_cast<uint8_t>((ExtensionIds::kMid << 4) | (mid.size() - 1));
    std::memcpy(&p[at + 5], mid.data(), mid.size());
  }
  p.insert(p.end(), payload.begin(), payload.end());
  sendRtpPacket(std::move(p));
}

void TestPeer::sendRtpPacket(std::vector<uint8_t> p) {
  size_t len = p.size();
  p.resize(len + kSrtpMaxTrailer);
  if (!srtpOut_->protectRtp(p.data(), len, p.size())) return;
  p.resize(len);
  sendRaw(p);
}

void TestPeer::sendRtcp(const std::vector<uint8_t>& compound) {
  std::vector<uint8_t> p = compound;
  size_t len = p.size();
  p.resize(len + kSrtpMaxTrailer);
  if (!srtpOut_->protectRtcp(p.data(), len, p.size())) return;
  p.resize(len);
  sendRaw(p);
}

std::optional<TestPeer::Packet> TestPeer::receive(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    size_t n = receiveDatagram(std::max(left, std::chrono::milliseconds(1)));
    if (n == 0) continue;
    Bytes pkt(buf_.data(), n);
    if (stun::isStun(pkt)) continue;
    if (isDtls(pkt)) {
      dtls_->processPacket(pkt);
      continue;
    }
    if (!srtpIn_) continue;
    size_t len = n;
    if (rtp::isRtcp(pkt)) {
      if (!srtpIn_->unprotectRtcp(buf_.data(), len)) continue;
      return Packet{true, std::vector<uint8_t>(buf_.begin(), buf_.begin() + len)};
    }
    if (dropRtp && dropRtp(pkt)) continue;  // lost on the way, never decrypted
    if (!srtpIn_->unprotectRtp(buf_.data(), len)) continue;
    return Packet{false, std::vector<uint8_t>(buf_.begin(), buf_.begin() + len)};
  }
  return std::nullopt;
}

void TestPeer::closeDtls() { dtls_->close(); }

void TestPeer::onDtlsSend(Bytes record) { sendPacket(record); }

void TestPeer::onDtlsConnected(const DtlsTransport::SrtpKeys& keys) {
  auto in = SrtpSession::create(SrtpSession::Direction::Inbound, keys.profile, keys.remoteKeyAndSalt);
  auto out = SrtpSession::create(SrtpSession::Direction::Outbound, keys.profile, keys.localKeyAndSalt);
  if (!in || !out) {
    failed_ = true;
    return;
  }
  srtpIn_ = std::move(in.value());
  srtpOut_ = std::move(out.value());
}

void TestPeer::onDtlsFailed(const std::string&) { failed_ = true; }

}  // namespace rounds::test
