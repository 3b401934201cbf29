#include "control/offer_builder.hpp"

#include <algorithm>

#include "proto/twcc.hpp"

namespace rounds {

namespace {

constexpr const char* kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
constexpr const char* kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
constexpr const char* kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
constexpr const char* kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";  // RFC 8852 §3.1
constexpr const char* kRepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

sdp::Codec toSdpCodec(const CodecChoice& c, MediaKind kind) {
  sdp::Codec out;
  out.payloadType = c.payloadType;
  out.name = c.name;
  out.clockRate = c.clockRate;
  out.channels = c.channels;
  out.fmtp = c.fmtp;
  // RFC 4585 §4.2: generic NACK ("nack") for retransmissions, PLI and FIR for key frames.
  // transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01 §4) on every codec, like
  // a=rtcp-fb:* transport-cc; goog-remb stays as the fallback for browsers without it.
  // "rrtr": the browser sends RTCP XR Receiver Reference Time blocks for what it receives
  // (RFC 3611 §4.4; Chromium does only when offered this), which we answer with a DLRR
  // (Router::answerRrtrs, in the peer's slice of the next worker tick), so that a receive-only
  // browser can know its round trip: for video its NACK timing, for audio also its stats
  // (remote-outbound-rtp roundTripTime).
  if (kind == MediaKind::Video)
    out.feedback = {"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli", "rrtr"};
  else
    out.feedback = {"transport-cc", "rrtr"};
  return out;
}

// RFC 4588 §8.6: rtx/90000 with apt naming the codec it repairs.
sdp::Codec rtxCodec(const CodecChoice& c) {
  sdp::Codec out;
  out.payloadType = c.rtxPayloadType;
  out.name = "rtx";
  out.clockRate = c.clockRate;
  out.fmtp = "apt=" + std::to_string(c.payloadType);
  return out;
}

// The answer's rtx format whose apt is `pt` (0 if none).
uint8_t answeredRtx(const sdp::MediaSection& m, uint8_t pt) {
  const sdp::Codec* rtx = m.rtxFor(pt);
  return rtx ? rtx->payloadType : 0;
}

// RFC 8853 §5.3.2: the layers the answer will send, lowest first (our order), keeping only rids we
// offered that the answer lists both in a=rid (send) and a=simulcast:send. Fewer than two: no
// simulcast (the browser sends one stream, found by SSRC or mid as before).
std::vector<std::string> answeredRids(const sdp::MediaSection& m) {
  std::vector<std::string> listed = sdp::simulcastRids(m.simulcast, /*send=*/true);
  std::vector<std::string> out;
  for (const char* ours : kSimulcastRids) {
    bool inSimulcast = std::find(listed.begin(), listed.end(), ours) != listed.end();
    bool declared = std::any_of(m.rids.begin(), m.rids.end(), [&](const std::string& raw) {
      auto rid = sdp::parseRid(raw);
      return rid && rid->send && rid->id == ours;
    });
    if (inSimulcast && declared) out.emplace_back(ours);
  }
  if (out.size() < 2) out.clear();
  return out;
}

}  // namespace

std::vector<CodecChoice> supportedCodecs(MediaKind kind) {
  if (kind == MediaKind::Audio) return {{111, "opus", 48000, 2, "minptime=10;useinbandfec=1"}};
  return {{96, "VP8", 90000, 0, "", 97},
          {102, "H264", 90000, 0,
           "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", 103}};
}

sdp::SessionDescription buildOffer(const OfferContext& ctx, const std::vector<MLinePlan>& plan) {
  sdp::SessionDescription s;
  s.origin = "rounds " + std::to_string(ctx.sessionId) + " " + std::to_string(ctx.version) +
             " IN IP4 127.0.0.1";
  s.sessionName = "Rounds";
  s.iceLite = true;  // RFC 8445 §2.5: we only answer checks
  s.msidSemantic = "WMS *";
  for (const auto& m : plan) {
    sdp::MediaSection ms;
    ms.kind = toString(m.kind);
    ms.port = 9;
    ms.protocol = "UDP/TLS/RTP/SAVPF";
    ms.connection = "IN IP4 0.0.0.0";
    ms.mid = m.mid;
    ms.iceUfrag = ctx.transport.iceUfrag;
    ms.icePwd = ctx.transport.icePwd;
    ms.fingerprint = sdp::Fingerprint{"sha-256", ctx.transport.fingerprintSha256};
    ms.setup = "actpass";  // the browser answers active: we are the DTLS server
    ms.rtcpMux = true;
    ms.rtcpRsize = true;
    ms.extensions.push_back({ExtensionIds::kMid, kMidUri, std::nullopt});
    if (m.kind == MediaKind::Audio)
      ms.extensions.push_back({ExtensionIds::kAudioLevel, kAudioLevelUri, std::nullopt});
    // One id on every m-line (BUNDLE): the sequence numbers count the whole transport.
    ms.extensions.push_back({ExtensionIds::kTransportCc, twcc::kExtensionUri, std::nullopt});
    // Both directions: a publisher's packets then carry the 3-byte slot that we overwrite with
    // our own send time towards each subscriber, whose browser estimates its downlink from it
    // and reports it in REMB.
    if (m.kind == MediaKind::Video)
      ms.extensions.push_back({ExtensionIds::kAbsSendTime, kAbsSendTimeUri, std::nullopt});
    // RFC 4796 §5: "slides" is the content of a presentation next to the main video; the web
    // client tells a screen from a camera by it (browsers ignore the attribute otherwise).
    if (m.screen) ms.otherAttributes.push_back("content:slides");
    if (m.role == MLinePlan::Role::Publish) {
      ms.direction = m.active ? sdp::Direction::RecvOnly : sdp::Direction::Inactive;
      for (const auto& c : supportedCodecs(m.kind)) {
        ms.codecs.push_back(toSdpCodec(c, m.kind));
        if (c.rtxPayloadType != 0) ms.codecs.push_back(rtxCodec(c));
      }
      if (m.kind == MediaKind::Video && m.simulcast) {
        // RFC 8852: the rid of each layer (and of its RTX) rides in a header extension, since the
        // answer names no SSRCs; RFC 8851 §4 / RFC 8853 §5.1: we receive three layers.
        ms.extensions.push_back({ExtensionIds::kRid, kRidUri, std::nullopt});
        ms.extensions.push_back({ExtensionIds::kRepairedRid, kRepairedRidUri, std::nullopt});
        std::string list;
        for (const char* rid : kSimulcastRids) {
          ms.rids.push_back(std::string(rid) + " recv");
          if (!list.empty()) list += ';';
          list += rid;
        }
        ms.simulcast = "recv " + list;
      }
    } else {
      ms.direction = m.active ? sdp::Direction::SendOnly : sdp::Direction::Inactive;
      ms.codecs.push_back(toSdpCodec(m.codec, m.kind));
      bool rtx = m.kind == MediaKind::Video && m.rtxSsrc != 0 && m.codec.rtxPayloadType != 0;
      if (rtx) ms.codecs.push_back(rtxCodec(m.codec));
      if (m.active) {
        ms.msid = m.sourceParticipant + " " + m.trackId;
        // RFC 5576 §4.2 / RFC 4588 §8.1: the RTX stream is tied to the media stream by FID.
        if (rtx) ms.ssrcGroups.push_back({"FID", {m.ssrc, m.rtxSsrc}});
        // One CNAME per source participant: browsers sync audio and video that share it.
        ms.ssrcs.push_back({m.ssrc, "cname", m.sourceParticipant});
        ms.ssrcs.push_back({m.ssrc, "msid", ms.msid});
        if (rtx) {
          ms.ssrcs.push_back({m.rtxSsrc, "cname", m.sourceParticipant});
          ms.ssrcs.push_back({m.rtxSsrc, "msid", ms.msid});
        }
      }
    }
    for (const auto& c : ms.codecs) ms.formats.push_back(std::to_string(c.payloadType));
    int foundation = 1;
    for (const auto& cand : ctx.transport.candidates) {
      sdp::Candidate c;
      c.foundation = std::to_string(foundation);
      c.component = 1;
      c.transport = cand.protocol;
      // RFC 8445 §5.1.2.1: type preference 126 (host); RFC 6544 §4.2: a TCP candidate's local
      // preference puts direction first (passive host: 4), so UDP stays preferred.
      uint32_t localPref = cand.protocol == "tcp" ? (4u << 13) + 8191u : 65536u - static_cast<uint32_t>(foundation);
      c.priority = (126u << 24) + (localPref << 8) + 255u;
      ++foundation;
      if (cand.protocol == "tcp") c.tcpType = "passive";
      c.address = cand.address;
      c.port = cand.port;
      c.type = "host";
      ms.candidates.push_back(c);
    }
    ms.endOfCandidates = true;
    s.bundleMids.push_back(m.mid);
    s.media.push_back(std::move(ms));
  }
  return s;
}

Result<AnswerInfo> readAnswer(const sdp::SessionDescription& answer,
                              const std::vector<MLinePlan>& plan) {
  auto invalid = [](std::string msg) { return makeError("sdp_invalid", std::move(msg)); };
  if (answer.media.size() != plan.size())
    return invalid("answer has " + std::to_string(answer.media.size()) + " m-lines, offer had " +
                   std::to_string(plan.size()));
  AnswerInfo info;
  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& m = answer.media[i];
    if (m.mid != plan[i].mid)
      return invalid("m-line " + std::to_string(i) + ": mid '" + m.mid + "', expected '" +
                     plan[i].mid + "'");
    if (m.kind != toString(plan[i].kind))
      return invalid("m-line " + std::to_string(i) + ": kind " + m.kind);
  }
  // BUNDLE: transport attributes of the first m-line (or the session) apply to all.
  const auto& first = answer.media[0];
  info.iceUfrag = answer.effectiveIceUfrag(first);
  auto fp = answer.effectiveFingerprint(first);
  if (info.iceUfrag.empty()) return invalid("missing a=ice-ufrag");
  if (answer.effectiveIcePwd(first).empty()) return invalid("missing a=ice-pwd");
  if (!fp) return invalid("missing a=fingerprint");
  info.fingerprintAlgorithm = fp->algorithm;
  info.fingerprintValue = fp->value;
  std::string setup = answer.effectiveSetup(first);
  if (setup != "active")
    return invalid("a=setup:" + (setup.empty() ? std::string("(none)") : setup) +
                   "; the answer must be active (we are the DTLS server)");

