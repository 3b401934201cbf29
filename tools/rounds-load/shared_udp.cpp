#include "shared_udp.hpp"

#include <arpa/inet.h>

namespace rounds::load {

namespace {
constexpr int kReceiveBuffer = 64 << 20;  // every leg's datagrams queue here
}

Result<std::unique_ptr<SharedUdp>> SharedUdp::open(boost::asio::io_context& io,
                                                   const std::string& firstAddress, size_t legs) {
  auto first = SocketAddress::parse(firstAddress, 0);
  if (!first || !first->isV4())
    return makeError("bad_address_pool", "address pool: not an IPv4 address: " + firstAddress);
  const uint64_t lo = ntohl(first->ipv4());
  const uint64_t hi = lo + (legs == 0 ? 0 : legs - 1);
  const bool loopback = (lo >> 24) == 127;
  if (hi > 0xffffffffULL || (loopback && (hi >> 24) != 127))
    return makeError("bad_address_pool", "address pool from " + firstAddress + " has no room for " +
                                             std::to_string(legs) + " legs");
  std::unique_ptr<SharedUdp> s(new SharedUdp());
  s->first_ = static_cast<uint32_t>(lo);
  s->legs_.assign(legs, nullptr);
  auto sock = UdpSocket::bind(io, *SocketAddress::parse("0.0.0.0", 0), *s);
  if (!sock) return sock.error();
  s->socket_ = std::move(sock.value());
  if (loopback && !s->socket_->restrictToDevice("lo"))
    return makeError("bad_address_pool",
                     "address pool: cannot bind the shared socket to the loopback device "
                     "(SO_BINDTODEVICE needs CAP_NET_RAW)");
  if (!s->socket_->receiveDestinations())
    return makeError("bad_address_pool", "address pool: IP_PKTINFO refused");
  s->socket_->setReceiveBuffer(kReceiveBuffer);
  s->socket_->countDrops();  // a generator that fell behind shows it (socketQueueDrops)
  s->socket_->start();
  return s;
}

SharedUdp::~SharedUdp() {
  if (socket_) socket_->close();
}

SocketAddress SharedUdp::addressOf(size_t leg) const {
  return SocketAddress::fromIpv4(htonl(first_ + static_cast<uint32_t>(leg)), socket_->localPort());
}

void SharedUdp::attach(size_t leg, UdpSocket::Listener& listener) {
  if (leg < legs_.size()) legs_[leg] = &listener;
}

void SharedUdp::detach(size_t leg) {
  if (leg < legs_.size()) legs_[leg] = nullptr;
}

void SharedUdp::onUdpPacket(MutableBytes data, const SocketAddress& from) {
  const uint32_t to = socket_->receivedOn();
  const uint64_t leg = uint64_t{ntohl(to)} - first_;
  if (to == 0 || leg >= legs_.size() || !legs_[leg]) {
    ++unclaimed_;
    return;
  }
  legs_[leg]->onUdpPacket(data, from);
}

}  // namespace rounds::load
