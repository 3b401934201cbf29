// One WebSocket connection (RFC 6455) over a plain or TLS stream: text frames to the WsHandler,
// an outgoing queue with one write in flight, our own ping/pong liveness, and onWsClose exactly
// once per opened connection. Internal to control/http.
// Threading: control io_context thread only.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "common/log.hpp"
#include "control/http/router.hpp"
#include "control/http/server_core.hpp"

namespace rounds::http {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// Upgrade and close handshakes must finish within this (Beast's handshake_timeout).
inline constexpr std::chrono::seconds kWsHandshakeTimeout{10};
// After close() (or stop()), a peer that does not complete the close handshake is cut off.
inline constexpr std::chrono::seconds kWsCloseGrace{15};
inline constexpr std::chrono::seconds kWsStopGrace{2};
// A reader too slow for this much queued output is disconnected rather than buffered forever.
inline constexpr size_t kWsMaxQueuedBytes = 8 << 20;

// RFC 6455 §7.4: codes an endpoint may put in a close frame (1005, 1006, 1015 never go on the
// wire); 3000-4999 are for libraries and applications.
constexpr bool isSendableCloseCode(uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013) ||
         (code >= 3000 && code <= 4999);
}

template <class Stream>
class WsSession final : public WsConnection,
                        public SessionBase,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(std::shared_ptr<ServerCore> core, Stream&& stream, std::string remote)
      : ws_(std::move(stream)),
        core_(std::move(core)),
        remote_(std::move(remote)),
        pingTimer_(ws_.get_executor()),
        killTimer_(ws_.get_executor()) {}
  ~WsSession() override { core_->untrack(id_); }

  // Takes over the socket after the HTTP session read an Upgrade request for /ws.
  void start(Request req) {
    id_ = core_->track(this->weak_from_this());
    upgradeReq_ = std::move(req);
    // Beast's idle timeout is not used: in 1.74 its ping period is tied to half the idle timeout,
    // so wsPingInterval and wsPongTimeout could not both be honoured. pingTimer_ does that job.
    websocket::stream_base::timeout opt{};
    opt.handshake_timeout = kWsHandshakeTimeout;
    opt.idle_timeout = websocket::stream_base::none();
    opt.keep_alive_pings = false;
    ws_.set_option(opt);
    ws_.set_option(websocket::permessage_deflate{});  // off: no compression state per socket
    ws_.read_message_max(core_->config.maxWsMessage);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(beast::http::field::server, "rounds"); }));
    ws_.control_callback(
        [this](websocket::frame_type, beast::string_view) { lastHeard_ = Clock::now(); });
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own time
    ws_.async_accept(upgradeReq_, [self = this->shared_from_this()](beast::error_code ec) {
      self->onAccept(ec);
    });
  }

  uint64_t id() const override { return id_; }
  std::string remoteAddress() const override { return remote_; }
  bool isOpen() const override { return state_ == State::kOpen; }
  std::optional<uint16_t> clientCloseCode() const override { return clientCloseCode_; }

  void send(std::string text) override {
    if (state_ != State::kOpen) return;
    if (queuedBytes_ + text.size() > kWsMaxQueuedBytes) {
      spdlog::warn("ws {} ({}): send queue over {} bytes, closing", id_, remote_,
                   kWsMaxQueuedBytes);
      close(1008, "send queue overflow");
      return;
    }
    queuedBytes_ += text.size();
    queue_.push_back(Outgoing{Kind::kText, std::move(text), {}});
    pump();
  }

  void close(uint16_t code, std::string reason) override {
    if (state_ != State::kOpen) return;
    beginClose(code, std::move(reason), kWsCloseGrace);
  }

  void shutdownForStop() override {
    if (state_ == State::kClosed) return;
    if (state_ == State::kUpgrading) {
      forceClose();  // onAccept sees the error; the socket never counted as opened
      return;
    }
    notifyClosed();  // now, while the server (and so the handler) is certainly alive
    if (state_ == State::kOpen) beginClose(1001, "server stopping", kWsStopGrace);
    armKillTimer(kWsStopGrace);
  }

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { kUpgrading, kOpen, kClosing, kClosed };
  enum class Kind { kText, kPing, kClose };
  struct Outgoing {
    Kind kind;
    std::string text;
    websocket::close_reason reason;
  };

  std::shared_ptr<WsConnection> self() { return this->shared_from_this(); }

  void onAccept(beast::error_code ec) {
    if (ec || core_->stopped || state_ != State::kUpgrading) {
      if (ec) spdlog::debug("ws upgrade from {} failed: {}", remote_, ec.message());
      state_ = State::kClosed;
      forceClose();
      return;
    }
    state_ = State::kOpen;
    opened_ = true;
    lastHeard_ = Clock::now();
    core_->ws.onWsOpen(self());
    if (state_ == State::kClosed) return;
    armPingTimer();
    doRead();
  }

  void doRead() {
    ws_.async_read(readBuf_, [self = this->shared_from_this()](beast::error_code ec, size_t) {
      self->onRead(ec);
    });
  }

  void onRead(beast::error_code ec) {
    if (ec) {
      // closed: the peer's close frame was answered by Beast; message_too_big: Beast sent 1009.
      if (ec == websocket::error::closed) clientCloseCode_ = ws_.reason().code;
      if (ec != websocket::error::closed && ec != boost::asio::error::operation_aborted) {
        spdlog::debug("ws {} ({}): read ended: {}", id_, remote_, ec.message());
      }
      finish();
      return;
    }
    lastHeard_ = Clock::now();
    if (!ws_.got_text()) {
      // RFC 6455 §7.4.1: 1003, a data type this endpoint cannot accept. The protocol is JSON text.
      close(1003, "text frames only");
    } else if (state_ == State::kOpen && !core_->stopped) {
      const auto data = readBuf_.cdata();
      core_->ws.onWsMessage(self(),
                            std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    readBuf_.consume(readBuf_.size());
    // Keep reading while closing: the peer's close frame completes our close handshake.
    if (state_ != State::kClosed) doRead();
  }

  void beginClose(uint16_t code, std::string reason, std::chrono::seconds grace) {
    state_ = State::kClosing;
    // RFC 6455 §5.5: a control frame carries at most 125 bytes, two of them the code.
    if (reason.size() > 123) reason.resize(123);
    if (!isSendableCloseCode(code)) code = websocket::close_code::normal;
    websocket::close_reason cr;
    cr.code = code;
    // Not assign(ptr, n): in Beast 1.74 that picks a (view, pos) overload and yields "".
    cr.reason = beast::string_view(reason.data(), reason.size());
    queue_.push_back(Outgoing{Kind::kClose, {}, cr});
    armKillTimer(grace);
    pump();
  }

  void pump() {
    if (writing_ || queue_.empty() || state_ == State::kClosed) return;
    writing_ = true;
    auto done = [self = this->shared_from_this()](beast::error_code ec, size_t = 0) {
      self->onWrite(ec);
    };
    Outgoing& item = queue_.front();
    switch (item.kind) {
      case Kind::kText:
        ws_.text(true);
        ws_.async_write(boost::asio::buffer(item.text), std::move(done));
        break;
      case Kind::kPing:
        ws_.async_ping({}, std::move(done));
        break;
      case Kind::kClose:
        ws_.async_close(item.reason, std::move(done));
        break;
    }
  }

  void onWrite(beast::error_code ec) {
    writing_ = false;
    const Kind kind = queue_.front().kind;
    queuedBytes_ -= queue_.front().text.size();
    queue_.pop_front();
    if (kind == Kind::kPing) pingQueued_ = false;
    if (ec || kind == Kind::kClose) {
      if (ec && ec != boost::asio::error::operation_aborted) {
        spdlog::debug("ws {} ({}): write ended: {}", id_, remote_, ec.message());
      }
      finish();
      return;
    }
    pump();
  }

  void armPingTimer() {
    if (core_->config.wsPingInterval.count() <= 0) return;
    pingTimer_.expires_after(core_->config.wsPingInterval);
    pingTimer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->onPingTimer();
    });
  }

  void onPingTimer() {
    if (state_ == State::kClosed) return;
    if (Clock::now() - lastHeard_ >= core_->config.wsPongTimeout) {
      spdlog::info("ws {} ({}): no pong for {}s, closing", id_, remote_,
                   core_->config.wsPongTimeout.count());
      forceClose();
      return;
    }
    if (state_ == State::kOpen && !pingQueued_) {
      pingQueued_ = true;
      queue_.push_back(Outgoing{Kind::kPing, {}, {}});
      pump();
    }
    armPingTimer();
  }

  void armKillTimer(std::chrono::seconds grace) {
    killTimer_.expires_after(grace);
    killTimer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->forceClose();
    });
  }

  // Cuts the TCP connection; every pending operation then completes with an error.
  void forceClose() { beast::get_lowest_layer(ws_).close(); }

  void finish() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    pingTimer_.cancel();
    killTimer_.cancel();
    forceClose();
    notifyClosed();
  }

  void notifyClosed() {
    if (!opened_ || notified_) return;
    notified_ = true;
    core_->ws.onWsClose(self());
  }

  websocket::stream<Stream> ws_;
  std::shared_ptr<ServerCore> core_;
  std::string remote_;
  uint64_t id_ = 0;
  Request upgradeReq_;
  beast::flat_buffer readBuf_;
  std::deque<Outgoing> queue_;
  size_t queuedBytes_ = 0;
  bool writing_ = false;
  bool pingQueued_ = false;
  State state_ = State::kUpgrading;
  bool opened_ = false;
  bool notified_ = false;
  std::optional<uint16_t> clientCloseCode_;
  Clock::time_point lastHeard_{};
  boost::asio::steady_timer pingTimer_;
  boost::asio::steady_timer killTimer_;
};

}  // namespace rounds::http
