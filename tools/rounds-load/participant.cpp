#include "participant.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/random.hpp"
#include "media/rtx.hpp"
#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"
#include "proto/stun.hpp"
#include "proto/twcc.hpp"

namespace rounds::load {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using nlohmann::json;

namespace {

constexpr auto kCheckInterval = std::chrono::milliseconds(100);  // until a check succeeds
constexpr size_t kRtpHeaderSize = 12;
// RFC 8285 §4.2 one-byte header extension block with the transport sequence number (2 bytes)
// and one byte of padding: 4 bytes of block header, 4 of elements.
constexpr size_t kTransportCcBlock = 8;
// Browsers send transport feedback every 50-100 ms; each receiver starts at a random phase.
constexpr auto kFeedbackInterval = std::chrono::milliseconds(100);
// RFC 3550 §6.2 as browsers apply it to video: about a second between reports, each interval
// drawn from 0.5-1.5 of it (§6.3.1) so that a room's reports do not synchronise.
constexpr auto kReportInterval = std::chrono::milliseconds(1000);
constexpr uint32_t kAudioReportEvery = 5;  // audio's SR interval is 5 s in browsers
constexpr int kMaxFeedbackPerTick = 4;    // a long gap may need more than one packet
constexpr size_t kMaxVideoPacket = 1200;  // RTP header and extensions included
constexpr uint32_t kMinVideoPacket = kVp8DescriptorSize + kVp8KeyHeaderSize + kProbeSize + 2;
// RFC 8445 §5.1.2.1: PRIORITY of a check is that of a peer-reflexive candidate (type pref 110).
constexpr uint32_t kCheckPriority = (110u << 24) | (65535u << 8) | 255u;
// How often a receiver looks for NACKs due again (NackGenerator asks again every 100 ms); new
// gaps are NACKed as they are seen.
constexpr auto kNackCheckInterval = std::chrono::milliseconds(20);
constexpr size_t kMaxNackedPerPacket = 64;

int64_t toNs(SteadyTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

bool isLoopback(const SocketAddress& a) {
  const uint8_t* b = a.addressBytes();
  if (a.isV4()) return b[0] == 127;
  static const uint8_t kV6Loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return a.isV6() && std::memcmp(b, kV6Loopback, 16) == 0;
}

}  // namespace

std::optional<uint32_t> RunDirectory::indexOf(const std::string& id) const {
  for (size_t i = 0; i < participantIds.size(); ++i)
    if (participantIds[i] == id) return static_cast<uint32_t>(i);
  return std::nullopt;
}

Participant::Participant(boost::asio::io_context& io, ParticipantConfig config,
                         RunDirectory& directory, std::shared_ptr<Certificate> cert)
    : io_(io), config_(std::move(config)), directory_(directory), cert_(std::move(cert)), ws_(io) {
  auto& rnd = CryptoRandom::instance();
  ufrag_ = rnd.iceString(8);
  pwd_ = rnd.iceString(24);
  audioSsrc_ = rnd.u32() | 1;
  videoSsrc_ = rnd.u32() & ~1u;
  do videoRtxSsrc_ = rnd.u32();
  while (videoRtxSsrc_ == videoSsrc_ || videoRtxSsrc_ == audioSsrc_);
  rtxSeq_ = static_cast<uint16_t>(rnd.u32());
  tieBreaker_ = rnd.u64();
  audioSeq_ = static_cast<uint16_t>(rnd.u32());
  videoSeq_ = static_cast<uint16_t>(rnd.u32());
  audioTs_ = rnd.u32();
  videoTsBase_ = rnd.u32();
  rtcpSsrc_ = rnd.u32();
  dtls_ = std::make_unique<DtlsTransport>(cert_, DtlsTransport::Role::Client, *this);
}

Participant::~Participant() { shutdown(); }

void Participant::fail(std::string why) {
  errors_.push_back(std::move(why));
  failed_ = true;
}

// ---------------------------------------------------------------- signalling

void Participant::start() {
  started_ = true;
  boost::system::error_code ec;
  auto ip = boost::asio::ip::make_address(config_.wsHost, ec);
  if (ec) return fail("bad server address " + config_.wsHost);
  if (config_.sharedUdp) {
    if (ip.is_v6()) return fail("--address-pool needs an IPv4 server");
    udp_ = &config_.sharedUdp->socket();
    source_ = config_.sharedUdp->addressOf(config_.leg);
    config_.sharedUdp->attach(config_.leg, *this);
  } else {
    auto local = SocketAddress::parse(
        config_.localAddress.empty() ? (ip.is_v6() ? "::1" : "127.0.0.1") : config_.localAddress,
        0);
    if (!local) return fail("bad local address " + config_.localAddress);
    auto udp = UdpSocket::bind(io_, *local, *this);
    if (!udp) return fail("udp bind: " + udp.error().message);
    ownUdp_ = std::move(udp.value());
    ownUdp_->countDrops();
    udp_ = ownUdp_.get();
    if (config_.udpGroup)
      udp_->start(*config_.udpGroup);
    else
      udp_->start();
  }

  boost::asio::ip::tcp::endpoint ep(ip, config_.wsPort);
  beast::get_lowest_layer(ws_).async_connect(ep, [this](const boost::system::error_code& ec) {
    if (shutDown_) return;
    if (ec) return fail("connect: " + ec.message());
    std::string host = config_.wsHost + ":" + std::to_string(config_.wsPort);
    if (config_.wsHost.find(':') != std::string::npos)
      host = "[" + config_.wsHost + "]:" + std::to_string(config_.wsPort);
    const bool janus = config_.server == ServerKind::Janus;
    if (janus) {
      // The Janus WebSocket transport speaks only its own subprotocol.
      ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(boost::beast::http::field::sec_websocket_protocol, "janus-protocol");
      }));
    }
    ws_.async_handshake(host, janus ? "/" : "/ws", [this](const boost::system::error_code& ec) {
      if (shutDown_) return;
      if (ec) return fail("websocket handshake: " + ec.message());
      onWsConnected();
    });
  });
}

