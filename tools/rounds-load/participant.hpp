// One simulated participant of a load run: joins through the real signalling over a WebSocket
// (docs/signalling.md), answers every offer, runs ICE as the controlling agent (RFC 8445) with
// consent checks (RFC 7675), DTLS as client (RFC 5764), then sends synthetic Opus/VP8 over SRTP and
// accounts for every packet it receives. Many participants share one io_context; the run loop
// drives them through tick().
// Threading: everything runs on the io_context's one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "answer.hpp"
#include "common/address.hpp"
#include "load_media.hpp"
#include "loss_repair.hpp"
#include "media/rtt_estimator.hpp"
#include "media/transport_cc.hpp"
#include "net/udp_socket.hpp"
#include "rtcp_reports.hpp"
#include "shared_udp.hpp"
#include "stream_stats.hpp"
#include "transport/dtls.hpp"
#include "transport/srtp.hpp"

namespace rounds::load {

struct MediaOptions {
  bool audio = true;
  bool video = true;
  uint32_t audioPayloadBytes = 100;  // 50 packets/s (20 ms Opus frames)
  uint32_t videoFps = 30;
  uint32_t videoKbps = 600;
  uint32_t keyFrameIntervalS = 5;
  uint16_t width = 640;
  uint16_t height = 360;
  // Video packets leave paced at this many times videoKbps, as a browser's pacer sends them
  // (WebRTC's default factor is 2.5); 0: each frame's packets leave in one burst.
  double videoPacing = 2.5;
  // Where the server offers transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01),
  // publishers stamp every packet with a transport sequence number and receivers send transport
  // feedback every 100 ms, as browsers do; false: neither (the behaviour before
  // 2026-12-06).
  bool transportCc = true;
  // Loss recovery as browsers do it (docs/load.md): receivers NACK missing video packets and
  // accept RTX; publishers keep a second of sent video and answer NACKs (as RTX when the answer
  // negotiated it). false: no rtx in the answers, no NACKs sent or answered.
  bool nack = true;
  // RTCP reports as browsers send them (rtcp_reports.hpp): SRs from publishers, report blocks
  // from receivers, about once a second. false: none (the behaviour before 2026-12-07).
  bool rtcpReports = true;
  // A missing packet is NACKed again after this long; 0: after the receiver's round trip to the
  // server (NackGenerator::retryIntervalFor; 100 ms while it is unknown), as browsers do.
  uint32_t nackRetryMs = 0;
};

enum class ServerKind { Rounds, Janus };

struct ParticipantConfig {
  uint32_t index = 0;
  std::string room;
  std::string name;
  std::string wsHost;  // IP literal (loopback)
  uint16_t wsPort = 0;
  bool publish = false;
  bool receive = true;
  MediaOptions media;
  ServerKind server = ServerKind::Rounds;
  // UDP bind address; empty: the loopback address of the server's family. When set (a namespace
  // run), the server's candidate may be the signalling host instead of a loopback address.
  std::string localAddress;
  // Janus VideoRoom (docs/load.md): each Janus PeerConnection is one Participant ("leg"). A
  // publisher leg joins with feed id index + 1; a subscriber leg subscribes to janusFeeds.
  uint64_t janusRoom = 0;
  std::vector<uint32_t> janusFeeds;
  // When set, the UDP socket is woken through this shared epoll set (net/udp_socket_group.hpp)
  // instead of an Asio wait of its own; it must outlive the participant.
  UdpSocketGroup* udpGroup = nullptr;
  // When set (--address-pool), the leg uses this run-wide socket instead of one of its own,
  // reached at and sending from the pool's address number `leg`; it must outlive the
  // participant.
  SharedUdp* sharedUdp = nullptr;
  size_t leg = 0;
  // The DTLS client's first retransmission timeout; 0: browserDtlsTimeout of the ICE round trip.
  std::chrono::milliseconds dtlsInitialTimeout{0};
};

// What a browser's DTLS client waits before its first retransmission: Chrome's WebRTC derives it
// from the ICE round-trip time instead of RFC 6347's fixed 1 s (twice the round trip here, kept
// between 50 ms and 3 s), so a lost flight costs a browser tens of milliseconds, not a second.
std::chrono::milliseconds browserDtlsTimeout(std::chrono::steady_clock::duration iceRoundTrip);

// Shared by the participants of one run: who is who, so a probe's publisher index can be named.
struct RunDirectory {
  std::vector<std::string> participantIds;  // by participant index; empty until joined
  std::optional<uint32_t> indexOf(const std::string& id) const;
};

class Participant : public UdpSocket::Listener, public DtlsTransport::Listener {
 public:
  Participant(boost::asio::io_context& io, ParticipantConfig config, RunDirectory& directory,
              std::shared_ptr<Certificate> cert);
  ~Participant() override;
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;

