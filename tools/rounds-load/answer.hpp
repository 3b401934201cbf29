// The answer a load participant gives to the server's offer, as the browser client would
// (docs/signalling.md): send on our m-lines 0/1 (or inactive), receive on the server's sendonly
// m-lines (or inactive), setup active, our own ICE credentials and certificate fingerprint.
// Threading: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "proto/sdp.hpp"

namespace rounds::load {

struct AnswerParams {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintSha256;  // "AB:CD:..."
  std::string cname;
  bool publishAudio = false;
  bool publishVideo = false;
  bool receive = true;  // false: the server's sendonly m-lines are answered inactive
  uint32_t audioSsrc = 0;
  uint32_t videoSsrc = 0;
  // RFC 4588, as browsers answer: accept the offer's rtx format on video m-lines (receiving:
  // the server's retransmissions come on the RTX SSRC it offered; publishing: ours go on
  // videoRtxSsrc, tied to videoSsrc by an FID group). false: the answer has no rtx.
  bool rtx = false;
  uint32_t videoRtxSsrc = 0;
  // false: an offer without a UDP candidate is accepted (the candidate comes by trickle, as
  // Janus sends it with full_trickle); transport.port is then 0.
  bool requireCandidate = true;
};

// A track the server offers us (one sendonly m-line), with what the answer made of it.
struct OfferedTrack {
  std::string mid;
  std::string publisherId;  // first token of a=msid
  bool video = false;
  uint32_t ssrc = 0;    // the SSRC the server will send it with (0 if none declared)
  bool active = false;  // offered sendonly and answered recvonly
  uint8_t payloadType = 0;     // the codec the answer kept
  uint32_t rtxSsrc = 0;        // the server's RTX stream for it, when the answer accepted rtx
  uint8_t rtxPayloadType = 0;  // 0: no rtx
  bool rrtr = false;  // the offer asks for XR RRTRs about it (a=rtcp-fb:<pt> rrtr, RFC 3611)
};

// The server's transport, taken from the first m-line (everything is BUNDLEd on it).
struct ServerTransport {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintSha256;
  std::string address;
  uint16_t port = 0;
};

struct Answer {
  std::string sdp;
  std::optional<uint8_t> audioPayloadType;  // what we send with, when publishing
  std::optional<uint8_t> videoPayloadType;
  std::optional<uint8_t> videoRtxPayloadType;  // what our retransmissions go with (params.rtx)
  std::vector<OfferedTrack> tracks;
  ServerTransport transport;
  // The offer's transport-wide sequence number extension (kept in the answer), if any.
  std::optional<uint8_t> transportCcId;
};

// The id of the transport-wide-cc extension (draft-holmer-rmcat-transport-wide-cc-extensions-01)
// on any m-line of `d` (BUNDLE: one id for all), or nullopt.
std::optional<uint8_t> transportCcExtensionId(const sdp::SessionDescription& d);

// Error codes: "sdp_invalid" (offer unparsable, or without a usable UDP host candidate when
// params.requireCandidate).
Result<Answer> buildAnswer(const std::string& offerSdp, const AnswerParams& params);

}  // namespace rounds::load
