// SDP (RFC 8866) for WebRTC (RFC 8829 JSEP, RFC 8843 BUNDLE, RFC 8839 ICE, RFC 8122 fingerprint):
// parse what browsers send and generate what the server offers. Unknown attributes are kept
// (in `otherAttributes`) so nothing the browser said is silently lost. No I/O, no exceptions for
// bad input: parse() returns an Error naming the line.
// Threading: value types; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace rounds::sdp {

// Limits on untrusted input (parse() rejects anything larger).
constexpr size_t kMaxSdpBytes = 256 * 1024;
constexpr size_t kMaxSdpLines = 10000;
constexpr size_t kMaxMediaSections = 256;

enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };
std::string_view toString(Direction d);

struct Codec {
  uint8_t payloadType = 0;
  std::string name;  // "opus", "VP8", "H264", "rtx", ...
  uint32_t clockRate = 0;
  uint8_t channels = 0;  // 0 when absent
  std::string fmtp;      // the a=fmtp value after "<pt> ", empty if none
  std::vector<std::string> feedback;  // a=rtcp-fb values after "<pt> ": "nack", "nack pli", ...

  bool operator==(const Codec&) const = default;
};

struct Extension {
  uint8_t id = 0;
  std::string uri;
  std::optional<Direction> direction;  // a=extmap:<id>/<direction>

  bool operator==(const Extension&) const = default;
};

struct SsrcAttribute {
  uint32_t ssrc = 0;
  std::string name;   // "cname", "msid", ...
  std::string value;  // may be empty

  bool operator==(const SsrcAttribute&) const = default;
};

struct SsrcGroup {
  std::string semantics;  // "FID", "SIM"
  std::vector<uint32_t> ssrcs;

  bool operator==(const SsrcGroup&) const = default;
};

struct Candidate {
  std::string foundation;
  uint32_t component = 1;
  std::string transport;  // "udp", "tcp"
  uint32_t priority = 0;
  std::string address;
  uint16_t port = 0;
  std::string type;  // "host", "srflx", "relay", "prflx"
  std::string tcpType;  // "passive" etc., empty for udp
  std::string raw;   // the whole value after "candidate:", as received

  bool operator==(const Candidate&) const = default;
};

struct Fingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // "AB:CD:..."

  bool operator==(const Fingerprint&) const = default;
};

struct MediaSection {
  std::string kind;       // "audio", "video", "application"
  uint16_t port = 9;      // 0 means rejected
  std::string protocol;   // "UDP/TLS/RTP/SAVPF"
  std::vector<std::string> formats;  // payload types as text, in m-line order
  std::string connection = "IN IP4 0.0.0.0";  // c= value
  std::string mid;
  Direction direction = Direction::SendRecv;
  std::vector<Codec> codecs;  // in m-line order
  std::vector<Extension> extensions;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrcGroups;
  std::string msid;  // a=msid value: "<stream id> <track id>"
  bool rtcpMux = false;
  bool rtcpRsize = false;
  // Transport attributes (may appear here or at session level; see effective* below).
  std::string iceUfrag;
  std::string icePwd;
  std::vector<std::string> iceOptions;
  std::optional<Fingerprint> fingerprint;
  std::string setup;  // "actpass", "active", "passive"
  std::vector<Candidate> candidates;
  bool endOfCandidates = false;
  std::vector<std::string> rids;  // raw a=rid values (simulcast is recognised, not yet used)
  std::string simulcast;          // raw a=simulcast value
  std::vector<std::string> otherAttributes;  // every other a= line, without "a="

  const Codec* codec(uint8_t pt) const;
  const Codec* codecByName(std::string_view name) const;  // case-insensitive, first match
  std::optional<uint8_t> extensionId(std::string_view uri) const;
  // First SSRC that is not the second member of an FID group (i.e. the primary media SSRC).
  std::optional<uint32_t> primarySsrc() const;
  // RFC 4588 §8.6: the rtx format whose fmtp names `pt` as its apt, or nullptr.
  const Codec* rtxFor(uint8_t pt) const;
  // RFC 4588 §8.1: the SSRC paired with `media` in "a=ssrc-group:FID <media> <rtx>", if any.
  std::optional<uint32_t> repairSsrcOf(uint32_t media) const;

  bool operator==(const MediaSection&) const = default;
};

struct SessionDescription {
  std::string origin = "- 0 0 IN IP4 127.0.0.1";  // o= value
  std::string sessionName = "-";
  bool iceLite = false;
  std::string iceUfrag;
  std::string icePwd;
  std::vector<std::string> iceOptions;
  std::optional<Fingerprint> fingerprint;
  std::string setup;
  std::vector<std::string> bundleMids;  // a=group:BUNDLE
  std::string msidSemantic;             // a=msid-semantic value
  std::vector<MediaSection> media;
  std::vector<std::string> otherAttributes;

  // Transport attributes of a section, falling back to the session level.
  std::string effectiveIceUfrag(const MediaSection& m) const;
  std::string effectiveIcePwd(const MediaSection& m) const;
  std::optional<Fingerprint> effectiveFingerprint(const MediaSection& m) const;
  std::string effectiveSetup(const MediaSection& m) const;

  bool operator==(const SessionDescription&) const = default;
};

// RFC 8851 §10: one a=rid value, "<rid-id> <send|recv> [params]". The id is 1-255 characters of
// [A-Za-z0-9_-]; nullopt for anything else.
struct Rid {
  std::string id;
  bool send = false;  // "send"; false: "recv"
};
std::optional<Rid> parseRid(std::string_view value);
// RFC 8853 §5.1: the rids of an a=simulcast value in the given direction, in the order listed
// (for each simulcast stream its first alternative; a paused "~rid" is included without the "~").
// Empty when the direction is absent or the value is malformed.
std::vector<std::string> simulcastRids(std::string_view value, bool send);

// Parses CRLF or LF separated SDP. Errors name the line number and what is wrong
// (code "sdp_invalid"). Limits: 256 KiB, 10,000 lines, 256 media sections.
Result<SessionDescription> parse(std::string_view text);
// Serializes with CRLF line endings in the canonical order browsers accept.
std::string serialize(const SessionDescription& sdp);

}  // namespace rounds::sdp
