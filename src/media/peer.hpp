// Peer: one participant's WebRTC transport on a worker (ICE-lite + DTLS + SRTP over the worker's
// shared UDP socket or its ICE-TCP port), plus the tracks it sends us (producers) and the tracks we send it
// (consumers). Decrypted RTP/RTCP go up to the room's Router; the Router hands packets back down
// through sendRtp/sendRtcp.
// Threading: belongs to its worker thread.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "common/clock.hpp"
#include "common/metrics.hpp"
#include "media/audio_level.hpp"
#include "media/bandwidth_estimator.hpp"
#include "media/layer_selector.hpp"
#include "media/nack_generator.hpp"
#include "media/probe_controller.hpp"
#include "media/receive_stats.hpp"
#include "media/resend_log.hpp"
#include "media/retransmission_buffer.hpp"
#include "media/rtp_rewriter.hpp"
#include "media/rtt_estimator.hpp"
#include "media/transport_cc.hpp"
#include "media/types.hpp"
#include "net/packet_sender.hpp"
#include "net/udp_socket.hpp"
#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "proto/video_payload.hpp"
#include "transport/dtls.hpp"
#include "transport/ice_lite.hpp"
#include "transport/srtp.hpp"

namespace rounds {

class Peer;

// One encoding of a track: the only one, or one simulcast layer (RFC 8853). Everything RTP keeps
// per SSRC lives here: receive statistics, SR times, key-frame requests, history and NACKs.
struct ProducerLayer {
  std::string rid;               // simulcast: the layer's rid; empty otherwise
  std::optional<uint32_t> ssrc;  // known from the answer or learned from the mid/rid extension
  std::optional<uint32_t> rtxSsrc;  // the publisher's RTX stream (RFC 4588) of this layer
  RtpReceiveStats stats;
  // Last sender report from the publisher (for our RR's LSR/DLSR and to translate SRs).
  uint64_t lastSrNtp = 0;
  uint32_t lastSrRtp = 0;
  TimePoint lastSrArrival{};
  bool haveSr = false;
  TimePoint lastKeyFrameRequest{};
  bool keyFramePending = false;
  uint8_t firSeq = 0;
  // Loss recovery, video only (null for audio): recent packets for subscribers' NACKs, and the
  // gaps we NACK the publisher for. Allocated once when the producer is added.
  std::unique_ptr<RetransmissionBuffer> history;
  std::unique_ptr<NackGenerator> nack;
  // What layer selection needs: the rate over the last full second, the key frame's height.
  uint64_t windowBytes = 0;
  TimePoint windowStart{};
  uint32_t bitrateBps = 0;
  TimePoint lastPacket{};
  bool seen = false;
  uint16_t width = 0;
  uint16_t height = 0;
};

struct Producer {
  ProducerSpec spec;
  Peer* peer = nullptr;
  video::Codec codec = video::Codec::Other;
  // layers[0] is the only one without simulcast; with it, lowest first (spec.rids order).
  std::array<ProducerLayer, kMaxSimulcastLayers> layers;
  size_t layerCount = 1;
  AudioLevelMeter audioLevel;  // audio only: RFC 6464 levels
  // A host muted the publisher: its packets are received (and counted) but go to nobody.
  bool paused = false;

