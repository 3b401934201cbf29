// Value types the control plane and the media plane exchange: what a transport looks like to the
// browser, and what a producer (a track a peer sends us) and a consumer (a track we send) are.
// Threading: plain values, copied across threads in posted commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/latency_histogram.hpp"

namespace rounds {

enum class MediaKind { Audio, Video };
inline const char* toString(MediaKind k) { return k == MediaKind::Audio ? "audio" : "video"; }

// Low-bandwidth choices (issue 5, docs/signalling.md "receive"): what a subscriber receives.
// Everything; audio only (no incoming video); or audio plus the active speaker's video only.
// Screens (shared screens, below) are a separate choice: a subscriber may also refuse them.
enum class ReceiveMode { All, AudioOnly, ActiveSpeaker };

// RTP header extension ids: fixed for the whole server, so every offer uses the same map
// (RFC 8285: the answerer must keep the offerer's ids).
struct ExtensionIds {
  static constexpr uint8_t kMid = 1;         // urn:ietf:params:rtp-hdrext:sdes:mid
  static constexpr uint8_t kAudioLevel = 2;  // urn:ietf:params:rtp-hdrext:ssrc-audio-level
  // http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01 (every m-line)
  static constexpr uint8_t kTransportCc = 3;
  // http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time: we stamp our own send time on
  // every video packet to a subscriber, which drives its browser's REMB (receive-side BWE).
  static constexpr uint8_t kAbsSendTime = 6;
  static constexpr uint8_t kRid = 4;          // urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
  static constexpr uint8_t kRepairedRid = 5;  // ...:sdes:repaired-rtp-stream-id (RTX of a layer)
};

// Simulcast (RFC 8853): the layers we ask publishers for, lowest first. The client scales them to
// 1/4, 1/2 and full resolution.
constexpr size_t kMaxSimulcastLayers = 3;
inline constexpr const char* kSimulcastRids[kMaxSimulcastLayers] = {"l", "m", "h"};

struct MediaConfig {
  std::string listenAddress = "127.0.0.1";
  uint16_t basePort = 40000;     // worker i listens on basePort + i (0: any free port, tests)
  std::string announcedAddress;  // address put in ICE candidates; defaults to listenAddress
  // ICE-TCP (RFC 6544 passive candidates): -1 = the same port number as the worker's UDP port,
  // 0 = off, N = worker i listens on TCP N + i.
  int tcpBasePort = -1;
  unsigned workers = 1;
  uint32_t consentTimeoutMs = 20000;     // RFC 7675 consent expiry for a silent peer
  uint32_t keyFrameMinIntervalMs = 500;  // PLI/FIR towards one publisher at most this often
  // A subscriber's NACK that waited longer than this in the worker's receive queue is not
  // answered (the worker is overloaded; docs/architecture.md "Loss and recovery"); 0: always.
  uint32_t resendMaxQueueWaitMs = 50;
};

struct IceCandidateInfo {
  std::string address;
  uint16_t port = 0;
  std::string protocol = "udp";
};

// What the browser needs to reach a peer's transport: ICE-lite credentials, our DTLS
// fingerprint, and the candidates of the worker that owns the room.
struct TransportDescription {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintSha256;
  std::vector<IceCandidateInfo> candidates;
};

// Every member has an initializer, so a designated initializer may leave any of them out (GCC 12's
// -Wmissing-field-initializers names those that have none).
struct ProducerSpec {
  uint64_t producerId = 0;
  MediaKind kind = MediaKind::Audio;
  std::string mid{};               // the m-line this track arrives on
  std::optional<uint32_t> ssrc{};  // from the answer's a=ssrc; else learned from the mid extension
  uint8_t payloadType = 0;
  uint32_t clockRate = 90000;
  // RFC 4588 retransmissions from the publisher: the RTX SSRC from a=ssrc-group:FID (else
  // learned from the mid extension on a packet with rtxPayloadType); 0: RTX not negotiated.
  std::optional<uint32_t> rtxSsrc{};
  uint8_t rtxPayloadType = 0;
  // The answer kept the transport-cc extension: the publisher's browser estimates its uplink
  // from our transport feedback, so it gets no REMB.
  bool transportCc = false;
  // Simulcast (RFC 8851/8853): the rids the publisher sends, lowest layer first; empty: one
  // stream. Each layer's SSRC (and RTX SSRC) is learned from the rid (repaired-rid) extension.
  std::vector<std::string> rids{};
  std::string codecName{};  // "VP8", "H264", "opus" (key-frame detection); empty: from payloadType
  // A shared screen (getDisplayMedia), not a camera: a second video producer of the participant,
  // one layer, which subscribers may refuse ("no incoming screen video").
  bool screen = false;
};

struct ConsumerSpec {
  uint64_t consumerId = 0;
  uint64_t producerId = 0;
  MediaKind kind = MediaKind::Audio;
  uint32_t ssrc = 0;  // the SSRC the subscriber sees (declared in its offer)
  uint8_t payloadType = 0;
  uint32_t clockRate = 90000;
  // Video: retransmissions go out as RFC 4588 RTX on this SSRC and payload type (declared with
  // a=ssrc-group:FID in the offer); 0: they are resent as plain copies on `ssrc`.
  uint32_t rtxSsrc = 0;
  uint8_t rtxPayloadType = 0;
  bool screen = false;  // carries a shared screen (its producer's ProducerSpec::screen)
};

// Congestion control figures of one peer (transport-cc, draft-ietf-rmcat-gcc-02).
struct PeerLinkStats {
  std::string peerId;
  std::optional<uint32_t> downlinkEstimateBps;  // our estimate of the link towards the peer
  uint64_t transportFeedbacksReceived = 0;      // from the peer (as subscriber)
  uint64_t transportFeedbacksSent = 0;          // to the peer (as publisher)
  // Bandwidth probing towards the peer (media/probe_controller.hpp): clusters sent, clusters
  // whose delivered rate was taken, and padding packets sent.
  uint64_t probeClusters = 0;
  uint64_t probeSuccesses = 0;
  uint64_t probePackets = 0;
  // The round trip between us and the peer (media/rtt_estimator.hpp): smoothed and the latest
  // sample, in microseconds; nullopt until its receiver reports gave one.
  std::optional<int64_t> rttUs;
  std::optional<int64_t> rttLatestUs;
};

// Where one video consumer stands (per-subscriber layer selection), for /api/stats and tests.
struct ConsumerLayerStats {
  std::string peerId;  // the subscriber
  uint64_t consumerId = 0;
  uint64_t producerId = 0;
  size_t layers = 0;                    // layers the producer has (1: no simulcast)
  int currentLayer = -1;                // the layer being forwarded (-1: none yet)
  int targetLayer = -1;                 // where the selector wants to go
  uint64_t estimateBps = 0;             // the subscriber's downlink estimate (0: none yet)
  uint32_t switches = 0;                // layer changes so far
  uint32_t tileHeight = 0;              // what the subscriber reported (0: nothing)
  std::vector<uint32_t> layerBitrates;  // the producer's layers, measured over the last second
};

// What a room's Router counts (one per router; a worker sums its rooms', those that ended
// included, so that the counts only go up while it runs).
struct RouterCounters {
  uint64_t rtpForwarded = 0;
  uint64_t keyFrameRequests = 0;
  // Loss recovery (RFC 4585 §6.2.1 NACK, RFC 4588 RTX).
  uint64_t nacksReceived = 0;         // NACK packets from subscribers
  uint64_t retransmissionsSent = 0;   // packets resent to subscribers (RTX or plain)
  uint64_t retransmissionMisses = 0;  // NACKed packets no longer in the history
  uint64_t nacksShed = 0;             // NACKs not answered: they waited too long in our queue
  uint64_t nacksSent = 0;             // NACK packets sent to publishers
  uint64_t nackedInFlight = 0;        // NACKed packets not resent: our copy was still on its way
  uint64_t nackedRecentlyResent = 0;  // ... we resent it less than a round trip before
  uint64_t rttSamples = 0;            // round trips measured (report blocks, XR DLRR)
  uint64_t rrtrReceived = 0;          // browsers' XR RRTRs, so that they learn their round trip
  uint64_t rrtrAnswered = 0;          // ... answered with a DLRR
  uint64_t rtxReceived = 0;           // RTX packets from publishers, unwrapped and routed
  uint64_t consumersResumed = 0;      // paused consumers resumed (each with a PLI)

