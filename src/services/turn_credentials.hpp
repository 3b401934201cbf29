// TurnCredentials: short-lived TURN credentials for each participant, by the "TURN REST API"
// shared-secret scheme that coturn implements as use-auth-secret / static-auth-secret.
// Threading: immutable after construction; safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace rounds {

struct TurnConfig {
  std::vector<std::string> urls;  // turn:host:3478?transport=udp, turns:host:443?transport=tcp, …
  std::string secret;             // shared with the TURN server (static-auth-secret)
  std::chrono::seconds ttl{3600};
};

// One entry of RTCPeerConnection's iceServers (W3C WebRTC §4.2.1 RTCIceServer).
struct IceServerInfo {
  std::vector<std::string> urls;
  std::string username;
  std::string credential;
};

// The parts of a stun:/turn:/turns: URI (RFC 7064 §3.1, RFC 7065 §3.1).
struct TurnUrl {
  std::string scheme;     // "stun", "turn" or "turns"
  std::string host;       // a name, an IPv4 literal or a bracketed IPv6 literal
  uint16_t port = 0;      // 0: none given (3478 for stun:/turn:, 5349 for turns:; RFC 7065 §3)
  std::string transport;  // "udp", "tcp" or "" (none given)
};

// What `rounds --check-turn` (and start-up) find in a TURN configuration.
struct TurnCheck {
  std::vector<std::string> errors;    // it cannot work: rounds refuses to start
  std::vector<std::string> warnings;  // it works, but not through every firewall, or weakly
  bool ok() const { return errors.empty(); }
};

class TurnCredentials {
 public:
  TurnCredentials(TurnConfig config, const Clock& clock);

  bool enabled() const { return !config_.urls.empty() && !config_.secret.empty(); }
  // username "<expiry unix time>:<participantId>", credential base64(HMAC-SHA1(secret, username));
  // the TURN server recomputes the password from the username and refuses it after the expiry.
  // nullopt when no TURN server is configured.
  std::optional<IceServerInfo> issue(std::string_view participantId) const;

  // base64(HMAC-SHA1(secret, username)) (RFC 2104 HMAC, RFC 4648 §4 base64 with padding).
  static std::string password(std::string_view secret, std::string_view username);
  // Accepts stun:, turn: and turns: URIs (RFC 7064 §3.1, RFC 7065 §3.1) with a host; the
  // `transport` query, when present, must be udp or tcp.
  static bool isValidUrl(std::string_view url);
  // Splits a URL isValidUrl accepts; nullopt for anything else (or a port outside 1…65535).
  static std::optional<TurnUrl> parseUrl(std::string_view url);
  // Checks a whole configuration: URLs and secret go together, every URL parses, the TTL is in
  // range; warns about what strict hospital firewalls defeat (no turns: URL, turns: not on 443,
  // turns: by IP address) and about a short secret (docs/turn.md).
  static TurnCheck check(const TurnConfig& config);

 private:
  TurnConfig config_;
  const Clock& clock_;
};

}  // namespace rounds