  // Opens the UDP socket and the WebSocket, then joins. Failures land in errors().
  void start();
  // Timers: ICE checks, consent, DTLS retransmission, media pacing. Call every few ms.
  void tick(SteadyTime now);
  void stopMedia() { sending_ = false; }
  void freezeStats() { receiving_ = false; }
  // Forgets every received-stream figure so far (loss, latency, jitter start again from the next
  // packet); join timings and sent counters stay. For a measurement window after a warm-up.
  void resetStreamStats() { streams_.clear(); }
  // Sends `leave`; left() turns true on its reply or when the socket closes.
  void leave();
  bool left() const { return left_ || failed_; }
  // Closes both sockets; pending operations complete with operation_aborted.
  void shutdown();

  // ---- results ----
  const ParticipantConfig& config() const { return config_; }
  const std::string& id() const { return id_; }
  bool started() const { return started_; }
  bool connected() const { return srtpOut_ != nullptr; }
  const std::vector<std::string>& errors() const { return errors_; }
  std::optional<SteadyTime> joinSentAt() const { return joinSentAt_; }
  std::optional<SteadyTime> joinedAt() const { return joinedAt_; }
  std::optional<SteadyTime> iceConnectedAt() const { return iceConnectedAt_; }
  std::optional<SteadyTime> dtlsConnectedAt() const { return dtlsConnectedAt_; }
  std::chrono::milliseconds dtlsInitialTimeout() const { return dtlsInitialTimeout_; }
  std::optional<SteadyTime> firstPacketAt() const { return firstPacketAt_; }
  const std::vector<OfferedTrack>& tracks() const { return tracks_; }
  std::map<uint32_t, StreamStats>& streams() { return streams_; }
  // RTP packets received on every stream so far (duplicates included).
  uint64_t packetsReceived() const;
  // Datagrams the kernel dropped at our own socket's full receive queue (0 on a shared socket,
  // which counts its own).
  uint64_t ownSocketQueueDrops() const { return ownUdp_ ? ownUdp_->counters().queueDrops : 0; }

  struct Counters {
    uint64_t offers = 0;
    uint64_t answersRejected = 0;
    uint64_t audioSent = 0;
    uint64_t videoSent = 0;
    uint64_t videoFrames = 0;
    uint64_t keyFramesSent = 0;
    uint64_t pliReceived = 0;
    uint64_t firReceived = 0;
    uint64_t rtcpReceived = 0;
    uint64_t consentChecks = 0;
    uint64_t consentResponses = 0;
    uint64_t unrecognisedRtp = 0;  // no probe trailer or bad VP8 descriptor
    uint64_t srtpErrors = 0;
    uint64_t pacingSkipped = 0;  // ticks dropped because the loop fell behind
    uint64_t feedbackSent = 0;   // transport-cc feedback packets
    // Loss recovery (receiving): NACK packets sent and the sequence numbers they asked for,
    // retransmissions received on RTX streams, padding-only packets (the server's probes),
    // PLIs sent for holes too large to repair.
    uint64_t nacksSent = 0;
    uint64_t nackedPackets = 0;
    uint64_t rtxReceived = 0;
    uint64_t paddingReceived = 0;
    uint64_t pliSent = 0;
    // Loss recovery (publishing): sequence numbers NACKed to us, resent, and not resendable
    // (no longer held).
    uint64_t nackedToUs = 0;
    uint64_t retransmissionsSent = 0;
    uint64_t retransmissionMisses = 0;
    // RTCP reports (rtcp_reports.hpp): compounds of our SRs and report blocks sent.
    uint64_t reportsSent = 0;
  };
  const Counters& counters() const { return counters_; }
  // Missing video packets that arrived later (after a NACK, or only late), and those given up
  // on, over the whole run.
  uint64_t packetsRecovered() const;
  uint64_t packetsAbandoned() const;
  uint64_t senderReportsReceived() const { return reception_.senderReportsReceived(); }
  // Our round trip to the server from its DLRR answers to our RRTRs; nullopt without any.
  std::optional<std::chrono::microseconds> roundTrip() const { return rtt_.smoothed(); }

