// Tests for the SDP parser and writer: browser offers/answers, the server's own offer, round
// trips, error messages that name the line, and the size limits.
// Threading: single-threaded tests.
#include "proto/sdp.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/proto/sdp_fixtures.hpp"

namespace rounds::sdp {
namespace {

using fixtures::crlf;

SessionDescription mustParse(std::string_view text) {
  auto r = parse(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : SessionDescription{};
}

std::string errorOf(std::string_view text) {
  auto r = parse(text);
  if (r.ok()) return "(parsed)";
  EXPECT_EQ(r.error().code, "sdp_invalid");
  return r.error().message;
}

std::vector<uint8_t> payloadTypes(const MediaSection& m) {
  std::vector<uint8_t> out;
  for (const Codec& c : m.codecs) out.push_back(c.payloadType);
  return out;
}

// ---- Chrome offer ---------------------------------------------------------------------------

TEST(SdpParse, ChromeOfferSession) {
  SessionDescription s = mustParse(crlf(fixtures::kChromeOffer));
  EXPECT_EQ(s.origin, "- 4611731400430051336 2 IN IP4 127.0.0.1");
  EXPECT_EQ(s.sessionName, "-");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(s.msidSemantic, "WMS 6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21");
  EXPECT_FALSE(s.iceLite);
  EXPECT_EQ(s.otherAttributes, (std::vector<std::string>{"extmap-allow-mixed"}));
  ASSERT_EQ(s.media.size(), 3u);
  EXPECT_EQ(s.media[0].kind, "audio");
  EXPECT_EQ(s.media[1].kind, "video");
  EXPECT_EQ(s.media[2].kind, "video");
}

TEST(SdpParse, ChromeOfferAudio) {
  SessionDescription s = mustParse(crlf(fixtures::kChromeOffer));
  const MediaSection& a = s.media.at(0);
  EXPECT_EQ(a.port, 54321);
  EXPECT_EQ(a.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(a.connection, "IN IP4 192.168.1.20");
  EXPECT_EQ(a.mid, "0");
  EXPECT_EQ(a.direction, Direction::SendRecv);
  EXPECT_TRUE(a.rtcpMux);
  EXPECT_TRUE(a.rtcpRsize);
  EXPECT_EQ(a.iceUfrag, "Kx3q");
  EXPECT_EQ(a.icePwd, "e0H5mZ3T7H0s1w4mR0cYb9Kq");
  EXPECT_EQ(a.iceOptions, (std::vector<std::string>{"trickle"}));
  ASSERT_TRUE(a.fingerprint);
  EXPECT_EQ(a.fingerprint->algorithm, "sha-256");
  EXPECT_EQ(a.fingerprint->value.substr(0, 8), "7B:8B:F0");
  EXPECT_EQ(a.setup, "actpass");
  EXPECT_EQ(a.formats, (std::vector<std::string>{"111", "63", "9", "0", "8", "13", "110", "126"}));
  EXPECT_EQ(payloadTypes(a), (std::vector<uint8_t>{111, 63, 9, 0, 8, 13, 110, 126}));
  const Codec* opus = a.codec(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clockRate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(opus->fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(opus->feedback, (std::vector<std::string>{"transport-cc"}));
  EXPECT_EQ(a.codec(63)->fmtp, "111/111");
  EXPECT_EQ(a.codec(9)->channels, 0);
  EXPECT_EQ(a.extensionId("urn:ietf:params:rtp-hdrext:ssrc-audio-level"), 1);
  EXPECT_EQ(a.extensionId("urn:ietf:params:rtp-hdrext:sdes:mid"), 4);
  EXPECT_EQ(a.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"), 2);
  EXPECT_EQ(
      a.extensionId("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
      3);
  EXPECT_EQ(a.extensionId("urn:nope"), std::nullopt);
  EXPECT_EQ(a.msid, "6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 3f2a7c1e-58d4-4b0a-a9c2-7e1d2f3b4c5d");
  ASSERT_EQ(a.ssrcs.size(), 2u);
  EXPECT_EQ(a.ssrcs[0].ssrc, 3735928559u);
  EXPECT_EQ(a.ssrcs[0].name, "cname");
  EXPECT_EQ(a.ssrcs[0].value, "4TOk42mSjXCkVIa6");
  EXPECT_EQ(a.ssrcs[1].name, "msid");
  EXPECT_EQ(a.primarySsrc(), 3735928559u);
  EXPECT_EQ(a.otherAttributes, (std::vector<std::string>{"rtcp:9 IN IP4 0.0.0.0"}));
}

TEST(SdpParse, ChromeOfferCandidates) {
  SessionDescription s = mustParse(crlf(fixtures::kChromeOffer));
  const auto& c = s.media.at(0).candidates;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].foundation, "1467250027");
  EXPECT_EQ(c[0].component, 1u);
  EXPECT_EQ(c[0].transport, "udp");
  EXPECT_EQ(c[0].priority, 2122260223u);
  EXPECT_EQ(c[0].address, "192.168.1.20");
  EXPECT_EQ(c[0].port, 54321);
  EXPECT_EQ(c[0].type, "host");
  EXPECT_EQ(c[0].tcpType, "");
  EXPECT_EQ(c[0].raw,
            "1467250027 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 network-id 1");
  EXPECT_EQ(c[1].transport, "tcp");
  EXPECT_EQ(c[1].port, 9);
  EXPECT_EQ(c[1].tcpType, "active");
  EXPECT_EQ(c[2].type, "srflx");
  EXPECT_EQ(c[2].address, "203.0.113.7");
  EXPECT_FALSE(s.media[0].endOfCandidates);
}

TEST(SdpParse, ChromeOfferVideoAndSimulcast) {
  SessionDescription s = mustParse(crlf(fixtures::kChromeOffer));
  const MediaSection& v = s.media.at(1);
  EXPECT_EQ(v.port, 9);
  EXPECT_EQ(v.connection, "IN IP4 0.0.0.0");
  EXPECT_EQ(payloadTypes(v), (std::vector<uint8_t>{96, 97, 102, 103}));
  EXPECT_EQ(v.codec(96)->name, "VP8");
  EXPECT_EQ(v.codec(96)->clockRate, 90000u);
  EXPECT_EQ(v.codec(96)->feedback,
            (std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}));
  EXPECT_EQ(v.codec(97)->name, "rtx");
  EXPECT_EQ(v.codec(97)->fmtp, "apt=96");
  const Codec* h264 = v.codecByName("h264");
  ASSERT_NE(h264, nullptr);
  EXPECT_EQ(h264->payloadType, 102);
  EXPECT_EQ(h264->fmtp, "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(v.codecByName("RTX")->payloadType, 97);  // first match
  EXPECT_EQ(v.codecByName("AV1"), nullptr);
  EXPECT_EQ(v.extensionId("urn:3gpp:video-orientation"), 13);
  ASSERT_EQ(v.ssrcGroups.size(), 1u);
  EXPECT_EQ(v.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(v.ssrcGroups[0].ssrcs, (std::vector<uint32_t>{2231627014u, 632943048u}));
  EXPECT_EQ(v.ssrcs.size(), 4u);
  EXPECT_EQ(v.primarySsrc(), 2231627014u);
  // RFC 4588: the rtx format that repairs each codec, and the RTX SSRC paired by FID.
  ASSERT_NE(v.rtxFor(96), nullptr);
  EXPECT_EQ(v.rtxFor(96)->payloadType, 97);
  ASSERT_NE(v.rtxFor(102), nullptr);
  EXPECT_EQ(v.rtxFor(102)->payloadType, 103);
  EXPECT_EQ(v.rtxFor(97), nullptr);
  EXPECT_EQ(v.repairSsrcOf(2231627014u), 632943048u);
  EXPECT_EQ(v.repairSsrcOf(632943048u), std::nullopt);  // the repair stream repairs nothing

  const MediaSection& screen = s.media.at(2);
  EXPECT_EQ(screen.direction, Direction::SendOnly);
  EXPECT_EQ(screen.rids, (std::vector<std::string>{"q send", "h send", "f send"}));
  EXPECT_EQ(screen.simulcast, "send q;h;f");
  EXPECT_EQ(screen.extensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"), 10);
  EXPECT_TRUE(screen.ssrcs.empty());
  EXPECT_EQ(screen.primarySsrc(), std::nullopt);
}

TEST(SdpLookup, RtxForReadsAptAmongOtherParameters) {
  MediaSection m;
  m.codecs = {{96, "VP8", 90000, 0, "", {}},
              {100, "VP9", 90000, 0, "", {}},
              {97, "rtx", 90000, 0, "rtx-time=3000;apt=96", {}},
              {101, "RTX", 90000, 0, "apt=100; rtx-time=200", {}},
              {98, "rtx", 90000, 0, "apt=960", {}}};
  ASSERT_NE(m.rtxFor(96), nullptr);
  EXPECT_EQ(m.rtxFor(96)->payloadType, 97);  // not 98: "apt=960" names another type
  ASSERT_NE(m.rtxFor(100), nullptr);
  EXPECT_EQ(m.rtxFor(100)->payloadType, 101);
  EXPECT_EQ(m.rtxFor(9), nullptr);
}

TEST(SdpParse, LfAndCrlfGiveTheSameResult) {
  for (auto text : {fixtures::kChromeOffer, fixtures::kChromeAnswer, fixtures::kFirefoxAnswer}) {
    EXPECT_EQ(mustParse(text), mustParse(crlf(text)));
  }
}

// ---- answers --------------------------------------------------------------------------------

TEST(SdpParse, ChromeAnswer) {
  SessionDescription s = mustParse(crlf(fixtures::kChromeAnswer));
  ASSERT_EQ(s.media.size(), 4u);
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(s.media[0].direction, Direction::SendOnly);
  EXPECT_EQ(s.media[1].direction, Direction::SendOnly);
  EXPECT_EQ(s.media[2].direction, Direction::RecvOnly);
  EXPECT_EQ(s.media[3].direction, Direction::RecvOnly);
  for (const MediaSection& m : s.media) {
    EXPECT_EQ(s.effectiveSetup(m), "active");
    EXPECT_EQ(s.effectiveIceUfrag(m), "9Hxd");
    EXPECT_EQ(s.effectiveIcePwd(m), "Wk3mV9pQ2rT8yL1cN6bF0aZs");
    ASSERT_TRUE(s.effectiveFingerprint(m));
  }
  EXPECT_EQ(s.media[1].primarySsrc(), 2002u);
  EXPECT_EQ(s.media[3].codecByName("H264")->fmtp,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(s.media[3].codec(97), nullptr);
}

TEST(SdpParse, FirefoxAnswer) {
  SessionDescription s = mustParse(crlf(fixtures::kFirefoxAnswer));
  EXPECT_EQ(s.origin, "mozilla...THIS_IS_SDPARTA-128.0 5036469963720331473 0 IN IP4 0.0.0.0");
  ASSERT_TRUE(s.fingerprint);
  EXPECT_EQ(s.fingerprint->algorithm, "sha-256");
  EXPECT_EQ(s.iceOptions, (std::vector<std::string>{"trickle"}));
  EXPECT_EQ(s.msidSemantic, "WMS *");
  ASSERT_EQ(s.media.size(), 3u);
  const MediaSection& audio = s.media[0];
  EXPECT_FALSE(audio.fingerprint);
  EXPECT_EQ(s.effectiveFingerprint(audio), s.fingerprint);
  EXPECT_EQ(audio.setup, "active");
  EXPECT_EQ(audio.iceUfrag, "a1b2c3d4");
  EXPECT_EQ(audio.msid,
            "{5e8f2c1a-7b3d-4e9f-a6c2-1d0b8e7f6a5c} {c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f}");
  // fmtp came before rtpmap: still merged into one codec.
  EXPECT_EQ(audio.codec(111)->name, "opus");
  EXPECT_EQ(audio.codec(111)->fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  EXPECT_EQ(audio.primarySsrc(), 2655508255u);
  EXPECT_EQ(audio.ssrcs[0].value, "{8f1e2d3c-4b5a-4697-8877-665544332211}");
  const MediaSection& camera = s.media[1];
  EXPECT_EQ(camera.direction, Direction::Inactive);
  EXPECT_EQ(camera.codec(96)->fmtp, "max-fs=12288;max-fr=60");
  EXPECT_EQ(camera.codec(96)->feedback.size(), 4u);
  EXPECT_EQ(camera.codec(97)->fmtp, "apt=96");
  // The FID group comes after the SSRC lines; the repair SSRC is still not the primary.
  EXPECT_EQ(camera.primarySsrc(), 1122334455u);
  EXPECT_EQ(s.media[2].direction, Direction::RecvOnly);
}

// ---- round trips ----------------------------------------------------------------------------

TEST(SdpRoundTrip, ParseSerializeParseKeepsTheStructure) {
  for (auto text : {fixtures::kChromeOffer, fixtures::kChromeAnswer, fixtures::kFirefoxAnswer}) {
    SessionDescription first = mustParse(crlf(text));
    std::string written = serialize(first);
    SessionDescription second = mustParse(written);
    EXPECT_EQ(first, second) << written;
    EXPECT_EQ(serialize(second), written);
  }
}

TEST(SdpRoundTrip, ChromeStyleTextIsReproducedExceptForKnownNormalisations) {
  // The writer's order is Chrome's, so the answer comes back line for line except for the
  // msid-semantic spacing and a=rtcp, which lands among the other attributes at the end.
  SessionDescription s = mustParse(crlf(fixtures::kChromeAnswer));
  std::string written = serialize(s);
  EXPECT_NE(written.find("a=msid-semantic:WMS a1b2c3d4"), std::string::npos);
  EXPECT_NE(written.find("a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
                         "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"),
            std::string::npos);
  EXPECT_NE(written.find("a=ssrc-group:FID 2002 2003\r\na=ssrc:2002 cname:q1w2e3r4t5y6u7i8\r\n"),
            std::string::npos);
}

// ---- the server's offer ---------------------------------------------------------------------

SessionDescription serverOffer() {
  SessionDescription s;
  s.origin = "- 7 2 IN IP4 127.0.0.1";
  s.iceLite = true;
  s.iceUfrag = "srvU";
  s.icePwd = "srvPasswordSrvPassword22";
  s.fingerprint = Fingerprint{"sha-256", "AA:BB:CC"};
  s.setup = "actpass";
  s.bundleMids = {"0", "1", "2", "3"};
  s.msidSemantic = "WMS *";

  Codec opus{111, "opus", 48000, 2, "minptime=10;useinbandfec=1", {"transport-cc"}};
  Codec vp8{96, "VP8", 90000, 0, "", {"nack", "nack pli", "ccm fir"}};
  Codec h264{102,
             "H264",
             90000,
             0,
             "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
             {"nack", "nack pli", "ccm fir"}};
  Candidate host;
  host.foundation = "1";
  host.transport = "udp";
  host.priority = 2130706431;
  host.address = "127.0.0.1";
  host.port = 40000;
  host.type = "host";

  auto section = [&](std::string kind, std::string mid, Direction d, std::vector<Codec> codecs) {
    MediaSection m;
    m.kind = std::move(kind);
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.mid = std::move(mid);
    m.direction = d;
    m.codecs = std::move(codecs);
    m.rtcpMux = true;
    m.extensions = {{1, "urn:ietf:params:rtp-hdrext:sdes:mid", std::nullopt}};
    if (m.kind == "audio")
      m.extensions.push_back({2, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", std::nullopt});
    m.candidates = {host};
    m.endOfCandidates = true;
    return m;
  };
  s.media.push_back(section("audio", "0", Direction::RecvOnly, {opus}));
  s.media.push_back(section("video", "1", Direction::RecvOnly, {vp8, h264}));
  MediaSection out = section("audio", "2", Direction::SendOnly, {opus});
  out.msid = "p42 p42-audio";
  out.ssrcs = {{5000, "cname", "p42"}, {5000, "msid", "p42 p42-audio"}};
  s.media.push_back(out);
  out = section("video", "3", Direction::SendOnly, {vp8, h264});
  out.rtcpRsize = true;
  out.msid = "p42 p42-video";
  out.ssrcGroups = {{"FID", {6000, 6001}}};
  out.ssrcs = {{6000, "cname", "p42"}, {6001, "cname", "p42"}};
  s.media.push_back(out);
  return s;
}

TEST(SdpSerialize, ServerOfferExactText) {
  std::string text = serialize(serverOffer());
  const std::string session =
      "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "a=group:BUNDLE 0 1 2 3\r\na=msid-semantic:WMS *\r\na=ice-lite\r\n"
      "a=ice-ufrag:srvU\r\na=ice-pwd:srvPasswordSrvPassword22\r\n"
      "a=fingerprint:sha-256 AA:BB:CC\r\na=setup:actpass\r\n";
  const std::string sendVideo =
      "m=video 9 UDP/TLS/RTP/SAVPF 96 102\r\n"
      "c=IN IP4 0.0.0.0\r\n"
      "a=mid:3\r\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
      "a=sendonly\r\n"
      "a=msid:p42 p42-video\r\n"
      "a=rtcp-mux\r\n"
      "a=rtcp-rsize\r\n"
      "a=rtpmap:96 VP8/90000\r\n"
      "a=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtcp-fb:96 ccm fir\r\n"
      "a=rtpmap:102 H264/90000\r\n"
      "a=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\na=rtcp-fb:102 ccm fir\r\n"
      "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
      "a=ssrc-group:FID 6000 6001\r\n"
      "a=ssrc:6000 cname:p42\r\n"
      "a=ssrc:6001 cname:p42\r\n"
      "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"
      "a=end-of-candidates\r\n";
  EXPECT_EQ(text.substr(0, session.size()), session);
  ASSERT_GE(text.size(), sendVideo.size());
  EXPECT_EQ(text.substr(text.size() - sendVideo.size()), sendVideo);
  EXPECT_NE(text.find("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
                      "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                      "a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=recvonly\r\n"
                      "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n"
                      "a=fmtp:111 minptime=10;useinbandfec=1\r\n"),
            std::string::npos)
      << text;
  // CRLF everywhere: no bare LF.
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
  }
}

TEST(SdpSerialize, ServerOfferParsesBack) {
  SessionDescription built = serverOffer();
  std::string text = serialize(built);
  SessionDescription s = mustParse(text);
  EXPECT_TRUE(s.iceLite);
  EXPECT_EQ(s.bundleMids, built.bundleMids);
  ASSERT_EQ(s.media.size(), 4u);
  EXPECT_EQ(s.media[0].direction, Direction::RecvOnly);
  EXPECT_EQ(s.media[2].direction, Direction::SendOnly);
  EXPECT_EQ(s.media[2].msid, "p42 p42-audio");
  EXPECT_EQ(s.media[3].primarySsrc(), 6000u);
  EXPECT_EQ(s.media[1].formats, (std::vector<std::string>{"96", "102"}));
  EXPECT_EQ(s.media[1].codecs, built.media[1].codecs);
  EXPECT_EQ(s.media[3].candidates.at(0).address, "127.0.0.1");
  EXPECT_EQ(s.media[3].candidates.at(0).priority, 2130706431u);
  EXPECT_TRUE(s.media[3].endOfCandidates);
  EXPECT_EQ(s.effectiveIceUfrag(s.media[3]), "srvU");
  EXPECT_EQ(s.effectiveSetup(s.media[3]), "actpass");
  EXPECT_EQ(serialize(s), text);
}

TEST(SdpSerialize, RejectedSectionIsWritten) {
  SessionDescription s = serverOffer();
  s.media[2].port = 0;
  s.media[2].direction = Direction::Inactive;
  std::string text = serialize(s);
  EXPECT_NE(text.find("m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n"), std::string::npos);
  SessionDescription back = mustParse(text);
  ASSERT_EQ(back.media.size(), 4u);
  EXPECT_EQ(back.media[2].port, 0);
  EXPECT_EQ(back.media[2].direction, Direction::Inactive);
}

TEST(SdpSerialize, DirectionNames) {
  EXPECT_EQ(toString(Direction::SendRecv), "sendrecv");
  EXPECT_EQ(toString(Direction::SendOnly), "sendonly");
  EXPECT_EQ(toString(Direction::RecvOnly), "recvonly");
  EXPECT_EQ(toString(Direction::Inactive), "inactive");
}

// ---- tolerated input ------------------------------------------------------------------------

TEST(SdpParse, ToleratesTrailingEmptyLinesAndMissingFinalNewline) {
  EXPECT_TRUE(parse("v=0\r\ns=-\r\n\r\n").ok());
  EXPECT_TRUE(parse("v=0\ns=-\n\n\n").ok());
  EXPECT_TRUE(parse("v=0\r\ns=-").ok());
  EXPECT_TRUE(parse("v=0").ok());
}

TEST(SdpParse, IgnoresBandwidthTimingAndInformationLines) {
  SessionDescription s = mustParse(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\ni=info\r\nb=AS:2000\r\nt=0 0\r\n"
      "m=video 9 RTP/AVPF 96\r\ni=camera\r\nb=TIAS:1000000\r\na=rtpmap:96 VP8/90000\r\n");
  ASSERT_EQ(s.media.size(), 1u);
  EXPECT_EQ(s.media[0].codec(96)->name, "VP8");
  EXPECT_TRUE(s.media[0].otherAttributes.empty());
}

TEST(SdpParse, StaticPayloadTypesAndStrayRtpmap) {
  SessionDescription s = mustParse(
      "v=0\r\nm=audio 9 RTP/AVP 0 8 96\r\na=rtpmap:96 telephone-event/8000\r\n"
      "a=rtpmap:100 stray/1000\r\na=fmtp:101 x=1\r\na=rtcp-fb:102 nack\r\n");
  const MediaSection& m = s.media.at(0);
  EXPECT_EQ(payloadTypes(m), (std::vector<uint8_t>{0, 8, 96}));
  EXPECT_EQ(m.codec(0)->name, "PCMU");
  EXPECT_EQ(m.codec(0)->clockRate, 8000u);
  EXPECT_EQ(m.codec(8)->name, "PCMA");
  EXPECT_EQ(m.codec(100), nullptr);
  EXPECT_EQ(m.codec(101), nullptr);
}

TEST(SdpParse, WildcardFeedbackAppliesToEveryCodec) {
  SessionDescription s = mustParse(
      "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 98\r\na=rtpmap:96 VP8/90000\r\n"
      "a=rtpmap:98 VP9/90000\r\na=rtcp-fb:* nack\r\na=rtcp-fb:98 nack pli\r\n");
  const MediaSection& m = s.media.at(0);
  EXPECT_EQ(m.codec(96)->feedback, (std::vector<std::string>{"nack"}));
  EXPECT_EQ(m.codec(98)->feedback, (std::vector<std::string>{"nack", "nack pli"}));
}

TEST(SdpParse, SessionConnectionAndDirectionAreDefaultsForMedia) {
  SessionDescription s = mustParse(
      "v=0\r\nc=IN IP4 10.0.0.1\r\na=recvonly\r\nm=audio 5000 RTP/AVP 0\r\n"
      "m=audio 5002 RTP/AVP 0\r\nc=IN IP6 ::1\r\na=sendrecv\r\n");
  EXPECT_EQ(s.media.at(0).connection, "IN IP4 10.0.0.1");
  EXPECT_EQ(s.media.at(0).direction, Direction::RecvOnly);
  EXPECT_EQ(s.media.at(1).connection, "IN IP6 ::1");
  EXPECT_EQ(s.media.at(1).direction, Direction::SendRecv);
  EXPECT_TRUE(s.otherAttributes.empty());
}

TEST(SdpParse, ExtmapDirectionAndDataChannel) {
  SessionDescription s = mustParse(
      "v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:3/recvonly urn:x\r\n"
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:5000\r\n"
      "a=max-message-size:262144\r\n");
  EXPECT_EQ(s.media.at(0).extensions.at(0).direction, Direction::RecvOnly);
  EXPECT_EQ(s.media.at(0).extensions.at(0).uri, "urn:x");
  const MediaSection& dc = s.media.at(1);
  EXPECT_EQ(dc.formats, (std::vector<std::string>{"webrtc-datachannel"}));
  EXPECT_TRUE(dc.codecs.empty());
  EXPECT_EQ(dc.otherAttributes,
            (std::vector<std::string>{"sctp-port:5000", "max-message-size:262144"}));
  EXPECT_EQ(mustParse(serialize(s)), s);
}

TEST(SdpParse, RepeatedSingleValuedAttributesAreKept) {
  SessionDescription s = mustParse(
      "v=0\r\na=group:BUNDLE 0\r\na=group:BUNDLE 1\r\na=group:LS 0 1\r\n"
      "m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=mid:zero\r\na=msid:a b\r\na=msid:c d\r\n"
      "a=fingerprint:sha-256 AA\r\na=fingerprint:sha-1 BB\r\na=rtcp-mux:weird\r\n"
      "a=ice-lite\r\nm=audio 9 RTP/AVP 0\r\na=mid:1\r\n");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0"}));
  EXPECT_EQ(s.otherAttributes, (std::vector<std::string>{"group:BUNDLE 1", "group:LS 0 1"}));
  const MediaSection& m = s.media.at(0);
  EXPECT_EQ(m.mid, "0");
  EXPECT_EQ(m.msid, "a b");
  EXPECT_EQ(m.fingerprint->algorithm, "sha-256");
  EXPECT_FALSE(m.rtcpMux);
  EXPECT_EQ(m.otherAttributes,
            (std::vector<std::string>{"mid:zero", "msid:c d", "fingerprint:sha-1 BB",
                                      "rtcp-mux:weird", "ice-lite"}));
  EXPECT_EQ(mustParse(serialize(s)), s);
}

TEST(SdpParse, FirefoxUppercaseTransportIsLowercased) {
  SessionDescription s = mustParse(
      "v=0\r\nm=audio 9 RTP/AVP 0\r\n"
      "a=candidate:0 1 UDP 2122252543 fd00::1 49765 typ host\r\n"
      "a=candidate:4 1 TCP 2105524479 10.0.0.2 9 typ host tcptype passive\r\n"
      "a=candidate:5 1 udp 1 relay.example 3478 typ relay raddr 0.0.0.0 rport 0\r\n"
      "a=end-of-candidates\r\n");
  const auto& c = s.media.at(0).candidates;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].transport, "udp");
  EXPECT_EQ(c[0].address, "fd00::1");
  EXPECT_EQ(c[1].tcpType, "passive");
  EXPECT_EQ(c[2].type, "relay");
  EXPECT_TRUE(s.media[0].endOfCandidates);
}

// ---- errors name the line ---------------------------------------------------------------------

TEST(SdpErrors, NameTheLineAndTheProblem) {
  struct Case {
    std::string text;
    std::string message;  // expected prefix
  };
  const Case cases[] = {
      {"", "line 1: missing v= line"},
      {"\r\n\r\n", "line 1: missing v= line"},
      {"o=- 0 0 IN IP4 1.2.3.4\r\nv=0\r\n", "line 1: expected v=0 as the first line"},
      {"x=1\r\nv=0\r\n", "line 1: expected v=0 as the first line"},
      {"v=1\r\n", "line 1: unsupported protocol version 'v=1'"},
      {"v=0\r\ns=-\r\nx=foo\r\n", "line 3: unknown line type 'x'"},
      {"v=0\r\ns=-\r\nA=foo\r\n", "line 3: unknown line type 'A'"},
      {"v=0\r\nv=0\r\n", "line 2: duplicate v= line"},
      {"v=0\r\nhello\r\n", "line 2: expected <type>=<value>"},
      {"v=0\r\n\r\ns=-\r\n", "line 2: empty line"},
      {"v=0\r\ns=a\rb\r\n", "line 2: control character"},
      {"v=0\r\nc=IN IP4\r\n", "line 2: bad c= line"},
      {"v=0\r\ns=-\r\nm=audio\r\n", "line 3: bad m= line"},
      {"v=0\r\nm=audio 70000 RTP/AVP 0\r\n", "line 2: bad m= line: bad port '70000'"},
      {"v=0\r\nm=audio x RTP/AVP 0\r\n", "line 2: bad m= line: bad port 'x'"},
      {"v=0\r\nm=audio 9 RTP/AVP 0 opus\r\n",
       "line 2: bad m= line: bad payload type number 'opus'"},
      {"v=0\r\nm=audio 9 RTP/AVP 128\r\n", "line 2: bad m= line: bad payload type number '128'"},
      {"v=0\r\nm=audio 9 RTP/AVP 18446744073709551617\r\n",
       "line 2: bad m= line: bad payload type"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:x PCMU/8000\r\n",
       "line 3: bad payload type number 'x' in a=rtpmap"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", "line 3: bad a=rtpmap"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 /8000\r\n", "line 3: bad a=rtpmap"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 opus/48000/300\r\n", "line 3: bad a=rtpmap"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=fmtp:-1 x\r\n",
       "line 3: bad payload type number '-1' in a=fmtp"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtcp-fb:0\r\n", "line 3: bad a=rtcp-fb"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtcp-fb:200 nack\r\n",
       "line 3: bad payload type number '200' in a=rtcp-fb"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:0 urn:x\r\n", "line 3: bad a=extmap id '0'"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:1/sideways urn:x\r\n",
       "line 3: bad a=extmap direction"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=extmap:1\r\n", "line 3: bad a=extmap"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:abc cname:x\r\n", "line 3: bad a=ssrc"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:4294967296 cname:x\r\n", "line 3: bad a=ssrc"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc:1\r\n", "line 3: bad a=ssrc"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc-group:FID 1 x\r\n",
       "line 3: bad a=ssrc-group SSRC 'x'"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=fingerprint:sha-256\r\n", "line 3: bad a=fingerprint"},
      {"v=0\r\na=fingerprint:sha-256\r\n", "line 2: bad a=fingerprint"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 9 host\r\n",
       "line 3: bad a=candidate: too few fields"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 9 type host\r\n",
       "line 3: bad a=candidate: missing 'typ'"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 99999999999 1.2.3.4 9 typ host\r\n",
       "line 3: bad a=candidate: bad priority"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:f.o 1 udp 1 1.2.3.4 9 typ host\r\n",
       "line 3: bad a=candidate: bad foundation"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 1 1.2.3.4 9 typ host generation\r\n",
       "line 3: bad a=candidate: extension without a value"},
      {"v=0\r\nm=audio 9 RTP/AVP 0\r\na=\r\n", "line 3: empty attribute name"},
  };
  for (const Case& c : cases) {
    std::string message = errorOf(c.text);
    EXPECT_EQ(message.substr(0, c.message.size()), c.message) << "input: " << c.text;
  }
}

TEST(SdpErrors, LineNumbersCountInARealOffer) {
  // Break the rtx rtpmap of the camera section (line 66 of the fixture) and a candidate (13).
  std::string text = crlf(fixtures::kChromeOffer);
  std::string broken = text;
  size_t video = broken.find("m=video");
  size_t at = broken.find("a=rtpmap:97 rtx/90000", video);
  ASSERT_NE(at, std::string::npos);
  broken.replace(at, 21, "a=rtpmap:97 rtx");
  EXPECT_EQ(errorOf(broken).substr(0, 22), "line 66: bad a=rtpmap ");
  broken = text;
  at = broken.find("typ srflx");
  broken.replace(at, 3, "tip");
  EXPECT_EQ(errorOf(broken).substr(0, 40), "line 13: bad a=candidate: missing 'typ' ");
}

TEST(SdpErrors, MessagesAreShortAndPrintable) {
  std::string text = "v=0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:\x01\xff";
  text += std::string(5000, 'z');
  std::string message = errorOf(text);
  EXPECT_LT(message.size(), 200u);
  for (char c : message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << message;
}

// ---- limits ---------------------------------------------------------------------------------

TEST(SdpLimits, Size) {
  std::string text = "v=0\r\n";
  while (text.size() < kMaxSdpBytes - 100) text += "a=x-padding:" + std::string(80, 'p') + "\r\n";
  EXPECT_TRUE(parse(text).ok());
  text += std::string(200, 'p');
  std::string message = errorOf(text);
  EXPECT_NE(message.find("too large"), std::string::npos) << message;
}

TEST(SdpLimits, Lines) {
  std::string text = "v=0\r\n";
  for (size_t i = 1; i < kMaxSdpLines; ++i) text += "a=x\r\n";
  text += "\r\n\r\n";  // trailing empty lines do not count
  auto ok = parse(text);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->otherAttributes.size(), kMaxSdpLines - 1);
  text += "a=x\r\n";
  EXPECT_EQ(errorOf(text), "line 10001: too many lines (limit 10000)");
}

TEST(SdpLimits, MediaSections) {
  std::string text = "v=0\r\n";
  for (size_t i = 0; i < kMaxMediaSections; ++i) text += "m=audio 9 RTP/AVP 0\r\n";
  auto ok = parse(text);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->media.size(), kMaxMediaSections);
  text += "m=audio 9 RTP/AVP 0\r\n";
  EXPECT_EQ(errorOf(text), "line 258: too many media sections (limit 256)");
}

}  // namespace
}  // namespace rounds::sdp
