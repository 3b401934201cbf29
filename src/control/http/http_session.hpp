// One HTTP/1.1 connection (plain or TLS): keep-alive request loop with header/body limits and a
// read timeout; hands the socket to a WsSession on an Upgrade request for /ws.
// Internal to control/http. Threading: control io_context thread only.
#pragma once

#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <type_traits>

#include "common/log.hpp"
#include "control/http/request_target.hpp"
#include "control/http/router.hpp"
#include "control/http/server_core.hpp"
#include "control/http/ws_session.hpp"

namespace rounds::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

inline constexpr size_t kHeaderLimit = 16 * 1024;
inline constexpr std::chrono::seconds kHttpReadTimeout{30};
inline constexpr std::chrono::seconds kTlsShutdownTimeout{5};

template <class Stream>
class HttpSession final : public SessionBase,
                          public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpSession(std::shared_ptr<ServerCore> core, Stream&& stream, std::string remote)
      : stream_(std::move(stream)), core_(std::move(core)), remote_(std::move(remote)) {}
  ~HttpSession() override {
    if (!handedOff_) core_->untrack(id_);
  }

  void start() {
    id_ = core_->track(this->weak_from_this());
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kHttpReadTimeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  spdlog::debug("tls handshake from {} failed: {}", self->remote_,
                                                ec.message());
                                  return;
                                }
                                self->doRead();
                              });
    } else {
      doRead();
    }
  }

  void shutdownForStop() override {
    if (!handedOff_) beast::get_lowest_layer(stream_).close();
  }

 private:
  void doRead() {
    if (core_->stopped) return;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(core_->config.maxHttpBody);
    beast::get_lowest_layer(stream_).expires_after(kHttpReadTimeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        self->onRead(ec);
                      });
  }

  void onRead(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream) return doShutdown();
    if (ec == bhttp::error::body_limit) return writeError(413, "request body too large\n");
    if (ec == bhttp::error::header_limit) return writeError(431, "request header too large\n");
    if (ec && ec.category() == beast::http::make_error_code(bhttp::error::bad_target).category()) {
      return writeError(400, "malformed request\n");
    }
    if (ec || core_->stopped) return;  // timeout, reset, stop(): the socket just goes away

    const Request& req = parser_->get();
    if (boost::beast::websocket::is_upgrade(req) && rawPath(toStd(req.target())) == "/ws") {
      handedOff_ = true;
      core_->untrack(id_);
      auto ws = std::make_shared<WsSession<Stream>>(core_, std::move(stream_), remote_);
      ws->start(parser_->release());
      return;
    }
    write(std::make_shared<Response>(route(core_->config, core_->api, req)));
  }

  void writeError(unsigned status, std::string_view text) {
    // The rest of the request was not read, so the connection cannot be reused.
    write(std::make_shared<Response>(errorResponse(status, text, 11, false)));
  }

  void write(std::shared_ptr<Response> res) {
    beast::get_lowest_layer(stream_).expires_after(kHttpReadTimeout);
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res](beast::error_code ec, size_t) {
                         if (ec) return;
                         if (res->need_eof()) return self->doShutdown();
                         self->doRead();
                       });
  }

  void doShutdown() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kTlsShutdownTimeout);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::get_lowest_layer(self->stream_).close();
      });
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
    }
  }

  Stream stream_;
  std::shared_ptr<ServerCore> core_;
  std::string remote_;
  uint64_t id_ = 0;
  bool handedOff_ = false;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

}  // namespace rounds::http