  bool simulcast() const { return layerCount > 1; }
  // The layer whose media SSRC is `ssrc`, or nullopt.
  std::optional<size_t> layerOfSsrc(uint32_t ssrc) const {
    for (size_t i = 0; i < layerCount; ++i)
      if (layers[i].ssrc == ssrc) return i;
    return std::nullopt;
  }
};

struct Consumer {
  ConsumerSpec spec;
  Peer* peer = nullptr;  // the subscriber
  RtpRewriter rewriter;
  uint32_t packetsSent = 0;
  uint32_t octetsSent = 0;
  uint32_t lastSourceTs = 0;  // last forwarded incoming timestamp and its mapped value
  uint32_t lastOutTs = 0;
  // RFC 4588: the RTX stream's own sequence numbers; rtx on only while the answer accepted it.
  uint16_t rtxSeq = 0;
  bool rtxEnabled = false;
  uint32_t retransmitBudget = 0;  // resends left in this tick (a NACK flood cannot amplify)
  // Not wanted by the subscriber (its ReceiveMode): nothing is sent; resumes with a key frame.
  bool paused = false;
  uint64_t pausedDrops = 0;  // packets not sent while paused
  // Simulcast: which layer this subscriber gets; VP8 picture id / TL0PICIDX continuity across
  // switches (the layers number their pictures independently).
  LayerSelector selector;
  bool simulcastVp8 = false;     // set by the router when the producer is simulcast VP8
  uint32_t vp8Source = 0;       // the SSRC the picture id offset was computed for
  uint16_t pictureIdOffset = 0;  // added to the source's 15-bit picture id
  uint8_t tl0Offset = 0;
  uint16_t lastPictureId = 0;    // last one sent (rewritten)
  uint8_t lastTl0 = 0;
  bool vp8Started = false;
  // The SRs we sent the subscriber on spec.ssrc, to turn its receiver reports into round trips
  // (media/rtt_estimator.hpp). Last: the fan-out's prefetches cover the fields above.
  SrSentLog srSent;
  // What we resent it lately (media/resend_log.hpp); made at its first resend.
  std::unique_ptr<ResendLog> resent;
  Consumer(ConsumerSpec s, Peer* p, uint16_t seq0, uint32_t ts0)
      : spec(s),
        peer(p),
        rewriter(seq0, ts0),
        rtxSeq(static_cast<uint16_t>(seq0 ^ 0x5A5A)),
        rtxEnabled(s.rtxSsrc != 0 && s.rtxPayloadType != 0) {}
};

class Peer : public IceLite::Listener, public DtlsTransport::Listener {
 public:
  struct Listener {
    virtual ~Listener() = default;
    virtual void onPeerTupleAdded(Peer& peer, const SocketAddress& tuple) = 0;
    virtual void onPeerConnected(Peer& peer) = 0;
    virtual void onPeerClosed(Peer& peer, const std::string& reason) = 0;
    // `retransmission`: the packet was unwrapped from the publisher's RTX stream.
    // `layer`: the simulcast layer (0 without simulcast).
    virtual void onPeerRtp(Peer& peer, Producer& producer, size_t layer, rtp::RtpView& packet,
                           bool retransmission) = 0;
    virtual void onPeerRtcp(Peer& peer, Bytes compound) = 0;
  };

  Peer(std::string id, std::string room, std::string ufrag, std::string pwd,
       std::shared_ptr<Certificate> cert, UdpSocket& socket, Listener& listener,
       PacketCounters& counters, const Clock& clock);
  ~Peer() override;

  const std::string& id() const { return id_; }
  const std::string& room() const { return room_; }
  const IceLite& ice() const { return ice_; }
  bool connected() const { return srtpOut_ != nullptr; }
  bool closed() const { return closed_; }
  uint32_t rtcpSsrc() const { return rtcpSsrc_; }
  // ICE-TCP (RFC 6544): where packets for TCP tuples go; null when the worker has no TCP port.
  void setTcp(TcpMediaServer* tcp) { socket_.setTcp(tcp); }
  void setRtcpSsrc(uint32_t s) { rtcpSsrc_ = s; }
  // The estimated bandwidth towards this subscriber (what layer selection uses), nullopt until
  // one is known: our transport-cc estimate when its browser sends transport feedback, else the
  // latest REMB it sent (draft-alvestrand-rmcat-remb, its receive-side estimate driven by the
  // abs-send-time we stamp on what we send it).
  std::optional<uint32_t> downlinkEstimateBps() const {
    if (auto twcc = twccEstimateBps()) return twcc;
    return rembEstimateBps();
  }
  // From Router::onRtcp: a REMB from this peer's browser (its receive-side estimate).
  void onRemb(uint64_t bitrateBps);
  // The round trip between us and this peer (media/rtt_estimator.hpp), from its receiver
  // reports about the SRs we sent it as a subscriber; nullopt until one was measured.
  const RttEstimator& rttEstimator() const { return rtt_; }
  // A round-trip sample (Router::onReportBlocks / onExtendedReport): smoothed, and handed to
  // the bandwidth estimator as its response time.
  void onRttSample(Micros rtt);
  // The XR RRTRs we sent this peer with our receiver reports (Router::onReportTimer).
  SrSentLog& rrtrSent() { return rrtrSent_; }
  // The peer's own latest XR RRTR (RFC 3611 §4.4; browsers send them for what they receive when
  // the offer has a=rtcp-fb:<pt> rrtr) per sender SSRC (a browser's audio and video receivers
  // may report from different SSRCs), until the router answers them with DLRRs in the peer's
  // slice of the next worker tick (Router::answerRrtrs), so that the browser learns its round
  // trip too (its NACK retries and stats follow it).
  struct PendingRrtr {
    uint32_t ssrc = 0;    // the RRTR's sender
    uint32_t lastRr = 0;  // middle 32 bits of its NTP time
    TimePoint arrival{};
  };
  static constexpr size_t kMaxPendingRrtrs = 4;  // more senders: the oldest is replaced
  void noteRrtr(uint32_t ssrc, uint64_t ntpTimestamp, TimePoint arrival);
  // Moves the pending RRTRs into `out`; returns how many.
  size_t takePendingRrtrs(std::span<PendingRrtr, kMaxPendingRrtrs> out);
  std::optional<Micros> rtt() const { return rtt_.smoothed(); }
  std::optional<uint32_t> rembEstimateBps() const { return remb_; }

