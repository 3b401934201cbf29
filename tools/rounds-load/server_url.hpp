// Where the load generator connects: the server's URL as `rounds` prints it (`url: http://…/`),
// a ws:// signalling URL, or HOST:PORT. Only plain (non-TLS) loopback literals are accepted.
// Threading: stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rounds::load {

struct ServerUrl {
  std::string host;  // IP literal without brackets: "127.0.0.1", "::1"
  uint16_t port = 0;
};

// Error code "bad_url": not http://, ws:// or HOST:PORT; TLS; not an IP literal; not loopback
// (or, with allowPrivate, not a private RFC 1918 IPv4 address either: a run inside network
// namespaces joined by a veth pair, as the Janus benchmark does).
Result<ServerUrl> parseServerUrl(std::string_view url, bool allowPrivate = false);

}  // namespace rounds::load
