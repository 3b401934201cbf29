// The kernel's cost per forwarded datagram as UdpSocket sends it (32 per sendmmsg, 1,200 bytes,
// to a loopback sink nobody reads), with and without DF on the socket: with DF Linux gives the
// datagram IP ID 0 instead of drawing one from its shared, hashed generator (docs/performance.md).
#include <benchmark/benchmark.h>
#include <netinet/in.h>
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
