// PacketSender: where a peer's outgoing packets go. UDP tuples use the worker's UdpSocket (batched,
// zero-copy slots); tuples flagged isTcp() (ICE-TCP, RFC 6544) go to the TcpMediaServer, framed.
// Callers write into a UDP send slot either way; for a TCP tuple the slot is copied into the
// connection's queue and left uncommitted, so the next acquire reuses it.
// Threading: belongs to the worker thread, like the sockets it wraps.
#pragma once

#include "net/tcp_media_server.hpp"
#include "net/udp_socket.hpp"

namespace rounds {

class PacketSender {
 public:
  explicit PacketSender(UdpSocket& udp, TcpMediaServer* tcp = nullptr) : udp_(udp), tcp_(tcp) {}

  void setTcp(TcpMediaServer* tcp) { tcp_ = tcp; }

  MutableBytes acquireSendSlot() {
    slot_ = udp_.acquireSendSlot();
    return slot_;
  }
  // `forwarded`: a copy of a packet just received, timed by the UDP socket (forwardLatency()).
  void commitSend(size_t size, const SocketAddress& to, bool forwarded = false) {
    if (!to.isTcp()) {
      udp_.commitSend(size, to, forwarded);
    } else if (tcp_ && size <= slot_.size()) {
      tcp_->send(Bytes(slot_.data(), size), to);
    }
  }
  void send(Bytes data, const SocketAddress& to) {
    if (!to.isTcp()) {
      udp_.send(data, to);
    } else if (tcp_) {
      tcp_->send(data, to);
    }
  }

 private:
  UdpSocket& udp_;
  TcpMediaServer* tcp_;
  MutableBytes slot_;
};

}  // namespace rounds
