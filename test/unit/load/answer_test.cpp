// Unit tests for the load participant's answer (docs/signalling.md): directions per role, SSRCs,
// codecs, transport attributes, and what it learns about the server and the offered tracks.
#include "answer.hpp"

#include <gtest/gtest.h>

#include "proto/sdp.hpp"
#include "proto/twcc.hpp"

namespace rounds::load {
namespace {

// An offer in the shape the server sends: m-lines 0/1 recvonly, then one sendonly m-line per
// track of another participant (a=msid, a=ssrc), then one that went inactive.
std::string serverOffer(const std::string& candidateAddress = "127.0.0.1") {
  sdp::SessionDescription s;
  s.iceLite = true;
  s.msidSemantic = "WMS *";
  auto section = [&](const std::string& kind, const std::string& mid, sdp::Direction d) {
    sdp::MediaSection m;
    m.kind = kind;
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.mid = mid;
    m.direction = d;
    m.rtcpMux = true;
    m.iceUfrag = "srvU";
    m.icePwd = "serverpasswordserverpass";
    m.fingerprint = sdp::Fingerprint{"sha-256", "AA:BB:CC"};
    m.setup = "actpass";
    if (kind == "audio") {
      m.codecs = {{111, "opus", 48000, 2, "minptime=10;useinbandfec=1", {}}};
    } else {
      m.codecs = {{102, "H264", 90000, 0, "packetization-mode=1", {"nack pli"}},
                  {96, "VP8", 90000, 0, "", {"nack pli", "ccm fir"}}};
    }
    m.extensions = {{1, "urn:ietf:params:rtp-hdrext:sdes:mid", std::nullopt}};
    sdp::Candidate c;
    c.foundation = "1";
    c.transport = "udp";
    c.priority = 2130706431;
    c.address = candidateAddress;
    c.port = 40000;
    c.type = "host";
    m.candidates = {c};
    s.bundleMids.push_back(mid);
    s.media.push_back(m);
    return &s.media.back();
  };
  section("audio", "0", sdp::Direction::RecvOnly);
  section("video", "1", sdp::Direction::RecvOnly);
  auto* a = section("audio", "2", sdp::Direction::SendOnly);
  a->msid = "pAlice a0";
  a->ssrcs = {{1111, "msid", "pAlice a0"}};
  auto* v = section("video", "3", sdp::Direction::SendOnly);
  v->msid = "pAlice v0";
  v->ssrcs = {{2222, "msid", "pAlice v0"}};
  auto* gone = section("video", "4", sdp::Direction::Inactive);
  gone->msid = "pBob v0";
  return sdp::serialize(s);
}

AnswerParams params(bool publish, bool receive) {
  AnswerParams p;
  p.iceUfrag = "loadU";
  p.icePwd = "loadpasswordloadpassword";
  p.fingerprintSha256 = "11:22:33";
  p.cname = "load-0";
  p.publishAudio = p.publishVideo = publish;
  p.receive = receive;
  p.audioSsrc = 5001;
  p.videoSsrc = 5002;
  return p;
}

TEST(Answer, PublisherSendsOnZeroAndOneAndReceivesTheOthers) {
  auto r = buildAnswer(serverOffer(), params(true, true));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto a = sdp::parse(r->sdp);
  ASSERT_TRUE(a.ok()) << a.error().message;
  const auto& s = a.value();
  ASSERT_EQ(s.media.size(), 5u);
  EXPECT_EQ(s.effectiveSetup(s.media[0]), "active");
  EXPECT_EQ(s.effectiveIceUfrag(s.media[0]), "loadU");
  EXPECT_EQ(s.effectiveIcePwd(s.media[0]), "loadpasswordloadpassword");
  EXPECT_EQ(s.effectiveFingerprint(s.media[0])->value, "11:22:33");
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1", "2", "3", "4"}));

  EXPECT_EQ(s.media[0].direction, sdp::Direction::SendOnly);
  EXPECT_EQ(s.media[0].primarySsrc(), 5001u);
  EXPECT_EQ(s.media[1].direction, sdp::Direction::SendOnly);
  EXPECT_EQ(s.media[1].primarySsrc(), 5002u);
  ASSERT_EQ(s.media[1].codecs.size(), 1u);
  EXPECT_EQ(s.media[1].codecs[0].name, "VP8");  // chosen over the offer's first (H264)
  EXPECT_EQ(s.media[2].direction, sdp::Direction::RecvOnly);
  EXPECT_EQ(s.media[3].direction, sdp::Direction::RecvOnly);
  EXPECT_EQ(s.media[4].direction, sdp::Direction::Inactive);
  for (size_t i = 0; i < s.media.size(); ++i) {
    EXPECT_EQ(s.media[i].mid, std::to_string(i));
    EXPECT_TRUE(s.media[i].rtcpMux);
    EXPECT_EQ(s.media[i].extensionId("urn:ietf:params:rtp-hdrext:sdes:mid"), 1);
  }

  EXPECT_EQ(r->audioPayloadType, 111);
  EXPECT_EQ(r->videoPayloadType, 96);
  EXPECT_EQ(r->transport.iceUfrag, "srvU");
  EXPECT_EQ(r->transport.icePwd, "serverpasswordserverpass");
  EXPECT_EQ(r->transport.fingerprintSha256, "AA:BB:CC");
  EXPECT_EQ(r->transport.address, "127.0.0.1");
  EXPECT_EQ(r->transport.port, 40000);
  ASSERT_EQ(r->tracks.size(), 2u);  // the sendonly ones; the inactive m-line is no track
  EXPECT_EQ(r->tracks[0].publisherId, "pAlice");
  EXPECT_FALSE(r->tracks[0].video);
  EXPECT_EQ(r->tracks[0].ssrc, 1111u);
  EXPECT_TRUE(r->tracks[0].active);
  EXPECT_TRUE(r->tracks[1].video);
  EXPECT_EQ(r->tracks[1].ssrc, 2222u);
}

TEST(Answer, ViewerAnswersItsOwnMLinesInactive) {
  auto r = buildAnswer(serverOffer(), params(false, true));
  ASSERT_TRUE(r.ok());
  auto s = sdp::parse(r->sdp).value();
  EXPECT_EQ(s.media[0].direction, sdp::Direction::Inactive);
  EXPECT_EQ(s.media[1].direction, sdp::Direction::Inactive);
  EXPECT_TRUE(s.media[0].ssrcs.empty());
  EXPECT_EQ(s.media[2].direction, sdp::Direction::RecvOnly);
  EXPECT_FALSE(r->audioPayloadType);
  EXPECT_FALSE(r->videoPayloadType);
}

TEST(Answer, PublishOnlyDeclinesTheOthersTracks) {
  auto r = buildAnswer(serverOffer(), params(true, false));
  ASSERT_TRUE(r.ok());
  auto s = sdp::parse(r->sdp).value();
  EXPECT_EQ(s.media[0].direction, sdp::Direction::SendOnly);
  EXPECT_EQ(s.media[2].direction, sdp::Direction::Inactive);
  EXPECT_EQ(s.media[3].direction, sdp::Direction::Inactive);
  ASSERT_EQ(r->tracks.size(), 2u);
  EXPECT_FALSE(r->tracks[0].active);
}

TEST(Answer, RejectsGarbageAndOffersWithoutTransport) {
  EXPECT_FALSE(buildAnswer("not sdp", params(true, true)).ok());
  EXPECT_FALSE(buildAnswer("", params(true, true)).ok());
  auto offer = sdp::parse(serverOffer()).value();
  for (auto& m : offer.media) m.candidates.clear();
  auto r = buildAnswer(sdp::serialize(offer), params(true, true));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "sdp_invalid");
}

}  // namespace
}  // namespace rounds::load

