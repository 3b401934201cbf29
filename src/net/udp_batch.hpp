// Preallocated storage for one recvmmsg or sendmmsg batch (UdpSocket's; internal to net/).
// Threading: used by one thread at a time, the one running the owning io_context.
#pragma once

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
// Room for one SCM_TIMESTAMPNS control message (the kernel's receive time of a datagram).
constexpr size_t kUdpControlSize = CMSG_SPACE(sizeof(timespec));

struct UdpBatch {
  std::array<std::array<uint8_t, kUdpSlotSize>, kUdpBatch> buffers;
  std::array<iovec, kUdpBatch> iov;
  std::array<mmsghdr, kUdpBatch> hdr;
  std::array<sockaddr_storage, kUdpBatch> addr;
  // Receive side: each datagram's kernel receive timestamp (SO_TIMESTAMPNS).
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

  // Readies the headers for a recvmmsg, with or without a timestamp buffer per datagram.
  void prepareReceive(bool timestamps) {
    const size_t n = timestamps == withControl ? dirty : kUdpBatch;
    for (size_t i = 0; i < n; ++i) {
      auto& h = hdr[i].msg_hdr;
      h.msg_namelen = sizeof(sockaddr_storage);
      h.msg_flags = 0;
      h.msg_control = timestamps ? control[i].data() : nullptr;
      h.msg_controllen = timestamps ? kUdpControlSize : 0;
    }
    withControl = timestamps;
    dirty = 0;
  }
  // After the recvmmsg: it filled `result` headers (a failed call may still have written the
  // first one).
  void received(int result) { dirty = result > 0 ? static_cast<size_t>(result) : 1; }
};

}  // namespace rounds
