#include "media/worker.hpp"

#include "common/log.hpp"
#include "proto/stun.hpp"

namespace rounds {

namespace {
constexpr Millis kTickInterval{100};
constexpr Millis kReportInterval{1000};
constexpr Millis kProbePace{5};  // ProbeController::Config::paceUs
// Peers ticked in one go before the loop reads its socket again (about 1-2 us each on the
// benchmark machine: 600 peers at once held packets back 1.2-1.5 ms every tick).
constexpr size_t kPeersPerTickSlice = 64;
RateLimit gDropLog(5);
}  // namespace

Worker::Worker(unsigned index, const MediaConfig& config, std::shared_ptr<Certificate> cert,
               Listener& listener, const Clock& clock, Random& random)
    : index_(index),
      config_(config),
      cert_(std::move(cert)),
      listener_(listener),
      clock_(clock),
      random_(random),
      timer_(io_),
      probeTimer_(io_) {}

Worker::~Worker() { stop(); }

Status Worker::start() {
  uint16_t port = config_.basePort == 0 ? 0 : static_cast<uint16_t>(config_.basePort + index_);
  auto local = SocketAddress::parse(config_.listenAddress, port);
  if (!local)
    return makeError("config", "media address is not an IP literal: " + config_.listenAddress);
  auto sock = UdpSocket::bind(io_, *local, *this, clock_);
  if (!sock) return sock.error();
  socket_ = std::move(sock.value());
  if (!socket_->timeArrivals())
    spdlog::warn("worker {}: no kernel receive timestamps; forwarding latency starts at recvmmsg",
                 index_);
  if (!socket_->countDrops())
    spdlog::warn("worker {}: the kernel will not count receive-queue drops", index_);
  port_ = socket_->localPort();
  if (config_.tcpBasePort != 0) {
    // ICE-TCP beside UDP (RFC 6544): by default the same port number, over TCP.
    int tcpPort = config_.tcpBasePort > 0 ? config_.tcpBasePort + static_cast<int>(index_)
                                          : (config_.basePort == 0 ? 0 : port_);
    auto tcpLocal = SocketAddress::parse(config_.listenAddress, static_cast<uint16_t>(tcpPort));
    auto tcp = TcpMediaServer::listen(io_, *tcpLocal, *this, clock_);
    if (!tcp) return tcp.error();
    tcp_ = std::move(tcp.value());
    tcpPort_ = tcp_->localPort();
    tcp_->start();
  }
  work_ =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor());
  socket_->start();
  scheduleTick();
  thread_ = std::thread([this] { io_.run(); });
  return Ok{};
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  post([this] {
    // A tick already due when the timer is cancelled below still runs (cancel cannot stop a
    // completed wait): it must not arm the timer again, or the loop never ends.
    stopping_ = true;
    // Teardown order (docs/lifecycle.md): peers say goodbye (close_notify), the socket flushes
    // and closes, then the loop ends.
    for (auto& [id, peer] : peers_) {
      if (auto* r = routerOf(*peer)) r->removePeer(*peer);
      peer->close();
    }
    peers_.clear();
    peersByUfrag_.clear();
    peersByTuple_.clear();
    routers_.clear();
    timer_.cancel();
    probeTimer_.cancel();
    if (tcp_) tcp_->close();
    if (socket_) socket_->close();
    work_.reset();
  });
  thread_.join();
}

void Worker::scheduleTick() {
  timer_.expires_after(kTickInterval);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    onTick();
    scheduleTick();
  });
}

void Worker::onTick() {
  {
    TimePoint now = clock_.now();
    TimedScope timed(tickDuration_, clock_);
    if (tcp_) tcp_->onTick(now);
    for (auto& [room, router] : routers_) router->onTick(now);
    if (now - lastReport_ >= kReportInterval) {
      lastReport_ = now;
      for (auto& [room, router] : routers_) router->onReportTimer(now);
    }
    socket_->flush();
  }
  // A round still going (a loop so busy that 100 ms were not enough) is not started again.
  if (!peerTickRunning_) {
    peerTickRunning_ = true;
    tickPeers(std::nullopt);
  }
}

