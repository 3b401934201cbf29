// Conference: rooms and participants on the control plane. It validates signalling requests,
// drives SDP offer/answer per participant (one offer in flight, the rest queued), tells the media
// plane which tracks go where, and records attendance.
// Threading: control thread only (WsHandler and MediaEvents callbacks arrive there).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "control/http_server.hpp"
#include "control/offer_builder.hpp"
#include "control/signalling.hpp"
#include "media/media_engine.hpp"
#include "services/attendance.hpp"
#include "services/turn_credentials.hpp"

namespace rounds {

struct ConferenceConfig {
  size_t maxParticipantsPerRoom = 16;
  int maxBadMessages = 20;  // within badMessageWindow, then the socket is closed (1008)
  Millis badMessageWindow{10000};
  TurnConfig turn;  // TURN servers handed out in join replies (none: iceServers is empty)
};

class Conference : public WsHandler, public MediaEvents {
 public:
  Conference(ConferenceConfig config, MediaEngine& media, AttendanceService& attendance,
             const Clock& clock = SystemClock::instance(),
             Random& random = CryptoRandom::instance());
  ~Conference() override;

  // WsHandler
  void onWsOpen(const std::shared_ptr<WsConnection>& conn) override;
  void onWsMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) override;
  void onWsClose(const std::shared_ptr<WsConnection>& conn) override;
  // MediaEvents
  void onMediaPeerConnected(const std::string& peerId) override;
  void onMediaPeerClosed(const std::string& peerId, const std::string& reason) override;

  // Removes everyone (server shutdown): attendance closed with reason "shutdown".
  void shutdown();

  struct RoomSummary {
    std::string name;
    size_t participants = 0;
  };
  std::vector<RoomSummary> rooms() const;
  // Participants of a room as the signalling protocol describes them.
  nlohmann::json participantsJson(const std::string& room) const;

 private:
  struct Track {  // a producer: something a participant sends us
    uint64_t producerId = 0;
    MediaKind kind = MediaKind::Audio;
    std::string trackId;
    CodecChoice codec;
  };
  struct Participant {
    std::string id;
    std::string name;
    std::string room;
    std::shared_ptr<WsConnection> conn;
    bool audioMuted = false;
    bool videoMuted = false;
    bool mediaConnected = false;
    std::optional<int64_t> attendanceId;
    std::optional<TransportDescription> transport;
    std::vector<MLinePlan> plan;
    std::vector<Track> tracks;
    uint64_t sessionId = 0;
    uint64_t sdpVersion = 0;
    int64_t offerId = 0;
    bool offerInFlight = false;
    size_t offeredLines = 0;  // m-lines in the offer in flight (the plan may have grown since)
    bool offerNeeded = false;
    bool remoteSet = false;
    std::string remoteIceUfrag;      // the browser's, from its last answer
    bool iceRestartPending = false;  // a restart-ice is on its way to the worker
  };
  struct Connection {
    std::string participantId;  // empty until join
    std::vector<TimePoint> badMessages;
  };

  void handleJoin(const std::shared_ptr<WsConnection>& conn, int64_t id,
                  const signalling::JoinRequest& req);
  void handleAnswer(Participant& p, int64_t id, const signalling::AnswerRequest& req);
  void handleUpdate(Participant& p, int64_t id, const signalling::UpdateRequest& req);
  void handleRestartIce(Participant& p, int64_t id);
  void onIceRestarted(const std::string& participantId, const TransportDescription& d);
  nlohmann::json iceServersJson(const std::string& participantId) const;
  void onTransportReady(const std::string& participantId, const TransportDescription& d);
  void subscribe(Participant& subscriber, const Participant& publisher, const Track& track);
  void publishTracks(Participant& p, const std::vector<PublishedTrack>& tracks);
  void sendOfferOrQueue(Participant& p);
  void removeParticipant(const std::string& participantId, const std::string& reason,
                         bool closeSocket);
  void broadcast(const std::string& room, const std::string& exceptId, const std::string& text);
  void sendError(const std::shared_ptr<WsConnection>& conn, std::optional<int64_t> id,
                 const Error& e);
  bool noteBadMessage(const std::shared_ptr<WsConnection>& conn);
  Participant* find(const std::string& id);
  nlohmann::json describe(const Participant& p) const;

  ConferenceConfig config_;
  MediaEngine& media_;
  AttendanceService& attendance_;
  const Clock& clock_;
  Random& random_;
  TurnCredentials turn_;
  std::map<std::string, std::unique_ptr<Participant>> participants_;
  std::map<std::string, std::vector<std::string>> rooms_;  // room -> participant ids, join order
  std::map<uint64_t, Connection> connections_;             // WsConnection id -> state
  uint64_t nextObjectId_ = 1;                               // producers and consumers
};

}  // namespace rounds
