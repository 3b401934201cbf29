// Worker: one media thread with its own event loop and its own UDP port. It owns the peers and
// routers of the rooms assigned to it and does the whole per-packet path (demux, ICE, DTLS, SRTP,
// forwarding) with no locks. The control plane talks to it only by posting commands.
// Threading: public methods marked [any] may be called from any thread; all others run on the
// worker thread (inside a posted command).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "common/clock.hpp"
#include "common/latency_histogram.hpp"
#include "common/metrics.hpp"
#include "common/random.hpp"
#include "media/peer.hpp"
#include "media/router.hpp"
#include "media/types.hpp"
#include "net/tcp_media_server.hpp"
#include "net/udp_socket.hpp"

namespace rounds {

class Worker : public UdpSocket::Listener, public TcpMediaServer::Listener, public Peer::Listener {
 public:
  // Called on the worker thread; implementations post to their own thread.
  struct Listener {
    virtual ~Listener() = default;
    virtual void onWorkerPeerConnected(const std::string& peerId) = 0;
    virtual void onWorkerPeerClosed(const std::string& peerId, const std::string& reason) = 0;
  };

  Worker(unsigned index, const MediaConfig& config, std::shared_ptr<Certificate> cert,
         Listener& listener, const Clock& clock = SystemClock::instance(),
         Random& random = CryptoRandom::instance());
  ~Worker() override;

  // [any] Binds the UDP port and starts the thread.
  Status start();
  // [any] Closes every peer (close_notify), stops the loop and joins the thread.
  void stop();
  // [any] Runs `fn` on the worker thread.
  template <typename F>
  void post(F&& fn) {
    boost::asio::post(io_, std::forward<F>(fn));
  }
  unsigned index() const { return index_; }
  uint16_t port() const { return port_; }        // [any] after start()
  uint16_t tcpPort() const { return tcpPort_; }  // [any] after start(); 0 when ICE-TCP is off

  // ---- worker thread ----
  TransportDescription createPeer(const std::string& peerId, const std::string& room);
  void setRemoteParameters(const std::string& peerId, const std::string& ufrag,
                           const std::string& fpAlgorithm, const std::string& fpValue);
  // ICE restart: fresh ufrag/pwd for the peer (DTLS and SRTP stay). Returns the new description,
  // or nullopt when the peer does not exist (any more).
  std::optional<TransportDescription> restartIce(const std::string& peerId);
  void addProducer(const std::string& peerId, const ProducerSpec& spec);
  void removeProducer(const std::string& peerId, uint64_t producerId);
  // A paused producer's packets are dropped before routing (a host muted the publisher).
  void setProducerPaused(const std::string& peerId, uint64_t producerId, bool paused);
  void addConsumer(const std::string& peerId, const ConsumerSpec& spec);
  void removeConsumer(const std::string& peerId, uint64_t consumerId);
  // Whether the subscriber's answer accepted RTX for this consumer (else resends are plain).
  void setConsumerRtx(const std::string& peerId, uint64_t consumerId, bool enabled);
  // Simulcast: how tall the subscriber displays this consumer's video (LayerSelector tile cap).
  void setConsumerTile(const std::string& peerId, uint64_t consumerId, uint32_t height);
  // Smoothed RFC 6464 level (-dBov, 127 silence) of an audio producer; nullopt if unknown.
  std::optional<uint8_t> audioLevel(const std::string& peerId, uint64_t producerId);
  // Low-bandwidth choices: what the peer's consumers carry (Router::setReceiveMode).
  void setReceiveMode(const std::string& peerId, ReceiveMode mode);
  void setReceiveScreens(const std::string& peerId, bool screens);
  // Closes (close_notify) and destroys the peer; no event is reported for it.
  void closePeer(const std::string& peerId);
  // Counters and histograms; statsDuration holds the earlier calls (not this one).
  WorkerStats stats();

 private:
  // UdpSocket::Listener
  void onUdpPacket(MutableBytes data, const SocketAddress& from) override;
  // TcpMediaServer::Listener (ICE-TCP): the same demultiplexing as UDP
  void onTcpPacket(MutableBytes data, const SocketAddress& from) override;
  void onTcpClosed(const SocketAddress& from) override;
  // Peer::Listener
  void onPeerTupleAdded(Peer& peer, const SocketAddress& tuple) override;
  void onPeerConnected(Peer& peer) override;
  void onPeerClosed(Peer& peer, const std::string& reason) override;
  void onPeerRtp(Peer& peer, Producer& producer, size_t layer, rtp::RtpView& packet,
                 bool retransmission) override;
  void onPeerRtcp(Peer& peer, Bytes compound) override;

  void handleStun(MutableBytes data, const SocketAddress& from);
  // Fresh ICE credentials (a ufrag no other peer of this worker uses) and our candidates.
  TransportDescription newTransportDescription();
  void destroyPeer(const std::string& peerId);
  void scheduleTick();
  // Every 100 ms: TCP, routers and reports at once, then the peers in slices (tickPeers).
  void onTick();
  // Ticks the peers after `after` (by id; nullopt: from the first), a slice at a time, posting
  // the rest so that received packets are handled in between.
  void tickPeers(std::optional<std::string> after);
  // Bandwidth probing: while a peer sends a probe cluster, its padding is paced every few ms.
  void armProbeTimer();
  Peer* findPeer(const std::string& id);
  Router* routerOf(const Peer& peer);

  unsigned index_;
  const MediaConfig& config_;
  std::shared_ptr<Certificate> cert_;
  Listener& listener_;
  const Clock& clock_;
  Random& random_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer probeTimer_;
  bool probeTimerArmed_ = false;
  bool peerTickRunning_ = false;  // a round of tickPeers slices is under way
  bool stopping_ = false;         // set by stop() on the worker thread: the tick stops re-arming
  std::thread thread_;
  std::unique_ptr<UdpSocket> socket_;
  uint16_t port_ = 0;
  std::unique_ptr<TcpMediaServer> tcp_;
  uint16_t tcpPort_ = 0;
  PacketCounters counters_;
  std::map<std::string, std::unique_ptr<Peer>> peers_;
  std::unordered_map<std::string, Peer*> peersByUfrag_;
  std::unordered_map<SocketAddress, Peer*, SocketAddressHash> peersByTuple_;
  std::map<std::string, std::unique_ptr<Router>> routers_;
  // The counters of the rooms that ended on this worker (stats() adds the live ones).
  RouterCounters retiredCounters_;
  TimePoint lastReport_{};
  LatencyHistogram tickDuration_;
  LatencyHistogram statsDuration_;
  // Records the time from its construction to its destruction into `h`.
  struct TimedScope {
    TimedScope(LatencyHistogram& h, const Clock& c) : hist(h), clock(c), start(c.now()) {}
    ~TimedScope() {
      hist.record(
          std::chrono::duration_cast<std::chrono::microseconds>(clock.now() - start).count());
    }
    LatencyHistogram& hist;
    const Clock& clock;
    TimePoint start;
  };
};

}  // namespace rounds
