#include "answer.hpp"

#include <algorithm>

#include "proto/twcc.hpp"

namespace rounds::load {

namespace {

// The codec we answer with: Opus for audio, VP8 for video (what the synthetic media is), else the
// offer's first one (RFC 3264 §6.1: the answer lists a subset of the offered formats).
const sdp::Codec* chooseCodec(const sdp::MediaSection& m) {
  const sdp::Codec* c = m.codecByName(m.kind == "video" ? "VP8" : "opus");
  if (c) return c;
  return m.codecs.empty() ? nullptr : &m.codecs.front();
}

std::string firstToken(const std::string& s) { return s.substr(0, s.find(' ')); }

}  // namespace

Result<Answer> buildAnswer(const std::string& offerSdp, const AnswerParams& params) {
  auto parsed = sdp::parse(offerSdp);
  if (!parsed) return parsed.error();
  const sdp::SessionDescription& offer = parsed.value();
  if (offer.media.empty()) return makeError("sdp_invalid", "offer has no m-lines");

  Answer out;
  const sdp::MediaSection& first = offer.media.front();
  out.transport.iceUfrag = offer.effectiveIceUfrag(first);
  out.transport.icePwd = offer.effectiveIcePwd(first);
  if (auto fp = offer.effectiveFingerprint(first)) out.transport.fingerprintSha256 = fp->value;
  for (const auto& c : first.candidates) {
    if (c.transport == "udp" || c.transport == "UDP") {
      out.transport.address = c.address;
      out.transport.port = c.port;
      break;
    }
  }
  if (out.transport.iceUfrag.empty() || out.transport.icePwd.empty() ||
      out.transport.fingerprintSha256.empty() ||
      (params.requireCandidate && out.transport.port == 0))
    return makeError("sdp_invalid", "offer lacks ICE credentials, fingerprint or a UDP candidate");

  sdp::SessionDescription a;
  a.iceUfrag = params.iceUfrag;
  a.icePwd = params.icePwd;
  a.fingerprint = sdp::Fingerprint{"sha-256", params.fingerprintSha256};
  a.setup = "active";  // the server offers actpass and is the DTLS server (RFC 8842 §5.2)
  a.bundleMids = offer.bundleMids;
  a.msidSemantic = "WMS *";
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaSection& m = offer.media[i];
    sdp::MediaSection s;
    s.kind = m.kind;
    s.port = m.port == 0 ? 0 : 9;
    s.protocol = m.protocol;
    s.mid = m.mid;
    s.rtcpMux = true;
    s.extensions = m.extensions;  // RFC 8285 §6: the answer keeps the offer's ids
    s.direction = sdp::Direction::Inactive;
    const sdp::Codec* codec = chooseCodec(m);
    if (codec) s.codecs = {*codec};
    bool video = m.kind == "video";
    if (m.port != 0 && codec && m.direction == sdp::Direction::RecvOnly) {
      // The server receives here: m-line 0 is our microphone, 1 our camera.
      bool publish = video ? params.publishVideo : params.publishAudio;
      uint32_t ssrc = video ? params.videoSsrc : params.audioSsrc;
      auto& pt = video ? out.videoPayloadType : out.audioPayloadType;
      if (publish && !pt) {
        s.direction = sdp::Direction::SendOnly;
        s.ssrcs.push_back({ssrc, "cname", params.cname});
        s.msid = params.cname + " " + (video ? "video" : "audio");
        pt = codec->payloadType;
        const sdp::Codec* rtx = video && params.rtx ? m.rtxFor(codec->payloadType) : nullptr;
        if (rtx && params.videoRtxSsrc != 0) {
          s.codecs.push_back(*rtx);
          s.ssrcs.push_back({params.videoRtxSsrc, "cname", params.cname});
          s.ssrcGroups.push_back({"FID", {ssrc, params.videoRtxSsrc}});  // RFC 4588 §8.1
          out.videoRtxPayloadType = rtx->payloadType;
        }
      }
    } else if (m.direction == sdp::Direction::SendOnly) {
      OfferedTrack t;
      t.mid = m.mid;
      t.publisherId = firstToken(m.msid);
      t.video = video;
      t.ssrc = m.primarySsrc().value_or(0);
      t.active = m.port != 0 && codec && params.receive;
      if (t.active) {
        s.direction = sdp::Direction::RecvOnly;
        t.payloadType = codec->payloadType;
        t.rrtr = std::find(codec->feedback.begin(), codec->feedback.end(), "rrtr") !=
                 codec->feedback.end();
        const sdp::Codec* rtx = video && params.rtx ? m.rtxFor(codec->payloadType) : nullptr;
        auto repair = rtx && t.ssrc ? m.repairSsrcOf(t.ssrc) : std::nullopt;
        if (repair) {
          s.codecs.push_back(*rtx);
          t.rtxSsrc = *repair;
          t.rtxPayloadType = rtx->payloadType;
        }
      }
      out.tracks.push_back(std::move(t));
    }
    a.media.push_back(std::move(s));
  }
  out.sdp = sdp::serialize(a);
  out.transportCcId = transportCcExtensionId(offer);
  return out;
}

std::optional<uint8_t> transportCcExtensionId(const sdp::SessionDescription& d) {
  for (const auto& m : d.media)
    for (const auto& e : m.extensions)
      if (e.uri == twcc::kExtensionUri) return e.id;
  return std::nullopt;
}

}  // namespace rounds::load
