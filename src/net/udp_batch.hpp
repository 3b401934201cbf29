// Preallocated storage for one recvmmsg or sendmmsg batch (UdpSocket's; internal to net/).
// Threading: used by one thread at a time, the one running the owning io_context.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <optional>

#include "common/clock.hpp"

namespace rounds {

constexpr size_t kUdpSlotSize = 2048;  // > any datagram we accept (MTU 1500) + SRTP trailer
constexpr size_t kUdpBatch = 32;
// Room for the control messages of one datagram: on receive an SCM_TIMESTAMPNS (the kernel's
// receive time), an IP_PKTINFO (the address it was sent to) and an SO_RXQ_OVFL count (datagrams
// the socket dropped so far); on send an IP_PKTINFO (the source address to send from).
constexpr size_t kUdpControlSize =
    CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(uint32_t));

struct UdpBatch {
  std::array<std::array<uint8_t, kUdpSlotSize>, kUdpBatch> buffers;
  std::array<iovec, kUdpBatch> iov;
  std::array<mmsghdr, kUdpBatch> hdr;
  std::array<sockaddr_storage, kUdpBatch> addr;
  // Receive side: each datagram's control messages (SO_TIMESTAMPNS, IP_PKTINFO); send side:
  // the source address of a datagram sent from a chosen address (IP_PKTINFO).
  alignas(cmsghdr) std::array<std::array<uint8_t, kUdpControlSize>, kUdpBatch> control;
  // Send side: when the packet a forwarded copy was made of reached the socket (nullopt: not
  // timed).
  std::array<std::optional<TimePoint>, kUdpBatch> receivedAt;
  // Receive side: headers [0, dirty) were written by the last recvmmsg (or never set up) and
  // must be reset before the next; `withControl`: whether they point at `control` buffers. Only
  // what the kernel touched is rewritten: a socket woken for one datagram touches one header.
  size_t dirty = kUdpBatch;
  bool withControl = false;

  UdpBatch() {
    std::memset(hdr.data(), 0, sizeof(mmsghdr) * kUdpBatch);
    for (size_t i = 0; i < kUdpBatch; ++i) {
      iov[i].iov_base = buffers[i].data();
      iov[i].iov_len = kUdpSlotSize;
      hdr[i].msg_hdr.msg_iov = &iov[i];
      hdr[i].msg_hdr.msg_iovlen = 1;
      hdr[i].msg_hdr.msg_name = &addr[i];
      hdr[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    }
  }

  // Readies the headers for a recvmmsg, with or without a control buffer per datagram.
  void prepareReceive(bool withControlMessages) {
    const size_t n = withControlMessages == withControl ? dirty : kUdpBatch;
    for (size_t i = 0; i < n; ++i) {
      auto& h = hdr[i].msg_hdr;
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_flags = 0;
      h.msg_control = withControlMessages ? control[i].data() : nullptr;
      h.msg_controllen = withControlMessages ? kUdpControlSize : 0;
    }
    withControl = withControlMessages;
    dirty = 0;
  }
  // After the recvmmsg: it filled `result` headers (a failed call may still have written the
  // first one).
  void received(int result) { dirty = result > 0 ? static_cast<size_t>(result) : 1; }

  // Send side: slot `i` leaves from the local IPv4 address `source` (network order; the socket
  // must be bound to the wildcard address and `source` be local), or, with 0, from whatever
  // address the kernel picks.
  void setSource(size_t i, uint32_t source) {
    auto& h = hdr[i].msg_hdr;
    if (source == 0) {
      h.msg_control = nullptr;
      h.msg_controllen = 0;
      return;
    }
    h.msg_control = control[i].data();
    h.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
    cmsghdr* c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_spec_dst.s_addr = source;
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
  }
};

}  // namespace rounds
