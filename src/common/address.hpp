// SocketAddress: an IPv4 or IPv6 address and port, comparable and hashable (the ICE "tuple" key).
// A tuple reached over TCP (ICE-TCP, RFC 6544) carries a flag so it never equals the UDP tuple
// with the same address and port.
// Threading: value type; safe from any thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rounds {

class SocketAddress {
 public:
  SocketAddress() { std::memset(&storage_, 0, sizeof storage_); }
  static std::optional<SocketAddress> fromSockaddr(const sockaddr* sa, socklen_t len);
  // An IPv4 address (network order, as in in_addr) and port.
  static SocketAddress fromIpv4(uint32_t address, uint16_t port);
  // "127.0.0.1", "::1": numeric literals only.
  static std::optional<SocketAddress> parse(std::string_view ip, uint16_t port);

  bool isV4() const { return storage_.ss_family == AF_INET; }
  bool isV6() const { return storage_.ss_family == AF_INET6; }
  uint16_t port() const;
  void setPort(uint16_t port);
  std::string ip() const;
  std::string toString() const;  // "1.2.3.4:5" or "[::1]:5"
  const sockaddr* sockaddrPtr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* sockaddrPtr() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const;
  // Raw address bytes: 4 for IPv4, 16 for IPv6 (network order).
  const uint8_t* addressBytes() const;
  size_t addressSize() const { return isV4() ? 4 : 16; }
  // The IPv4 address in network order (as in in_addr); 0 for an IPv6 address.
  uint32_t ipv4() const;

  // The peer's end of an ICE-TCP connection (RFC 6544) rather than a UDP source address.
  bool isTcp() const { return tcp_; }
  void setTcp(bool tcp) { tcp_ = tcp; }

  bool operator==(const SocketAddress& o) const;
  size_t hash() const;

 private:
  sockaddr_storage storage_;
  bool tcp_ = false;
};

struct SocketAddressHash {
  size_t operator()(const SocketAddress& a) const { return a.hash(); }
};

}  // namespace rounds
