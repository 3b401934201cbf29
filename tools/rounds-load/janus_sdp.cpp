#include "janus_sdp.hpp"

#include <sstream>

#include "proto/sdp.hpp"
#include "proto/twcc.hpp"

namespace rounds::load {

std::string buildPublisherOffer(const OfferParams& params) {
  sdp::SessionDescription s;
  s.iceUfrag = params.iceUfrag;
  s.icePwd = params.icePwd;
  s.fingerprint = sdp::Fingerprint{"sha-256", params.fingerprintSha256};
  // RFC 8842 §5.2 wants actpass from an offerer; `active` keeps our DTLS client code path, and
  // Janus accepts it by taking the server role.
  s.setup = "active";
  s.msidSemantic = "WMS " + params.cname;
  auto section = [&](bool video) {
    sdp::MediaSection m;
    m.kind = video ? "video" : "audio";
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.mid = video ? "1" : "0";
    m.direction = sdp::Direction::SendOnly;
    m.rtcpMux = true;
    m.extensions = {{kOfferTransportCcId, twcc::kExtensionUri, std::nullopt}};
    if (video) {
      m.codecs = {{kOfferVp8Pt, "VP8", 90000, 0, "", {"nack", "nack pli", "ccm fir"}}};
    } else {
      m.codecs = {{kOfferOpusPt, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}}};
    }
    m.formats = {std::to_string(m.codecs.front().payloadType)};
    uint32_t ssrc = video ? params.videoSsrc : params.audioSsrc;
    m.ssrcs.push_back({ssrc, "cname", params.cname});
    m.msid = params.cname + " " + m.kind;
    if (!params.candidateAddress.empty()) {
      sdp::Candidate c;
      c.foundation = "1";
      c.component = 1;
      c.transport = "udp";
      c.priority = 2130706431;  // RFC 8445 §5.1.2.1: host, local preference 65535, component 1
      c.address = params.candidateAddress;
      c.port = params.candidatePort;
      c.type = "host";
      m.candidates.push_back(c);
      m.endOfCandidates = true;
    }
    s.bundleMids.push_back(m.mid);
    s.media.push_back(std::move(m));
  };
  if (params.audio) section(false);
  if (params.video) section(true);
  return sdp::serialize(s);
}

Result<PublisherAnswer> parsePublisherAnswer(const std::string& answerSdp) {
  auto parsed = sdp::parse(answerSdp);
  if (!parsed) return parsed.error();
  const sdp::SessionDescription& a = parsed.value();
  if (a.media.empty()) return makeError("sdp_invalid", "answer has no m-lines");
  PublisherAnswer out;
  const sdp::MediaSection& first = a.media.front();
  out.transport.iceUfrag = a.effectiveIceUfrag(first);
  out.transport.icePwd = a.effectiveIcePwd(first);
  if (auto fp = a.effectiveFingerprint(first)) out.transport.fingerprintSha256 = fp->value;
  if (out.transport.iceUfrag.empty() || out.transport.icePwd.empty() ||
      out.transport.fingerprintSha256.empty())
    return makeError("sdp_invalid", "answer lacks ICE credentials or fingerprint");
  for (const auto& c : first.candidates) {
    if (c.transport == "udp" || c.transport == "UDP") {
      out.transport.address = c.address;
      out.transport.port = c.port;
      break;
    }
  }
  out.transportCcId = transportCcExtensionId(a);
  for (const auto& m : a.media) {
    if (m.port == 0 || m.codecs.empty()) continue;  // rejected (RFC 3264 §6)
    if (m.direction != sdp::Direction::RecvOnly && m.direction != sdp::Direction::SendRecv)
      continue;
    auto& pt = m.kind == "video" ? out.videoPayloadType : out.audioPayloadType;
    if (!pt) pt = m.codecs.front().payloadType;
  }
  return out;
}

std::optional<std::pair<std::string, uint16_t>> parseTrickleCandidate(const std::string& value) {
  std::string v = value;
  if (v.rfind("candidate:", 0) == 0) v = v.substr(10);
  std::istringstream in(v);
  std::string foundation, component, transport, priority, address, port, typ, type;
  if (!(in >> foundation >> component >> transport >> priority >> address >> port >> typ >> type))
    return std::nullopt;
  if ((transport != "udp" && transport != "UDP") || typ != "typ") return std::nullopt;
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  unsigned long p = std::stoul(port);
  if (p == 0 || p > 65535) return std::nullopt;
  return std::make_pair(address, static_cast<uint16_t>(p));
}

}  // namespace rounds::load
