// SDP for driving Janus's VideoRoom plugin (docs/load.md): the publisher's offer (Janus answers
// it), what we need from Janus's answer, and the candidate of a Janus `trickle` event.
// Threading: stateless functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "answer.hpp"
#include "common/result.hpp"

namespace rounds::load {

struct OfferParams {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprintSha256;
  std::string cname;
  bool audio = true;
  bool video = true;
  uint32_t audioSsrc = 0;
  uint32_t videoSsrc = 0;
  std::string candidateAddress;  // our UDP socket, announced as a host candidate
  uint16_t candidatePort = 0;
};

inline constexpr uint8_t kOfferOpusPt = 111;
inline constexpr uint8_t kOfferVp8Pt = 96;
inline constexpr uint8_t kOfferTransportCcId = 3;  // as a browser offers it, and Rounds

// A sendonly offer: m-line "0" audio (Opus) and/or "1" video (VP8), BUNDLEd, rtcp-mux. setup is
// `active` (we stay the DTLS client as with Rounds; Janus then takes the server role).
std::string buildPublisherOffer(const OfferParams& params);

struct PublisherAnswer {
  ServerTransport transport;  // address/port empty when the candidate comes by trickle
  std::optional<uint8_t> audioPayloadType;
  std::optional<uint8_t> videoPayloadType;
  std::optional<uint8_t> transportCcId;  // if Janus kept the transport-wide-cc extension
};
// Error codes: "sdp_invalid" (unparsable, no ICE credentials or fingerprint).
Result<PublisherAnswer> parsePublisherAnswer(const std::string& answerSdp);

// "candidate:1 1 udp 2015363327 10.99.0.1 20000 typ host" (with or without the "candidate:"
// prefix, RFC 8839 §5.1): the address and port of a UDP candidate, else nullopt.
std::optional<std::pair<std::string, uint16_t>> parseTrickleCandidate(const std::string& value);

}  // namespace rounds::load
