// SDP value-type helpers: direction names, codec/extension/SSRC lookups and the session-level
// fallback for transport attributes. Parsing is in sdp_parse.cpp, writing in sdp_write.cpp.
// Threading: pure functions on value types; safe from any thread.
#include "proto/sdp.hpp"

#include <algorithm>

namespace rounds::sdp {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
}  // namespace

std::string_view toString(Direction d) {
  // RFC 8866 §6.7
  switch (d) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "sendrecv";
}

const Codec* MediaSection::codec(uint8_t pt) const {
  for (const Codec& c : codecs) {
    if (c.payloadType == pt) return &c;
  }
  return nullptr;
}

const Codec* MediaSection::codecByName(std::string_view name) const {
  for (const Codec& c : codecs) {
    if (equalsIgnoreCase(c.name, name)) return &c;
  }
  return nullptr;
}

std::optional<uint8_t> MediaSection::extensionId(std::string_view uri) const {
  for (const Extension& e : extensions) {
    if (e.uri == uri) return e.id;
  }
  return std::nullopt;
}

std::optional<uint32_t> MediaSection::primarySsrc() const {
  // RFC 5576 §4.2 / RFC 4588 §8.1: in "FID <media> <rtx>" the later members repeat the first.
  auto isRepair = [this](uint32_t ssrc) {
    for (const SsrcGroup& g : ssrcGroups) {
      if (g.semantics != "FID") continue;
      auto it = std::find(g.ssrcs.begin(), g.ssrcs.end(), ssrc);
      if (it != g.ssrcs.end() && it != g.ssrcs.begin()) return true;
    }
    return false;
  };
  for (const SsrcAttribute& a : ssrcs) {
    if (!isRepair(a.ssrc)) return a.ssrc;
  }
  for (const SsrcGroup& g : ssrcGroups) {
    if (!g.ssrcs.empty()) return g.ssrcs.front();
  }
  return std::nullopt;
}

const Codec* MediaSection::rtxFor(uint8_t pt) const {
  const std::string apt = "apt=" + std::to_string(pt);
  for (const Codec& c : codecs) {
    if (!equalsIgnoreCase(c.name, "rtx")) continue;
    // fmtp parameters are ';'-separated (browsers also put a space after the ';').
    for (size_t at = c.fmtp.find(apt); at != std::string::npos; at = c.fmtp.find(apt, at + 1)) {
      size_t end = at + apt.size();
      bool startOk = at == 0 || c.fmtp[at - 1] == ';' || c.fmtp[at - 1] == ' ';
      bool endOk = end == c.fmtp.size() || c.fmtp[end] == ';' || c.fmtp[end] == ' ';
      if (startOk && endOk) return &c;
    }
  }
  return nullptr;
}

std::optional<uint32_t> MediaSection::repairSsrcOf(uint32_t media) const {
  for (const SsrcGroup& g : ssrcGroups)
    if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[0] == media) return g.ssrcs[1];
  return std::nullopt;
}

// RFC 8839 §5.4 / RFC 8122 §5 / RFC 4145 §4: a media-level value overrides the session level.
std::string SessionDescription::effectiveIceUfrag(const MediaSection& m) const {
  return m.iceUfrag.empty() ? iceUfrag : m.iceUfrag;
}

std::string SessionDescription::effectiveIcePwd(const MediaSection& m) const {
  return m.icePwd.empty() ? icePwd : m.icePwd;
}

std::optional<Fingerprint> SessionDescription::effectiveFingerprint(const MediaSection& m) const {
  return m.fingerprint ? m.fingerprint : fingerprint;
}

std::string SessionDescription::effectiveSetup(const MediaSection& m) const {
  return m.setup.empty() ? setup : m.setup;
}

}  // namespace rounds::sdp