void Worker::tickPeers(std::optional<std::string> after) {
  if (stopping_) {
    peerTickRunning_ = false;
    return;
  }
  {
    TimePoint now = clock_.now();
    TimedScope timed(tickDuration_, clock_);
    auto it = after ? peers_.upper_bound(*after) : peers_.begin();
    for (size_t n = 0; it != peers_.end() && n < kPeersPerTickSlice; ++n, ++it) {
      Peer& peer = *it->second;
      peer.onTick(now, Millis(config_.consentTimeoutMs));
      if (Router* r = routerOf(peer)) r->answerRrtrs(peer, now);
    }
    socket_->flush();
    if (it != peers_.end()) {
      // Packets that arrived meanwhile are read before the next slice (a posted handler runs
      // after the reactor's turn): the loop is never held for every peer at once. Resumed by id,
      // so a peer destroyed in between is simply skipped.
      post([this, next = std::prev(it)->first] { tickPeers(next); });
      return;
    }
  }
  peerTickRunning_ = false;
  armProbeTimer();
}

void Worker::armProbeTimer() {
  if (probeTimerArmed_ || stopping_) return;
  bool any = false;
  for (auto& [id, peer] : peers_) any = any || peer->probeSending();
  if (!any) return;
  probeTimerArmed_ = true;
  probeTimer_.expires_after(kProbePace);
  probeTimer_.async_wait([this](const boost::system::error_code& ec) {
    probeTimerArmed_ = false;
    if (ec || stopping_) return;
    for (auto& [id, peer] : peers_) peer->pumpProbe();
    socket_->flush();
    armProbeTimer();
  });
}

TransportDescription Worker::newTransportDescription() {
  TransportDescription d;
  // RFC 8445 §5.3: ufrag >= 4 and pwd >= 22 characters of ice-char; ours are unguessable.
  d.iceUfrag = random_.iceString(8);
  while (peersByUfrag_.count(d.iceUfrag)) d.iceUfrag = random_.iceString(8);
  d.icePwd = random_.iceString(24);
  d.fingerprintSha256 = cert_->fingerprintSha256();
  std::string announced =
      config_.announcedAddress.empty() ? config_.listenAddress : config_.announcedAddress;
  d.candidates.push_back({announced, port_, "udp"});
  if (tcp_) d.candidates.push_back({announced, tcpPort_, "tcp"});
  return d;
}

std::optional<TransportDescription> Worker::restartIce(const std::string& peerId) {
  Peer* p = findPeer(peerId);
  if (!p || p->closed()) return std::nullopt;
  TransportDescription d = newTransportDescription();
  // RFC 8445 §9: checks must now use the new ufrag; the old one no longer finds this peer.
  peersByUfrag_.erase(p->ice().localUfrag());
  for (const auto& tuple : p->restartIce(d.iceUfrag, d.icePwd)) {
    auto it = peersByTuple_.find(tuple);
    if (it != peersByTuple_.end() && it->second == p) peersByTuple_.erase(it);
  }
  peersByUfrag_[d.iceUfrag] = p;
  return d;
}

TransportDescription Worker::createPeer(const std::string& peerId, const std::string& room) {
  TransportDescription d = newTransportDescription();
  closePeer(peerId);  // a re-join with the same id replaces the old transport
  auto peer = std::make_unique<Peer>(peerId, room, d.iceUfrag, d.icePwd, cert_, *socket_, *this,
                                     counters_, clock_);
  peer->setRtcpSsrc(random_.u32());
  peer->setTcp(tcp_.get());
  peersByUfrag_[d.iceUfrag] = peer.get();
  peers_[peerId] = std::move(peer);
  auto& router = routers_[room];
  if (!router) router = std::make_unique<Router>(room, config_, clock_, counters_);
  return d;
}

Peer* Worker::findPeer(const std::string& id) {
  auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : it->second.get();
}

Router* Worker::routerOf(const Peer& peer) {
  auto it = routers_.find(peer.room());
  return it == routers_.end() ? nullptr : it->second.get();
}

void Worker::setRemoteParameters(const std::string& peerId, const std::string& ufrag,
                                 const std::string& fpAlgorithm, const std::string& fpValue) {
  if (Peer* p = findPeer(peerId)) p->setRemoteParameters(ufrag, fpAlgorithm, fpValue);
}

void Worker::addProducer(const std::string& peerId, const ProducerSpec& spec) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  Producer* producer = p->addProducer(spec);
  if (auto* r = routerOf(*p)) r->addProducer(*producer);
}

