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

TEST(TurnCredentials, ParsesUrlParts) {
  auto u = TurnCredentials::parseUrl("turns:turn.example.org:443?transport=tcp");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->scheme, "turns");
  EXPECT_EQ(u->host, "turn.example.org");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->transport, "tcp");

  auto v6 = TurnCredentials::parseUrl("turn:[2001:db8::1]:3478");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "[2001:db8::1]");
  EXPECT_EQ(v6->port, 3478);
  EXPECT_EQ(v6->transport, "");

  auto bare = TurnCredentials::parseUrl("turns:turn.example.org");
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->port, 0);

  EXPECT_FALSE(TurnCredentials::parseUrl("turn:host:").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("turn:host:65536").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("turn:host:0").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("turn:host:34x8").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("turn:[::1").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("turn:[::1]x").has_value());
  EXPECT_FALSE(TurnCredentials::parseUrl("http://host").has_value());
}

// Whether any message in `list` contains `part`.
bool mentions(const std::vector<std::string>& list, std::string_view part) {
  for (const auto& m : list)
    if (m.find(part) != std::string::npos) return true;
  return false;
}

TEST(TurnCredentials, CheckAcceptsTheRecommendedConfiguration) {
  TurnConfig cfg;
  cfg.urls = {"turn:turn.hospital.example:3478?transport=udp",
              "turns:turn.hospital.example:443?transport=tcp"};
  cfg.secret = "0123456789abcdef0123456789abcdef";
  auto r = TurnCredentials::check(cfg);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.warnings.empty()) << r.warnings.front();
  EXPECT_TRUE(TurnCredentials::check(TurnConfig{}).ok());  // no TURN at all is fine too
}

TEST(TurnCredentials, CheckRefusesHalfAConfiguration) {
  TurnConfig noSecret;
  noSecret.urls = {"turns:turn.hospital.example:443?transport=tcp"};
  auto a = TurnCredentials::check(noSecret);
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(mentions(a.errors, "--turn-secret is not"));

  TurnConfig noUrl;
  noUrl.secret = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(mentions(TurnCredentials::check(noUrl).errors, "no --turn-url"));

  TurnConfig badUrl = noSecret;
  badUrl.secret = noUrl.secret;
  badUrl.urls.push_back("turn:host:99999");
  badUrl.ttl = std::chrono::seconds(30);
  auto c = TurnCredentials::check(badUrl);
  EXPECT_TRUE(mentions(c.errors, "turn:host:99999"));
  EXPECT_TRUE(mentions(c.errors, "--turn-ttl"));
}

TEST(TurnCredentials, CheckWarnsWhatStrictFirewallsDefeat) {
  TurnConfig cfg;
  cfg.secret = "short";
  cfg.urls = {"turn:turn.hospital.example:3478?transport=tcp"};
  auto r = TurnCredentials::check(cfg);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(mentions(r.warnings, "shorter than 16"));
  EXPECT_TRUE(mentions(r.warnings, "no turns:<host>:443"));

  // RFC 7065 §3: no port in a turns: URL means 5349.
  cfg.urls = {"turns:turn.hospital.example?transport=tcp"};
  r = TurnCredentials::check(cfg);
  EXPECT_TRUE(mentions(r.warnings, "port 5349"));
  EXPECT_TRUE(mentions(r.warnings, "no turns:<host>:443"));

  cfg.urls = {"turns:203.0.113.20:443?transport=tcp"};
  r = TurnCredentials::check(cfg);
  EXPECT_TRUE(mentions(r.warnings, "no SNI"));
  EXPECT_FALSE(mentions(r.warnings, "no turns:<host>:443"));

  cfg.urls = {"stun:stun.hospital.example"};
  EXPECT_TRUE(mentions(TurnCredentials::check(cfg).warnings, "only stun:"));
}

}  // namespace
}  // namespace rounds
