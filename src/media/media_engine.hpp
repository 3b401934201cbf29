// MediaEngine: the control plane's handle on the media plane. It owns N workers (one thread and
// one UDP port each), places each room on one worker (a new room on the worker with the fewest
// participants, so a meeting does not land beside a briefing's audience while another core idles),
// and turns calls into posted commands.
// Results and events come back on the control io_context.
// Threading: every method is called from the control thread; callbacks and MediaEvents run on
// the control thread too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/types.hpp"
#include "media/worker.hpp"

namespace rounds {

class MediaEvents {
 public:
  virtual ~MediaEvents() = default;
  virtual void onMediaPeerConnected(const std::string& peerId) = 0;
  // reason: "disconnected" (DTLS close_notify), "timeout" (ICE consent expired), "dtls_failed"...
  virtual void onMediaPeerClosed(const std::string& peerId, const std::string& reason) = 0;
};

class MediaEngine : public Worker::Listener {
 public:
  MediaEngine(boost::asio::io_context& control, MediaConfig config, MediaEvents& events);
  ~MediaEngine() override;

  // Generates the DTLS certificate and starts the workers.
  Status start();
  // Stops every worker (their peers send close_notify). No events are delivered afterwards.
  void stop();

  const MediaConfig& config() const { return config_; }
  // The control thread's io_context (where events arrive): for the control plane's own timers.
  boost::asio::io_context& control() const { return control_; }
  std::vector<uint16_t> ports() const;
  // ICE-TCP ports, one per worker (empty when ICE-TCP is off).
  std::vector<uint16_t> tcpPorts() const;

  void createPeer(const std::string& peerId, const std::string& room,
                  std::function<void(TransportDescription)> done);
  void setRemoteParameters(const std::string& peerId, const std::string& ufrag,
                           const std::string& fpAlgorithm, const std::string& fpValue);
  // ICE restart on the peer's worker: `done` gets the new description (same fingerprint and
  // candidates, fresh ufrag/pwd), or one with an empty iceUfrag when the peer no longer exists.
  void restartIce(const std::string& peerId, std::function<void(TransportDescription)> done);
  void addProducer(const std::string& peerId, const ProducerSpec& spec);
  void removeProducer(const std::string& peerId, uint64_t producerId);
  // Stops (or resumes) forwarding a producer's packets to its consumers, keeping them subscribed.
  void setProducerPaused(const std::string& peerId, uint64_t producerId, bool paused);
  void addConsumer(const std::string& peerId, const ConsumerSpec& spec);
  void removeConsumer(const std::string& peerId, uint64_t consumerId);
  // After the subscriber's answer: whether it accepted RTX (RFC 4588) on the consumer's m-line.
  void setConsumerRtx(const std::string& peerId, uint64_t consumerId, bool enabled);
  // Simulcast: how tall (device pixels) the subscriber shows this consumer's video; 0: unknown.
  void setConsumerTile(const std::string& peerId, uint64_t consumerId, uint32_t height);
  // The smoothed RFC 6464 level of an audio producer (-dBov, 127 silence), for active speaker.
  void audioLevel(const std::string& peerId, uint64_t producerId,
                  std::function<void(std::optional<uint8_t>)> done);
  // Low-bandwidth choices (issue 5): audio only, or only the active speaker's video. The server
  // stops sending what is not wanted (consumers paused) and resumes with a key-frame request.
  void setReceiveMode(const std::string& peerId, ReceiveMode mode);
  // "No incoming screen video" (false) or screens again (true), on top of the ReceiveMode.
  void setReceiveScreens(const std::string& peerId, bool screens);
  void closePeer(const std::string& peerId);
  // Gathers every worker's counters.
  void stats(std::function<void(std::vector<WorkerStats>)> done);

 private:
  void onWorkerPeerConnected(const std::string& peerId) override;
  void onWorkerPeerClosed(const std::string& peerId, const std::string& reason) override;
  Worker* workerOfPeer(const std::string& peerId);
  // The room's worker; a new room goes to the worker with the fewest participants (then the
  // fewest rooms, then the lowest index).
  Worker& workerForRoom(const std::string& room);

  struct RoomPlacement {
    unsigned worker = 0;
    size_t peers = 0;
  };

  boost::asio::io_context& control_;
  MediaConfig config_;
  MediaEvents& events_;
  std::shared_ptr<bool> alive_;  // cleared at stop(): late posts from workers are ignored
  std::vector<std::unique_ptr<Worker>> workers_;
  std::map<std::string, RoomPlacement> rooms_;  // rooms with at least one peer
  std::map<std::string, std::pair<unsigned, std::string>> peerWorker_;  // peer -> (worker, room)
};

}  // namespace rounds