namespace rounds::load {
namespace {

TEST(Answer, LearnsTheTransportCcIdTheOfferCarries) {
  // The server offers the transport-wide sequence number (id 3 from Rounds); the answer keeps
  // it, and the participant stamps and reports with that id.
  auto parsed = sdp::parse(serverOffer());
  ASSERT_TRUE(parsed);
  sdp::SessionDescription offer = parsed.value();
  EXPECT_FALSE(buildAnswer(sdp::serialize(offer), params(true, true))->transportCcId);
  for (auto& m : offer.media) m.extensions.push_back({3, twcc::kExtensionUri, std::nullopt});
  auto a = buildAnswer(sdp::serialize(offer), params(true, true));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->transportCcId, 3);
  auto answered = sdp::parse(a->sdp);
  ASSERT_TRUE(answered);
  EXPECT_EQ(transportCcExtensionId(answered.value()), 3);
}

// The server's offer with RTX (RFC 4588) on every video m-line, as Rounds makes it once the
// publisher's answer accepted rtx: the format on all of them, an FID group on the sendonly one.
std::string offerWithRtx() {
  auto parsed = sdp::parse(serverOffer());
  sdp::SessionDescription offer = parsed.value();
  for (auto& m : offer.media) {
    if (m.kind != "video") continue;
    m.codecs.push_back({97, "rtx", 90000, 0, "apt=96", {}});
    m.codecs.push_back({103, "rtx", 90000, 0, "apt=102", {}});
    if (!m.formats.empty()) m.formats.insert(m.formats.end(), {"97", "103"});
    if (m.direction == sdp::Direction::SendOnly) {
      m.ssrcGroups.push_back({"FID", {2222, 3333}});
      m.ssrcs.push_back({3333, "msid", m.msid});
    }
  }
  return sdp::serialize(offer);
}

TEST(Answer, AcceptsRtxForTheCodecItKeptWhenAsked) {
  AnswerParams p = params(true, true);
  p.rtx = true;
  p.videoRtxSsrc = 6002;
  auto a = buildAnswer(offerWithRtx(), p);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->videoPayloadType, 96);
  EXPECT_EQ(a->videoRtxPayloadType, 97);  // apt=96 (VP8), not the H264 one
  const OfferedTrack* video = nullptr;
  for (const auto& t : a->tracks)
    if (t.video && t.active) video = &t;
  ASSERT_NE(video, nullptr);
  EXPECT_EQ(video->payloadType, 96);
  EXPECT_EQ(video->rtxSsrc, 3333u);
  EXPECT_EQ(video->rtxPayloadType, 97);

