#include "services/turn_credentials.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace rounds {

TurnCredentials::TurnCredentials(TurnConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

std::string TurnCredentials::password(std::string_view secret, std::string_view username) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int macLen = 0;
  if (!HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac.data(),
            &macLen)) {
    return {};
  }
  // 4 output characters per 3 input bytes, plus the terminating NUL EVP_EncodeBlock writes.
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  int n = EVP_EncodeBlock(text.data(), mac.data(), static_cast<int>(macLen));
  return std::string(reinterpret_cast<const char*>(text.data()), n > 0 ? size_t(n) : 0);
}

std::optional<IceServerInfo> TurnCredentials::issue(std::string_view participantId) const {
  if (!enabled()) return std::nullopt;
  int64_t expiry = clock_.wallMillis() / 1000 + config_.ttl.count();
  IceServerInfo s;
  s.urls = config_.urls;
  s.username = std::to_string(expiry) + ":" + std::string(participantId);
  s.credential = password(config_.secret, s.username);
  return s;
}

bool TurnCredentials::isValidUrl(std::string_view url) {
  std::string_view rest;
  for (std::string_view scheme : {"stun:", "turn:", "turns:"}) {
    if (url.starts_with(scheme)) rest = url.substr(scheme.size());
  }
  if (rest.empty() || rest.starts_with(':') || rest.starts_with('?')) return false;
  for (char c : rest)
    if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\') return false;
  auto q = rest.find('?');
  if (q == std::string_view::npos) return true;
  std::string_view query = rest.substr(q + 1);
  return query == "transport=udp" || query == "transport=tcp";
}

namespace {

bool isIpv4Literal(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  return true;
}

bool isIpLiteral(std::string_view host) { return host.starts_with('[') || isIpv4Literal(host); }

}  // namespace

std::optional<TurnUrl> TurnCredentials::parseUrl(std::string_view url) {
  if (!isValidUrl(url)) return std::nullopt;
  TurnUrl u;
  auto colon = url.find(':');
  u.scheme = std::string(url.substr(0, colon));
  std::string_view rest = url.substr(colon + 1);
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    u.transport = std::string(rest.substr(q + 1 + std::string_view("transport=").size()));
    rest = rest.substr(0, q);
  }
  // RFC 7064 §3.1: host = IP-literal / IPv4address / reg-name, then an optional ":" port.
  std::string_view portText;
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(rest.substr(0, close + 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return std::nullopt;
      portText = after.substr(1);
      if (portText.empty()) return std::nullopt;
    }
  } else {
    auto c = rest.find(':');
    u.host = std::string(rest.substr(0, c));
    if (c != std::string_view::npos) {
      portText = rest.substr(c + 1);
      if (portText.empty()) return std::nullopt;
    }
  }
  if (u.host.empty() || u.host == "[]") return std::nullopt;
  if (!portText.empty()) {
    if (portText.size() > 5) return std::nullopt;
    unsigned port = 0;
    for (char c : portText) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + unsigned(c - '0');
    }
    if (port == 0 || port > 65535) return std::nullopt;
    u.port = static_cast<uint16_t>(port);
  }
  return u;
}

TurnCheck TurnCredentials::check(const TurnConfig& config) {
  TurnCheck r;
  if (config.urls.empty() && config.secret.empty()) return r;  // no TURN: nothing to check
  if (config.secret.empty()) r.errors.push_back("--turn-url is set but --turn-secret is not");
  if (config.urls.empty()) r.errors.push_back("--turn-secret is set but no --turn-url");
  if (config.ttl < std::chrono::seconds(60) || config.ttl > std::chrono::hours(24 * 7))
    r.errors.push_back("--turn-ttl must be 60 … 604800 seconds");
  if (!config.secret.empty() && config.secret.size() < 16)
    r.warnings.push_back("the TURN secret is shorter than 16 characters: use `openssl rand -hex 32`");
  bool anyRelay = false;
  bool anyTls443 = false;
  for (const auto& url : config.urls) {
    auto u = parseUrl(url);
    if (!u) {
      r.errors.push_back("not a stun:, turn: or turns: URL: " + url);
      continue;
    }
    if (u->scheme == "stun") continue;
    anyRelay = true;
    if (u->scheme != "turns") continue;
    // RFC 7065 §3: turns: without a port means 5349, which firewalls that pass only HTTPS block.
    if (u->port != 443)
      r.warnings.push_back(url + ": TLS on port " + std::to_string(u->port ? u->port : 5349) +
                           "; networks that let only HTTPS out need turns:<host>:443");
    if (u->transport == "udp")
      r.warnings.push_back(url + ": turns: over UDP is DTLS, which browsers do not use for TURN");
    if (isIpLiteral(u->host))
      r.warnings.push_back(url + ": by IP address browsers send no SNI and the certificate must "
                                 "name that address; use the TURN server's DNS name");
    if (u->port == 443 && u->transport != "udp") anyTls443 = true;
  }
  if (!config.urls.empty() && !anyRelay)
    r.warnings.push_back("only stun: URLs: nothing relays for browsers that cannot reach rounds");
  else if (anyRelay && !anyTls443)
    r.warnings.push_back(
        "no turns:<host>:443?transport=tcp URL: browsers whose network lets only HTTPS out "
        "cannot reach the relay (docs/turn.md)");
  return r;
}

}  // namespace rounds