void Participant::onWsConnected() {
  wsOpen_ = true;
  ws_.text(true);
  readWs();
  if (config_.server == ServerKind::Janus) return janusOnConnected();
  bool audio = config_.publish && config_.media.audio;
  bool video = config_.publish && config_.media.video;
  json fields = {
      {"room", config_.room}, {"name", config_.name}, {"audio", audio}, {"video", video}};
  joinSentAt_ = std::chrono::steady_clock::now();
  joinRequestId_ = sendRequest("join", fields.dump());
}

int64_t Participant::sendRequest(const std::string& type, std::string fields) {
  json msg = json::parse(fields, nullptr, false);
  if (!msg.is_object()) msg = json::object();
  int64_t id = nextRequestId_++;
  msg["v"] = 1;
  msg["id"] = id;
  msg["type"] = type;
  sendWs(msg.dump());
  return id;
}

void Participant::sendWs(std::string text) {
  if (!wsOpen_) return;
  outbox_.push_back(std::move(text));
  if (!writing_) writeNextWs();
}

void Participant::writeNextWs() {
  if (outbox_.empty() || !wsOpen_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(boost::asio::buffer(outbox_.front()),
                  [this](const boost::system::error_code& ec, size_t) {
                    if (shutDown_) return;
                    outbox_.pop_front();
                    if (ec) {
                      writing_ = false;
                      if (!leaving_) fail("websocket write: " + ec.message());
                      return;
                    }
                    writeNextWs();
                  });
}

void Participant::readWs() {
  ws_.async_read(readBuf_, [this](const boost::system::error_code& ec, size_t) {
    if (shutDown_) return;
    if (ec) {
      wsOpen_ = false;
      if (leaving_) {
        left_ = true;
      } else {
        fail("signalling closed: " + ec.message());
      }
      return;
    }
    std::string text = beast::buffers_to_string(readBuf_.data());
    readBuf_.consume(readBuf_.size());
    onWsMessage(text);
    readWs();
  });
}

void Participant::onWsMessage(const std::string& text) {
  if (config_.server == ServerKind::Janus) return janusOnMessage(text);
  json msg = json::parse(text, nullptr, false);
  if (!msg.is_object()) return fail("unparsable signalling message");
  std::string type = msg.value("type", "");
  if (type == "reply") {
    int64_t id = msg.contains("id") && msg["id"].is_number_integer() ? msg["id"].get<int64_t>() : 0;
    bool ok = msg.value("ok", false);
    std::string err = ok ? "" : msg.value("error", json::object()).dump();
    if (id == joinRequestId_) {
      if (!ok) return fail("join rejected: " + err);
      joinedAt_ = std::chrono::steady_clock::now();
      id_ = msg["data"].value("participantId", "");
      if (config_.index < directory_.participantIds.size())
        directory_.participantIds[config_.index] = id_;
    } else if (id == leaveRequestId_ && leaveRequestId_ != 0) {
      left_ = true;
    } else if (!ok) {
      ++counters_.answersRejected;
      errors_.push_back("answer rejected: " + err);
    }
  } else if (type == "offer") {
    if (!msg.contains("offerId") || !msg["offerId"].is_number_integer() || !msg.contains("sdp") ||
        !msg["sdp"].is_string())
      return fail("malformed offer");
    onOffer(msg["offerId"].get<int64_t>(), msg["sdp"].get<std::string>());
  }
  // participant-joined / -updated / -left need no action: the offers that follow carry the change.
}

void Participant::onOffer(int64_t offerId, const std::string& sdpText) {
  ++counters_.offers;
  AnswerParams p;
  p.iceUfrag = ufrag_;
  p.icePwd = pwd_;
  p.fingerprintSha256 = cert_->fingerprintSha256();
  p.cname = config_.name;
  p.publishAudio = config_.publish && config_.media.audio;
  p.publishVideo = config_.publish && config_.media.video;
  p.receive = config_.receive;
  p.audioSsrc = audioSsrc_;
  p.videoSsrc = videoSsrc_;
  p.rtx = config_.media.nack;
  p.videoRtxSsrc = videoRtxSsrc_;
  auto answer = buildAnswer(sdpText, p);
  if (!answer) return fail("offer: " + answer.error().message);
  const ServerTransport& t = answer->transport;
  if (!server_) {
    if (!setServerTransport(t)) return;
  } else if (t.iceUfrag != serverTransport_.iceUfrag || t.port != serverTransport_.port) {
    errors_.push_back("ICE restart offered; not supported");
  }
  if (answer->audioPayloadType) audioPt_ = answer->audioPayloadType;
  if (answer->videoPayloadType) videoPt_ = answer->videoPayloadType;
  if (answer->videoRtxPayloadType) videoRtxPt_ = answer->videoRtxPayloadType;
  if (config_.media.transportCc) transportCcId_ = answer->transportCcId;
  tracks_ = answer->tracks;
  adoptRepairStreams();
  json fields = {{"offerId", offerId}, {"sdp", answer->sdp}};
  sendRequest("answer", fields.dump());
}

bool Participant::setServerTransport(const ServerTransport& t) {
  auto addr = SocketAddress::parse(t.address, t.port);
  // Loopback, or (namespace run) exactly the host we signal to: never anywhere else.
  bool allowed =
      addr && (isLoopback(*addr) || (!config_.localAddress.empty() && t.address == config_.wsHost));
  if (!allowed) {
    fail("server candidate " + t.address +
         " is neither loopback nor the signalling host; refusing");
    return false;
  }
  server_ = *addr;
  serverTransport_ = t;

  dtls_->setRemoteFingerprint("sha-256", t.fingerprintSha256);
  return true;
}

void Participant::leave() {
  if (leaving_ || left()) return;
  leaving_ = true;
  if (!wsOpen_) {
    left_ = true;
    return;
  }
  if (config_.server == ServerKind::Janus) {
    janusSend({{"janus", "destroy"}, {"transaction", "destroy"}});
    return;
  }
  leaveRequestId_ = sendRequest("leave", "{}");
}

void Participant::shutdown() {
  if (shutDown_) return;
  shutDown_ = true;
  wsOpen_ = false;
  boost::system::error_code ec;
  beast::get_lowest_layer(ws_).socket().close(ec);
  if (ownUdp_) ownUdp_->close();
  if (source_) config_.sharedUdp->detach(config_.leg);
}

std::chrono::milliseconds browserDtlsTimeout(std::chrono::steady_clock::duration iceRoundTrip) {
  using std::chrono::milliseconds;
  auto twice = std::chrono::duration_cast<milliseconds>(2 * iceRoundTrip);
  return std::clamp(twice, milliseconds(50), milliseconds(3000));
}

// ---------------------------------------------------------------- timers

void Participant::tick(SteadyTime now) {
  if (shutDown_ || !udp_ || !server_ || failed_) return;
  if (!iceConnected_ && now - lastCheckAt_ >= kCheckInterval) {
    sendBindingRequest();
    lastCheckAt_ = now;
  } else if (iceConnected_ && now >= nextConsentAt_) {
    // RFC 7675 §5.1: a check every 5 s on average, randomised to 0.8-1.2 of that.
    sendBindingRequest();
    ++counters_.consentChecks;
    auto jitter = std::chrono::milliseconds(CryptoRandom::instance().u32() % 2000);
    nextConsentAt_ = now + std::chrono::milliseconds(4000) + jitter;
  }
  if (dtls_->state() == DtlsTransport::State::Connecting) {
    auto next = dtls_->nextTimeout(now);
    if (next && *next <= now) dtls_->onTimeout();
  }
  if (srtpOut_ && sending_ && config_.publish) {
    for (uint32_t n = audioPacer_.due(now); n > 0; --n) sendAudio(now);
    for (uint32_t n = videoPacer_.due(now); n > 0; --n) queueVideoFrame(now);
    sendQueuedVideo(now);
    counters_.pacingSkipped = audioPacer_.skipped() + videoPacer_.skipped();
  }
  if (srtpOut_ && !repair_.empty() && receiving_ && now >= nextNackAt_) {
    sendNacks(now);
    nextNackAt_ = now + kNackCheckInterval;
  }
  if (srtpOut_ && config_.media.rtcpReports && now >= nextReportAt_) {
    sendReports(now);
    auto spread = std::chrono::microseconds(CryptoRandom::instance().u32() %
                                            (1000 * kReportInterval.count()));
    nextReportAt_ = now + kReportInterval / 2 + spread;
  }
  if (srtpOut_ && twccIn_ && receiving_ && now >= nextFeedbackAt_) {
    sendTransportFeedback();
    nextFeedbackAt_ += kFeedbackInterval;
    if (nextFeedbackAt_ <= now) nextFeedbackAt_ = now + kFeedbackInterval;  // fell behind
  }
  if (ownUdp_) udp_->flush();  // a shared socket is flushed once after every leg's tick
}

void Participant::commitUdp(size_t size, const SocketAddress& to) {
  if (source_)
    udp_->commitSendFrom(size, to, *source_);
  else
    udp_->commitSend(size, to);
}

// ---------------------------------------------------------------- ICE / DTLS / SRTP

void Participant::sendBindingRequest() {
  std::string username = serverTransport_.iceUfrag + ":" + ufrag_;  // RFC 8445 §7.2.2
  stun::BindingRequestParams p;
  CryptoRandom::instance().fill(p.transactionId);
  p.username = username;
  p.key = serverTransport_.icePwd;
  p.priority = kCheckPriority;
  p.tieBreaker = tieBreaker_;
  p.controlling = true;
  p.useCandidate = true;  // RFC 8445 §8.1.1: nominate; the server is ICE-lite
  MutableBytes slot = udp_->acquireSendSlot();
  size_t n = stun::writeBindingRequest(slot, p);
  if (n > 0) commitUdp(n, *server_);
}

void Participant::onUdpPacket(MutableBytes data, const SocketAddress& from) {
  if (shutDown_ || !server_ || !(from == *server_)) return;
  Bytes b(data.data(), data.size());
  // When the recvmmsg that read it returned (one clock read per batch).
  SteadyTime now = udp_->receivedAt().value_or(std::chrono::steady_clock::now());
  if (stun::isStun(b)) {
    auto msg = stun::parse(b);
    // RFC 8445 §7.3: answer the server's own checks (Janus sends them even as an ICE-lite
    // agent, and holds its side "connecting" until they succeed).
    if (msg && msg->type == stun::kBindingRequest) {
      if (stun::localUfragOf(msg->username) != ufrag_ || !stun::checkIntegrity(b, *msg, pwd_))
        return;
      MutableBytes slot = udp_->acquireSendSlot();
      size_t n = stun::writeBindingSuccess(slot, msg->transactionId, from, pwd_);
      if (n > 0) commitUdp(n, from);
      return;
    }
    if (!msg || msg->type != stun::kBindingSuccess) return;
    if (!stun::checkIntegrity(b, *msg, serverTransport_.icePwd)) return;
    ++counters_.consentResponses;
    if (!iceConnected_) {
      iceConnected_ = true;
      iceConnectedAt_ = now;
      nextConsentAt_ = now + std::chrono::seconds(5);
      // The round trip of the check this answers (the latest sent: checks are 100 ms apart).
      dtlsInitialTimeout_ = config_.dtlsInitialTimeout.count() > 0
                                ? config_.dtlsInitialTimeout
                                : browserDtlsTimeout(now - lastCheckAt_);
      dtls_->setInitialRetransmitTimeout(dtlsInitialTimeout_);
      dtls_->start();  // ClientHello (RFC 5764 §4.1: we answered setup:active)
    }
    return;
  }
  if (isDtls(b)) {
    dtls_->processPacket(b);
    return;
  }
  if (!srtpIn_) return;
  if (rtp::isRtcp(b)) {
    size_t len = data.size();
    if (!srtpIn_->unprotectRtcp(data.data(), len)) {
      ++counters_.srtpErrors;
      return;
    }
    onRtcp(Bytes(data.data(), len), now);
  } else if (rtp::isRtp(b)) {
    size_t len = data.size();
    if (!srtpIn_->unprotectRtp(data.data(), len)) {
      ++counters_.srtpErrors;
      return;
    }
    onRtp(MutableBytes(data.data(), len), now);
  }
}

void Participant::onUdpBatchEnd() {
  if (udp_ && !shutDown_) udp_->flush();
}

void Participant::onDtlsSend(Bytes record) {
  if (!udp_ || !server_ || shutDown_) return;
  if (source_)
    udp_->sendFrom(record, *server_, *source_);
  else
    udp_->send(record, *server_);
}

void Participant::onDtlsConnected(const DtlsTransport::SrtpKeys& keys) {
  auto in =
      SrtpSession::create(SrtpSession::Direction::Inbound, keys.profile, keys.remoteKeyAndSalt);
  auto out =
      SrtpSession::create(SrtpSession::Direction::Outbound, keys.profile, keys.localKeyAndSalt);
  if (!in || !out) return fail("srtp session: " + (in ? out.error().message : in.error().message));
  srtpIn_ = std::move(in.value());
  srtpOut_ = std::move(out.value());
  SteadyTime now = std::chrono::steady_clock::now();
  dtlsConnectedAt_ = now;
  nextFeedbackAt_ = now + std::chrono::microseconds(CryptoRandom::instance().u32() %
                                                    (1000 * kFeedbackInterval.count()));
  nextReportAt_ = now + std::chrono::microseconds(CryptoRandom::instance().u32() %
                                                  (1000 * kReportInterval.count()));
  if (config_.publish && config_.media.audio && audioPt_)
    audioPacer_ = Pacer(now, std::chrono::milliseconds(20));
  if (config_.publish && config_.media.video && videoPt_ && config_.media.videoFps > 0)
    videoPacer_ = Pacer(now, std::chrono::nanoseconds(1'000'000'000 / config_.media.videoFps));
  videoSendPacer_ = SendPacer(
      static_cast<uint64_t>(config_.media.videoPacing * config_.media.videoKbps * 1000 / 8));
}

void Participant::onDtlsFailed(const std::string& reason) { fail("dtls: " + reason); }

// ---------------------------------------------------------------- receive

void Participant::onRtp(MutableBytes packet, SteadyTime now) {
  if (!receiving_) return;
  auto view = rtp::RtpView::parse(packet);
  if (!view) {
    ++counters_.unrecognisedRtp;
    return;
  }
  // Every packet counts for the sender's estimator, as in a browser: also those without our
  // probe (the server's padding-only bandwidth probes, retransmissions on the RTX SSRC).
  if (transportCcId_) {
    if (auto ext = view->extension(*transportCcId_)) {
      if (auto seq = twcc::readSequence(*ext)) {
        if (!twccIn_) twccIn_ = std::make_unique<TwccRecorder>();
        twccIn_->onPacket(*seq, toNs(now) / 1000);
      }
    }
  }
  // RFC 3550 §5.1: padding only (the server's bandwidth probes, on a video track's RTX SSRC):
  // counted above for the estimator, nothing to repair or measure.
  if (view->payloadSize() == 0 && view->paddingSize() > 0) {
    ++counters_.paddingReceived;
    return;
  }
  // Loss recovery: a retransmission is unwrapped back into the packet it repairs; every video
  // packet tells its stream's books what is missing.
  const uint32_t ssrc = view->ssrc();
  for (RepairStream& r : repair_) {
    const bool isRtx = r.rtxSsrc != 0 && ssrc == r.rtxSsrc;
    if (ssrc != r.ssrc && !isRtx) continue;
    if (isRtx) {
      auto len = rtx::unwrap(packet, r.ssrc, r.payloadType);
      if (len) view = rtp::RtpView::parse(packet.first(*len));
      if (!len || !view) {
        ++counters_.unrecognisedRtp;  // an RTX packet without its original sequence number
        return;
      }
      ++counters_.rtxReceived;
    }
    auto gap = r.repair.onPacket(view->sequenceNumber(), now);
    if (gap.newMissing) sendNacks(now);
    if (gap.keyFrameNeeded) sendPli(r.ssrc);
    break;
  }
  auto probe = readProbe(view->payload());
  if (!probe) {
    ++counters_.unrecognisedRtp;
    return;
  }
  bool video = probe->source & 1;
  bool keyFrame = false;
  if (video) {
    auto desc = parseVp8Descriptor(view->payload());
    if (!desc || desc->size + kProbeSize > view->payloadSize()) {
      ++counters_.unrecognisedRtp;
      return;
    }
    keyFrame = desc->fields.startOfPartition && desc->fields.partitionIndex == 0 &&
               isVp8KeyFrameHeader(view->payload().subspan(desc->size));
  }
  if (!firstPacketAt_) firstPacketAt_ = now;
  reception_.onPacket(view->ssrc(), view->sequenceNumber(), view->timestamp(), now,
                      video ? 90000 : 48000);
  StreamStats& s = streams_[probe->source];
  s.add(probe->counter, view->sequenceNumber(), static_cast<int64_t>(probe->sendNs), toNs(now),
        view->size());
  if (keyFrame) s.countKeyFrame();
}

void Participant::onRtcp(Bytes compound, SteadyTime now) {
  ++counters_.rtcpReceived;
  rtcp::CompoundReader reader(compound);
  // The server answers an RRTR with the same DLRR item under several XR senders (its RTCP SSRC
  // and each audio stream's): one sample per compound.
  bool dlrrTaken = false;
  while (auto p = reader.next()) {
    if (p->packetType == rtcp::kSenderReport) {  // echoed as LSR/DLSR in our next report
      if (auto info = rtcp::senderInfo(*p))
        reception_.onSenderReport(p->senderSsrc(), info->ntpTimestamp, now);
      continue;
    }
    if (p->packetType == rtcp::kExtendedReport) {
      // The server's RRTR: answered with a DLRR in our next report. Its DLRR about ours: our
      // round trip.
      if (auto ntp = rtcp::xrRrtr(*p)) reception_.onRrtr(p->senderSsrc(), *ntp, now);
      rtcp::forEachDlrr(*p, [&](const rtcp::DlrrItem& item) {
        if (item.ssrc != rtcpSsrc_ || dlrrTaken) return;
        auto sentAt = rrtrSent_.sentAt(item.lastRr);
        if (!sentAt) return;
        if (auto rtt = RttEstimator::roundTrip(now, *sentAt, item.delaySinceLastRr)) {
          rtt_.onSample(*rtt);
          dlrrTaken = true;
        }
      });
      continue;
    }
    // RFC 4585 §6.2.1 generic NACK for our video: resend what we still hold.
    if (p->packetType == rtcp::kRtpFeedback && p->count == 1 && config_.media.nack &&
        p->bytes.size() >= 12 && readU32(p->bytes.data() + 8) == videoSsrc_) {
      rtcp::forEachNack(*p, [&](uint16_t seq) {
        ++counters_.nackedToUs;
        resendVideo(seq, now);
      });
      continue;
    }
    if (p->packetType != rtcp::kPayloadFeedback) continue;
    if (p->count == 1) {  // RFC 4585 §6.3.1 PLI
      auto media = rtcp::pliMediaSsrc(*p);
      if (media && *media == videoSsrc_) {
        ++counters_.pliReceived;
        keyFrameRequested_ = true;
      }
    } else if (p->count == 4) {  // RFC 5104 §4.3.1 FIR
      auto fir = rtcp::firEntry(*p);
      if (fir && fir->ssrc == videoSsrc_) {
        ++counters_.firReceived;
        keyFrameRequested_ = true;
      }
    }
  }
}

void Participant::sendTransportFeedback() {
  // The media source of a transport-wide report is not a stream's; browsers name the first
  // stream they receive, and so do we (0 before any).
  uint32_t media = 0;
  for (const auto& t : tracks_)
    if (t.active) {
      media = t.ssrc;
      break;
    }
  for (int i = 0; i < kMaxFeedbackPerTick && twccIn_->pending(); ++i) {
    MutableBytes slot = udp_->acquireSendSlot();
    size_t len =
        twccIn_->buildFeedback(slot.first(slot.size() - kSrtpMaxTrailer), rtcpSsrc_, media);
    if (len == 0) break;
    if (!srtpOut_->protectRtcp(slot.data(), len, slot.size())) {
      ++counters_.srtpErrors;
      break;
    }
    commitUdp(len, *server_);
    ++counters_.feedbackSent;
  }
}

void Participant::sendReports(SteadyTime now) {
  std::array<rtcp::ReportBlock, 31> blocks;
  const size_t nb = receiving_ ? reception_.blocks(blocks, now) : 0;
  std::span<const rtcp::ReportBlock> pending(blocks.data(), nb);
  MutableBytes slot = udp_->acquireSendSlot();
  MutableBytes room = slot.first(slot.size() - kSrtpMaxTrailer);
  size_t len = 0;
  const bool publishing = sending_ && config_.publish;
  const uint64_t ntp = ntpNow();
  // The RTP time of the stream's next frame or packet stands for "now" (within a frame).
  auto sr = [&](uint32_t ssrc, uint32_t rtpTs, uint64_t packets) {
    rtcp::SenderInfo info{ntp, rtpTs, static_cast<uint32_t>(packets), 0};
    len += rtcp::writeSenderReport(room.subspan(len), ssrc, info, pending);
    pending = {};  // the blocks go in the first report only
  };
  if (publishing && videoPt_ && config_.media.video && config_.media.videoFps > 0)
    sr(videoSsrc_,
       videoTsBase_ + static_cast<uint32_t>(videoFrameIndex_ * 90000 / config_.media.videoFps),
       counters_.videoSent);
  if (publishing && audioPt_ && config_.media.audio && reportRounds_ % kAudioReportEvery == 0)
    sr(audioSsrc_, audioTs_, counters_.audioSent);
  ++reportRounds_;
  rtcp::DlrrItem dlrr;
  const bool answerRrtr = reception_.takeDlrr(dlrr, now);
  const bool askRrtr = receiving_ && std::any_of(tracks_.begin(), tracks_.end(),
                                                 [](const auto& t) { return t.active && t.rrtr; });
  // A compound starts with an SR or RR (RFC 3550 §6.1), if need be one without blocks.
  if (len == 0 && (!pending.empty() || answerRrtr || askRrtr))
    len = rtcp::writeReceiverReport(room, rtcpSsrc_, pending);
  if (len > 0 && answerRrtr)
    len += rtcp::writeXrDlrr(room.subspan(len), rtcpSsrc_, std::span(&dlrr, 1));
  if (len > 0 && askRrtr) {
    if (size_t x = rtcp::writeXrRrtr(room.subspan(len), rtcpSsrc_, ntp)) {
      len += x;
      rrtrSent_.note(ntp, now);
    }
  }
  if (commitRtcp(slot, len)) ++counters_.reportsSent;
}

// ---------------------------------------------------------------- loss recovery

void Participant::adoptRepairStreams() {
  if (!config_.media.nack) return;
  for (const OfferedTrack& t : tracks_) {
    if (!t.video || !t.active || t.ssrc == 0) continue;
    auto it = std::find_if(repair_.begin(), repair_.end(),
                           [&](const RepairStream& r) { return r.ssrc == t.ssrc; });
    if (it == repair_.end()) {
      repair_.emplace_back();
      repair_.back().ssrc = t.ssrc;
      it = std::prev(repair_.end());
    }
    it->rtxSsrc = t.rtxSsrc;
    it->payloadType = t.payloadType;
  }
}

bool Participant::commitRtcp(MutableBytes slot, size_t len) {
  if (len == 0) return false;
  if (!srtpOut_->protectRtcp(slot.data(), len, slot.size())) {
    ++counters_.srtpErrors;
    return false;
  }
  commitUdp(len, *server_);
  return true;
}

void Participant::sendNacks(SteadyTime now) {
  if (!srtpOut_ || !server_) return;
  std::array<uint16_t, kMaxNackedPerPacket> seqs;
  // As a browser: a packet is asked for again after our round trip to the server (from its DLRR
  // answers to our RRTRs), 100 ms while it is unknown.
  const Millis retry = config_.media.nackRetryMs != 0
                           ? Millis(config_.media.nackRetryMs)
                           : NackGenerator::retryIntervalFor(rtt_.smoothed());
  for (RepairStream& r : repair_) {
    if (r.repair.missing() == 0) continue;
    size_t n = r.repair.collect(now, seqs, retry);
    if (n == 0) continue;
    MutableBytes slot = udp_->acquireSendSlot();
    size_t len = rtcp::writeNack(slot.first(slot.size() - kSrtpMaxTrailer), rtcpSsrc_, r.ssrc,
                                 std::span<const uint16_t>(seqs.data(), n));
    if (!commitRtcp(slot, len)) continue;
    ++counters_.nacksSent;
    counters_.nackedPackets += n;
  }
}

void Participant::sendPli(uint32_t mediaSsrc) {
  if (!srtpOut_ || !server_) return;
  MutableBytes slot = udp_->acquireSendSlot();
  size_t len = rtcp::writePli(slot.first(slot.size() - kSrtpMaxTrailer), rtcpSsrc_, mediaSsrc);
  if (commitRtcp(slot, len)) ++counters_.pliSent;
}

void Participant::resendVideo(uint16_t seq, SteadyTime now) {
  // (Only called from onRtcp, which SRTP sessions and the server's address precede.)
  auto original = sentVideo_.find(seq, now);
  if (!original) {
    ++counters_.retransmissionMisses;
    return;
  }
  MutableBytes slot = udp_->acquireSendSlot();
  MutableBytes room = slot.first(slot.size() - kSrtpMaxTrailer);
  size_t len = 0;
  if (videoRtxPt_) {  // RFC 4588 §4: on our RTX stream, the original seq first in the payload
    rtx::WrapParams w{videoRtxSsrc_, *videoRtxPt_, rtxSeq_++, original->timestamp(), seq};
    len = rtx::wrap(*original, room, w);
  } else if (original->size() <= room.size()) {  // a plain copy, as before RTX
    std::memcpy(room.data(), original->buffer().data(), original->size());
    len = original->size();
  }
  if (len == 0) return;
  // A retransmission is a new packet on the transport: it gets a transport sequence number of
  // its own (our extension block's layout, as sendRtp writes it).
  if (transportCcId_) {
    auto resent = rtp::RtpView::parse(room.first(len));
    uint8_t seqBytes[2];
    twcc::writeSequence(MutableBytes(seqBytes, 2), transportSeq_++);
    if (resent) resent->setExtension(*transportCcId_, Bytes(seqBytes, 2));
  }
  if (!srtpOut_->protectRtp(slot.data(), len, slot.size())) {
    ++counters_.srtpErrors;
    return;
  }
  commitUdp(len, *server_);
  ++counters_.retransmissionsSent;
}

uint64_t Participant::packetsRecovered() const {
  uint64_t n = 0;
  for (const auto& r : repair_) n += r.repair.recovered();
  return n;
}

uint64_t Participant::packetsAbandoned() const {
  uint64_t n = 0;
  for (const auto& r : repair_) n += r.repair.abandoned();
  return n;
}

// ---------------------------------------------------------------- send

size_t Participant::rtpHeaderBytes() const {
  return kRtpHeaderSize + (transportCcId_ ? kTransportCcBlock : 0);
}

template <typename Fill>
void Participant::sendRtp(uint8_t pt, uint32_t ssrc, uint16_t seq, uint32_t ts, bool marker,
                          size_t payloadSize, bool keep, Fill&& fill) {
  MutableBytes slot = udp_->acquireSendSlot();
  const size_t header = rtpHeaderBytes();
  size_t len = header + payloadSize;
  if (len + kSrtpMaxTrailer > slot.size()) return;
  uint8_t* p = slot.data();
  // RFC 3550 §5.1: V=2, no padding or CSRCs; X when the transport-cc extension follows.
  p[0] = transportCcId_ ? 0x90 : 0x80;
  p[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (pt & 0x7F));
  writeU16(p + 2, seq);
  writeU32(p + 4, ts);
  writeU32(p + 8, ssrc);
  if (transportCcId_) {
    uint8_t* e = p + kRtpHeaderSize;
    writeU16(e, 0xBEDE);                                            // RFC 8285 §4.2
    writeU16(e + 2, 1);                                             // one 32-bit word of elements
    e[4] = static_cast<uint8_t>((*transportCcId_ << 4) | (2 - 1));  // id, length 2
    twcc::writeSequence(MutableBytes(e + 5, 2), transportSeq_++);
    e[7] = 0;  // padding
  }
  MutableBytes payload(p + header, payloadSize);
  std::memset(payload.data(), 0, payload.size());
  fill(payload);
  if (keep) sentVideo_.store(Bytes(p, len), seq, std::chrono::steady_clock::now());
  if (!srtpOut_->protectRtp(p, len, slot.size())) {
    ++counters_.srtpErrors;
    return;
  }
  commitUdp(len, *server_);
}

void Participant::sendAudio(SteadyTime) {
  size_t size = std::max<size_t>(config_.media.audioPayloadBytes, kProbeSize + 1);
  Probe probe{probeSource(config_.index, false), audioCounter_++, 0};
  sendRtp(*audioPt_, audioSsrc_, audioSeq_++, audioTs_, false, size, false, [&](MutableBytes pl) {
    pl[0] = 0x78;  // RFC 6716 §3.1 TOC: config 15 (hybrid fullband, 20 ms), mono, one frame
    probe.sendNs = static_cast<uint64_t>(toNs(std::chrono::steady_clock::now()));
    writeProbe(pl, probe);
  });
  audioTs_ += 960;  // 20 ms at 48 kHz
  ++counters_.audioSent;
}

void Participant::queueVideoFrame(SteadyTime now) {
  const MediaOptions& m = config_.media;
  QueuedFrame f;
  f.key =
      keyFrameRequested_ || (m.keyFrameIntervalS > 0 &&
                             now - lastKeyFrameAt_ >= std::chrono::seconds(m.keyFrameIntervalS));
  // Packets stay within 1,200 bytes with the extension too.
  const auto maxPayload = static_cast<uint32_t>(kMaxVideoPacket - rtpHeaderBytes());
  f.plan = planFrame(m.videoKbps * 1000, m.videoFps, f.key, maxPayload, kMinVideoPacket);
  f.ts = videoTsBase_ + static_cast<uint32_t>(videoFrameIndex_ * 90000 / m.videoFps);
  f.pictureId = pictureId_;
  if (f.plan.packets > 0) videoQueue_.push_back(f);
  pictureId_ = static_cast<uint16_t>((pictureId_ + 1) & 0x7FFF);
  ++videoFrameIndex_;
  ++counters_.videoFrames;
  if (f.key) {
    ++counters_.keyFramesSent;
    keyFrameRequested_ = false;
    lastKeyFrameAt_ = now;
  }
}

void Participant::sendQueuedVideo(SteadyTime now) {
  const MediaOptions& m = config_.media;
  while (!videoQueue_.empty() && videoSendPacer_.mayLeave(now)) {
    QueuedFrame& f = videoQueue_.front();
    uint32_t i = f.next;
    uint32_t size = f.plan.packetBytes(i);
    Probe probe{probeSource(config_.index, true), videoCounter_++, 0};
    sendRtp(*videoPt_, videoSsrc_, videoSeq_++, f.ts, i + 1 == f.plan.packets, size,
            config_.media.nack, [&](MutableBytes pl) {
              Vp8Descriptor d;
              d.startOfPartition = i == 0;
              d.pictureId = f.pictureId;
              size_t at = writeVp8Descriptor(pl, d);
              if (i == 0)
                writeVp8PayloadHeader(pl.subspan(at), f.key, f.plan.totalBytes / 2, m.width,
                                      m.height);
              probe.sendNs = static_cast<uint64_t>(toNs(std::chrono::steady_clock::now()));
              writeProbe(pl, probe);
            });
    ++counters_.videoSent;
    videoSendPacer_.left(rtpHeaderBytes() + size, now);
    if (++f.next == f.plan.packets) videoQueue_.pop_front();
  }
}

uint64_t Participant::packetsReceived() const {
  uint64_t n = 0;
  for (const auto& [src, s] : streams_) n += s.packets();
  return n;
}

}  // namespace rounds::load
