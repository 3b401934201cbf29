// Unit tests for the SDP that drives Janus's VideoRoom (janus_sdp.hpp): the publisher's offer,
// what is taken from Janus's answer, trickle candidates, and candidate-less offers.
#include "janus_sdp.hpp"

#include <gtest/gtest.h>

#include "proto/sdp.hpp"

namespace rounds::load {
namespace {

OfferParams offerParams() {
  OfferParams p;
  p.iceUfrag = "ufrg";
  p.icePwd = "pwdpwdpwdpwdpwdpwdpwdpwd";
  p.fingerprintSha256 = "AA:BB";
  p.cname = "load-0";
  p.audioSsrc = 1111;
  p.videoSsrc = 2222;
  p.candidateAddress = "10.99.0.2";
  p.candidatePort = 40000;
  return p;
}

TEST(JanusSdp, PublisherOfferIsSendOnlyOpusAndVp8WithOurCandidate) {
  auto parsed = sdp::parse(buildPublisherOffer(offerParams()));
  ASSERT_TRUE(parsed);
  const auto& s = parsed.value();
  ASSERT_EQ(s.media.size(), 2u);
  EXPECT_EQ(s.bundleMids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(s.effectiveSetup(s.media[0]), "active");
  EXPECT_EQ(s.effectiveIceUfrag(s.media[1]), "ufrg");
  EXPECT_EQ(s.media[0].kind, "audio");
  EXPECT_EQ(s.media[0].direction, sdp::Direction::SendOnly);
  ASSERT_NE(s.media[0].codecByName("opus"), nullptr);
  EXPECT_EQ(s.media[0].primarySsrc(), 1111u);
  EXPECT_EQ(s.media[1].kind, "video");
  ASSERT_NE(s.media[1].codecByName("VP8"), nullptr);
  EXPECT_EQ(s.media[1].primarySsrc(), 2222u);
  ASSERT_EQ(s.media[0].candidates.size(), 1u);
  EXPECT_EQ(s.media[0].candidates[0].address, "10.99.0.2");
  EXPECT_EQ(s.media[0].candidates[0].port, 40000);
  // Offered as a browser does, so Janus's publishers can be stamped like Rounds' ones.
  EXPECT_EQ(transportCcExtensionId(s), kOfferTransportCcId);
}

TEST(JanusSdp, VideoOnlyOfferHasOneMLine) {
  auto p = offerParams();
  p.audio = false;
  auto parsed = sdp::parse(buildPublisherOffer(p));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 1u);
  EXPECT_EQ(parsed->media[0].kind, "video");
}

std::string janusAnswer(bool withCandidate, bool rejectAudio = false) {
  sdp::SessionDescription a;
  a.iceLite = true;
  a.iceUfrag = "jU";
  a.icePwd = "janusjanusjanusjanusjanu";
  a.fingerprint = sdp::Fingerprint{"sha-256", "CC:DD"};
  a.setup = "passive";
  for (int i = 0; i < 2; ++i) {
    sdp::MediaSection m;
    m.kind = i == 0 ? "audio" : "video";
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.mid = std::to_string(i);
    m.direction = sdp::Direction::RecvOnly;
    m.rtcpMux = true;
    m.codecs = {i == 0 ? sdp::Codec{111, "opus", 48000, 2, "", {}}
                       : sdp::Codec{96, "VP8", 90000, 0, "", {}}};
    m.formats = {std::to_string(m.codecs[0].payloadType)};
    if (i == 0 && rejectAudio) m.port = 0;
    if (withCandidate && i == 0)
      m.candidates.push_back({"1", 1, "udp", 100, "10.99.0.1", 20002, "host", "", ""});
    a.media.push_back(m);
  }
  return sdp::serialize(a);
}

TEST(JanusSdp, AnswerGivesCredentialsPayloadTypesAndOptionalCandidate) {
  auto a = parsePublisherAnswer(janusAnswer(false));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->transport.iceUfrag, "jU");
  EXPECT_EQ(a->transport.fingerprintSha256, "CC:DD");
  EXPECT_EQ(a->transport.port, 0);  // comes by trickle
  EXPECT_EQ(a->audioPayloadType, 111);
  EXPECT_EQ(a->videoPayloadType, 96);
  auto b = parsePublisherAnswer(janusAnswer(true, true));
  ASSERT_TRUE(b);
  EXPECT_EQ(b->transport.address, "10.99.0.1");
  EXPECT_EQ(b->transport.port, 20002);
  EXPECT_FALSE(b->audioPayloadType);  // rejected m-line: we must not send audio
  EXPECT_FALSE(b->transportCcId);     // Janus's answer did not keep the extension
  EXPECT_FALSE(parsePublisherAnswer("v=0\r\n"));
}

TEST(JanusSdp, TrickleCandidates) {
  auto c = parseTrickleCandidate("candidate:1 1 udp 2015363327 10.99.0.1 20000 typ host");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, "10.99.0.1");
  EXPECT_EQ(c->second, 20000);
  EXPECT_TRUE(parseTrickleCandidate("7 1 UDP 1 10.99.0.1 1 typ host"));
  EXPECT_FALSE(parseTrickleCandidate("candidate:1 1 tcp 1 10.99.0.1 9 typ host tcptype active"));
  EXPECT_FALSE(parseTrickleCandidate("candidate:1 1 udp 1 10.99.0.1 70000 typ host"));
  EXPECT_FALSE(parseTrickleCandidate("candidate:1 1 udp 1 10.99.0.1 0 typ host"));
  EXPECT_FALSE(parseTrickleCandidate("candidate:1 1 udp 1 10.99.0.1 x typ host"));
  EXPECT_FALSE(parseTrickleCandidate(""));
}

}  // namespace
}  // namespace rounds::load
