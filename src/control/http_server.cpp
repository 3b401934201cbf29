// HttpServer: the acceptor, TLS configuration and stop(); sessions live in control/http/.
// Threading: control io_context thread (see http_server.hpp).
#include "control/http_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "common/log.hpp"
#include "control/http/http_session.hpp"
#include "control/http/server_core.hpp"
#include "control/http/ws_session.hpp"

namespace rounds {

namespace asio = boost::asio;
using asio::ip::tcp;

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, HttpServerConfig config, WsHandler& ws, HttpHandler& api)
      : core(std::make_shared<http::ServerCore>(io, std::move(config), ws, api)), acceptor(io) {}

  Status configureTls();
  Status listen();
  void doAccept();
  void onAccept(boost::system::error_code ec, tcp::socket socket);

  std::shared_ptr<http::ServerCore> core;
  tcp::acceptor acceptor;
  uint16_t port = 0;
};

namespace {

std::string endpointText(const tcp::endpoint& ep) {
  const auto addr = ep.address();
  std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return host + ":" + std::to_string(ep.port());
}

}  // namespace

Status HttpServer::Impl::configureTls() {
  const auto& cfg = core->config;
  if (cfg.tlsCertFile.empty() && cfg.tlsKeyFile.empty()) return Ok{};
  if (cfg.tlsCertFile.empty() || cfg.tlsKeyFile.empty()) {
    return makeError("tls_config", "both a certificate and a key file are needed for TLS");
  }
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  // TLS 1.2 is the floor browsers still accept; nothing older.
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                  asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cfg.tlsCertFile, ec);
  if (ec) {
    return makeError("tls_config",
                     "cannot load certificate '" + cfg.tlsCertFile + "': " + ec.message());
  }
  // OpenSSL checks here that the key matches the certificate loaded above.
  ctx.use_private_key_file(cfg.tlsKeyFile, asio::ssl::context::pem, ec);
  if (ec) {
    return makeError("tls_config", "cannot load key '" + cfg.tlsKeyFile + "': " + ec.message());
  }
  core->ssl.emplace(std::move(ctx));
  return Ok{};
}

Status HttpServer::Impl::listen() {
  const auto& cfg = core->config;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(cfg.bindAddress, ec);
  if (ec) return makeError("listen_failed", "bad bind address '" + cfg.bindAddress + "'");
  tcp::endpoint ep(addr, cfg.port);
  const std::string where = endpointText(ep);
  auto fail = [&](const char* step) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return makeError("listen_failed", std::string(step) + " " + where + ": " + ec.message());
  };
  if (acceptor.open(ep.protocol(), ec)) return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (acceptor.bind(ep, ec)) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  port = acceptor.local_endpoint(ec).port();
  return Ok{};
}

void HttpServer::Impl::doAccept() {
  acceptor.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->onAccept(ec, std::move(socket));
      });
}

void HttpServer::Impl::onAccept(boost::system::error_code ec, tcp::socket socket) {
  if (core->stopped || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE and friends: this connection is lost, the listener is not.
    spdlog::warn("http accept failed: {}", ec.message());
    return doAccept();
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto remote = socket.remote_endpoint(ignored);
  std::string remoteText = ignored ? "unknown" : endpointText(remote);
  if (core->ssl) {
    http::TlsStream stream(std::move(socket), *core->ssl);
    std::make_shared<http::HttpSession<http::TlsStream>>(core, std::move(stream), remoteText)
        ->start();
  } else {
    http::PlainStream stream(std::move(socket));
    std::make_shared<http::HttpSession<http::PlainStream>>(core, std::move(stream), remoteText)
        ->start();
  }
  doAccept();
}

HttpServer::HttpServer(asio::io_context& io, HttpServerConfig config, WsHandler& ws,
                       HttpHandler& api)
    : impl_(std::make_shared<Impl>(io, std::move(config), ws, api)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  if (impl_->acceptor.is_open()) return makeError("listen_failed", "already started");
  if (impl_->core->stopped) return makeError("listen_failed", "server was stopped");
  if (auto s = impl_->configureTls(); !s) return s;
  if (auto s = impl_->listen(); !s) return s;
  spdlog::info("http{} listening on {}", tls() ? "s" : "",
               endpointText(impl_->acceptor.local_endpoint()));
  impl_->doAccept();
  return Ok{};
}

uint16_t HttpServer::port() const { return impl_->port; }

bool HttpServer::tls() const { return impl_->core->ssl.has_value(); }

void HttpServer::stop() {
  auto& core = *impl_->core;
  if (core.stopped) return;
  core.stopped = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  // A snapshot: onWsClose handlers may drop connections while we walk.
  for (auto& session : core.liveSessions()) session->shutdownForStop();
}

}  // namespace rounds
