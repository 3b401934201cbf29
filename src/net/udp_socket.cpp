#include "net/udp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>

#include "common/log.hpp"
#include "net/udp_batch.hpp"
#include "net/udp_socket_group.hpp"

namespace rounds {

namespace {
// IPv4 datagrams leave with DF set (RFC 791 §3.1) but without the kernel's path-MTU state
// (IP_PMTUDISC_PROBE): a datagram that may not be fragmented needs no IP identification
// (RFC 6864 §4.1: the ID field is meaningful only for fragmentable datagrams), and Linux then
// skips its shared, hashed ID generator (`__ip_select_ident`), which was 8 % of the server's CPU
// in the briefing profile (docs/performance.md). Our datagrams stay under 1,300 bytes; a path
// with a smaller MTU drops them instead of fragmenting them, as it does for browsers, which send
// WebRTC media with DF too. ROUNDS_UDP_DF=0 keeps the kernel default (for A/B measurements).
bool wantDontFragment() {
  const char* v = std::getenv("ROUNDS_UDP_DF");
  return !(v && std::strcmp(v, "0") == 0);
}

// The value of the control message (`level`, `type`) the kernel attached to the datagram of `h`.
template <typename T>
std::optional<T> controlValue(const msghdr& h, int level, int type) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
    if (c->cmsg_level != level || c->cmsg_type != type) continue;
    T value{};
    std::memcpy(&value, CMSG_DATA(c), sizeof value);
    return value;
  }
  return std::nullopt;
}

// How long ago the kernel queued the datagram of `h` (SO_TIMESTAMPNS, CLOCK_REALTIME), against
// `realNow` read after recvmmsg returned; 0 when it carries no timestamp or the wall clock
// stepped (an age below 0 or over 1 s is not a queueing delay).
std::chrono::nanoseconds queuedFor(const msghdr& h, const timespec& realNow) {
  auto at = controlValue<timespec>(h, SOL_SOCKET, SCM_TIMESTAMPNS);
  if (!at) return {};
  int64_t ns = (int64_t{realNow.tv_sec} - at->tv_sec) * 1'000'000'000 +
               (int64_t{realNow.tv_nsec} - at->tv_nsec);
  if (ns < 0 || ns > 1'000'000'000) return {};
  return std::chrono::nanoseconds(ns);
}

// The destination IPv4 address of the datagram of `h` (IP_PKTINFO), network order; 0 if absent.
uint32_t destinationOf(const msghdr& h) {
  auto info = controlValue<in_pktinfo>(h, IPPROTO_IP, IP_PKTINFO);
  return info ? info->ipi_addr.s_addr : 0;
}
}  // namespace

UdpSocket::UdpSocket(boost::asio::io_context& io, Listener& listener, const Clock& clock)
    : socket_(io),
      listener_(listener),
      clock_(clock),
      ownRecv_(std::make_unique<UdpBatch>()),
      recv_(ownRecv_.get()),
      send_(std::make_unique<UdpBatch>()) {}

UdpSocket::~UdpSocket() { close(); }

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind(boost::asio::io_context& io,
                                                   const SocketAddress& local, Listener& listener,
                                                   const Clock& clock) {
  std::unique_ptr<UdpSocket> s(new UdpSocket(io, listener, clock));
  boost::system::error_code ec;
  auto proto = local.isV6() ? boost::asio::ip::udp::v6() : boost::asio::ip::udp::v4();
  s->socket_.open(proto, ec);
  if (ec) return makeError("bind_failed", "udp open: " + ec.message());
  int size = 4 << 20;  // room for bursts (key frames to many subscribers)
  ::setsockopt(s->socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  ::setsockopt(s->socket_.native_handle(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (!local.isV6() && wantDontFragment()) {
    int probe = IP_PMTUDISC_PROBE;
    ::setsockopt(s->socket_.native_handle(), IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof probe);
  }
  if (::bind(s->socket_.native_handle(), local.sockaddrPtr(), local.length()) != 0)
    return makeError("bind_failed", "udp bind " + local.toString() + ": " + std::strerror(errno));
  s->socket_.non_blocking(true, ec);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(s->socket_.native_handle(), reinterpret_cast<sockaddr*>(&bound), &len);
  auto addr = SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&bound), len);
  s->localPort_ = addr ? addr->port() : 0;
  return s;
}

void UdpSocket::start() { waitReadable(); }

void UdpSocket::start(UdpSocketGroup& group) {
  if (closed_ || group_) return;
  if (group.add(*this, socket_.native_handle())) {
    group_ = &group;
    recv_ = group.recvBatch();  // shared: one hot batch instead of one per member
    ownRecv_.reset();
    return;
  }
  waitReadable();
}

bool UdpSocket::timeArrivals() {
  // The kernel stamps each datagram as it is queued to us, so forwardLatency() starts where the
  // packet reached this socket, not where recvmmsg picked it up (docs/performance.md).
  int on = 1;
  arrivalTimestamps_ =
      ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
  return arrivalTimestamps_;
}

bool UdpSocket::receiveDestinations() {
  int on = 1;
  destinations_ =
      ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on) == 0;
  return destinations_;
}

