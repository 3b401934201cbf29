#include "server_url.hpp"

#include <charconv>

#include "common/address.hpp"

namespace rounds::load {

Result<ServerUrl> parseServerUrl(std::string_view url, bool allowPrivate) {
  auto bad = [&](const std::string& why) {
    return makeError("bad_url", "'" + std::string(url) + "': " + why);
  };
  std::string_view rest = url;
  for (std::string_view scheme : {"http://", "ws://"}) {
    if (rest.substr(0, scheme.size()) == scheme) {
      rest.remove_prefix(scheme.size());
      break;
    }
  }
  if (url.substr(0, 8) == "https://" || url.substr(0, 6) == "wss://")
    return bad("TLS is not supported; run the server without --tls-cert for load tests");
  if (rest.find("://") != std::string_view::npos) return bad("scheme must be http:// or ws://");
  rest = rest.substr(0, rest.find('/'));  // the path is always /ws
  std::string_view host, port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return bad("expected [IPv6]:PORT");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return bad("missing :PORT");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535)
    return bad("bad port");
  if (host == "localhost") host = "127.0.0.1";
  auto addr = SocketAddress::parse(host, static_cast<uint16_t>(p));
  if (!addr) return bad("host must be an IP literal");
  const uint8_t* b = addr->addressBytes();
  bool loopback = addr->isV4() ? b[0] == 127 : (addr->ip() == "::1");
  // RFC 1918 §3: 10/8, 172.16/12, 192.168/16.
  bool rfc1918 = addr->isV4() && (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
                                  (b[0] == 192 && b[1] == 168));
  if (!loopback && !(allowPrivate && rfc1918))
    return bad(allowPrivate ? "only loopback or private (RFC 1918) addresses are allowed"
                            : "only loopback addresses are allowed (127.0.0.0/8, ::1)");
  return ServerUrl{std::string(host), static_cast<uint16_t>(p)};
}

}  // namespace rounds::load
