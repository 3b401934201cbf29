// Builds the SDP offers the server sends (docs/signalling.md "Media and the SDP the server sends")
// from a participant's m-line plan, and reads the browser's answer back into producer specs.
// Pure functions: no I/O. Threading: stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "media/types.hpp"
#include "proto/sdp.hpp"

namespace rounds {

// A codec as negotiated for one track.
struct CodecChoice {
  uint8_t payloadType = 0;
  std::string name;  // "opus", "VP8", "H264"
  uint32_t clockRate = 0;
  uint8_t channels = 0;
  std::string fmtp;
  uint8_t rtxPayloadType = 0;  // video: our rtx format for this codec (RFC 4588 §8.6, apt=pt)
};

// One m-line of a participant's session, in order. mid == index as text.
struct MLinePlan {
  enum class Role { Publish, Subscribe };
  Role role = Role::Publish;
  MediaKind kind = MediaKind::Audio;
  std::string mid;
  // false: a departed participant's track (Subscribe), or a screen line while its participant
  // shares nothing (Publish); offered a=inactive.
  bool active = true;
  // A shared screen's line (docs/signalling.md "Screen sharing"), marked a=content:slides
  // (RFC 4796 §5): the participant's own screen (Publish) or someone else's (Subscribe).
  bool screen = false;
  // Publish video only: ask for three simulcast layers (RFC 8853 a=simulcast:recv l;m;h).
  bool simulcast = false;
  // Subscribe only: what we send.
  std::string sourceParticipant;
  std::string trackId;
  uint32_t ssrc = 0;
  // Video: the SSRC of our RTX stream (RFC 4588), declared with a=ssrc-group:FID; 0: none.
  uint32_t rtxSsrc = 0;
  uint64_t producerId = 0;
  uint64_t consumerId = 0;
  CodecChoice codec;
};

struct OfferContext {
  TransportDescription transport;
  uint64_t sessionId = 0;
  uint64_t version = 0;
};

// The codecs we accept from publishers, in preference order.
std::vector<CodecChoice> supportedCodecs(MediaKind kind);

sdp::SessionDescription buildOffer(const OfferContext& ctx, const std::vector<MLinePlan>& plan);

// What the browser's answer says about one of our Publish m-lines.
struct PublishedTrack {
  std::string mid;
  MediaKind kind = MediaKind::Audio;
  CodecChoice codec;
  std::optional<uint32_t> ssrc;
  // RFC 4588: the rtx format the answer kept for the chosen codec (0: none) and the RTX SSRC
  // from its a=ssrc-group:FID (if it announced one).
  uint8_t rtxPayloadType = 0;
  std::optional<uint32_t> rtxSsrc;
  // The answer kept our transport-cc extension (id ExtensionIds::kTransportCc).
  bool transportCc = false;
  // Simulcast: the rids the browser will send, lowest layer first (empty: one stream).
  std::vector<std::string> rids;
  bool screen = false;  // sent on the participant's screen line, not its camera's
};

// What the answer says about one of our Subscribe m-lines.
struct SubscribedTrack {
  uint64_t consumerId = 0;
  bool rtx = false;  // the answer kept our rtx format: resend as RTX, else plain
};

struct AnswerInfo {
  std::string iceUfrag;
  std::string fingerprintAlgorithm;
  std::string fingerprintValue;
  std::vector<PublishedTrack> published;  // Publish m-lines the browser will send on
  std::vector<SubscribedTrack> subscribed;  // active video Subscribe m-lines
};

// Checks the answer against the plan it answers (same m-lines, same mids, DTLS role active,
// a usable codec) and extracts what the media plane needs. Error code "sdp_invalid".
Result<AnswerInfo> readAnswer(const sdp::SessionDescription& answer,
                              const std::vector<MLinePlan>& plan);

}  // namespace rounds
