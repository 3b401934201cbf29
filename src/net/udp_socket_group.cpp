#include "net/udp_socket_group.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include "net/udp_socket.hpp"

namespace rounds {

UdpSocketGroup::UdpSocketGroup(boost::asio::io_context& io) : epoll_(io) {
  int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return;
  boost::system::error_code ec;
  epoll_.assign(fd, ec);
  if (ec) ::close(fd);
}

UdpSocketGroup::~UdpSocketGroup() {
  boost::system::error_code ec;
  epoll_.close(ec);
}

bool UdpSocketGroup::add(UdpSocket& s, int fd) {
  if (!ok()) return false;
  epoll_event ev{};
  ev.events = EPOLLIN;  // level-triggered: a member left with data is reported again
  ev.data.ptr = &s;
  if (::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  if (members_++ == 0) wait();
  return true;
}

void UdpSocketGroup::remove(UdpSocket& s, int fd) {
  epoll_event ev{};
  ::epoll_ctl(epoll_.native_handle(), EPOLL_CTL_DEL, fd, &ev);
  if (members_ > 0 && --members_ == 0) {
    // No wait may stay pending without members: the io_context would never run out of work.
    boost::system::error_code ec;
    epoll_.cancel(ec);
  }
  // A member closed while this wake-up's events are handled must not be drained after it.
  for (int i = 0; i < pending_; ++i)
    if (events_[static_cast<size_t>(i)].data.ptr == &s)
      events_[static_cast<size_t>(i)].data.ptr = nullptr;
}

void UdpSocketGroup::wait() {
  epoll_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                    [this](const boost::system::error_code& ec) {
                      if (ec) return;
                      onReady();
                      if (members_ > 0) wait();
                    });
}

void UdpSocketGroup::onReady() {
  ++counters_.wakeups;
  // One set of events per wake-up: if more members are ready the descriptor stays readable,
  // and timers and posted work run in between.
  int n = ::epoll_wait(epoll_.native_handle(), events_.data(), static_cast<int>(events_.size()), 0);
  if (n <= 0) return;
  pending_ = n;
  for (int i = 0; i < pending_; ++i) {
    auto* s = static_cast<UdpSocket*>(events_[static_cast<size_t>(i)].data.ptr);
    if (!s) continue;
    ++counters_.drained;
    s->drain();
  }
  pending_ = 0;
}

}  // namespace rounds