  void setRemoteParameters(const std::string& ufrag, const std::string& fpAlgorithm,
                           const std::string& fpValue);
  // ICE restart (RFC 8445 §9): new local credentials. Every checked tuple but the selected one
  // is forgotten (the old network is gone); returns the forgotten ones so the worker unmaps them.
  std::vector<SocketAddress> restartIce(std::string ufrag, std::string pwd);

  // Packets from the socket (already demultiplexed by first byte).
  void receiveStun(Bytes packet, const stun::Message& msg, const SocketAddress& from);
  void receiveDtls(Bytes packet, const SocketAddress& from);
  void receiveSrtp(MutableBytes packet, const SocketAddress& from);

  // Forwarding: copies `packet` into a send slot, rewrites it for `consumer`, protects and queues.
  // `packet` has been through prepareForSubscribers (media/forward_extensions.hpp); `resend`: it
  // is a stored one sent again (plain, without RTX), so its send time is stamped afresh; `late`:
  // a repair or reordered packet, not sent to a consumer that started after it
  // (RtpRewriter::beforeStart).
  bool sendRtp(Consumer& consumer, const rtp::RtpView& packet, uint32_t nowTicks,
               bool resend = false, bool late = false);
  // Resends a stored packet in answer to the subscriber's NACK: as RTX (RFC 4588 §4) when the
  // consumer has it enabled, else as a plain copy. False if nothing could be queued.
  bool resendRtp(Consumer& consumer, const rtp::RtpView& stored, uint32_t nowTicks);
  // Prefetch hints for the router's fan-out loop, one dependent level per stage (0: this peer's
  // fields sendRtp reads, 1: its SRTP session object and send-history head, 2: the SRTP state
  // and the history slot), issued a few consumers ahead; they change no result.
  void prefetchForSend(unsigned stage) const;
  // Protects and queues an RTCP compound written by the caller (copied).
  void sendRtcp(Bytes compound);

  // Transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01,
  // draft-ietf-rmcat-gcc-02). Our estimate of the link towards this peer, from its transport
  // feedback about what we sent it; nullopt until feedback has confirmed delivered packets.
  std::optional<uint32_t> twccEstimateBps() const { return estimator_.estimateBps(); }
  // A transport feedback packet (RTPFB FMT 15, header included) from this peer.
  void onTransportFeedback(Bytes packet);
  const BandwidthEstimator& estimator() const { return estimator_; }
  uint64_t transportFeedbacksReceived() const { return feedbacksReceived_; }
  uint64_t transportFeedbacksSent() const { return twccIn_ ? twccIn_->feedbacksBuilt() : 0; }

  // Bandwidth probing towards this subscriber (media/probe_controller.hpp). Router::onTick notes,
  // for each unpaused video consumer, the rate of the best layer its tile allows and whether its
  // estimate keeps it below that layer; the next onTick decides whether to probe.
  void noteProbeWanted(uint32_t layerBps, bool belowWanted);
  // A cluster is being sent: the worker's probe timer calls pumpProbe every few ms until done.
  bool probeSending() const { return probe_.sending(); }
  // Sends the padding the current cluster is due (RTP padding-only packets on a consumer's RTX
  // stream, RFC 3550 §5.1 P bit, RFC 4588), each with our transport sequence number.
  void pumpProbe();
  const ProbeController& probe() const { return probe_; }
  uint64_t probePacketsSent() const { return probePackets_; }

  // Periodic work: DTLS retransmission, consent expiry, transport feedback to a publisher,
  // bandwidth probing towards a subscriber.
  void onTick(TimePoint now, Millis consentTimeout);
  // Sends close_notify when connected and marks the peer closed (no listener callback).
  void close();
  // Installs SRTP keys negotiated elsewhere, as if DTLS had just completed: for benchmarks of
  // the data path (and, later, for relays between workers that share keys out of band).
  void installSrtpKeys(const DtlsTransport::SrtpKeys& keys) { onDtlsConnected(keys); }

