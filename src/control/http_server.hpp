// HTTP + WebSocket server on one port (Boost.Beast), plain or TLS: serves the built web client,
// routes /api/* to an HttpHandler and upgrades /ws to a WebSocket whose messages go to a WsHandler.
// Threading: everything runs on the control io_context given at construction (one thread);
// WsConnection::send/close may be called from that thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace rounds {

struct HttpServerConfig {
  std::string bindAddress = "127.0.0.1";
  uint16_t port = 8080;        // 0 picks a free port (tests); port() tells which
  std::string webRoot;         // directory with index.html; "" serves no files
  std::string tlsCertFile;     // PEM; both set => HTTPS/WSS only
  std::string tlsKeyFile;
  size_t maxWsMessage = 65536;          // larger frames close the socket with 1009
  size_t maxHttpBody = 1 << 20;
  std::chrono::seconds wsPingInterval{10};
  std::chrono::seconds wsPongTimeout{30};
};

// One open WebSocket. Held by the server while open; handlers may keep a shared_ptr.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  virtual uint64_t id() const = 0;
  virtual std::string remoteAddress() const = 0;
  // Queues a text frame; frames are sent in order, one write in flight.
  virtual void send(std::string text) = 0;
  // Sends a close frame with this code and reason after queued frames, then closes.
  virtual void close(uint16_t code, std::string reason) = 0;
  virtual bool isOpen() const = 0;
  // The code of the close frame the client sent (RFC 6455 §7.1.5), once one arrived; nullopt
  // while open and when the connection ended without one (network gone, ping timeout, our close).
  virtual std::optional<uint16_t> clientCloseCode() const { return std::nullopt; }
};

class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void onWsOpen(const std::shared_ptr<WsConnection>& conn) = 0;
  virtual void onWsMessage(const std::shared_ptr<WsConnection>& conn, std::string_view text) = 0;
  // Called exactly once per opened connection, whatever closed it (peer, error, timeout, close()).
  virtual void onWsClose(const std::shared_ptr<WsConnection>& conn) = 0;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called for every /api/... request.
  virtual HttpResponse onHttpRequest(const HttpRequest& req) = 0;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, HttpServerConfig config, WsHandler& ws, HttpHandler& api);
  ~HttpServer();
  // Binds and starts accepting; error code "listen_failed" or "tls_config" with a reason.
  Status start();
  uint16_t port() const;
  bool tls() const;
  // Stops accepting and closes every session (each WebSocket gets onWsClose).
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace rounds