  RouterCounters& operator+=(const RouterCounters& o) {
    rtpForwarded += o.rtpForwarded;
    keyFrameRequests += o.keyFrameRequests;
    nacksReceived += o.nacksReceived;
    retransmissionsSent += o.retransmissionsSent;
    retransmissionMisses += o.retransmissionMisses;
    nacksShed += o.nacksShed;
    nacksSent += o.nacksSent;
    nackedInFlight += o.nackedInFlight;
    nackedRecentlyResent += o.nackedRecentlyResent;
    rttSamples += o.rttSamples;
    rrtrReceived += o.rrtrReceived;
    rrtrAnswered += o.rrtrAnswered;
    rtxReceived += o.rtxReceived;
    consumersResumed += o.consumersResumed;
    return *this;
  }
};

// Counters of one worker, posted to the control plane on request (metrics, tests); the
// RouterCounters are its rooms' summed.
struct WorkerStats : RouterCounters {
  unsigned index = 0;
  uint16_t port = 0;
  uint16_t tcpPort = 0;  // 0 when ICE-TCP is off
  size_t tcpConnections = 0;
  size_t peers = 0;
  size_t connectedPeers = 0;
  uint64_t packetsReceived = 0;
  uint64_t packetsSent = 0;
  uint64_t droppedMalformed = 0;
  uint64_t droppedUnknownTuple = 0;
  uint64_t droppedUnknownSsrc = 0;
  uint64_t droppedAuth = 0;
  // Low-bandwidth choices (ReceiveMode): consumers paused now.
  size_t pausedConsumers = 0;
  // Server-in to server-out of forwarded copies since the worker started (UdpSocket).
  LatencyHistogram forwardLatency;
  // Its first part: the wait in the socket's receive queue before a recvmmsg read the datagram.
  LatencyHistogram receiveWait;
  // Datagrams the kernel dropped because that queue was full: the worker fell behind.
  uint64_t receiveQueueDrops = 0;
  // How long the worker's loop was held by its own housekeeping, during which arriving packets
  // wait: each 100 ms tick (timers, NACK retries, feedback, reports) and each earlier stats call.
  LatencyHistogram tickDuration;
  LatencyHistogram statsDuration;
  std::vector<PeerLinkStats> peerLinks;            // one per peer of the worker
  std::vector<ConsumerLayerStats> consumerLayers;  // every video consumer
};

}  // namespace rounds
