// SDP writer: a SessionDescription as CRLF-separated lines in the order Chrome and Firefox write
// them (RFC 8866 §5 line order; JSEP RFC 8829 §5.2 for the attributes).
// Threading: pure function; safe from any thread.
#include <string>

#include "proto/sdp.hpp"

namespace rounds::sdp {

namespace {

class Writer {
 public:
  void line(char type, std::string_view value) {
    out_.push_back(type);
    out_.push_back('=');
    out_.append(value);
    out_.append("\r\n");
  }
  void attr(std::string_view name) { line('a', name); }
  void attr(std::string_view name, std::string_view value) {
    out_.append("a=");
    out_.append(name);
    out_.push_back(':');
    out_.append(value);
    out_.append("\r\n");
  }
  void attrIfSet(std::string_view name, const std::string& value) {
    if (!value.empty()) attr(name, value);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& item : items) {
    if (!s.empty()) s.push_back(' ');
    s += item;
  }
  return s;
}

// Transport attributes, written the same way at session and media level.
void writeTransport(Writer& w, const std::string& ufrag, const std::string& pwd,
                    const std::vector<std::string>& options,
                    const std::optional<Fingerprint>& fingerprint, const std::string& setup) {
  w.attrIfSet("ice-ufrag", ufrag);  // RFC 8839 §5.4
  w.attrIfSet("ice-pwd", pwd);
  if (!options.empty()) w.attr("ice-options", joined(options));  // RFC 8839 §5.6
  if (fingerprint) w.attr("fingerprint", fingerprint->algorithm + " " + fingerprint->value);
  w.attrIfSet("setup", setup);  // RFC 4145 §4
}

// RFC 8839 §5.1; used when the candidate was built in code rather than parsed.
std::string candidateValue(const Candidate& c) {
  if (!c.raw.empty()) return c.raw;
  std::string s = c.foundation + " " + std::to_string(c.component) + " " + c.transport + " " +
                  std::to_string(c.priority) + " " + c.address + " " + std::to_string(c.port) +
                  " typ " + c.type;
  if (!c.tcpType.empty()) s += " tcptype " + c.tcpType;  // RFC 6544 §4.5
  return s;
}

void writeCodec(Writer& w, const Codec& c) {
  const std::string pt = std::to_string(c.payloadType);
  if (!c.name.empty()) {  // RFC 8866 §6.6
    std::string map = pt + " " + c.name + "/" + std::to_string(c.clockRate);
    if (c.channels != 0) map += "/" + std::to_string(c.channels);
    w.attr("rtpmap", map);
  }
  for (const std::string& fb : c.feedback) w.attr("rtcp-fb", pt + " " + fb);  // RFC 4585 §4.2
  if (!c.fmtp.empty()) w.attr("fmtp", pt + " " + c.fmtp);                     // RFC 8866 §6.15
}

void writeMedia(Writer& w, const MediaSection& m) {
  // RFC 8866 §5.14. Formats come from the m-line as parsed, or from the codecs when the section
  // was built in code.
  std::string mline = m.kind + " " + std::to_string(m.port) + " " + m.protocol;
  if (!m.formats.empty()) {
    for (const std::string& f : m.formats) mline += " " + f;
  } else {
    for (const Codec& c : m.codecs) mline += " " + std::to_string(c.payloadType);
  }
  w.line('m', mline);
  if (!m.connection.empty()) w.line('c', m.connection);
  writeTransport(w, m.iceUfrag, m.icePwd, m.iceOptions, m.fingerprint, m.setup);
  w.attrIfSet("mid", m.mid);
  for (const Extension& e : m.extensions) {  // RFC 8285 §7
    std::string id = std::to_string(e.id);
    if (e.direction) id += "/" + std::string(toString(*e.direction));
    w.attr("extmap", id + " " + e.uri);
  }
  w.attr(toString(m.direction));
  w.attrIfSet("msid", m.msid);
  if (m.rtcpMux) w.attr("rtcp-mux");
  if (m.rtcpRsize) w.attr("rtcp-rsize");
  for (const Codec& c : m.codecs) writeCodec(w, c);
  for (const SsrcGroup& g : m.ssrcGroups) {  // RFC 5576 §4.2
    std::string v = g.semantics;
    for (uint32_t s : g.ssrcs) v += " " + std::to_string(s);
    w.attr("ssrc-group", v);
  }
  for (const SsrcAttribute& s : m.ssrcs) {  // RFC 5576 §4.1
    std::string v = std::to_string(s.ssrc) + " " + s.name;
    if (!s.value.empty()) v += ":" + s.value;
    w.attr("ssrc", v);
  }
  for (const std::string& rid : m.rids) w.attr("rid", rid);  // RFC 8851
  w.attrIfSet("simulcast", m.simulcast);                     // RFC 8853
  for (const Candidate& c : m.candidates) w.attr("candidate", candidateValue(c));
  if (m.endOfCandidates) w.attr("end-of-candidates");  // RFC 8840 §8.2
  for (const std::string& a : m.otherAttributes) w.line('a', a);
}

}  // namespace

std::string serialize(const SessionDescription& sdp) {
  Writer w;
  w.line('v', "0");  // RFC 8866 §5.1-5.3, §5.9
  w.line('o', sdp.origin);
  w.line('s', sdp.sessionName);
  w.line('t', "0 0");
  if (!sdp.bundleMids.empty()) w.attr("group", "BUNDLE " + joined(sdp.bundleMids));  // RFC 8843
  w.attrIfSet("msid-semantic", sdp.msidSemantic);
  if (sdp.iceLite) w.attr("ice-lite");  // RFC 8839 §5.3
  writeTransport(w, sdp.iceUfrag, sdp.icePwd, sdp.iceOptions, sdp.fingerprint, sdp.setup);
  for (const std::string& a : sdp.otherAttributes) w.line('a', a);
  for (const MediaSection& m : sdp.media) writeMedia(w, m);
  return w.take();
}

}  // namespace rounds::sdp
