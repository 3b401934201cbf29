// SharedUdp: one UDP socket for every leg of a run (--address-pool), each leg reached at and
// sending from a local IPv4 address of its own: leg i at the pool's first address + i, all on the
// socket's one port. The server still sees one 5-tuple per participant, as with a socket each;
// the generator reads every leg's datagrams with one recvmmsg per 32 instead of (about) one
// system call per datagram, as each viewer's socket gets one datagram per wake-up
// (docs/load.md, "One socket for all legs").
//
// The socket is bound to the wildcard address and learns each datagram's destination from
// IP_PKTINFO; it sends from a leg's address with IP_PKTINFO too. The pool's addresses must be
// local: all of 127.0.0.0/8 is (the socket is then bound to the loopback device only, so it
// hears nothing from outside the machine); in a namespace a local route for the range makes
// them so (scripts/bench_netns.py).
//
// Threading: belongs to the thread running its io_context, like the participants. It must
// outlive them (they detach when they shut down).
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"
#include "net/udp_socket.hpp"

namespace rounds::load {

class SharedUdp : public UdpSocket::Listener {
 public:
  // `legs` addresses from `firstAddress` (IPv4, numeric): they must not wrap past
  // 255.255.255.255, and a loopback pool must stay inside 127.0.0.0/8.
  static Result<std::unique_ptr<SharedUdp>> open(boost::asio::io_context& io,
                                                 const std::string& firstAddress, size_t legs);
  ~SharedUdp() override;

  UdpSocket& socket() { return *socket_; }
  // Leg `leg`'s address with the socket's port (what the server sees it as).
  SocketAddress addressOf(size_t leg) const;
  // Datagrams to leg `leg`'s address go to `listener` until detach(leg).
  void attach(size_t leg, UdpSocket::Listener& listener);
  void detach(size_t leg);
  // Datagrams whose destination is no attached leg's (dropped and counted).
  uint64_t unclaimed() const { return unclaimed_; }

 private:
  SharedUdp() = default;
  void onUdpPacket(MutableBytes data, const SocketAddress& from) override;

  std::unique_ptr<UdpSocket> socket_;
  uint32_t first_ = 0;  // host order
  std::vector<UdpSocket::Listener*> legs_;
  uint64_t unclaimed_ = 0;
};

}  // namespace rounds::load
