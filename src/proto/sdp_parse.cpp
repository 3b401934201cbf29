// SDP parser (RFC 8866 line grammar) with the WebRTC attributes (JSEP, BUNDLE, ICE, DTLS, RTP).
// Untrusted input: every failure is an Error naming the line; nothing throws or asserts.
// Threading: parse() keeps all state on its stack; safe from any thread.
#include <array>
#include <charconv>
#include <string>
#include <utility>

#include "proto/sdp.hpp"

namespace rounds::sdp {

namespace {

constexpr unsigned kMaxPayloadType = 127;
constexpr size_t kMaxQuoted = 48;

// Cut `s` at the first `sep`: {before, after, found}.
struct Cut {
  std::string_view before;
  std::string_view after;
  bool found = false;
};

Cut cut(std::string_view s, char sep) {
  size_t i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}, false};
  return {s.substr(0, i), s.substr(i + 1), true};
}

bool isSpace(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && isSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !isSpace(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view trimLeft(std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  return s;
}

template <typename T>
std::optional<T> parseUint(std::string_view s, T max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > max) return std::nullopt;
  return v;
}

std::optional<uint8_t> parsePayloadType(std::string_view s) {
  return parseUint<uint8_t>(s, kMaxPayloadType);
}

std::optional<Direction> parseDirection(std::string_view s) {
  if (s == "sendrecv") return Direction::SendRecv;
  if (s == "sendonly") return Direction::SendOnly;
  if (s == "recvonly") return Direction::RecvOnly;
  if (s == "inactive") return Direction::Inactive;
  return std::nullopt;
}

// The offending text for an error message: shortened, printable ASCII only (the message may be
// sent back to the browser inside JSON, which wants valid UTF-8).
std::string quote(std::string_view s) {
  std::string out = "'";
  for (size_t i = 0; i < s.size() && i < kMaxQuoted; ++i) {
    char c = s[i];
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  if (s.size() > kMaxQuoted) out += "...";
  out += "'";
  return out;
}

// RFC 3551 §6: static payload types that may appear without a=rtpmap.
struct StaticType {
  uint8_t pt;
  const char* name;
  uint32_t clock;
  uint8_t channels;
};
constexpr StaticType kStaticTypes[] = {
    {0, "PCMU", 8000, 0},   {3, "GSM", 8000, 0},    {4, "G723", 8000, 0},   {5, "DVI4", 8000, 0},
    {6, "DVI4", 16000, 0},  {7, "LPC", 8000, 0},    {8, "PCMA", 8000, 0},   {9, "G722", 8000, 0},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 0},  {12, "QCELP", 8000, 0}, {13, "CN", 8000, 0},
    {14, "MPA", 90000, 0},  {15, "G728", 8000, 0},  {16, "DVI4", 11025, 0}, {17, "DVI4", 22050, 0},
    {18, "G729", 8000, 0},  {25, "CelB", 90000, 0}, {26, "JPEG", 90000, 0}, {28, "nv", 90000, 0},
    {31, "H261", 90000, 0}, {32, "MPV", 90000, 0},  {33, "MP2T", 90000, 0}, {34, "H263", 90000, 0},
};

Codec makeCodec(uint8_t pt) {
  Codec c;
  c.payloadType = pt;
  for (const StaticType& s : kStaticTypes) {
    if (s.pt == pt) {
      c.name = s.name;
      c.clockRate = s.clock;
      c.channels = s.channels;
    }
  }
  return c;
}

// RFC 8839 §5.1: foundation = 1*32ice-char; ice-char = ALPHA / DIGIT / "+" / "/".
bool isFoundation(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

class Parser {
 public:
  Result<SessionDescription> run(std::string_view text);

 private:
  using Problem = std::optional<Error>;

  Error fail(std::string_view what) const {
    return makeError("sdp_invalid", "line " + std::to_string(line_) + ": " + std::string(what));
  }

  Problem onLine(std::string_view line);
  Problem onConnection(std::string_view value);
  Problem onMediaLine(std::string_view value);
  Problem onAttribute(std::string_view raw);
  Problem onSessionAttribute(std::string_view raw, std::string_view name, std::string_view value,
                             bool hasValue);
  Problem onMediaAttribute(std::string_view raw, std::string_view name, std::string_view value,
                           bool hasValue);
  Problem onRtpmap(std::string_view value);
  Problem onFmtp(std::string_view value);
  Problem onRtcpFb(std::string_view value);
  Problem onExtmap(std::string_view value);
  Problem onSsrc(std::string_view value);
  Problem onSsrcGroup(std::string_view value);
  Problem onCandidate(std::string_view value);
  Problem parseFingerprint(std::string_view value, std::optional<Fingerprint>& out,
                           std::vector<std::string>& other, std::string_view raw);

  MediaSection& media() { return sdp_.media.back(); }
  Codec* codecFor(uint8_t pt) {
    int i = codecIndex_[pt];
    return i < 0 ? nullptr : &media().codecs[static_cast<size_t>(i)];
  }

  size_t line_ = 0;
  SessionDescription sdp_;
  bool inMedia_ = false;
  bool rtp_ = false;  // current m-line carries RTP payload types
  std::string sessionConnection_;
  std::optional<Direction> sessionDirection_;  // RFC 8866 §6.7: session-level default
  std::array<int, kMaxPayloadType + 1> codecIndex_{};
  std::array<bool, kMaxPayloadType + 1> rtpmapSeen_{};
  std::array<bool, kMaxPayloadType + 1> fmtpSeen_{};
};

// A single-valued attribute: the first non-empty value is kept; a later one is not lost but
// kept verbatim in otherAttributes (so serialize() then parse() yields the same structure).
void setOnce(std::string& field, std::string_view value, std::vector<std::string>& other,
             std::string_view raw) {
  if (field.empty()) {
    field = std::string(value);
  } else {
    other.emplace_back(raw);
  }
}

Result<SessionDescription> Parser::run(std::string_view text) {
  if (text.size() > kMaxSdpBytes) {
    return makeError("sdp_invalid", "SDP too large: " + std::to_string(text.size()) +
                                        " bytes (limit " + std::to_string(kMaxSdpBytes) + ")");
  }
  // RFC 8866 §5: lines end in CRLF; a bare LF is accepted too.
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() > kMaxSdpLines) {
    line_ = kMaxSdpLines + 1;
    return fail("too many lines (limit " + std::to_string(kMaxSdpLines) + ")");
  }
  line_ = 1;
  if (lines.empty()) return fail("missing v= line (empty SDP)");
  // RFC 8866 §5.1: "v=0" comes first.
  if (lines[0].substr(0, 2) != "v=")
    return fail("expected v=0 as the first line, found " + quote(lines[0]));
  if (lines[0] != "v=0")
    return fail("unsupported protocol version " + quote(lines[0]) + " (want v=0)");
  codecIndex_.fill(-1);
  for (size_t i = 1; i < lines.size(); ++i) {
    line_ = i + 1;
    if (Problem p = onLine(lines[i])) return std::move(*p);
  }
  return std::move(sdp_);
}

Parser::Problem Parser::onLine(std::string_view line) {
  if (line.empty()) return fail("empty line");
  for (char c : line) {
    // RFC 8866 §9: text excludes NUL, CR and LF.
    if (c == '\0' || c == '\r') return fail("control character in line");
  }
  if (line.size() < 2 || line[1] != '=')
    return fail("expected <type>=<value>, found " + quote(line));
  std::string_view value = line.substr(2);
  switch (line[0]) {
    case 'v':
      return fail("duplicate v= line");
    case 'o':
      sdp_.origin = std::string(value);
      return std::nullopt;
    case 's':
      sdp_.sessionName = std::string(value);
      return std::nullopt;
    case 'c':
      return onConnection(value);
    case 'm':
      return onMediaLine(value);
    case 'a':
      return onAttribute(value);
    default:
      break;
  }
  // Accepted and ignored: information, URI, email, phone, bandwidth, timing, repeat, zone, key.
  if (std::string_view("iuepbtrzk").find(line[0]) != std::string_view::npos) return std::nullopt;
  // RFC 8866 §5: a parser must reject a description with a type letter it does not understand.
  return fail("unknown line type " + quote(line.substr(0, 1)));
}

Parser::Problem Parser::onConnection(std::string_view value) {
  // RFC 8866 §5.7: c=<nettype> <addrtype> <connection-address>
  auto w = words(value);
  if (w.size() != 3)
    return fail("bad c= line " + quote(value) + " (want '<nettype> <addrtype> <address>')");
  std::string c = std::string(w[0]) + " " + std::string(w[1]) + " " + std::string(w[2]);
  if (inMedia_) {
    media().connection = std::move(c);
  } else {
    sessionConnection_ = std::move(c);
  }
  return std::nullopt;
}

Parser::Problem Parser::onMediaLine(std::string_view value) {
  if (sdp_.media.size() >= kMaxMediaSections) {
    return fail("too many media sections (limit " + std::to_string(kMaxMediaSections) + ")");
  }
  // RFC 8866 §5.14: m=<media> <port>[/<number of ports>] <proto> <fmt> ...
  auto w = words(value);
  if (w.size() < 3)
    return fail("bad m= line " + quote(value) + " (want '<media> <port> <proto> <fmt> ...')");
  Cut port = cut(w[1], '/');
  auto portNumber = parseUint<uint16_t>(port.before, 65535);
  if (!portNumber || (port.found && !parseUint<uint32_t>(port.after, 65535))) {
    return fail("bad m= line: bad port " + quote(w[1]));
  }
  MediaSection m;
  m.kind = std::string(w[0]);
  m.port = *portNumber;
  m.protocol = std::string(w[2]);
  m.connection = sessionConnection_.empty() ? m.connection : sessionConnection_;
  if (sessionDirection_) m.direction = *sessionDirection_;
  rtp_ = m.protocol.find("RTP") != std::string::npos;
  codecIndex_.fill(-1);
  rtpmapSeen_.fill(false);
  fmtpSeen_.fill(false);
  for (size_t i = 3; i < w.size(); ++i) {
    m.formats.emplace_back(w[i]);
    if (!rtp_) continue;
    auto pt = parsePayloadType(w[i]);
    if (!pt) return fail("bad m= line: bad payload type number " + quote(w[i]) + " (want 0-127)");
    if (codecIndex_[*pt] >= 0) continue;  // repeated format: one codec
    codecIndex_[*pt] = static_cast<int>(m.codecs.size());
    m.codecs.push_back(makeCodec(*pt));
  }
  sdp_.media.push_back(std::move(m));
  inMedia_ = true;
  return std::nullopt;
}

Parser::Problem Parser::onAttribute(std::string_view raw) {
  // RFC 8866 §5.13: a=<attribute-name>[:<attribute-value>]
  Cut a = cut(raw, ':');
  if (a.before.empty()) return fail("empty attribute name in a=" + quote(raw));
  if (inMedia_) return onMediaAttribute(raw, a.before, a.after, a.found);
  return onSessionAttribute(raw, a.before, a.after, a.found);
}

Parser::Problem Parser::parseFingerprint(std::string_view value, std::optional<Fingerprint>& out,
                                         std::vector<std::string>& other, std::string_view raw) {
  // RFC 8122 §5: a=fingerprint:<hash-func> <fingerprint>
  Cut f = cut(value, ' ');
  if (f.before.empty() || f.after.empty()) {
    return fail("bad a=fingerprint " + quote(value) + " (want '<hash-function> <hex:hex:...>')");
  }
  if (out) {
    other.emplace_back(raw);  // RFC 8122 allows several; the first is the one we use
  } else {
    out = Fingerprint{std::string(f.before), std::string(f.after)};
  }
  return std::nullopt;
}

Parser::Problem Parser::onSessionAttribute(std::string_view raw, std::string_view name,
                                           std::string_view value, bool hasValue) {
  SessionDescription& s = sdp_;
  if (hasValue) {
    if (name == "group") {
      // RFC 8843 §7.1 / RFC 5888 §5: a=group:BUNDLE <mid> ...; one BUNDLE group is used.
      auto w = words(value);
      if (w.empty() || w[0] != "BUNDLE") {
        s.otherAttributes.emplace_back(raw);
      } else if (w.size() == 1) {
        // an empty BUNDLE group says nothing
      } else if (!s.bundleMids.empty()) {
        s.otherAttributes.emplace_back(raw);
      } else {
        for (size_t i = 1; i < w.size(); ++i) s.bundleMids.emplace_back(w[i]);
      }
      return std::nullopt;
    }
    if (name == "msid-semantic") {
      // RFC 8830 (draft syntax): Chrome writes "msid-semantic: WMS", Firefox "msid-semantic:WMS *".
      setOnce(s.msidSemantic, trimLeft(value), s.otherAttributes, raw);
      return std::nullopt;
    }
    std::string* field = name == "ice-ufrag" ? &s.iceUfrag  // RFC 8839 §5.4
                         : name == "ice-pwd" ? &s.icePwd
                         : name == "setup"   ? &s.setup  // RFC 4145 §4
                                             : nullptr;
    if (field) {
      setOnce(*field, value, s.otherAttributes, raw);
      return std::nullopt;
    }
    if (name == "ice-options") {
      // RFC 8839 §5.6
      for (auto w : words(value)) s.iceOptions.emplace_back(w);
      return std::nullopt;
    }
    if (name == "fingerprint")
      return parseFingerprint(value, s.fingerprint, s.otherAttributes, raw);
  } else {
    if (name == "ice-lite") {
      s.iceLite = true;  // RFC 8839 §5.3
      return std::nullopt;
    }
    if (auto d = parseDirection(name)) {
      sessionDirection_ = d;
      return std::nullopt;
    }
  }
  s.otherAttributes.emplace_back(raw);
  return std::nullopt;
}

Parser::Problem Parser::onMediaAttribute(std::string_view raw, std::string_view name,
                                         std::string_view value, bool hasValue) {
  MediaSection& m = media();
  if (!hasValue) {
    if (auto d = parseDirection(name)) {
      m.direction = *d;  // RFC 8866 §6.7
      return std::nullopt;
    }
    bool* flag = name == "rtcp-mux"            ? &m.rtcpMux          // RFC 5761 §5.1.1
                 : name == "rtcp-rsize"        ? &m.rtcpRsize        // RFC 5506 §5
                 : name == "end-of-candidates" ? &m.endOfCandidates  // RFC 8840 §8.2
                                               : nullptr;
    if (flag) {
      *flag = true;
      return std::nullopt;
    }
  }
  std::string* field = name == "mid"         ? &m.mid   // RFC 8843 §7.2 / RFC 5888 §4
                       : name == "msid"      ? &m.msid  // RFC 8830 §2
                       : name == "setup"     ? &m.setup
                       : name == "ice-ufrag" ? &m.iceUfrag
                       : name == "ice-pwd"   ? &m.icePwd
                       : name == "simulcast" ? &m.simulcast  // RFC 8853 §5.1, kept raw
                                             : nullptr;
  if (field) {
    setOnce(*field, value, m.otherAttributes, raw);
    return std::nullopt;
  }
  if (name == "ice-options") {
    for (auto w : words(value)) m.iceOptions.emplace_back(w);
    return std::nullopt;
  }
  if (name == "fingerprint") return parseFingerprint(value, m.fingerprint, m.otherAttributes, raw);
  if (name == "extmap") return onExtmap(value);
  if (name == "ssrc") return onSsrc(value);
  if (name == "ssrc-group") return onSsrcGroup(value);
  if (name == "candidate") return onCandidate(value);
  if (name == "rid") {
    m.rids.emplace_back(value);  // RFC 8851, kept raw
    return std::nullopt;
  }
  if (rtp_) {
    if (name == "rtpmap") return onRtpmap(value);
    if (name == "fmtp") return onFmtp(value);
    if (name == "rtcp-fb") return onRtcpFb(value);
  }
  m.otherAttributes.emplace_back(raw);
  return std::nullopt;
}

Parser::Problem Parser::onRtpmap(std::string_view value) {
  // RFC 8866 §6.6: a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
  Cut pt = cut(value, ' ');
  auto type = parsePayloadType(pt.before);
  if (!type) return fail("bad payload type number " + quote(pt.before) + " in a=rtpmap");
  Cut name = cut(pt.after, '/');
  Cut clock = cut(name.after, '/');
  auto rate = parseUint<uint32_t>(clock.before, UINT32_MAX);
  std::optional<uint8_t> channels = uint8_t{0};
  if (clock.found) channels = parseUint<uint8_t>(clock.after, UINT8_MAX);
  if (!pt.found || name.before.empty() || !name.found || !rate || !channels) {
    return fail("bad a=rtpmap " + quote(value) + " (want '<pt> <name>/<clock>[/<channels>]')");
  }
  Codec* c = codecFor(*type);
  if (!c || rtpmapSeen_[*type]) return std::nullopt;  // not in the m-line, or a repeat
  rtpmapSeen_[*type] = true;
  c->name = std::string(name.before);
  c->clockRate = *rate;
  c->channels = *channels;
  return std::nullopt;
}

Parser::Problem Parser::onFmtp(std::string_view value) {
  // RFC 8866 §6.15: a=fmtp:<format> <format specific parameters>
  Cut pt = cut(value, ' ');
  auto type = parsePayloadType(pt.before);
  if (!type) return fail("bad payload type number " + quote(pt.before) + " in a=fmtp");
  Codec* c = codecFor(*type);
  if (!c || fmtpSeen_[*type]) return std::nullopt;
  fmtpSeen_[*type] = true;
  c->fmtp = std::string(pt.after);
  return std::nullopt;
}

Parser::Problem Parser::onRtcpFb(std::string_view value) {
  // RFC 4585 §4.2: a=rtcp-fb:<pt or *> <feedback type> [<parameters>]
  Cut pt = cut(value, ' ');
  if (pt.after.empty()) return fail("bad a=rtcp-fb " + quote(value) + " (want '<pt> <feedback>')");
  if (pt.before == "*") {
    for (Codec& c : media().codecs) c.feedback.emplace_back(pt.after);
    return std::nullopt;
  }
  auto type = parsePayloadType(pt.before);
  if (!type) return fail("bad payload type number " + quote(pt.before) + " in a=rtcp-fb");
  if (Codec* c = codecFor(*type)) c->feedback.emplace_back(pt.after);
  return std::nullopt;
}

Parser::Problem Parser::onExtmap(std::string_view value) {
  // RFC 8285 §7: a=extmap:<id>[/<direction>] <URI> [<extension attributes>]
  // Extension attributes are not kept (none of the extensions WebRTC uses has any).
  Cut head = cut(value, ' ');
  Cut id = cut(head.before, '/');
  auto number = parseUint<uint8_t>(id.before, 255);
  if (!number || *number == 0) return fail("bad a=extmap id " + quote(id.before) + " (want 1-255)");
  Extension e;
  e.id = *number;
  if (id.found) {
    e.direction = parseDirection(id.after);
    if (!e.direction) return fail("bad a=extmap direction " + quote(id.after));
  }
  auto w = words(head.after);
  if (w.empty()) return fail("bad a=extmap " + quote(value) + " (want '<id> <uri>')");
  e.uri = std::string(w[0]);
  media().extensions.push_back(std::move(e));
  return std::nullopt;
}

Parser::Problem Parser::onSsrc(std::string_view value) {
  // RFC 5576 §4.1: a=ssrc:<ssrc-id> <attribute>[:<value>]
  Cut id = cut(value, ' ');
  auto ssrc = parseUint<uint32_t>(id.before, UINT32_MAX);
  Cut attr = cut(id.after, ':');
  if (!ssrc || attr.before.empty()) {
    return fail("bad a=ssrc " + quote(value) + " (want '<ssrc> <attribute>[:<value>]')");
  }
  media().ssrcs.push_back({*ssrc, std::string(attr.before), std::string(attr.after)});
  return std::nullopt;
}

Parser::Problem Parser::onSsrcGroup(std::string_view value) {
  // RFC 5576 §4.2: a=ssrc-group:<semantics> <ssrc-id> ...
  auto w = words(value);
  if (w.empty()) return fail("bad a=ssrc-group: missing semantics");
  SsrcGroup g;
  g.semantics = std::string(w[0]);
  for (size_t i = 1; i < w.size(); ++i) {
    auto ssrc = parseUint<uint32_t>(w[i], UINT32_MAX);
    if (!ssrc) return fail("bad a=ssrc-group SSRC " + quote(w[i]));
    g.ssrcs.push_back(*ssrc);
  }
  media().ssrcGroups.push_back(std::move(g));
  return std::nullopt;
}

Parser::Problem Parser::onCandidate(std::string_view value) {
  // RFC 8839 §5.1: <foundation> <component-id> <transport> <priority> <connection-address>
  //   <port> typ <cand-type> [raddr <addr>] [rport <port>] *(<ext-name> <ext-value>)
  // RFC 6544 §4.5 adds the "tcptype" extension for TCP candidates.
  auto w = words(value);
  auto bad = [&](std::string_view why) {
    return fail("bad a=candidate: " + std::string(why) + " in " + quote(value));
  };
  if (w.size() < 8) return bad("too few fields");
  Candidate c;
  if (!isFoundation(w[0])) return bad("bad foundation");
  auto component = parseUint<uint32_t>(w[1], 999);
  if (!component || w[1].size() > 3) return bad("bad component id");
  auto priority = parseUint<uint32_t>(w[3], UINT32_MAX);
  if (!priority || w[3].size() > 10) return bad("bad priority");
  auto port = parseUint<uint16_t>(w[5], 65535);
  if (!port) return bad("bad port");
  if (w[6] != "typ") return bad("missing 'typ'");
  if ((w.size() - 8) % 2 != 0) return bad("extension without a value");
  c.foundation = std::string(w[0]);
  c.component = *component;
  c.transport = toLower(w[2]);
  c.priority = *priority;
  c.address = std::string(w[4]);
  c.port = *port;
  c.type = std::string(w[7]);
  for (size_t i = 8; i + 1 < w.size(); i += 2) {
    if (w[i] == "rport" && !parseUint<uint16_t>(w[i + 1], 65535)) return bad("bad rport");
    if (w[i] == "tcptype") c.tcpType = std::string(w[i + 1]);
  }
  c.raw = std::string(value);
  media().candidates.push_back(std::move(c));
  return std::nullopt;
}

}  // namespace

Result<SessionDescription> parse(std::string_view text) {
  Parser parser;
  return parser.run(text);
}

}  // namespace rounds::sdp