  Producer* addProducer(const ProducerSpec& spec);
  void removeProducer(uint64_t producerId);
  Producer* producerById(uint64_t id);
  Producer* producerBySsrc(uint32_t ssrc);
  // With the layer the SSRC belongs to.
  Producer* producerBySsrc(uint32_t ssrc, size_t& layer);
  Consumer* addConsumer(const ConsumerSpec& spec, uint16_t seq0, uint32_t ts0);
  void removeConsumer(uint64_t consumerId);
  Consumer* consumerBySsrc(uint32_t ssrc);
  Consumer* consumerById(uint64_t id);
  std::map<uint64_t, std::unique_ptr<Producer>>& producers() { return producers_; }
  std::map<uint64_t, std::unique_ptr<Consumer>>& consumers() { return consumers_; }

 private:
  // IceLite::Listener
  void onIceSelectedTuple(const SocketAddress& tuple) override;
  // DtlsTransport::Listener
  void onDtlsSend(Bytes record) override;
  void onDtlsConnected(const DtlsTransport::SrtpKeys& keys) override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsClosed() override;

  void closeWith(const std::string& reason);
  Producer* learnSsrc(rtp::RtpView& view, bool& isRtx, size_t& layer);
  Producer* learnLayer(Producer& p, rtp::RtpView& view, bool& isRtx, size_t& layer);
  // Stamps our transport sequence number (when the packet has the extension's slot), protects
  // the slot in place, remembers it in the send history and queues it.
  // `forwarded`: a forwarded copy (timed in the worker's forward-latency histogram);
  // `probeCluster`: the packet is probe padding of that cluster; `wireLen` receives the length
  // after protection.
  bool protectAndQueue(rtp::RtpView& view, MutableBytes slot, size_t len, bool forwarded,
                       const SocketAddress& tuple, uint8_t probeCluster = 0,
                       size_t* wireLen = nullptr);
  // The consumer whose RTX stream carries probe padding: unpaused video with RTX, started.
  Consumer* probeCarrier();
  // One padding-only packet of about `bytes` on the wire; its wire length, 0 if not sent.
  size_t sendPadding(Consumer& carrier, size_t bytes, uint8_t cluster);
  void runProbe(TimePoint now);
  void sendTransportFeedback();
  static int64_t toUs(TimePoint t);
  int64_t nowUs() const;

  std::string id_;
  std::string room_;
  IceLite ice_;
  DtlsTransport dtls_;
  PacketSender socket_;  // UDP, or the ICE-TCP connection when the tuple isTcp()
  Listener& listener_;
  PacketCounters& counters_;
  const Clock& clock_;
  std::vector<SocketAddress> tuples_;  // every tuple that passed a connectivity check
  std::unique_ptr<SrtpSession> srtpIn_;
  std::unique_ptr<SrtpSession> srtpOut_;
  bool dtlsStarted_ = false;
  // A DTLS record that arrived before the answer: the browser's ClientHello races the answer,
  // which reaches the worker through the control thread. Kept (the latest, at most
  // kMaxEarlyDtls bytes) and handed to DTLS when it starts, as WebRTC itself does; dropping it
  // cost the newcomer a retransmission interval (docs/performance.md).
  static constexpr size_t kMaxEarlyDtls = 2048;
  std::vector<uint8_t> earlyDtls_;
  bool closed_ = false;
  uint32_t rtcpSsrc_ = 0;
  std::map<uint64_t, std::unique_ptr<Producer>> producers_;
  // SSRC -> producer and layer (simulcast: one entry per layer).
  struct LayerRef {
    Producer* producer;
    size_t layer;
  };
  std::unordered_map<uint32_t, LayerRef> producersBySsrc_;
  std::unordered_map<uint32_t, LayerRef> producersByRtxSsrc_;
  std::optional<uint32_t> remb_;
  RttEstimator rtt_;
  SrSentLog rrtrSent_;
  std::array<PendingRrtr, kMaxPendingRrtrs> pendingRrtrs_{};
  size_t pendingRrtrCount_ = 0;
  std::map<uint64_t, std::unique_ptr<Consumer>> consumers_;
  std::unordered_map<uint32_t, Consumer*> consumersBySsrc_;
  // Transport-cc: arrivals from this peer (allocated at its first stamped packet), what we sent
  // it (allocated with the peer) and the estimate of its downlink.
  std::unique_ptr<TwccRecorder> twccIn_;
  std::unique_ptr<SendHistory> sendHistory_;
  BandwidthEstimator estimator_;
  uint64_t feedbacksReceived_ = 0;
  ProbeController probe_;
  uint32_t probeWantedBps_ = 0;  // noted by the router since the last tick
  bool probeBelowWanted_ = false;
  uint64_t probePackets_ = 0;
};

}  // namespace rounds
