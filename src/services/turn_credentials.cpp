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

}  // namespace rounds