void Worker::removeProducer(const std::string& peerId, uint64_t producerId) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  if (auto* r = routerOf(*p)) r->removeProducer(producerId);
  p->removeProducer(producerId);
}

void Worker::setProducerPaused(const std::string& peerId, uint64_t producerId, bool paused) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  if (Producer* producer = p->producerById(producerId)) producer->paused = paused;
}

void Worker::addConsumer(const std::string& peerId, const ConsumerSpec& spec) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  // RFC 3550 §5.1: random initial sequence number and timestamp.
  Consumer* c = p->addConsumer(spec, static_cast<uint16_t>(random_.u32()), random_.u32());
  if (auto* r = routerOf(*p)) r->addConsumer(*c);
}

void Worker::removeConsumer(const std::string& peerId, uint64_t consumerId) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  if (auto* r = routerOf(*p)) r->removeConsumer(consumerId);
  p->removeConsumer(consumerId);
}

void Worker::setConsumerRtx(const std::string& peerId, uint64_t consumerId, bool enabled) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  Consumer* c = p->consumerById(consumerId);
  if (c) c->rtxEnabled = enabled && c->spec.rtxSsrc != 0 && c->spec.rtxPayloadType != 0;
}

void Worker::setReceiveMode(const std::string& peerId, ReceiveMode mode) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  if (auto* r = routerOf(*p)) r->setReceiveMode(*p, mode);
}

void Worker::setReceiveScreens(const std::string& peerId, bool screens) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  if (auto* r = routerOf(*p)) r->setReceiveScreens(*p, screens);
}

void Worker::setConsumerTile(const std::string& peerId, uint64_t consumerId, uint32_t height) {
  Peer* p = findPeer(peerId);
  Router* r = p ? routerOf(*p) : nullptr;
  if (r) r->setConsumerTile(*p, consumerId, height);
}

std::optional<uint8_t> Worker::audioLevel(const std::string& peerId, uint64_t producerId) {
  Peer* p = findPeer(peerId);
  Router* r = p ? routerOf(*p) : nullptr;
  return r ? r->audioLevel(producerId, clock_.now()) : std::nullopt;
}

void Worker::closePeer(const std::string& peerId) {
  Peer* p = findPeer(peerId);
  if (!p) return;
  p->close();
  destroyPeer(peerId);
}

void Worker::destroyPeer(const std::string& peerId) {
  auto it = peers_.find(peerId);
  if (it == peers_.end()) return;
  Peer* p = it->second.get();
  if (auto* r = routerOf(*p)) {
    r->removePeer(*p);
    if (r->empty()) {
      bool others = false;
      for (auto& [id, q] : peers_)
        if (q.get() != p && q->room() == p->room()) others = true;
      if (!others) {
        retiredCounters_ += r->totals();
        routers_.erase(p->room());
      }
    }
  }
  peersByUfrag_.erase(p->ice().localUfrag());
  std::erase_if(peersByTuple_, [&](const auto& kv) { return kv.second == p; });
  peers_.erase(it);
}

WorkerStats Worker::stats() {
  TimedScope timed(statsDuration_, clock_);
  WorkerStats s;
  s.tickDuration = tickDuration_;
  s.statsDuration = statsDuration_;
  s.index = index_;
  s.port = port_;
  s.tcpPort = tcpPort_;
  if (tcp_) s.tcpConnections = tcp_->connections();
  s.peers = peers_.size();
  for (auto& [id, p] : peers_)
    if (p->connected()) ++s.connectedPeers;
  if (socket_) {
    s.packetsReceived = socket_->counters().received;
    s.packetsSent = socket_->counters().sent;
    s.forwardLatency = socket_->forwardLatency();
    s.receiveWait = socket_->receiveWait();
    s.receiveQueueDrops = socket_->counters().queueDrops;
  }
  // Rooms that ended count too (retiredCounters_): the counters only go up.
  RouterCounters& totals = s;
  totals = retiredCounters_;
  for (auto& [room, r] : routers_) {
    totals += r->totals();
    s.pausedConsumers += r->pausedConsumers();
    r->collectLayerStats(s.consumerLayers);
  }
  auto us = [](std::optional<Micros> v) -> std::optional<int64_t> {
    if (!v) return std::nullopt;
    return v->count();
  };
  for (auto& [id, p] : peers_)
    s.peerLinks.push_back({id, p->downlinkEstimateBps(), p->transportFeedbacksReceived(),
                           p->transportFeedbacksSent(), p->probe().clustersSent(),
                           p->probe().successes(), p->probePacketsSent(),
                           us(p->rttEstimator().smoothed()), us(p->rttEstimator().latest())});
  s.droppedMalformed = counters_.droppedMalformed;
  s.droppedUnknownTuple = counters_.droppedUnknownTuple;
  s.droppedUnknownSsrc = counters_.droppedUnknownSsrc;
  s.droppedAuth = counters_.droppedAuth;
  return s;
}

