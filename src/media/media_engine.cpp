#include "media/media_engine.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <compare>

#include "common/log.hpp"

namespace rounds {

MediaEngine::MediaEngine(boost::asio::io_context& control, MediaConfig config, MediaEvents& events)
    : control_(control), config_(std::move(config)), events_(events),
      alive_(std::make_shared<bool>(true)) {}

MediaEngine::~MediaEngine() { stop(); }

Status MediaEngine::start() {
  srtpGlobalInit();
  auto cert = Certificate::generate();
  if (!cert) return cert.error();
  unsigned n = config_.workers == 0 ? 1 : config_.workers;
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>(i, config_, cert.value(), *this);
    if (auto st = w->start(); !st) {
      stop();
      return st;
    }
    workers_.push_back(std::move(w));
  }
  return Ok{};
}

void MediaEngine::stop() {
  *alive_ = false;
  for (auto& w : workers_) w->stop();
  workers_.clear();
  peerWorker_.clear();
  rooms_.clear();
}

std::vector<uint16_t> MediaEngine::ports() const {
  std::vector<uint16_t> p;
  for (auto& w : workers_) p.push_back(w->port());
  return p;
}

std::vector<uint16_t> MediaEngine::tcpPorts() const {
  std::vector<uint16_t> p;
  for (auto& w : workers_)
    if (w->tcpPort() != 0) p.push_back(w->tcpPort());
  return p;
}

Worker& MediaEngine::workerForRoom(const std::string& room) {
  auto it = rooms_.find(room);
  if (it != rooms_.end()) return *workers_[it->second.worker];
  // A room lives on one worker. Rooms differ in size by a hundredfold (a meeting of six, a
  // briefing of five hundred), so the count of rooms says little about a worker's load; the
  // count of participants says more. Counted here, once per new room, from the placements.
  struct Load {
    size_t peers = 0;
    size_t rooms = 0;
    auto operator<=>(const Load&) const = default;
  };
  std::vector<Load> load(workers_.size());
  for (const auto& [name, placed] : rooms_) {
    load[placed.worker].peers += placed.peers;
    ++load[placed.worker].rooms;
  }
  auto best = static_cast<unsigned>(std::min_element(load.begin(), load.end()) - load.begin());
  rooms_[room] = RoomPlacement{best, 0};
  return *workers_[best];
}

Worker* MediaEngine::workerOfPeer(const std::string& peerId) {
  auto it = peerWorker_.find(peerId);
  if (it == peerWorker_.end() || it->second.first >= workers_.size()) return nullptr;
  return workers_[it->second.first].get();
}

void MediaEngine::createPeer(const std::string& peerId, const std::string& room,
                             std::function<void(TransportDescription)> done) {
  Worker& w = workerForRoom(room);
  peerWorker_[peerId] = {w.index(), room};
  ++rooms_[room].peers;
  auto alive = alive_;
  w.post([this, &w, peerId, room, done = std::move(done), alive] {
    TransportDescription d = w.createPeer(peerId, room);
    boost::asio::post(control_, [d = std::move(d), done, alive] {
      if (*alive) done(d);
    });
  });
}

void MediaEngine::setRemoteParameters(const std::string& peerId, const std::string& ufrag,
                                      const std::string& fpAlgorithm, const std::string& fpValue) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, ufrag, fpAlgorithm, fpValue] {
      w->setRemoteParameters(peerId, ufrag, fpAlgorithm, fpValue);
    });
}

void MediaEngine::restartIce(const std::string& peerId,
                             std::function<void(TransportDescription)> done) {
  Worker* w = workerOfPeer(peerId);
  auto alive = alive_;
  if (!w) {
    boost::asio::post(control_, [done = std::move(done), alive] {
      if (*alive) done(TransportDescription{});
    });
    return;
  }
  w->post([this, w, peerId, done = std::move(done), alive] {
    TransportDescription d = w->restartIce(peerId).value_or(TransportDescription{});
    boost::asio::post(control_, [d = std::move(d), done, alive] {
      if (*alive) done(d);
    });
  });
}