bool UdpSocket::countDrops() {
  int on = 1;
  dropCounting_ =
      ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on) == 0;
  return dropCounting_;
}

bool UdpSocket::restrictToDevice(const std::string& ifname) {
  return ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                      static_cast<socklen_t>(ifname.size())) == 0;
}

bool UdpSocket::setReceiveBuffer(int bytes) {
  int fd = socket_.native_handle();
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0 ||
         ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) == 0;
}

bool UdpSocket::dontFragment() const {
  int mode = 0;
  socklen_t len = sizeof mode;
  auto& sock = const_cast<boost::asio::ip::udp::socket&>(socket_);
  if (::getsockopt(sock.native_handle(), IPPROTO_IP, IP_MTU_DISCOVER, &mode, &len) != 0)
    return false;
  return mode == IP_PMTUDISC_DO || mode == IP_PMTUDISC_PROBE;
}

void UdpSocket::close() {
  if (closed_) return;
  flush();
  closed_ = true;
  if (group_) group_->remove(*this, socket_.native_handle());
  group_ = nullptr;
  boost::system::error_code ec;
  socket_.close(ec);
}

void UdpSocket::waitReadable() {
  if (closed_) return;
  socket_.async_wait(boost::asio::ip::udp::socket::wait_read,
                     [this](const boost::system::error_code& ec) {
                       if (ec || closed_) return;
                       drain();
                       waitReadable();
                     });
}

void UdpSocket::drain() {
  // Bounded so one busy socket cannot starve timers and posted commands on the same loop.
  for (int round = 0; round < 8 && !closed_; ++round) {
    recv_->prepareReceive(arrivalTimestamps_ || destinations_ || dropCounting_);
    int n = ::recvmmsg(socket_.native_handle(), recv_->hdr.data(), kBatch, MSG_DONTWAIT, nullptr);
    recv_->received(n);
    if (n <= 0) break;
    // One read of each clock per batch: a datagram arrived (its kernel timestamp's age) before
    // the steady time of the batch.
    TimePoint batchAt = clock_.now();
    timespec realNow{};
    if (arrivalTimestamps_) ::clock_gettime(CLOCK_REALTIME, &realNow);
    ++counters_.recvBatches;
    // The kernel's count only grows (32 bits, wrapping): the batch's last datagram has the latest.
    if (dropCounting_) {
      // (The kernel attaches the count once it is above zero.)
      if (auto drops = controlValue<uint32_t>(recv_->hdr[n - 1].msg_hdr, SOL_SOCKET, SO_RXQ_OVFL)) {
        uint32_t seen = static_cast<uint32_t>(counters_.queueDrops);
        counters_.queueDrops += static_cast<uint32_t>(*drops - seen);
      }
    }
    for (int i = 0; i < n; ++i) {
      auto& h = recv_->hdr[i];
      ++counters_.received;
      if (h.msg_hdr.msg_flags & MSG_TRUNC) {
        ++counters_.truncated;
        continue;
      }
      auto from = SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&recv_->addr[i]),
                                              h.msg_hdr.msg_namelen);
      if (!from) continue;
      packetReceivedAt_ = batchAt;
      if (destinations_) packetDestination_ = destinationOf(h.msg_hdr);
      if (arrivalTimestamps_) {
        auto queued = queuedFor(h.msg_hdr, realNow);
        *packetReceivedAt_ -= std::chrono::duration_cast<TimePoint::duration>(queued);
        receiveWait_.record(std::chrono::duration_cast<std::chrono::microseconds>(queued).count());
      }
      listener_.onUdpPacket(MutableBytes(recv_->buffers[i].data(), h.msg_len), *from);
      if (closed_) {
        packetReceivedAt_.reset();
        packetDestination_ = 0;
        return;
      }
    }
    packetDestination_ = 0;
    listener_.onUdpBatchEnd();
    flush();
    packetReceivedAt_.reset();
    if (static_cast<size_t>(n) < kBatch) break;
  }
}

