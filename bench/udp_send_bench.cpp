// The kernel's cost per forwarded datagram as UdpSocket sends it (32 per sendmmsg, 1,200 bytes,
// to a loopback sink nobody reads), with and without DF on the socket: with DF Linux gives the
// datagram IP ID 0 instead of drawing one from its shared, hashed generator (docs/performance.md).
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdlib>
#include <cstring>

#include "net/udp_socket.hpp"

namespace {

using namespace rounds;

struct NoListener : UdpSocket::Listener {
  void onUdpPacket(MutableBytes, const SocketAddress&) override {}
};

// Argument: 1 = DF (the default), 0 = kernel default (ROUNDS_UDP_DF=0). Items are datagrams.
void BM_UdpSend(benchmark::State& state) {
  constexpr size_t kPacket = 1200;
  ::setenv("ROUNDS_UDP_DF", state.range(0) ? "1" : "0", 1);
  boost::asio::io_context io;
  NoListener listener;
  auto tx = UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), listener);
  ::unsetenv("ROUNDS_UDP_DF");
  if (!tx || tx.value()->dontFragment() != (state.range(0) == 1)) {
    state.SkipWithError("socket setup");
    return;
  }
  int sink = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(sink, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(sink, reinterpret_cast<sockaddr*>(&addr), &len);
  auto to = *SocketAddress::parse("127.0.0.1", ntohs(addr.sin_port));
  UdpSocket& s = *tx.value();
  for (auto _ : state) {
    for (size_t i = 0; i < UdpSocket::kBatch; ++i) {
      MutableBytes slot = s.acquireSendSlot();
      std::memset(slot.data(), static_cast<int>(i), kPacket);
      s.commitSend(kPacket, to);  // the 32nd commit flushes: one sendmmsg per iteration
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * UdpSocket::kBatch));
  state.counters["df"] = static_cast<double>(state.range(0));
  ::close(sink);
}
BENCHMARK(BM_UdpSend)->Arg(0)->Arg(1);

}  // namespace

// What UDP GSO (UDP_SEGMENT, Linux 4.18) would save the fan-out, before building it: 32 copies of
// a video frame of 2 or 3 packets, each copy to its own loopback socket (nobody reads them; full
// queues drop), sent the way the server sends today — one sendmmsg entry per datagram — or grouped
// per destination, one entry with a segment per packet (gso_size 1,200; the receiving sockets do
// not ask for GRO, so the split into datagrams is still paid, here on receipt; behind a NIC
// without segmentation offload it would be paid at the device).
// Arguments: 0 = one datagram per entry, 1 = GSO; packets per frame. Items are datagrams (copies).
void BM_UdpSendFrameCopies(benchmark::State& state) {
  constexpr size_t kPacket = 1200;
  constexpr size_t kMaxSegments = 3;
  constexpr size_t kDestinations = 32;
  const bool gso = state.range(0) == 1;
  const size_t segments = static_cast<size_t>(state.range(1));
  if (segments < 1 || segments > kMaxSegments) {
    state.SkipWithError("packets per frame: 1 to 3");
    return;
  }
  int tx = ::socket(AF_INET, SOCK_DGRAM, 0);
  int sinks[kDestinations];
  sockaddr_in to[kDestinations]{};
  for (size_t d = 0; d < kDestinations; ++d) {
    sinks[d] = ::socket(AF_INET, SOCK_DGRAM, 0);
    to[d].sin_family = AF_INET;
    to[d].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(sinks[d], reinterpret_cast<sockaddr*>(&to[d]), sizeof to[d]);
    socklen_t len = sizeof to[d];
    ::getsockname(sinks[d], reinterpret_cast<sockaddr*>(&to[d]), &len);
  }
  static uint8_t payload[kDestinations][kMaxSegments][kPacket];
  std::memset(payload, 0xab, sizeof payload);
  const size_t copies = kDestinations * segments;
  mmsghdr msgs[kDestinations * kMaxSegments]{};
  iovec iov[kDestinations * kMaxSegments];
  alignas(cmsghdr) char control[kDestinations][CMSG_SPACE(sizeof(uint16_t))]{};
  size_t entries = 0;
  for (size_t d = 0; d < kDestinations; ++d) {
    for (size_t k = 0; k < segments; ++k) {
      iov[d * segments + k] = {payload[d][k], kPacket};
      if (!gso) {
        msghdr& h = msgs[entries++].msg_hdr;
        h.msg_name = &to[d];
        h.msg_namelen = sizeof to[d];
        h.msg_iov = &iov[d * segments + k];
        h.msg_iovlen = 1;
      }
    }
    if (gso) {
      msghdr& h = msgs[entries++].msg_hdr;
      h.msg_name = &to[d];
      h.msg_namelen = sizeof to[d];
      h.msg_iov = &iov[d * segments];
      h.msg_iovlen = segments;
      h.msg_control = control[d];
      h.msg_controllen = sizeof control[d];
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = SOL_UDP;
      c->cmsg_type = UDP_SEGMENT;
      c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const uint16_t size = kPacket;
      std::memcpy(CMSG_DATA(c), &size, sizeof size);
    }
  }
  for (auto _ : state) {
    int sent = ::sendmmsg(tx, msgs, static_cast<unsigned>(entries), 0);
    if (sent != static_cast<int>(entries)) {
      state.SkipWithError("sendmmsg sent fewer entries");
      break;
    }
  }
  // Each sink must hold 1,200-byte datagrams, however they were sent.
  uint8_t got[2 * kPacket];
  if (::recv(sinks[kDestinations - 1], got, sizeof got, MSG_DONTWAIT) !=
      static_cast<ssize_t>(kPacket))
    state.SkipWithError("a sink did not receive a 1,200-byte datagram");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * copies));
  state.counters["gso"] = gso ? 1 : 0;
  state.counters["frame"] = static_cast<double>(segments);
  ::close(tx);
  for (int s : sinks) ::close(s);
}
BENCHMARK(BM_UdpSendFrameCopies)->ArgsProduct({{0, 1}, {2, 3}});
