#include "control/offer_builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
  s.rtxSsrc = 5678;
  s.consumerId = 77;
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
  EXPECT_EQ(offer.media[1].codecs.size(), 4u);  // VP8 and H.264, each with its rtx
  const auto& sub = offer.media[2];
  EXPECT_EQ(sub.direction, sdp::Direction::SendOnly);
  EXPECT_EQ(sub.msid, "pBob video-pBob");
  ASSERT_EQ(sub.codecs.size(), 2u);  // VP8 + its rtx
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

TEST(OfferBuilder, VideoLinesOfferNackAndRtx) {
  auto offer = buildOffer(context(), plan());
  auto reparsed = sdp::parse(sdp::serialize(offer));
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  const auto& pub = reparsed.value().media[1];
  EXPECT_EQ(pub.formats, (std::vector<std::string>{"96", "97", "102", "103"}));
  const sdp::Codec* vp8 = pub.codec(96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_NE(std::find(vp8->feedback.begin(), vp8->feedback.end(), "nack"), vp8->feedback.end());
  EXPECT_NE(std::find(vp8->feedback.begin(), vp8->feedback.end(), "nack pli"),
            vp8->feedback.end());
  // RFC 3611 RRTR from the browser for what it receives (Router::answerRrtrs answers it).
  EXPECT_NE(std::find(vp8->feedback.begin(), vp8->feedback.end(), "rrtr"), vp8->feedback.end());
  ASSERT_NE(pub.codec(97), nullptr);
  EXPECT_EQ(pub.codec(97)->name, "rtx");
  EXPECT_EQ(pub.codec(97)->clockRate, 90000u);
  EXPECT_EQ(pub.codec(97)->fmtp, "apt=96");
  ASSERT_NE(pub.codec(103), nullptr);
  EXPECT_EQ(pub.codec(103)->fmtp, "apt=102");
  // Audio has neither.
  EXPECT_EQ(reparsed.value().media[0].codecByName("rtx"), nullptr);

  const auto& sub = reparsed.value().media[2];
  ASSERT_EQ(sub.ssrcGroups.size(), 1u);
  EXPECT_EQ(sub.ssrcGroups[0].semantics, "FID");
  EXPECT_EQ(sub.ssrcGroups[0].ssrcs, (std::vector<uint32_t>{1234, 5678}));
  EXPECT_EQ(sub.primarySsrc(), 1234u);
  ASSERT_NE(sub.codec(97), nullptr);
  EXPECT_EQ(sub.codec(97)->fmtp, "apt=96");
  bool rtxHasMsid = std::any_of(sub.ssrcs.begin(), sub.ssrcs.end(), [](const auto& a) {
    return a.ssrc == 5678 && a.name == "msid" && a.value == "pBob video-pBob";
  });
  EXPECT_TRUE(rtxHasMsid);
  // No RTX SSRC: no rtx format and no group.
  auto p = plan();
  p[2].rtxSsrc = 0;
  auto plainOffer = buildOffer(context(), p);
  const auto& plain = plainOffer.media[2];
  EXPECT_EQ(plain.codecs.size(), 1u);
  EXPECT_TRUE(plain.ssrcGroups.empty());
}

TEST(OfferBuilder, ReadsRtxFromAnswer) {
  auto p = plan();
  auto a = answerFor(p);
  auto& pub = a.media[1];
  sdp::Codec rtx;
  rtx.payloadType = 97;
  rtx.name = "rtx";
  rtx.clockRate = 90000;
  rtx.fmtp = "apt=96";
  pub.codecs.push_back(rtx);
  pub.formats.push_back("97");
  pub.ssrcGroups.push_back({"FID", {222, 333}});
  pub.ssrcs.push_back({333, "cname", "x"});
  // The subscriber keeps rtx on m-line 2.
  a.media[2].codecs.push_back(rtx);
  a.media[2].formats = {"96", "97"};
  auto info = readAnswer(a, p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->published.size(), 2u);
  EXPECT_EQ(info->published[0].rtxPayloadType, 0);  // audio
  EXPECT_EQ(info->published[1].ssrc, 222u);
  EXPECT_EQ(info->published[1].rtxPayloadType, 97);
  EXPECT_EQ(info->published[1].rtxSsrc, 333u);
  ASSERT_EQ(info->subscribed.size(), 1u);  // the inactive line is not listed
  EXPECT_EQ(info->subscribed[0].consumerId, 77u);
  EXPECT_TRUE(info->subscribed[0].rtx);

  // An answer without rtx: plain retransmissions, no RTX SSRC.
  auto plain = readAnswer(answerFor(p), p);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->published[1].rtxPayloadType, 0);
  EXPECT_FALSE(plain->published[1].rtxSsrc.has_value());
  ASSERT_EQ(plain->subscribed.size(), 1u);
  EXPECT_FALSE(plain->subscribed[0].rtx);

  // rtx for another codec (apt=102 only) does not count for VP8.
  a.media[2].codecs.back().fmtp = "apt=102";
  EXPECT_FALSE(readAnswer(a, p)->subscribed[0].rtx);
}

