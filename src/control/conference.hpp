// Conference: rooms and participants on the control plane. It validates signalling requests,
// drives SDP offer/answer per participant (one offer in flight, the rest queued), tells the media
// plane which tracks go where, records attendance, keeps the lobby of series rooms (invitees and
// hosts enter, others wait for a host) and each room's raised-hand queue.
// Threading: control thread only (WsHandler and MediaEvents callbacks arrive there).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "control/http_server.hpp"
#include "control/offer_builder.hpp"
#include "control/room_access.hpp"
#include "control/room_events.hpp"
#include "control/signalling.hpp"
#include "media/media_engine.hpp"
#include "services/attendance.hpp"
#include "services/turn_credentials.hpp"

namespace rounds {

// WebSocket close code after `lobby-denied` (RFC 6455 §7.4.2: 4000-4999 are the application's).
constexpr uint16_t kCloseLobbyDenied = 4003;
// WebSocket close code after `removed`: a host removed the participant from the room.
constexpr uint16_t kCloseRemoved = 4004;
// WebSocket close code for a participant's old socket when a new one resumed the session.
constexpr uint16_t kCloseResumedElsewhere = 4005;

struct ConferenceConfig {
  size_t maxParticipantsPerRoom = 16;
  size_t maxLobbyPerRoom = 64;  // people waiting for a host in one series room
  int maxBadMessages = 20;  // within badMessageWindow, then the socket is closed (1008)
  Millis badMessageWindow{10000};
  int maxPasscodeFailures = 5;  // wrong passcodes per address and room within the window
  Millis passcodeFailureWindow{300000};
  TurnConfig turn;  // TURN servers handed out in join replies (none: iceServers is empty)
  bool simulcast = true;  // ask publishers for three video layers (RFC 8853)
  // How long a participant whose socket closed without `leave` stays in the room, unseen by the
  // others, waiting for a `resume` (session_resume.cpp). 0: removed at once, no resume tokens.
  // Consent expiry (RFC 7675, the media worker) still removes it earlier when its media died.
  Millis resumeGrace{20000};
  // Who joined and left, told to a room's members (roster.cpp): a change in a quiet room goes out
  // at once; changes within this window of the last ones are told together, one `roster`
  // message per member, so a briefing's join storm costs O(N) messages a window, not O(N²).
  // 0: every change at once.
  Millis rosterBatchWindow{250};
};

// Control-plane session counters for /api/stats (docs/api.md).
struct SessionStats {
  uint64_t iceRestarts = 0;    // ICE restarts carried out (new ufrag/pwd sent in an offer)
  uint64_t resumed = 0;        // sessions a new socket took over with a resume token
  uint64_t resumeRefused = 0;  // `resume` requests answered resume_failed
  uint64_t graceExpired = 0;   // participants removed because no resume came in time
  uint64_t detached = 0;       // participants now waiting for a resume (a gauge)
};

class Conference : public WsHandler, public MediaEvents, public RoomEvents {
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
  // RoomEvents (the REST API): the running agenda item goes to everyone in the room; changed
  // series roles apply to the people present at once (room_agenda.cpp).
  void onAgendaChanged(const std::string& room, int64_t meetingId, const AgendaView& view) override;
  void onRolesChanged(const std::string& room) override;

  // Series rooms: who enters directly (invitees, hosts) and who waits in the lobby. Without one
  // (the default) every room is ad hoc: anyone who knows its name joins.
  void setAccess(RoomAccess* access) { access_ = access; }

