#include "common/address.hpp"

#include <arpa/inet.h>

namespace rounds {

std::optional<SocketAddress> SocketAddress::fromSockaddr(const sockaddr* sa, socklen_t len) {
  SocketAddress a;
  if (sa->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    std::memcpy(&a.storage_, sa, sizeof(sockaddr_in));
    return a;
  }
  if (sa->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    std::memcpy(&a.storage_, sa, sizeof(sockaddr_in6));
    return a;
  }
  return std::nullopt;
}

SocketAddress SocketAddress::fromIpv4(uint32_t address, uint16_t port) {
  SocketAddress a;
  auto* sin = reinterpret_cast<sockaddr_in*>(&a.storage_);
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = address;
  sin->sin_port = htons(port);
  return a;
}

std::optional<SocketAddress> SocketAddress::parse(std::string_view ip, uint16_t port) {
  std::string s(ip);
  SocketAddress a;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage_);
  if (inet_pton(AF_INET, s.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return a;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage_);
  if (inet_pton(AF_INET6, s.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return a;
  }
  return std::nullopt;
}

uint16_t SocketAddress::port() const {
  if (isV4()) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (isV6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

void SocketAddress::setPort(uint16_t port) {
  if (isV4()) reinterpret_cast<sockaddr_in*>(&storage_)->sin_port = htons(port);
  if (isV6()) reinterpret_cast<sockaddr_in6*>(&storage_)->sin6_port = htons(port);
}

std::string SocketAddress::ip() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (isV4()) inet_ntop(AF_INET, addressBytes(), buf, sizeof buf);
  if (isV6()) inet_ntop(AF_INET6, addressBytes(), buf, sizeof buf);
  return buf;
}

std::string SocketAddress::toString() const {
  // Built piecewise: GCC 12 warns (-Wrestrict, a false positive) on the chained operator+.
  std::string s;
  if (isV6()) s += '[';
  s += ip();
  if (isV6()) s += ']';
  s += ':';
  s += std::to_string(port());
  return s;
}

socklen_t SocketAddress::length() const {
  return isV6() ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

const uint8_t* SocketAddress::addressBytes() const {
  if (isV6())
    return reinterpret_cast<const uint8_t*>(
        &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr);
  return reinterpret_cast<const uint8_t*>(
      &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr);
}

uint32_t SocketAddress::ipv4() const {
  return isV4() ? reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr.s_addr : 0;
}

bool SocketAddress::operator==(const SocketAddress& o) const {
  if (storage_.ss_family != o.storage_.ss_family || tcp_ != o.tcp_) return false;
  return port() == o.port() && std::memcmp(addressBytes(), o.addressBytes(), addressSize()) == 0;
}

size_t SocketAddress::hash() const {
  size_t h = 1469598103934665603ull;
  const uint8_t* p = addressBytes();
  for (size_t i = 0; i < addressSize(); ++i) h = (h ^ p[i]) * 1099511628211ull;
  h = (h ^ port()) * 1099511628211ull;
  return tcp_ ? ~h : h;
}

}  // namespace rounds
