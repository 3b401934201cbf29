// What a browser answers to one of the server's offers, for control-plane tests that stand in
// for a browser: it sends on our recvonly m-lines (one SSRC each, when `sendMedia`), receives on
// our sendonly ones, keeps the rest inactive, and is the DTLS client.
// Threading: a pure function.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "proto/sdp.hpp"

namespace rounds::test {

inline std::string browserAnswer(const std::string& offerSdp, bool sendMedia = true,
                                 const std::string& iceUfrag = "brwz") {
  auto offer = sdp::parse(offerSdp);
  EXPECT_TRUE(offer.ok());
  if (!offer.ok()) return {};
  sdp::SessionDescription a;
  a.iceUfrag = iceUfrag;
  a.icePwd = "browserbrowserbrowser123";
  a.fingerprint = sdp::Fingerprint{"sha-256", "00:11:22:33"};
  a.setup = "active";
  a.bundleMids = offer.value().bundleMids;
  uint32_t ssrc = 1000;
  for (const auto& m : offer.value().media) {
    sdp::MediaSection s;
    s.kind = m.kind;
    s.mid = m.mid;
    s.protocol = m.protocol;
    s.codecs = {m.codecs.at(0)};
    s.rtcpMux = true;
    s.direction = sdp::Direction::Inactive;
    if (m.direction == sdp::Direction::RecvOnly && sendMedia) {
      s.direction = sdp::Direction::SendOnly;
      s.ssrcs.push_back({ssrc++, "cname", "browser"});
    } else if (m.direction == sdp::Direction::SendOnly) {
      s.direction = sdp::Direction::RecvOnly;
    }
    a.media.push_back(s);
  }
  return sdp::serialize(a);
}

}  // namespace rounds::test