  // Removes everyone (server shutdown): attendance closed with reason "shutdown".
  void shutdown();
  // Removes the participants whose grace period for a resume has run out (participant-left,
  // reason "disconnected"). main.cpp calls it once a second; tests call it after moving a clock.
  void expireDetached();
  SessionStats sessionStats() const;

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
    bool screen = false;  // a shared screen (second video track), not the camera
  };
  struct Participant {
    std::string id;
    std::string name;
    std::string room;
    std::optional<RoomIdentity> identity;  // from the directory (invite or host session)
    std::string directoryRole;  // the directory's role when last read (the room may change it)
    std::shared_ptr<WsConnection> conn;
    bool audioMuted = false;
    bool videoMuted = false;
    bool hostMuted = false;    // a host muted the microphone: its producer is paused
    bool audioLocked = false;  // ... and does not let the participant unmute
    std::vector<PublishedTrack> withheld;  // an observer's answered tracks, published on promotion
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
    std::optional<ReceiveMode> receiveChoice;  // own low-bandwidth choice; nullopt: the room's
    std::string resumeToken;       // the one live token for `resume` ("" without resumption)
    std::optional<TimePoint> detachedUntil;  // set while its socket is gone: end of the grace
    std::optional<bool> screensChoice;  // own "no incoming screen video" (false); nullopt: room's
    bool sharing = false;  // asked to share a screen (`share`) and has not stopped
    uint64_t rosterSeen = 0;  // the room's last roster change this participant knows of
  };
  struct LobbyEntry {  // someone waiting for a host (series rooms)
    std::string id;
    std::string room;
    std::shared_ptr<WsConnection> conn;
    signalling::JoinRequest request;
    int64_t sinceMs = 0;
    std::optional<RoomIdentity> identity;  // an invitee a host removed earlier: back in as them
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
  // A passcode-protected series room: true when the joiner gave the right passcode; otherwise
  // the error reply has gone out (required, wrong, or too many wrong ones from this address).
  bool passcodeAccepted(const std::shared_ptr<WsConnection>& conn, int64_t id,
                        const signalling::JoinRequest& req);
  void waitInLobby(const std::shared_ptr<WsConnection>& conn, int64_t id,
                   const signalling::JoinRequest& req,
                   std::optional<RoomIdentity> removedInvitee = std::nullopt);
  void handleLobbyDecision(Participant& host, int64_t id,
                           const signalling::LobbyDecisionRequest& req);
  void removeFromLobby(const std::string& lobbyId);
  void notifyLobby(const std::string& room);  // the waiting list, to the room's hosts
  nlohmann::json lobbyJson(const std::string& room) const;
  void handleHand(Participant& p, int64_t id, const signalling::HandRequest& req);
  nlohmann::json handsJson(const std::string& room) const;
  void broadcastHands(const std::string& room, const std::string& loweredBy);
  // Host controls (host_controls.cpp): mute, allow-unmute, remove, set-role.
  void handleHostControl(Participant& host, int64_t id, const signalling::HostControlRequest& req);
  void hostMute(Participant& host, Participant& target, bool locked);
  void hostRemove(Participant& host, Participant& target);
  void hostSetRole(Participant& host, Participant& target, const std::string& role);
  // Gives `target` a new identity (role, host rights) and carries out what changed: an observer
  // starts or stops publishing, a new host sees the lobby; everyone sees the label.
  void applyIdentity(Participant& target, RoomIdentity identity);
  // The room's running agenda item for signalling (`agenda` notification, join reply).
  nlohmann::json agendaJson(const std::string& room) const;
  void broadcastAgenda(const std::string& room);
  // Stops routing everything `publisher` sends: producers gone, subscribers' m-lines inactive.
  void unpublishAll(Participant& publisher);
  // Every other participant's consumer and m-line of these producers of `publisher` go (lines
  // inactive, one renegotiation per subscriber that had any).
  void unsubscribeOthers(const Participant& publisher, const std::vector<uint64_t>& producerIds);
  static bool isHost(const Participant& p) { return p.identity && p.identity->host; }
  static bool mayPublish(const Participant& p) {
    return !p.identity || p.identity->role != "observer";
  }
  // Low-bandwidth choices (receive_choice.cpp, docs/signalling.md "receive").
  void handleReceive(Participant& p, int64_t id, const signalling::ReceiveRequest& req);
  ReceiveMode receiveMode(const Participant& p) const;  // own choice, else the room's default
  nlohmann::json receiveJson(const Participant& p) const;
  bool receivesScreens(const Participant& p) const;  // own choice, else the room's default
  struct ReceiveState;
  ReceiveState receiveState(const Participant& p) const;
  void applyReceive(const Participant& p, const ReceiveState& before);
  // Screen sharing (screen_share.cpp, docs/signalling.md "Screen sharing").
  void handleShare(Participant& p, int64_t id, const signalling::ShareRequest& req);
  // Ends p's share: its screen line goes inactive, the producer and every subscriber's consumer
  // of it go. Returns whether anything was shared. `announce`: the room gets participant-updated
  // (screen false) before the offers that make the lines inactive.
  bool stopSharing(Participant& p, bool announce);
  void openScreenLine(Participant& p);
  static MLinePlan* screenLine(Participant& p);
  static bool hasScreen(const Participant& p);
  void handleAnswer(Participant& p, int64_t id, const signalling::AnswerRequest& req);
  void handleUpdate(Participant& p, int64_t id, const signalling::UpdateRequest& req);
  void handleTile(Participant& p, int64_t id, const signalling::TileRequest& req);
  void handleRestartIce(Participant& p, int64_t id);
  // Session resumption (session_resume.cpp, docs/signalling.md "Resuming a session").
  std::string issueResumeToken(Participant& p);  // replaces the old one; "" when grace is 0
  // The data of a join (or resume) reply: the session, the room's state, a new resume token.
  // Its `participants` is a placeholder that withParticipants() replaces in the message text.
  nlohmann::json sessionJson(Participant& p);
  // `text` (a message with sessionJson's data) with the room's others (`exceptId` left out) as
  // its participants.
  std::string withParticipants(std::string text, const std::string& room,
                               const std::string& exceptId) const;
  void resendOfferLater(Participant& p);  // an offer in flight is sent again once a socket is back
  void detach(Participant& p);                   // the socket is gone: wait for a resume
  void handleResume(const std::shared_ptr<WsConnection>& conn, int64_t id,
                    const signalling::ResumeRequest& req);
  void onIceRestarted(const std::string& participantId, const TransportDescription& d);
  nlohmann::json iceServersJson(const std::string& participantId) const;
  void onTransportReady(const std::string& participantId, const TransportDescription& d);
  void subscribe(Participant& subscriber, const Participant& publisher, const Track& track);
  void publishTracks(Participant& p, const std::vector<PublishedTrack>& tracks);
  void sendOfferOrQueue(Participant& p);
  void removeParticipant(const std::string& participantId, const std::string& reason,
                         bool closeSocket);
  // Sends `text` to everyone in the room but `exceptId`, after the room's pending roster changes.
  void broadcast(const std::string& room, const std::string& exceptId, const std::string& text);
  // Roster changes (roster.cpp): `participant` joined (its description) or left (`reason`).
  // Call after the room's member list changed; a joiner's rosterSeen is set here.
  void rosterJoined(Participant& p);
  void rosterLeft(const Participant& p, const std::string& reason);
  // Sends the room's pending roster changes now, each member only what it does not know yet.
  void flushRoster(const std::string& room);
  void onRosterTimer();
  struct RoomRoster;
  void sendRosterOrWait(const std::string& room, const RoomRoster& r);
  void sendError(const std::shared_ptr<WsConnection>& conn, std::optional<int64_t> id,
                 const Error& e);
  bool noteBadMessage(const std::shared_ptr<WsConnection>& conn);
  Participant* find(const std::string& id);
  nlohmann::json describe(const Participant& p) const;
  // p as JSON text appended to `out` (describe() parses it): the join reply lists everyone present
  // from this text without building N objects, O(N²) for a briefing's arrivals.
  void describeInto(std::string& out, const Participant& p) const;
  // The room's participants but `exceptId`, as a JSON array text.
  std::string participantsText(const std::string& room, const std::string& exceptId = "") const;

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
  std::map<std::string, ReceiveMode> roomReceive_;  // room -> default set by a host (absent: All)
  std::set<std::string> roomHidesScreens_;  // rooms whose default is "no incoming screen video"
  RoomAccess* access_ = nullptr;
  // room -> directory people a host removed; their invitation leads to the lobby while the
  // server runs (a host's admit lifts it).
  std::map<std::string, std::set<int64_t>> removedPeople_;
  // room -> directory people a host muted with a lock: a reconnect (a new join) keeps them muted
  // and locked until a host allows unmuting.
  std::map<std::string, std::set<int64_t>> lockedPeople_;
  struct RoomAgenda {
    int64_t meetingId = 0;
    std::optional<AgendaItemRecord> current;
    std::string presenterId;  // designated by a host; "" = whoever has the item's presenter name
  };
  std::map<std::string, RoomAgenda> agendas_;
  // "<address> <room>" -> times of wrong passcodes within the window
  std::map<std::string, std::vector<TimePoint>> passcodeFailures_;
  uint64_t nextObjectId_ = 1;                               // producers and consumers
  std::map<std::string, std::string> resumeTokens_;  // live resume token -> participant id
  struct RosterChange {
    uint64_t seq = 0;  // the room's count of changes, this one included
    std::string id;
    bool joined = true;
    nlohmann::json participant;  // joined: the description
    std::string reason;          // left: why
  };
  struct RoomRoster {
    uint64_t seq = 0;  // changes so far
    std::vector<RosterChange> pending;
    std::optional<TimePoint> lastSent;
  };
  std::map<std::string, RoomRoster> rosters_;  // room -> roster changes (absent: none yet)
  boost::asio::steady_timer rosterTimer_;
  bool rosterTimerArmed_ = false;
  std::shared_ptr<int> rosterAlive_ = std::make_shared<int>(0);  // see sendRosterOrWait
  SessionStats sessionStats_;
};

}  // namespace rounds
