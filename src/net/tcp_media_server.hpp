// TcpMediaServer: the passive side of ICE-TCP (RFC 6544) for one worker. Accepts TCP connections
// on the worker's TCP port and frames packets with a 2-byte length (RFC 4571 §2), so STUN, DTLS and
// SRTP reach the worker exactly as UDP datagrams would, from a SocketAddress flagged isTcp().
// Bounded: connections, frame size, queued output per connection and idle time are all capped.
// Threading: belongs to the thread running its io_context (the worker thread).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"

namespace rounds {

class TcpMediaServer {
 public:
  static constexpr size_t kMaxFrame = 2048;             // same cap as a UDP slot
  static constexpr size_t kMaxQueuedBytes = 512 * 1024;  // per connection; beyond it packets drop
  static constexpr size_t kMaxConnections = 1024;
  static constexpr Millis kIdleTimeout{30000};  // no frame received for this long: closed

  struct Listener {
    virtual ~Listener() = default;
    // `data` is valid (and writable) only during the call; `from` has isTcp() set.
    virtual void onTcpPacket(MutableBytes data, const SocketAddress& from) = 0;
    // The connection is gone (closed by the browser, an error, idle, or a bad frame).
    virtual void onTcpClosed(const SocketAddress& from) = 0;
  };

  struct Counters {
    uint64_t accepted = 0;
    uint64_t refused = 0;        // over kMaxConnections
    uint64_t framesReceived = 0;
    uint64_t framesSent = 0;
    uint64_t badFrames = 0;      // zero or over-long length: the connection is closed
    uint64_t droppedQueueFull = 0;
    uint64_t droppedNoConnection = 0;
  };

  static Result<std::unique_ptr<TcpMediaServer>> listen(boost::asio::io_context& io,
                                                        const SocketAddress& local,
                                                        Listener& listener, const Clock& clock);
  ~TcpMediaServer();

  uint16_t localPort() const { return localPort_; }
  void start();
  // Closes the acceptor and every connection (no onTcpClosed callbacks).
  void close();
  // Queues one framed packet on the connection `to` (must be isTcp()); drops it when the
  // connection is unknown or its queue is full.
  void send(Bytes data, const SocketAddress& to);
  // Closes connections idle for longer than kIdleTimeout; call periodically.
  void onTick(TimePoint now);
  size_t connections() const { return connections_.size(); }
  const Counters& counters() const { return counters_; }

 private:
  class Connection;
  TcpMediaServer(boost::asio::io_context& io, Listener& listener, const Clock& clock);
  void accept();
  void onConnectionClosed(const SocketAddress& from);

  boost::asio::ip::tcp::acceptor acceptor_;
  Listener& listener_;
  const Clock& clock_;
  uint16_t localPort_ = 0;
  bool closed_ = false;
  Counters counters_;
  std::unordered_map<SocketAddress, std::shared_ptr<Connection>, SocketAddressHash> connections_;
};

}  // namespace rounds