// RFC 7587 §6.1: the publisher's answer says how it encodes (useinbandfec, usedtx); a subscriber
// decodes the very same packets, so its offer must carry the publisher's fmtp, not ours.
TEST(OfferBuilder, OpusFecAndDtxFromThePublisherReachTheSubscribersOffer) {
  auto p = plan();
  auto a = answerFor(p);
  a.media[0].codecs[0].fmtp = "minptime=10;useinbandfec=1;usedtx=1";
  auto info = readAnswer(a, p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->published[0].kind, MediaKind::Audio);
  // What the conference does with the published track: a Subscribe m-line for someone else.
  MLinePlan sub;
  sub.mid = "0";
  sub.kind = MediaKind::Audio;
  sub.role = MLinePlan::Role::Subscribe;
  sub.active = true;
  sub.sourceParticipant = "pAlice";
  sub.trackId = "audio-pAlice";
  sub.ssrc = 4321;
  sub.codec = info->published[0].codec;
  auto offer = sdp::parse(sdp::serialize(buildOffer(context(), {sub})));
  ASSERT_TRUE(offer.ok()) << offer.error().message;
  const sdp::Codec* opus = offer.value().media[0].codec(111);
  ASSERT_NE(opus, nullptr);
  EXPECT_NE(opus->fmtp.find("useinbandfec=1"), std::string::npos) << opus->fmtp;
  EXPECT_NE(opus->fmtp.find("usedtx=1"), std::string::npos) << opus->fmtp;

  // A publisher without DTX: the subscriber is not told to expect it.
  a.media[0].codecs[0].fmtp = "minptime=10;useinbandfec=1";
  sub.codec = readAnswer(a, p)->published[0].codec;
  auto plain = buildOffer(context(), {sub});
  EXPECT_EQ(plain.media[0].codecs[0].fmtp.find("usedtx"), std::string::npos);
  EXPECT_NE(plain.media[0].codecs[0].fmtp.find("useinbandfec=1"), std::string::npos);
}

}  // namespace
}  // namespace rounds