 private:
  // WebSocket
  void onWsConnected();
  void readWs();
  void sendWs(std::string text);
  void writeNextWs();
  void onWsMessage(const std::string& text);
  void onOffer(int64_t offerId, const std::string& sdpText);
  // Accepts the server's transport (first offer/answer or trickle): address checks, DTLS peer.
  bool setServerTransport(const ServerTransport& t);
  // Janus VideoRoom signalling (janus_signalling.cpp), over the Janus WebSocket API.
  void janusOnConnected();
  void janusOnMessage(const std::string& text);
  void janusSend(nlohmann::json msg);
  void janusOnPluginEvent(const nlohmann::json& data, const nlohmann::json& jsep);
  void fail(std::string why);
  int64_t sendRequest(const std::string& type, std::string fields);

  // UDP, ICE, DTLS, SRTP
  void onUdpPacket(MutableBytes data, const SocketAddress& from) override;
  void onUdpBatchEnd() override;
  void onDtlsSend(Bytes record) override;
  void onDtlsConnected(const DtlsTransport::SrtpKeys& keys) override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsClosed() override {}
  void sendBindingRequest();
  // Commits a datagram written into udp_'s send slot (from source_ on a shared socket).
  void commitUdp(size_t size, const SocketAddress& to);
  void onRtp(MutableBytes packet, SteadyTime now);
  void onRtcp(Bytes compound, SteadyTime now);
  // Loss recovery (loss_repair.hpp): NACKs for every received video stream with packets due
  // to be asked for; a PLI for `mediaSsrc`; one stored video packet sent again.
  void sendNacks(SteadyTime now);
  // After each answer: a repair stream for every video track we receive.
  void adoptRepairStreams();
  void sendPli(uint32_t mediaSsrc);
  void resendVideo(uint16_t seq, SteadyTime now);
  // Protects the RTCP compound of `len` bytes written at the start of `slot` and sends it.
  bool commitRtcp(MutableBytes slot, size_t len);
  // Transport feedback on every packet received since the last (receivers, every 100 ms).
  void sendTransportFeedback();
  // About once a second, as browsers: an SR for our video (and every fifth time our audio)
  // when publishing, report blocks about what we receive (in the first SR, else an RR), and a
  // DLRR answer to the server's latest XR RRTR.
  void sendReports(SteadyTime now);

  // Media
  void sendAudio(SteadyTime now);
  // A frame comes due: planned and queued; sendQueuedVideo sends its packets as the pacer allows.
  void queueVideoFrame(SteadyTime now);
  void sendQueuedVideo(SteadyTime now);
  // The RTP header we write: fixed part, and the transport-cc extension block when negotiated.
  size_t rtpHeaderBytes() const;
  // Builds an RTP packet of `payloadSize` bytes in a send slot; `fill` writes the payload.
  // `keep`: a copy goes into sentVideo_ for retransmission.
  template <typename Fill>
  void sendRtp(uint8_t pt, uint32_t ssrc, uint16_t seq, uint32_t ts, bool marker,
               size_t payloadSize, bool keep, Fill&& fill);

