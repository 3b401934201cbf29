#include "services/turn_credentials.hpp"

#include <gtest/gtest.h>

namespace rounds {
namespace {

TEST(TurnCredentials, PasswordMatchesRfc2202Vector) {
  // RFC 2202 §3 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?") =
  // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79, which is this in base64.
  EXPECT_EQ(TurnCredentials::password("Jefe", "what do ya want for nothing?"),
            "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

TEST(TurnCredentials, PasswordMatchesOpensslCommandLine) {
  // printf '%s' '1700003600:pAlice' | openssl dgst -sha1 -hmac 'north-sea-secret' -binary | base64
  EXPECT_EQ(TurnCredentials::password("north-sea-secret", "1700003600:pAlice"),
            "xnFLmrJp1WItpQfMkSYF0FvrLLc=");
}

TEST(TurnCredentials, IssuesUsernameWithExpiryAndParticipant) {
  ManualClock clock;  // wall clock 1,700,000,000,000 ms
  TurnConfig cfg;
  cfg.urls = {"turn:127.0.0.1:3478?transport=udp", "turns:turn.example.org:443?transport=tcp"};
  cfg.secret = "north-sea-secret";
  cfg.ttl = std::chrono::seconds(3600);
  TurnCredentials turn(cfg, clock);
  ASSERT_TRUE(turn.enabled());
  auto s = turn.issue("pAlice");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->urls, cfg.urls);
  EXPECT_EQ(s->username, "1700003600:pAlice");
  EXPECT_EQ(s->credential, "xnFLmrJp1WItpQfMkSYF0FvrLLc=");

  clock.advance(std::chrono::seconds(10));
  EXPECT_EQ(turn.issue("pAlice")->username, "1700003610:pAlice");
}

TEST(TurnCredentials, DisabledWithoutUrlsOrSecret) {
  ManualClock clock;
  EXPECT_FALSE(TurnCredentials(TurnConfig{}, clock).issue("p1").has_value());
  TurnConfig noSecret;
  noSecret.urls = {"turn:127.0.0.1:3478"};
  EXPECT_FALSE(TurnCredentials(noSecret, clock).enabled());
}

TEST(TurnCredentials, ValidatesUrls) {
  EXPECT_TRUE(TurnCredentials::isValidUrl("turn:127.0.0.1:3478?transport=tcp"));
  EXPECT_TRUE(TurnCredentials::isValidUrl("turns:turn.example.org:443?transport=tcp"));
  EXPECT_TRUE(TurnCredentials::isValidUrl("turn:[::1]:3478"));
  EXPECT_TRUE(TurnCredentials::isValidUrl("stun:stun.example.org"));
  EXPECT_FALSE(TurnCredentials::isValidUrl("http://turn.example.org"));
  EXPECT_FALSE(TurnCredentials::isValidUrl("turn:"));
  EXPECT_FALSE(TurnCredentials::isValidUrl("turn:host?transport=sctp"));
  EXPECT_FALSE(TurnCredentials::isValidUrl("turn:host name"));
  EXPECT_FALSE(TurnCredentials::isValidUrl("turn:\"host\""));
}

}  // namespace
}  // namespace rounds
