// State shared by the HTTP server and its sessions: configuration, handlers, the TLS context and
// the registry of live sessions that stop() walks. Internal to control/http.
// Threading: control io_context thread only (as the whole server).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "control/http_server.hpp"

namespace rounds::http {

// Anything stop() must be able to end: HTTP sessions (close the socket) and WebSocket sessions
// (onWsClose now, then a going-away close frame).
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void shutdownForStop() = 0;
};

struct ServerCore {
  ServerCore(boost::asio::io_context& ioIn, HttpServerConfig configIn, WsHandler& wsIn,
             HttpHandler& apiIn)
      : io(ioIn), config(std::move(configIn)), ws(wsIn), api(apiIn) {}

  // Registers a session; returns its id (unique per server, shared by HTTP and WS sessions).
  uint64_t track(std::weak_ptr<SessionBase> session) {
    uint64_t id = nextId++;
    sessions.emplace(id, std::move(session));
    return id;
  }
  void untrack(uint64_t id) { sessions.erase(id); }
  std::vector<std::shared_ptr<SessionBase>> liveSessions() const {
    std::vector<std::shared_ptr<SessionBase>> out;
    for (const auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  boost::asio::io_context& io;
  const HttpServerConfig config;
  WsHandler& ws;
  HttpHandler& api;
  // Sessions hold the core, so the TLS context outlives every stream made from it.
  std::optional<boost::asio::ssl::context> ssl;
  // Once set, no handler is called any more except the onWsClose owed to opened sockets.
  bool stopped = false;
  uint64_t nextId = 1;
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;
};

}  // namespace rounds::http