  boost::asio::io_context& io_;
  ParticipantConfig config_;
  RunDirectory& directory_;
  std::shared_ptr<Certificate> cert_;
  std::string ufrag_;
  std::string pwd_;
  uint32_t audioSsrc_ = 0;
  uint32_t videoSsrc_ = 0;
  uint32_t videoRtxSsrc_ = 0;
  uint64_t tieBreaker_ = 0;

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer readBuf_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool wsOpen_ = false;
  int64_t nextRequestId_ = 1;
  int64_t joinRequestId_ = 0;
  int64_t leaveRequestId_ = 0;

  // Our socket (ownUdp_), or the run's shared one; source_: our address on the shared one.
  UdpSocket* udp_ = nullptr;
  std::unique_ptr<UdpSocket> ownUdp_;
  std::optional<SocketAddress> source_;
  std::unique_ptr<DtlsTransport> dtls_;
  std::unique_ptr<SrtpSession> srtpIn_;
  std::unique_ptr<SrtpSession> srtpOut_;
  std::optional<SocketAddress> server_;
  ServerTransport serverTransport_;
  bool iceConnected_ = false;
  SteadyTime lastCheckAt_{};
  std::chrono::milliseconds dtlsInitialTimeout_{0};  // as set when ICE connected
  SteadyTime nextConsentAt_{};

  std::optional<uint8_t> audioPt_;
  std::optional<uint8_t> videoPt_;
  std::optional<uint8_t> videoRtxPt_;  // our retransmissions' payload type, when negotiated
  uint16_t rtxSeq_ = 0;
  SentHistory sentVideo_;
  // One per video stream we were ever offered (entries stay when a track goes, so the run's
  // recovery figures keep them).
  struct RepairStream {
    uint32_t ssrc = 0;
    uint32_t rtxSsrc = 0;
    uint8_t payloadType = 0;
    ReceiveRepair repair;
  };
  std::vector<RepairStream> repair_;
  SteadyTime nextNackAt_{};
  Pacer audioPacer_;
  Pacer videoPacer_;
  struct QueuedFrame {
    FramePlan plan;
    uint32_t ts = 0;
    uint16_t pictureId = 0;
    bool key = false;
    uint32_t next = 0;  // the next packet to send
  };
  std::deque<QueuedFrame> videoQueue_;
  SendPacer videoSendPacer_;
  uint16_t audioSeq_ = 0;
  uint16_t videoSeq_ = 0;
  uint32_t audioTs_ = 0;
  uint32_t videoTsBase_ = 0;
  uint64_t videoFrameIndex_ = 0;
  uint16_t pictureId_ = 0;
  uint32_t audioCounter_ = 0;
  uint32_t videoCounter_ = 0;
  bool keyFrameRequested_ = true;  // the first frame is a key frame
  SteadyTime lastKeyFrameAt_{};
  // Transport-cc: the negotiated extension id, our next transport sequence number (publishers),
  // the arrivals not reported yet and when the next feedback is due (receivers).
  std::optional<uint8_t> transportCcId_;
  uint16_t transportSeq_ = 1;
  std::unique_ptr<TwccRecorder> twccIn_;
  SteadyTime nextFeedbackAt_{};
  ReceptionReports reception_;
  // Our own XR RRTRs (sent with our reports when the offer asks for them, as Chromium does) and
  // the round trip the server's DLRR answers give (media/rtt_estimator.hpp).
  SrSentLog rrtrSent_;
  RttEstimator rtt_;
  SteadyTime nextReportAt_{};
  uint32_t reportRounds_ = 0;
  uint32_t rtcpSsrc_ = 0;  // sender SSRC of our RTCP (a receiver has no media SSRC of its own)

  std::string id_;
  bool started_ = false;
  bool sending_ = true;
  bool receiving_ = true;
  bool leaving_ = false;
  bool left_ = false;
  bool failed_ = false;
  bool shutDown_ = false;
  std::vector<std::string> errors_;
  std::optional<SteadyTime> joinSentAt_, joinedAt_, iceConnectedAt_, dtlsConnectedAt_,
      firstPacketAt_;
  std::vector<OfferedTrack> tracks_;
  uint64_t janusSession_ = 0;
  uint64_t janusHandle_ = 0;
  std::map<uint32_t, StreamStats> streams_;  // by probe source
  Counters counters_;
};

}  // namespace rounds::load