MutableBytes UdpSocket::acquireSendSlot() {
  if (pendingSends_ == kBatch) flush();
  return MutableBytes(send_->buffers[pendingSends_].data(), kSlotSize);
}

void UdpSocket::commitSend(size_t size, const SocketAddress& to, bool forwarded) {
  commit(size, to, forwarded, 0);
}

void UdpSocket::commitSendFrom(size_t size, const SocketAddress& to, const SocketAddress& from) {
  commit(size, to, false, from.ipv4());
}

void UdpSocket::commit(size_t size, const SocketAddress& to, bool forwarded, uint32_t source) {
  if (size == 0 || size > kSlotSize) return;
  auto& h = send_->hdr[pendingSends_];
  send_->receivedAt[pendingSends_] = forwarded ? packetReceivedAt_ : std::nullopt;
  send_->iov[pendingSends_].iov_len = size;
  std::memcpy(&send_->addr[pendingSends_], to.sockaddrPtr(), to.length());
  h.msg_hdr.msg_namelen = to.length();
  // Slots keep their control buffer until reset: only a socket that ever sent from a chosen
  // address pays for the reset.
  if (source != 0) sendsFromSources_ = true;
  if (sendsFromSources_) send_->setSource(pendingSends_, source);
  ++pendingSends_;
  if (pendingSends_ == kBatch) flush();
}

void UdpSocket::send(Bytes data, const SocketAddress& to) {
  if (data.size() > kSlotSize) return;
  MutableBytes slot = acquireSendSlot();
  std::memcpy(slot.data(), data.data(), data.size());
  commitSend(data.size(), to);
}

void UdpSocket::sendFrom(Bytes data, const SocketAddress& to, const SocketAddress& from) {
  if (data.size() > kSlotSize) return;
  MutableBytes slot = acquireSendSlot();
  std::memcpy(slot.data(), data.data(), data.size());
  commitSendFrom(data.size(), to, from);
}

void UdpSocket::flush() {
  size_t done = 0;
  while (done < pendingSends_ && !closed_) {
    int n = ::sendmmsg(socket_.native_handle(), send_->hdr.data() + done,
                       static_cast<unsigned>(pendingSends_ - done), MSG_DONTWAIT);
    ++counters_.sendBatches;
    if (n < 0) {
      if (errno == EINTR) continue;
      // The first datagram was refused (e.g. buffer full or ICMP unreachable): drop it, go on.
      ++counters_.sendErrors;
      ++done;
      continue;
    }
    counters_.sent += static_cast<uint64_t>(n);
    recordForwardLatency(done, done + static_cast<size_t>(n));
    done += static_cast<size_t>(n);
  }
  pendingSends_ = 0;
}

void UdpSocket::recordForwardLatency(size_t from, size_t to) {
  std::optional<TimePoint> sentAt;  // one clock read per sendmmsg call, only if a copy is timed
  for (size_t i = from; i < to; ++i) {
    const auto& received = send_->receivedAt[i];
    if (!received) continue;
    if (!sentAt) sentAt = clock_.now();
    forwardLatency_.record(
        std::chrono::duration_cast<std::chrono::microseconds>(*sentAt - *received).count());
  }
}

}  // namespace rounds
