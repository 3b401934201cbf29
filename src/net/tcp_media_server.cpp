#include "net/tcp_media_server.hpp"

#include <boost/asio/write.hpp>
#include <array>
#include <cstring>
#include <vector>

#include "common/log.hpp"
#include "proto/rfc4571.hpp"

namespace rounds {

namespace {
RateLimit gTcpLog(5);
}  // namespace

// One accepted connection: reads RFC 4571 frames into a fixed buffer and writes queued frames
// from a pair of reusable buffers (one being written, one filling), so the steady state does not
// allocate.
class TcpMediaServer::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(TcpMediaServer& server, boost::asio::ip::tcp::socket socket, SocketAddress remote,
             TimePoint now)
      : server_(server), socket_(std::move(socket)), remote_(remote), lastReceived_(now) {
    queued_.reserve(16 * 1024);
    writing_.reserve(16 * 1024);
  }

  const SocketAddress& remote() const { return remote_; }
  TimePoint lastReceived() const { return lastReceived_; }

  void start() { read(); }

  // `notify`: tell the server (and so the worker) that the connection is gone.
  void close(bool notify) {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    if (notify) server_.onConnectionClosed(remote_);
  }

  bool send(Bytes data) {
    if (closed_) return false;
    if (queued_.size() + rfc4571::kHeaderSize + data.size() > kMaxQueuedBytes) return false;
    uint8_t header[rfc4571::kHeaderSize];
    if (!rfc4571::writeHeader(data.size(), header)) return false;
    queued_.insert(queued_.end(), header, header + sizeof header);
    queued_.insert(queued_.end(), data.begin(), data.end());
    if (!writing_now_) write();
    return true;
  }

 private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(
        boost::asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
        [this, self](const boost::system::error_code& ec, size_t n) {
          if (closed_) return;
          if (ec) {
            close(true);
            return;
          }
          filled_ += n;
          lastReceived_ = server_.clock_.now();
          if (!deliverFrames()) return;
          read();
        });
  }

  // Hands every complete frame to the listener; false when the connection was closed meanwhile.
  bool deliverFrames() {
    size_t offset = 0;
    for (;;) {
      auto frame = rfc4571::peekFrame(Bytes(buffer_.data() + offset, filled_ - offset), kMaxFrame);
      if (frame.status == rfc4571::FrameStatus::NeedMore) break;
      if (frame.status == rfc4571::FrameStatus::Invalid) {
        ++server_.counters_.badFrames;
        ROUNDS_LOG_RATE_LIMITED(gTcpLog, debug, "ice-tcp: bad frame length {} from {}",
                                frame.length, remote_.toString());
        close(true);
        return false;
      }
      ++server_.counters_.framesReceived;
      server_.listener_.onTcpPacket(
          MutableBytes(buffer_.data() + offset + rfc4571::kHeaderSize, frame.length), remote_);
      if (closed_) return false;
      offset += rfc4571::kHeaderSize + frame.length;
    }
    if (offset > 0) {
      std::memmove(buffer_.data(), buffer_.data() + offset, filled_ - offset);
      filled_ -= offset;
    }
    return true;
  }

  void write() {
    writing_.swap(queued_);
    queued_.clear();
    writing_now_ = true;
    auto self = shared_from_this();
    boost::asio::async_write(socket_, boost::asio::buffer(writing_),
                             [this, self](const boost::system::error_code& ec, size_t) {
                               writing_now_ = false;
                               writing_.clear();
                               if (closed_) return;
                               if (ec) {
                                 close(true);
                                 return;
                               }
                               if (!queued_.empty()) write();
                             });
  }

  TcpMediaServer& server_;
  boost::asio::ip::tcp::socket socket_;
  SocketAddress remote_;
  TimePoint lastReceived_;
  bool closed_ = false;
  bool writing_now_ = false;
  // Room for one whole maximal frame plus its header, with a partial next one behind it.
  std::array<uint8_t, 2 * (kMaxFrame + 2)> buffer_{};
  size_t filled_ = 0;
  std::vector<uint8_t> queued_;
  std::vector<uint8_t> writing_;
};

TcpMediaServer::TcpMediaServer(boost::asio::io_context& io, Listener& listener, const Clock& clock)
    : acceptor_(io), listener_(listener), clock_(clock) {}

TcpMediaServer::~TcpMediaServer() { close(); }

Result<std::unique_ptr<TcpMediaServer>> TcpMediaServer::listen(boost::asio::io_context& io,
                                                               const SocketAddress& local,
                                                               Listener& listener,
                                                               const Clock& clock) {
  std::unique_ptr<TcpMediaServer> s(new TcpMediaServer(io, listener, clock));
  boost::system::error_code ec;
  auto proto = local.isV6() ? boost::asio::ip::tcp::v6() : boost::asio::ip::tcp::v4();
  s->acceptor_.open(proto, ec);
  if (ec) return makeError("bind_failed", "tcp open: " + ec.message());
  s->acceptor_.set_option(boost::asio::socket_base::reuse_address(true), ec);
  if (::bind(s->acceptor_.native_handle(), local.sockaddrPtr(), local.length()) != 0)
    return makeError("bind_failed", "tcp bind " + local.toString() + ": " + std::strerror(errno));
  s->acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return makeError("bind_failed", "tcp listen " + local.toString() + ": " + ec.message());
  s->localPort_ = s->acceptor_.local_endpoint(ec).port();
  return s;
}

void TcpMediaServer::start() { accept(); }

void TcpMediaServer::accept() {
  if (closed_) return;
  acceptor_.async_accept([this](const boost::system::error_code& ec,
                                boost::asio::ip::tcp::socket socket) {
    if (closed_) return;
    if (!ec) {
      boost::system::error_code ignored;
      auto endpoint = socket.remote_endpoint(ignored);
      auto remote = SocketAddress::fromSockaddr(endpoint.data(), endpoint.size());
      if (!remote || connections_.size() >= kMaxConnections) {
        ++counters_.refused;
        socket.close(ignored);
      } else {
        remote->setTcp(true);
        socket.set_option(boost::asio::ip::tcp::no_delay(true), ignored);  // media, not bulk
        ++counters_.accepted;
        auto c = std::make_shared<Connection>(*this, std::move(socket), *remote, clock_.now());
        connections_[*remote] = c;
        c->start();
      }
    }
    accept();
  });
}

void TcpMediaServer::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (auto& [addr, c] : connections_) c->close(false);
  connections_.clear();
}

void TcpMediaServer::send(Bytes data, const SocketAddress& to) {
  auto it = connections_.find(to);
  if (it == connections_.end()) {
    ++counters_.droppedNoConnection;
    return;
  }
  if (it->second->send(data))
    ++counters_.framesSent;
  else
    ++counters_.droppedQueueFull;
}

void TcpMediaServer::onTick(TimePoint now) {
  std::vector<std::shared_ptr<Connection>> idle;
  for (auto& [addr, c] : connections_)
    if (now - c->lastReceived() > kIdleTimeout) idle.push_back(c);
  for (auto& c : idle) c->close(true);
}

void TcpMediaServer::onConnectionClosed(const SocketAddress& from) {
  connections_.erase(from);
  if (!closed_) listener_.onTcpClosed(from);
}

}  // namespace rounds
