// UdpSocketGroup: many UdpSockets of one io_context woken through one epoll set of their own.
//
// A UdpSocket started on its own (UdpSocket::start()) waits with Asio's async_wait, and Asio's
// epoll reactor re-arms that wait with an epoll_ctl(EPOLL_CTL_MOD) every time (a wait is never
// "speculative"). For one busy socket that is one system call per wake-up; for a process holding
// hundreds of sockets that each receive a datagram at a time (rounds-load's participants) it is a
// system call per datagram, on top of the recvmmsg. Here each member is registered once,
// level-triggered, in the group's epoll set; Asio waits on that set's descriptor only, and one
// wake-up drains every ready member (one recvmmsg each; what is left is reported again), all into
// one receive batch that stays in the cache.
//
// Threading: belongs to the thread running its io_context, like its members. Members must be
// removed (UdpSocket::close does it) before the group is destroyed.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "net/udp_batch.hpp"

namespace rounds {

class UdpSocket;

class UdpSocketGroup {
 public:
  // Ready members handled per wake-up before timers and posted work get their turn.
  static constexpr size_t kEventsPerWake = 256;

  struct Counters {
    uint64_t wakeups = 0;  // the group's descriptor became readable
    uint64_t drained = 0;  // member drains (one per ready member per wake-up)
  };

  explicit UdpSocketGroup(boost::asio::io_context& io);
  ~UdpSocketGroup();
  UdpSocketGroup(const UdpSocketGroup&) = delete;
  UdpSocketGroup& operator=(const UdpSocketGroup&) = delete;

  // Whether the epoll set could be created (false: members fall back to their own waits).
  bool ok() const { return epoll_.is_open(); }
  size_t size() const { return members_; }
  const Counters& counters() const { return counters_; }

 private:
  friend class UdpSocket;
  bool add(UdpSocket& s, int fd);
  UdpBatch* recvBatch() { return &recv_; }
  void remove(UdpSocket& s, int fd);
  void wait();
  void onReady();

  boost::asio::posix::stream_descriptor epoll_;
  // The members' receive batch: they are drained one at a time on this thread, and a datagram
  // is only valid during its onUdpPacket call.
  UdpBatch recv_;
  size_t members_ = 0;
  Counters counters_;
  // The events of the wake-up being handled; a member removed meanwhile is cleared from them.
  std::array<epoll_event, kEventsPerWake> events_{};
  int pending_ = 0;
};

}  // namespace rounds