  auto answered = sdp::parse(a->sdp);
  ASSERT_TRUE(answered);
  const sdp::MediaSection& camera = answered->media.at(1);  // ours: VP8 + its rtx, FID group
  ASSERT_EQ(camera.codecs.size(), 2u);
  EXPECT_EQ(camera.rtxFor(96)->payloadType, 97);
  EXPECT_EQ(camera.repairSsrcOf(5002), 6002u);
  const sdp::MediaSection& alice = answered->media.at(3);  // the server's: VP8 + its rtx
  ASSERT_EQ(alice.codecs.size(), 2u);
  EXPECT_EQ(alice.rtxFor(96)->payloadType, 97);
  EXPECT_TRUE(alice.ssrcGroups.empty());  // the server's SSRCs are not ours to declare
}

TEST(Answer, NotesWhichTracksTheOfferWantsReferenceTimesFor) {
  // a=rtcp-fb:96 rrtr on the video the server sends: the participant then adds an XR RRTR to
  // its reports (RFC 3611 §4.4), as Chromium does.
  auto parsed = sdp::parse(serverOffer());
  ASSERT_TRUE(parsed);
  sdp::SessionDescription offer = parsed.value();
  auto before = buildAnswer(sdp::serialize(offer), params(true, true));
  ASSERT_TRUE(before);
  for (const auto& t : before->tracks) EXPECT_FALSE(t.rrtr);
  for (auto& m : offer.media)
    if (m.kind == "video")
      for (auto& c : m.codecs) c.feedback.push_back("rrtr");
  auto a = buildAnswer(sdp::serialize(offer), params(true, true));
  ASSERT_TRUE(a);
  size_t asked = 0;
  for (const auto& t : a->tracks) {
    EXPECT_EQ(t.rrtr, t.video && t.active);
    asked += t.rrtr;
  }
  EXPECT_GT(asked, 0u);
}

TEST(Answer, LeavesRtxOutUnlessAskedOrOffered) {
  AnswerParams p = params(true, true);
  p.videoRtxSsrc = 6002;
  auto without = buildAnswer(offerWithRtx(), p);  // p.rtx false (--no-nack)
  ASSERT_TRUE(without);
  EXPECT_FALSE(without->videoRtxPayloadType);
  for (const auto& t : without->tracks) EXPECT_EQ(t.rtxPayloadType, 0);
  auto answered = sdp::parse(without->sdp);
  ASSERT_TRUE(answered);
  for (const auto& m : answered->media) EXPECT_EQ(m.codecByName("rtx"), nullptr);

  p.rtx = true;
  auto notOffered = buildAnswer(serverOffer(), p);
  ASSERT_TRUE(notOffered);
  EXPECT_FALSE(notOffered->videoRtxPayloadType);
  for (const auto& t : notOffered->tracks) EXPECT_EQ(t.rtxSsrc, 0u);
}

}  // namespace
}  // namespace rounds::load
