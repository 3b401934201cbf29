#include "control/offer_builder.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

OfferContext context() {
  OfferContext ctx;
  ctx.transport.iceUfrag = "ufrag123";
  ctx.transport.icePwd = "passwordpasswordpassword";
  ctx.transport.fingerprintSha256 = "AB:CD";
  ctx.transport.candidates.push_back({"127.0.0.1", 40000, "udp"});
  ctx.sessionId = 42;
  ctx.version = 3;
  return ctx;
}

std::vector<MLinePlan> plan() {
  MLinePlan a;
  a.role = MLinePlan::Role::Publish;
  a.kind = MediaKind::Audio;
  a.mid = "0";
  MLinePlan v = a;
  v.kind = MediaKind::Video;
  v.mid = "1";
  MLinePlan s;
  s.role = MLinePlan::Role::Subscribe;
  s.kind = MediaKind::Video;
  s.mid = "2";
  s.sourceParticipant = "pBob";
  s.trackId = "video-pBob";
  s.ssrc = 1234;
  s.codec = supportedCodecs(MediaKind::Video)[0];
  MLinePlan gone = s;
  gone.mid = "3";
  gone.active = false;
  return {a, v, s, gone};
}

TEST(OfferBuilder, BuildsIceLiteBundledOffer) {
  auto offer = buildOffer(context(), plan());
  EXPECT_TRUE(offer.iceLite);
  ASSERT_EQ(offer.media.size(), 4u);
  EXPECT_EQ(offer.bundleMids, (std::vector<std::string>{"0", "1", "2", "3"}));
  EXPECT_EQ(offer.media[0].direction, sdp::Direction::RecvOnly);
  EXPECT_EQ(offer.media[0].codecs[0].name, "opus");
  EXPECT_EQ(offer.media[1].codecs.size(), 2u);  // VP8 and H.264
  const auto& sub = offer.media[2];
  EXPECT_EQ(sub.direction, sdp::Direction::SendOnly);
  EXPECT_EQ(sub.msid, "pBob video-pBob");
  ASSERT_EQ(sub.codecs.size(), 1u);
  EXPECT_EQ(sub.primarySsrc(), 1234u);
  EXPECT_EQ(offer.media[3].direction, sdp::Direction::Inactive);
  EXPECT_TRUE(offer.media[3].ssrcs.empty());
  for (const auto& m : offer.media) {
    EXPECT_EQ(m.setup, "actpass");
    EXPECT_TRUE(m.rtcpMux);
    EXPECT_EQ(m.iceUfrag, "ufrag123");
    ASSERT_EQ(m.candidates.size(), 1u);
    EXPECT_EQ(m.candidates[0].port, 40000);
  }
  // What we write must read back.
  auto reparsed = sdp::parse(sdp::serialize(offer));
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  EXPECT_EQ(reparsed.value().media.size(), 4u);
}

TEST(OfferBuilder, TcpCandidateIsPassiveAndRanksBelowUdp) {
  OfferContext ctx = context();
  ctx.transport.candidates.push_back({"127.0.0.1", 40000, "tcp"});
  auto offer = buildOffer(ctx, plan());
  const auto& cands = offer.media[0].candidates;
  ASSERT_EQ(cands.size(), 2u);
  EXPECT_EQ(cands[0].transport, "udp");
  EXPECT_EQ(cands[0].priority, 2130706431u);  // RFC 8445 §5.1.2.1: 126 << 24 | 65535 << 8 | 255
  EXPECT_TRUE(cands[0].tcpType.empty());
  EXPECT_EQ(cands[1].transport, "tcp");
  EXPECT_EQ(cands[1].tcpType, "passive");  // RFC 6544 §4.5
  EXPECT_LT(cands[1].priority, cands[0].priority);
  EXPECT_NE(cands[1].foundation, cands[0].foundation);
  std::string text = sdp::serialize(offer);
  EXPECT_NE(text.find("a=candidate:2 1 tcp " + std::to_string(cands[1].priority) +
                      " 127.0.0.1 40000 typ host tcptype passive\r\n"),
            std::string::npos)
      << text;
}

sdp::SessionDescription answerFor(const std::vector<MLinePlan>& p) {
  sdp::SessionDescription a;
  a.iceUfrag = "brow";
  a.icePwd = "browserpasswordbrowserpw";
  a.fingerprint = sdp::Fingerprint{"sha-256", "01:02"};
  a.setup = "active";
  for (const auto& m : p) {
    sdp::MediaSection s;
    s.kind = toString(m.kind);
    s.mid = m.mid;
    s.port = 9;
    if (m.role == MLinePlan::Role::Publish) {
      s.direction = sdp::Direction::SendOnly;
      auto c = supportedCodecs(m.kind)[0];
      s.formats = {std::to_string(c.payloadType)};
      sdp::Codec sc;
      sc.payloadType = c.payloadType;
      sc.name = c.name;
      sc.clockRate = c.clockRate;
      s.codecs = {sc};
      s.ssrcs.push_back({m.kind == MediaKind::Audio ? 111u : 222u, "cname", "x"});
    } else {
      s.direction = sdp::Direction::RecvOnly;
    }
    a.media.push_back(s);
  }
  return a;
}

TEST(OfferBuilder, ReadsPublishedTracksFromAnswer) {
  auto p = plan();
  auto info = readAnswer(answerFor(p), p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->iceUfrag, "brow");
  EXPECT_EQ(info->fingerprintValue, "01:02");
  ASSERT_EQ(info->published.size(), 2u);
  EXPECT_EQ(info->published[0].mid, "0");
  EXPECT_EQ(info->published[0].ssrc, 111u);
  EXPECT_EQ(info->published[1].codec.name, "VP8");
}

TEST(OfferBuilder, RejectsMismatchedAnswers) {
  auto p = plan();
  auto a = answerFor(p);
  a.media.pop_back();
  EXPECT_EQ(readAnswer(a, p).error().code, "sdp_invalid");

  a = answerFor(p);
  a.media[1].mid = "x";
  EXPECT_NE(readAnswer(a, p).error().message.find("mid"), std::string::npos);

  a = answerFor(p);
  a.setup = "passive";
  EXPECT_NE(readAnswer(a, p).error().message.find("setup"), std::string::npos);

  a = answerFor(p);
  a.fingerprint.reset();
  EXPECT_NE(readAnswer(a, p).error().message.find("fingerprint"), std::string::npos);

  a = answerFor(p);
  a.media[0].formats = {"0"};
  a.media[0].codecs.clear();
  EXPECT_NE(readAnswer(a, p).error().message.find("codec"), std::string::npos);
}

TEST(OfferBuilder, InactivePublishLineIsNotAProducer) {
  auto p = plan();
  auto a = answerFor(p);
  a.media[1].direction = sdp::Direction::Inactive;  // no camera
  auto info = readAnswer(a, p);
  ASSERT_TRUE(info.ok());
  ASSERT_EQ(info->published.size(), 1u);
  EXPECT_EQ(info->published[0].kind, MediaKind::Audio);
}

}  // namespace
}  // namespace rounds