// ---- the per-packet path ----

void Worker::onUdpPacket(MutableBytes data, const SocketAddress& from) {
  ++counters_.received;
  if (data.empty()) {
    ++counters_.droppedMalformed;
    return;
  }
  uint8_t b0 = data[0];
  if (b0 < 4) {  // RFC 7983 §7: STUN
    handleStun(data, from);
    return;
  }
  auto it = peersByTuple_.find(from);
  if (it == peersByTuple_.end()) {
    ++counters_.droppedUnknownTuple;
    ROUNDS_LOG_RATE_LIMITED(gDropLog, debug, "worker {}: packet from unknown tuple {}", index_,
                            from.toString());
    return;
  }
  Peer* peer = it->second;
  if (b0 >= 20 && b0 <= 63) {
    peer->receiveDtls(data, from);
  } else if (b0 >= 128 && b0 <= 191) {
    peer->receiveSrtp(data, from);
  } else {
    ++counters_.droppedMalformed;
  }
}

void Worker::onTcpPacket(MutableBytes data, const SocketAddress& from) {
  onUdpPacket(data, from);
  // What this frame produced for UDP tuples (e.g. forwarded media) goes out now, not at the tick.
  socket_->flush();
}

void Worker::onTcpClosed(const SocketAddress& from) {
  // The tuple is dead; a peer that used it recovers by ICE restart or is closed by consent expiry.
  peersByTuple_.erase(from);
}

void Worker::handleStun(MutableBytes data, const SocketAddress& from) {
  if (!stun::isStun(data)) {
    ++counters_.droppedMalformed;
    return;
  }
  auto msg = stun::parse(data);
  if (!msg) {
    ++counters_.droppedMalformed;
    return;
  }
  if (msg->type != stun::kBindingRequest) return;  // indications/responses: nothing to do (lite)
  // The ufrag before ':' names our peer (RFC 8445 §7.2.2): one port serves everyone.
  auto it = peersByUfrag_.find(std::string(stun::localUfragOf(msg->username)));
  if (it == peersByUfrag_.end()) {
    ++counters_.droppedUnknownTuple;
    return;
  }
  it->second->receiveStun(data, *msg, from);
}

void Worker::onPeerTupleAdded(Peer& peer, const SocketAddress& tuple) {
  peersByTuple_[tuple] = &peer;
}

void Worker::onPeerConnected(Peer& peer) {
  // Subscribers whose consumers were added before DTLS finished need a fresh key frame now.
  if (auto* r = routerOf(peer)) {
    for (auto& [id, c] : peer.consumers())
      if (c->spec.kind == MediaKind::Video) {
        for (auto& [pid, other] : peers_)
          if (Producer* prod = other->producerById(c->spec.producerId))
            r->requestKeyFrame(*prod, clock_.now());
      }
  }
  listener_.onWorkerPeerConnected(peer.id());
}

void Worker::onPeerClosed(Peer& peer, const std::string& reason) {
  std::string id = peer.id();
  listener_.onWorkerPeerClosed(id, reason);
  // Destroy later: we may be deep inside this peer's own DTLS or SRTP processing.
  post([this, id] { destroyPeer(id); });
}

void Worker::onPeerRtp(Peer& peer, Producer& producer, size_t layer, rtp::RtpView& packet,
                       bool retransmission) {
  if (auto* r = routerOf(peer)) r->onRtp(producer, packet, retransmission, layer);
}

void Worker::onPeerRtcp(Peer& peer, Bytes compound) {
  if (auto* r = routerOf(peer)) r->onRtcp(peer, compound, socket_->receivedAt());
}

}  // namespace rounds
