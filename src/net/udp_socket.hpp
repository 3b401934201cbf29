// UdpSocket: one non-blocking UDP socket on an Asio io_context, receiving in batches (recvmmsg)
// into preallocated buffers and sending in batches (sendmmsg) from preallocated slots, and timing
// forwarded datagrams from their arrival (the kernel's receive timestamp) to their sendmmsg
// (forwardLatency()).
// No heap allocation per packet. Threading: belongs to the thread running its io_context.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/clock.hpp"
#include "common/latency_histogram.hpp"
#include "common/result.hpp"
#include "net/udp_batch.hpp"

namespace rounds {

class UdpSocketGroup;

class UdpSocket {
 public:
  static constexpr size_t kSlotSize = kUdpSlotSize;
  static constexpr size_t kBatch = kUdpBatch;

  struct Listener {
    virtual ~Listener() = default;
    // `data` is valid (and writable, e.g. for in-place SRTP unprotect) only during the call.
    virtual void onUdpPacket(MutableBytes data, const SocketAddress& from) = 0;
    // After each received batch: the moment to flush what the batch produced.
    virtual void onUdpBatchEnd() {}
  };

  struct Counters {
    uint64_t received = 0;
    uint64_t sent = 0;
    uint64_t sendErrors = 0;  // dropped because the kernel refused them (EAGAIN, unreachable)
    uint64_t truncated = 0;   // datagrams larger than a slot
    uint64_t recvBatches = 0;
    uint64_t sendBatches = 0;
    // With countDrops(): datagrams the kernel dropped because this socket's receive queue was
    // full (or its memory accounted out), as of the last datagram read. Lost before we saw them.
    uint64_t queueDrops = 0;
  };

  static Result<std::unique_ptr<UdpSocket>> bind(boost::asio::io_context& io,
                                                 const SocketAddress& local, Listener& listener,
                                                 const Clock& clock = SystemClock::instance());
  ~UdpSocket();

  uint16_t localPort() const { return localPort_; }
  // Starts receiving: with a wait of its own on the io_context, or woken through `group`'s
  // epoll set (udp_socket_group.hpp: for processes with many sockets), falling back to its own
  // wait if the group cannot take it.
  void start();
  void start(UdpSocketGroup& group);
  // Asks the kernel for each datagram's arrival time (SO_TIMESTAMPNS), which then starts
  // forwardLatency() instead of the return of recvmmsg: for the media worker's socket, not for
  // sockets that forward nothing (the load generator's). False if the kernel refused.
  bool timeArrivals();
  // Asks the kernel for each IPv4 datagram's destination address (IP_PKTINFO): receivedOn().
  // For a socket bound to the wildcard address that stands in for many local addresses (the
  // load generator's legs, each with an address of its own). False if the kernel refused.
  bool receiveDestinations();
  // Asks the kernel to tell, with received datagrams, how many it dropped at this socket's full
  // receive queue (SO_RXQ_OVFL): counters().queueDrops. False if the kernel refused.
  bool countDrops();
  // Receives only what arrives through this interface (SO_BINDTODEVICE; needs CAP_NET_RAW).
  bool restrictToDevice(const std::string& ifname);
  // The receive buffer's size in bytes, beyond net.core.rmem_max where the process may
  // (SO_RCVBUFFORCE, CAP_NET_ADMIN). False if neither was accepted.
  bool setReceiveBuffer(int bytes);
  void close();

  // Zero-copy send: write the datagram into the returned slot, then commit its size. The slot is
  // valid until commitSend or the next acquireSendSlot. Sends go out at flush() (or when full).
  // `forwarded`: a copy of the received packet being handled now; the time from that packet's
  // arrival at this socket to the sendmmsg that sends the copy goes into forwardLatency().
  // Copies queued outside a received batch (timers, ICE-TCP frames) are not timed.
  MutableBytes acquireSendSlot();
  void commitSend(size_t size, const SocketAddress& to, bool forwarded = false);
  // The same from a chosen local IPv4 address (IP_PKTINFO; the socket is bound to the wildcard
  // address). Not timed.
  void commitSendFrom(size_t size, const SocketAddress& to, const SocketAddress& from);
  // Copying convenience for control-ish traffic (STUN answers, DTLS records).
  void send(Bytes data, const SocketAddress& to);
  void sendFrom(Bytes data, const SocketAddress& to, const SocketAddress& from);
  void flush();
  const Counters& counters() const { return counters_; }
  // While a received datagram is handled (Listener::onUdpPacket): when it reached this socket —
  // the kernel's receive time with timeArrivals(), else the return of its recvmmsg.
  std::optional<TimePoint> receivedAt() const { return packetReceivedAt_; }
  // While a received datagram is handled, with receiveDestinations(): the IPv4 address it was
  // sent to (network order); 0 when unknown.
  uint32_t receivedOn() const { return packetDestination_; }
  // Server-in to server-out of forwarded datagrams: from the kernel's receive timestamp of the
  // packet (with timeArrivals(): when it was queued to this socket, so the wait in the receive
  // queue counts; without, the return of its recvmmsg) to the return of the sendmmsg that sent
  // the copy (one clock read per call).
  const LatencyHistogram& forwardLatency() const { return forwardLatency_; }
  // With timeArrivals(): how long each datagram waited in the receive queue before a recvmmsg
  // picked it up (the first part of forwardLatency(): the worker was busy or not yet awake).
  const LatencyHistogram& receiveWait() const { return receiveWait_; }
  // Whether IPv4 datagrams leave with DF set (asked of the kernel; false for IPv6 sockets).
  bool dontFragment() const;

 private:
  friend class UdpSocketGroup;
  UdpSocket(boost::asio::io_context& io, Listener& listener, const Clock& clock);
  void waitReadable();
  void drain();
  // `source`: the IPv4 address to send from (network order), 0 for the kernel's choice.
  void commit(size_t size, const SocketAddress& to, bool forwarded, uint32_t source);
  // Records the latency of the timed datagrams in send slots [from, to), just sent.
  void recordForwardLatency(size_t from, size_t to);

  boost::asio::ip::udp::socket socket_;
  Listener& listener_;
  uint16_t localPort_ = 0;
  bool closed_ = false;
  UdpSocketGroup* group_ = nullptr;  // set while a member of a group
  bool arrivalTimestamps_ = false;
  bool destinations_ = false;
  bool dropCounting_ = false;
  bool sendsFromSources_ = false;  // some send slot carried a source address (IP_PKTINFO)
  uint32_t packetDestination_ = 0;
  Counters counters_;
  const Clock& clock_;
  // While a received packet is handled: when it reached the socket (steady clock).
  std::optional<TimePoint> packetReceivedAt_;
  LatencyHistogram forwardLatency_;
  LatencyHistogram receiveWait_;

  std::unique_ptr<UdpBatch> ownRecv_;  // none while in a group (its batch is shared)
  UdpBatch* recv_ = nullptr;
  std::unique_ptr<UdpBatch> send_;
  size_t pendingSends_ = 0;
};

}  // namespace rounds