namespace rounds {
namespace {

TEST(OfferBuilder, EveryMLineOffersTransportCc) {
  auto offer = buildOffer(context(), plan());
  for (const auto& m : offer.media) {
    bool ext = std::any_of(m.extensions.begin(), m.extensions.end(), [](const auto& e) {
      return e.id == ExtensionIds::kTransportCc &&
             e.uri == "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    });
    EXPECT_TRUE(ext) << "m-line " << m.mid;
    for (const auto& c : m.codecs) {
      if (c.name == "rtx") continue;
      EXPECT_NE(std::find(c.feedback.begin(), c.feedback.end(), "transport-cc"), c.feedback.end())
          << "m-line " << m.mid << " " << c.name;
    }
  }
  std::string text = sdp::serialize(offer);
  EXPECT_NE(text.find("a=rtcp-fb:111 transport-cc\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rtcp-fb:96 transport-cc\r\n"), std::string::npos);
}

TEST(OfferBuilder, ReadsWhetherThePublisherKeptTransportCc) {
  auto p = plan();
  auto answer = answerFor(p);
  answer.media[1].extensions.push_back(
      {ExtensionIds::kTransportCc,
       "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", std::nullopt});
  auto info = readAnswer(answer, p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->published.size(), 2u);
  EXPECT_FALSE(info->published[0].transportCc);  // audio answered without it
  EXPECT_TRUE(info->published[1].transportCc);
}

TEST(OfferBuilderSimulcast, PublishVideoAsksForThreeLayers) {
  auto p = plan();
  p[1].simulcast = true;
  auto offer = buildOffer(context(), p);
  const auto& v = offer.media[1];
  EXPECT_EQ(v.rids, (std::vector<std::string>{"l recv", "m recv", "h recv"}));
  EXPECT_EQ(v.simulcast, "recv l;m;h");
  EXPECT_EQ(v.extensionId("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"), ExtensionIds::kRid);
  EXPECT_EQ(v.extensionId("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"),
            ExtensionIds::kRepairedRid);
  // Subscribers' video lines carry abs-send-time (their browser's REMB) but no rids.
  const auto& sub = offer.media[2];
  EXPECT_EQ(sub.extensionId("http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
            ExtensionIds::kAbsSendTime);
  EXPECT_TRUE(sub.rids.empty());
  EXPECT_TRUE(sub.simulcast.empty());
  // Audio has neither.
  EXPECT_TRUE(offer.media[0].rids.empty());
  // And it survives serialisation.
  auto text = sdp::serialize(offer);
  EXPECT_NE(text.find("a=simulcast:recv l;m;h\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rid:m recv\r\n"), std::string::npos);
}

TEST(OfferBuilderSimulcast, WithoutItNoRids) {
  auto offer = buildOffer(context(), plan());
  EXPECT_TRUE(offer.media[1].rids.empty());
  EXPECT_TRUE(offer.media[1].simulcast.empty());
}

TEST(OfferBuilderSimulcast, ReadsTheLayersTheAnswerSends) {
  auto p = plan();
  p[1].simulcast = true;
  auto a = answerFor(p);
  a.media[1].ssrcs.clear();  // Chromium names no SSRCs when it sends simulcast
  a.media[1].rids = {"h send", "m send", "l send"};
  a.media[1].simulcast = "send h;m;l";
  auto info = readAnswer(a, p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->published.size(), 2u);
  EXPECT_EQ(info->published[1].rids, (std::vector<std::string>{"l", "m", "h"}))
      << "lowest first, whatever order the answer lists them in";
  EXPECT_FALSE(info->published[1].ssrc);
  EXPECT_TRUE(info->published[0].rids.empty());

  // A layer the answer does not declare with a=rid is not expected.
  a.media[1].rids = {"h send", "l send"};
  info = readAnswer(a, p);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->published[1].rids, (std::vector<std::string>{"l", "h"}));
  // One layer, or rids we never offered, is no simulcast.
  a.media[1].rids = {"h send", "x send"};
  a.media[1].simulcast = "send h;x";
  info = readAnswer(a, p);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->published[1].rids.empty());
  // An answer that declines simulcast.
  a.media[1].rids.clear();
  a.media[1].simulcast.clear();
  info = readAnswer(a, p);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->published[1].rids.empty());
}

// Screen sharing (docs/signalling.md "Screen sharing"): both ends of a screen are marked
// a=content:slides (RFC 4796); the sharer's line is inactive while nothing is shared, and an
// answer on it is a screen producer only while it is active.
TEST(OfferBuilder, ScreenLinesAreSlidesAndInactiveWhileNotShared) {
  auto p = plan();
  MLinePlan own;
  own.role = MLinePlan::Role::Publish;
  own.kind = MediaKind::Video;
  own.mid = "4";
  own.screen = true;
  MLinePlan theirs = p[2];
  theirs.mid = "5";
  theirs.screen = true;
  theirs.trackId = "screen-pBob";
  p.push_back(own);
  p.push_back(theirs);
  auto reparsed = sdp::parse(sdp::serialize(buildOffer(context(), p)));
  ASSERT_TRUE(reparsed.ok()) << reparsed.error().message;
  auto slides = [](const sdp::MediaSection& m) {
    return std::count(m.otherAttributes.begin(), m.otherAttributes.end(), "content:slides");
  };
  const auto& media = reparsed.value().media;
  EXPECT_EQ(slides(media[1]), 0) << "the camera is not slides";
  EXPECT_EQ(slides(media[2]), 0);
  EXPECT_EQ(slides(media[4]), 1);
  EXPECT_EQ(media[4].direction, sdp::Direction::RecvOnly);
  EXPECT_TRUE(media[4].simulcast.empty()) << "a screen is one layer";
  EXPECT_EQ(slides(media[5]), 1);
  EXPECT_EQ(media[5].direction, sdp::Direction::SendOnly);
  EXPECT_EQ(media[5].msid, "pBob screen-pBob");

  auto info = readAnswer(answerFor(p), p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  ASSERT_EQ(info->published.size(), 3u);
  EXPECT_FALSE(info->published[1].screen);
  EXPECT_TRUE(info->published[2].screen);
  EXPECT_EQ(info->published[2].mid, "4");

  p[4].active = false;  // stopped sharing: offered inactive, and a late sendonly answer is ignored
  reparsed = sdp::parse(sdp::serialize(buildOffer(context(), p)));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(reparsed.value().media[4].direction, sdp::Direction::Inactive);
  info = readAnswer(answerFor(p), p);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->published.size(), 2u);
}

}  // namespace
}  // namespace rounds