void MediaEngine::addProducer(const std::string& peerId, const ProducerSpec& spec) {
  if (Worker* w = workerOfPeer(peerId)) w->post([w, peerId, spec] { w->addProducer(peerId, spec); });
}

void MediaEngine::removeProducer(const std::string& peerId, uint64_t producerId) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, producerId] { w->removeProducer(peerId, producerId); });
}

void MediaEngine::setProducerPaused(const std::string& peerId, uint64_t producerId,
                                    bool paused) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, producerId, paused] { w->setProducerPaused(peerId, producerId, paused); });
}

void MediaEngine::addConsumer(const std::string& peerId, const ConsumerSpec& spec) {
  if (Worker* w = workerOfPeer(peerId)) w->post([w, peerId, spec] { w->addConsumer(peerId, spec); });
}

void MediaEngine::removeConsumer(const std::string& peerId, uint64_t consumerId) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, consumerId] { w->removeConsumer(peerId, consumerId); });
}

void MediaEngine::setConsumerRtx(const std::string& peerId, uint64_t consumerId, bool enabled) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, consumerId, enabled] { w->setConsumerRtx(peerId, consumerId, enabled); });
}

void MediaEngine::setReceiveMode(const std::string& peerId, ReceiveMode mode) {
  if (Worker* w = workerOfPeer(peerId)) w->post([w, peerId, mode] { w->setReceiveMode(peerId, mode); });
}

void MediaEngine::setReceiveScreens(const std::string& peerId, bool screens) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, screens] { w->setReceiveScreens(peerId, screens); });
}

void MediaEngine::setConsumerTile(const std::string& peerId, uint64_t consumerId,
                                  uint32_t height) {
  if (Worker* w = workerOfPeer(peerId))
    w->post([w, peerId, consumerId, height] { w->setConsumerTile(peerId, consumerId, height); });
}

void MediaEngine::audioLevel(const std::string& peerId, uint64_t producerId,
                             std::function<void(std::optional<uint8_t>)> done) {
  Worker* w = workerOfPeer(peerId);
  if (!w) {
    done(std::nullopt);
    return;
  }
  auto alive = alive_;
  w->post([this, w, peerId, producerId, done, alive] {
    auto level = w->audioLevel(peerId, producerId);
    boost::asio::post(control_, [level, done, alive] {
      if (*alive) done(level);
    });
  });
}

void MediaEngine::closePeer(const std::string& peerId) {
  auto it = peerWorker_.find(peerId);
  if (it == peerWorker_.end()) return;
  Worker* w = workerOfPeer(peerId);
  std::string room = it->second.second;
  peerWorker_.erase(it);
  if (w) w->post([w, peerId] { w->closePeer(peerId); });
  // Release the room's placement once its last peer is gone.
  auto rw = rooms_.find(room);
  if (rw != rooms_.end() && --rw->second.peers == 0) rooms_.erase(rw);
}

void MediaEngine::stats(std::function<void(std::vector<WorkerStats>)> done) {
  auto results = std::make_shared<std::vector<WorkerStats>>();
  auto remaining = std::make_shared<size_t>(workers_.size());
  if (workers_.empty()) {
    done({});
    return;
  }
  auto alive = alive_;
  for (auto& wp : workers_) {
    Worker* w = wp.get();
    w->post([this, w, results, remaining, done, alive] {
      WorkerStats s = w->stats();
      boost::asio::post(control_, [s, results, remaining, done, alive] {
        if (!*alive) return;
        results->push_back(s);
        if (--*remaining == 0) done(*results);
      });
    });
  }
}

void MediaEngine::onWorkerPeerConnected(const std::string& peerId) {
  auto alive = alive_;
  boost::asio::post(control_, [this, peerId, alive] {
    if (*alive) events_.onMediaPeerConnected(peerId);
  });
}

void MediaEngine::onWorkerPeerClosed(const std::string& peerId, const std::string& reason) {
  auto alive = alive_;
  boost::asio::post(control_, [this, peerId, reason, alive] {
    if (*alive) events_.onMediaPeerClosed(peerId, reason);
  });
}

}  // namespace rounds
