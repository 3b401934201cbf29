// Conference: rooms and participants on the control plane. It validates signalling requests,
// drives SDP offer/answer per participant (one offer in flight, the rest queued), tells the media
// plane which tracks go where, records attendance, keeps the lobby of series rooms (invitees and
// hosts enter, others wait for a host) and each room's raised-hand queue.
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
#include "control/room_access.hpp"
#include "control/signalling.hpp"
#include "media/media_engine.hpp"
#include "services/attendance.hpp"
#include "services/turn_credentials.hpp"

namespace rounds {

// WebSocket close code after `lobby-denied` (RFC 6455 §7.4.2: 4000-4999 are the application's).
constexpr uint16_t kCloseLobbyDenied = 4003;

struct ConferenceConfig {
  size_t maxParticipantsPerRoom = 16;
  size_t maxLobbyPerRoom = 64;  // people waiting for a host in one series room
  int maxBadMessages = 20;  // within badMessageWindow, then the socket is closed (1008)
  Millis badMessageWindow{10000};
  TurnConfig turn;  // TURN servers handed out in join replies (none: iceServers is empty)
  bool simulcast = true;  // ask publishers for three video layers (RFC 8853)
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

  // Series rooms: who enters directly (invitees, hosts) and who waits in the lobby. Without one
  // (the default) every room is ad hoc: anyone who knows its name joins.
  void setAccess(RoomAccess* access) { access_ = access; }

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
    std::optional<RoomIdentity> identity;  // from the directory (invite or host session)
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
  struct LobbyEntry {  // someone waiting for a host (series rooms)
    std::string id;
    std::string room;
    std::shared_ptr<WsConnection> conn;
    signalling::JoinRequest request;
    int64_t sinceMs = 0;
  };
  struct Connection {
    std::string participantId;  // empty until join
    std::string lobbyId;        // set while waiting in a lobby
    std::vector<TimePoint> badMessages;
  };

  void handleJoin(const std::shared_ptr<WsConnection>& conn, int64_t id,
                  const signalling::JoinRequest& req);
  // Puts a participant in the room; the join data goes out as the reply to `replyId`, or as a
  // `lobby-admitted` notification for someone let in from the lobby.
  void enterRoom(const std::shared_ptr<WsConnection>& conn, std::optional<int64_t> replyId,
                 const signalling::JoinRequest& req, std::optional<RoomIdentity> identity);
  void waitInLobby(const std::shared_ptr<WsConnection>& conn, int64_t id,
                   const signalling::JoinRequest& req);
  void handleLobbyDecision(Participant& host, int64_t id,
                           const signalling::LobbyDecisionRequest& req);
  void removeFromLobby(const std::string& lobbyId);
  void notifyLobby(const std::string& room);  // the waiting list, to the room's hosts
  nlohmann::json lobbyJson(const std::string& room) const;
  void handleHand(Participant& p, int64_t id, const signalling::HandRequest& req);
  nlohmann::json handsJson(const std::string& room) const;
  void broadcastHands(const std::string& room, const std::string& loweredBy);
  void handleAnswer(Participant& p, int64_t id, const signalling::AnswerRequest& req);
  void handleUpdate(Participant& p, int64_t id, const signalling::UpdateRequest& req);
  void handleTile(Participant& p, int64_t id, const signalling::TileRequest& req);
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
  std::vector<LobbyEntry> lobby_;  // everyone waiting, all rooms, in order of arrival
  std::map<std::string, std::vector<std::string>> hands_;  // room -> raised hands, first first
  RoomAccess* access_ = nullptr;
  uint64_t nextObjectId_ = 1;                               // producers and consumers
};

}  // namespace rounds