  for (size_t i = 0; i < plan.size(); ++i) {
    const auto& m = answer.media[i];
    if (plan[i].role == MLinePlan::Role::Subscribe) {
      if (plan[i].kind != MediaKind::Video || !plan[i].active || m.port == 0) continue;
      bool rtx = plan[i].rtxSsrc != 0 && plan[i].codec.rtxPayloadType != 0 &&
                 answeredRtx(m, plan[i].codec.payloadType) == plan[i].codec.rtxPayloadType;
      info.subscribed.push_back({plan[i].consumerId, rtx});
      continue;
    }
    if (m.port == 0 || !plan[i].active) continue;  // a screen line while nothing is shared
    if (m.direction != sdp::Direction::SendOnly && m.direction != sdp::Direction::SendRecv) continue;
    // The answerer's first format is its choice (RFC 3264 §6.1); it must be one we offered.
    std::optional<CodecChoice> chosen;
    for (const auto& fmt : m.formats) {
      for (const auto& ours : supportedCodecs(plan[i].kind)) {
        if (std::to_string(ours.payloadType) != fmt) continue;
        const sdp::Codec* theirs = m.codec(ours.payloadType);
        if (theirs && !iequals(theirs->name, ours.name)) continue;
        chosen = ours;
        if (theirs && !theirs->fmtp.empty()) chosen->fmtp = theirs->fmtp;
        break;
      }
      if (chosen) break;
    }
    if (!chosen) return invalid("m-line " + m.mid + ": no codec we offered");
    PublishedTrack t;
    t.mid = m.mid;
    t.kind = plan[i].kind;
    t.screen = plan[i].screen;
    t.codec = *chosen;
    t.ssrc = m.primarySsrc();
    // RFC 8285 §6: the answer lists the extensions it accepted, with our id.
    t.transportCc = std::any_of(m.extensions.begin(), m.extensions.end(), [](const auto& e) {
      return e.id == ExtensionIds::kTransportCc && e.uri == twcc::kExtensionUri;
    });
    if (t.kind == MediaKind::Video && plan[i].simulcast) t.rids = answeredRids(m);
    if (t.kind == MediaKind::Video) {
      t.rtxPayloadType = answeredRtx(m, t.codec.payloadType);
      if (t.rtxPayloadType != 0 && t.ssrc) t.rtxSsrc = m.repairSsrcOf(*t.ssrc);
    }
    info.published.push_back(t);
  }
  return info;
}

}  // namespace rounds
