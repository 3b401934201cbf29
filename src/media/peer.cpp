#include "media/peer.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include "common/log.hpp"
#include "media/forward_extensions.hpp"
#include "media/rtx.hpp"
#include "proto/twcc.hpp"

namespace rounds {

namespace {

constexpr size_t kMaxTuples = 8;

// RFC 7741 §4.2: each simulcast layer numbers its pictures itself; across a switch the subscriber
// must see picture ids (15-bit) and TL0PICIDX continue, or its decoder takes the new layer's
// frames for old ones. `payload` starts at the VP8 payload descriptor.
void rewriteVp8(Consumer& c, MutableBytes payload, uint32_t sourceSsrc, bool retransmission) {
  auto d = video::parseVp8(payload);
  if (!d || !d->pictureId || !d->pictureId15) return;
  if (!retransmission && (!c.vp8Started || sourceSsrc != c.vp8Source)) {
    c.pictureIdOffset = static_cast<uint16_t>((c.lastPictureId + 1 - *d->pictureId) & 0x7FFF);
    if (d->tl0PicIdx) c.tl0Offset = static_cast<uint8_t>(c.lastTl0 + 1 - *d->tl0PicIdx);
    c.vp8Source = sourceSsrc;
    c.vp8Started = true;
  }
  if (!c.vp8Started) return;
  uint16_t pid = static_cast<uint16_t>((*d->pictureId + c.pictureIdOffset) & 0x7FFF);
  video::writeVp8PictureId(payload, *d, pid);
  uint8_t tl0 = d->tl0PicIdx ? static_cast<uint8_t>(*d->tl0PicIdx + c.tl0Offset) : 0;
  if (d->tl0PicIdx) video::writeVp8Tl0PicIdx(payload, *d, tl0);
  // Only a newer picture moves the continuation point (15-bit wrap-around).
  if (!retransmission && static_cast<uint16_t>((pid - c.lastPictureId) & 0x7FFF) < 0x4000) {
    c.lastPictureId = pid;
    if (d->tl0PicIdx) c.lastTl0 = tl0;
  }
}

}  // namespace

Peer::Peer(std::string id, std::string room, std::string ufrag, std::string pwd,
           std::shared_ptr<Certificate> cert, UdpSocket& socket, Listener& listener,
           PacketCounters& counters, const Clock& clock)
    : id_(std::move(id)),
      room_(std::move(room)),
      ice_(std::move(ufrag), std::move(pwd), *this),
      dtls_(std::move(cert), DtlsTransport::Role::Server, *this),
      socket_(socket),
      listener_(listener),
      counters_(counters),
      clock_(clock),
      sendHistory_(std::make_unique<SendHistory>()) {}

Peer::~Peer() = default;

void Peer::setRemoteParameters(const std::string& ufrag, const std::string& fpAlgorithm,
                               const std::string& fpValue) {
  ice_.setRemoteUfrag(ufrag);
  dtls_.setRemoteFingerprint(fpAlgorithm, fpValue);
  if (!dtlsStarted_) {
    dtlsStarted_ = true;
    dtls_.start();
    if (!earlyDtls_.empty()) {
      std::vector<uint8_t> early = std::move(earlyDtls_);
      earlyDtls_ = {};
      dtls_.processPacket(early);
    }
  }
}

std::vector<SocketAddress> Peer::restartIce(std::string ufrag, std::string pwd) {
  ice_.restart(std::move(ufrag), std::move(pwd));
  std::vector<SocketAddress> dropped;
  const auto& selected = ice_.selectedTuple();
  std::erase_if(tuples_, [&](const SocketAddress& t) {
    if (selected && t == *selected) return false;
    dropped.push_back(t);
    return true;
  });
  return dropped;
}

void Peer::receiveStun(Bytes packet, const stun::Message& msg, const SocketAddress& from) {
  if (closed_) return;
  MutableBytes slot = socket_.acquireSendSlot();
  size_t n = ice_.processStun(packet, msg, from, clock_.now(), slot);
  if (n == 0) return;
  bool success = readU16(slot.data()) == stun::kBindingSuccess;
  socket_.commitSend(n, from);
  if (!success) {
    ++counters_.droppedAuth;
    return;
  }
  if (std::find(tuples_.begin(), tuples_.end(), from) == tuples_.end() &&
      tuples_.size() < kMaxTuples) {
    tuples_.push_back(from);
    listener_.onPeerTupleAdded(*this, from);
  }
}

void Peer::receiveDtls(Bytes packet, const SocketAddress& from) {
  if (closed_) return;
  if (!dtlsStarted_) {
    // The answer (with the browser's fingerprint) has not reached us yet: keep the record for
    // setRemoteParameters (a retransmission replaces it).
    if (packet.size() > kMaxEarlyDtls) {
      ++counters_.droppedOther;
      return;
    }
    earlyDtls_.assign(packet.begin(), packet.end());
    return;
  }
  dtls_.processPacket(packet);
}

void Peer::receiveSrtp(MutableBytes packet, const SocketAddress& from) {
  if (closed_ || !srtpIn_) {
    ++counters_.droppedOther;
    return;
  }
  size_t len = packet.size();
  if (rtp::isRtcp(packet)) {
    if (!srtpIn_->unprotectRtcp(packet.data(), len)) {
      ++counters_.droppedAuth;
      return;
    }
    listener_.onPeerRtcp(*this, Bytes(packet.data(), len));
    return;
  }
  if (!srtpIn_->unprotectRtp(packet.data(), len)) {
    ++counters_.droppedAuth;
    return;
  }
  auto view = rtp::RtpView::parse(packet.first(len));
  if (!view) {
    ++counters_.droppedMalformed;
    return;
  }
  TimePoint now = clock_.now();  // one clock read per packet: arrival time and layer activity
  // Every packet with a transport sequence number counts for the publisher's estimator, RTX and
  // padding-only probes included (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
  if (auto ext = view->extension(ExtensionIds::kTransportCc)) {
    if (auto seq = twcc::readSequence(*ext)) {
      if (!twccIn_) twccIn_ = std::make_unique<TwccRecorder>();  // once per peer
      twccIn_->onPacket(*seq, toUs(now));
    }
  }
  bool isRtx = false;
  size_t layer = 0;
  Producer* producer = nullptr;
  if (auto it = producersBySsrc_.find(view->ssrc()); it != producersBySsrc_.end()) {
    producer = it->second.producer;
    layer = it->second.layer;
  } else if (auto rt = producersByRtxSsrc_.find(view->ssrc()); rt != producersByRtxSsrc_.end()) {
    producer = rt->second.producer;
    layer = rt->second.layer;
    isRtx = true;
  } else {
    producer = learnSsrc(*view, isRtx, layer);
  }
  if (!producer) {
    ++counters_.droppedUnknownSsrc;
    return;
  }
  ProducerLayer& lay = producer->layers[layer];
  if (isRtx) {
    // RFC 4588 §4: back into the original packet, which is then routed like any other.
    if (!lay.ssrc || view->payloadType() != producer->spec.rtxPayloadType) {
      ++counters_.droppedOther;
      return;
    }
    // No OSN: a padding-only packet (bandwidth probing), nothing to route.
    auto n = rtx::unwrap(packet.first(len), *lay.ssrc, producer->spec.payloadType);
    if (!n) return;
    view = rtp::RtpView::parse(packet.first(*n));
    if (!view) {
      ++counters_.droppedMalformed;
      return;
    }
  }
  uint32_t nowTicks = static_cast<uint32_t>(
      static_cast<uint64_t>(clock_.wallMillis()) * producer->spec.clockRate / 1000);
  lay.stats.onPacket(view->sequenceNumber(), view->timestamp(), nowTicks);
  lay.windowBytes += view->size();
  lay.lastPacket = now;
  lay.seen = true;
  listener_.onPeerRtp(*this, *producer, layer, *view, isRtx);
}

Producer* Peer::learnSsrc(rtp::RtpView& view, bool& isRtx, size_t& layer) {
  // RFC 8843 §15: the mid header extension names the m-line an unannounced SSRC belongs to.
  // The payload type tells the media stream from its RTX stream (RFC 4588 §8.1: same mid).
  auto mid = view.extension(ExtensionIds::kMid);
  if (!mid) return nullptr;
  std::string_view midText = asText(*mid);
  for (auto& [id, p] : producers_) {
    if (p->spec.mid != midText) continue;
    if (p->simulcast()) return learnLayer(*p, view, isRtx, layer);
    ProducerLayer& only = p->layers[0];
    layer = 0;
    if (p->spec.rtxPayloadType != 0 && view.payloadType() == p->spec.rtxPayloadType) {
      if (only.rtxSsrc) continue;
      only.rtxSsrc = view.ssrc();
      producersByRtxSsrc_[view.ssrc()] = {p.get(), 0};
      isRtx = true;
      return p.get();
    }
    if (!only.ssrc) {
      only.ssrc = view.ssrc();
      producersBySsrc_[view.ssrc()] = {p.get(), 0};
      return p.get();
    }
  }
  return nullptr;
}

Producer* Peer::learnLayer(Producer& p, rtp::RtpView& view, bool& isRtx, size_t& layer) {
  // RFC 8852 §3: a layer's packets carry its rid; its RTX packets carry the rid they repair in
  // repaired-rtp-stream-id (RFC 8852 §3.2), so a layer's RTX SSRC is learned the same way.
  bool rtxPacket = p.spec.rtxPayloadType != 0 && view.payloadType() == p.spec.rtxPayloadType;
  auto rid = view.extension(rtxPacket ? ExtensionIds::kRepairedRid : ExtensionIds::kRid);
  if (!rid) return nullptr;
  std::string_view ridText = asText(*rid);
  for (size_t i = 0; i < p.layerCount; ++i) {
    ProducerLayer& l = p.layers[i];
    if (l.rid != ridText) continue;
    std::optional<uint32_t>& slot = rtxPacket ? l.rtxSsrc : l.ssrc;
    if (slot) return nullptr;  // the layer already has its SSRC; a second one is not ours
    slot = view.ssrc();
    (rtxPacket ? producersByRtxSsrc_ : producersBySsrc_)[view.ssrc()] = {&p, i};
    isRtx = rtxPacket;
    layer = i;
    return &p;
  }
  return nullptr;
}

bool Peer::sendRtp(Consumer& consumer, const rtp::RtpView& packet, uint32_t nowTicks, bool resend,
                   bool late) {
  const auto& tuple = ice_.selectedTuple();
  if (closed_ || !srtpOut_ || !tuple) return false;
  // A repair of a packet from before this subscriber's first: nothing it can use.
  if (late && consumer.rewriter.beforeStart(packet.ssrc(), packet.sequenceNumber())) return false;
  size_t len = packet.size();
  MutableBytes slot = socket_.acquireSendSlot();
  if (len + kSrtpMaxTrailer > slot.size()) return false;
  std::memcpy(slot.data(), packet.buffer().data(), len);
  auto view = rtp::RtpView::parse(slot.first(len));
  if (!view) return false;
  auto out = consumer.rewriter.rewrite(packet.ssrc(), packet.sequenceNumber(), packet.timestamp(),
                                       nowTicks);
  view->setSsrc(consumer.spec.ssrc);
  view->setSequenceNumber(out.seq);
  view->setTimestamp(out.timestamp);
  view->setPayloadType(consumer.spec.payloadType);
  // mid/rid cleared and abs-send-time stamped once for all copies (Router::onRtp); a stored
  // packet sent again needs a fresh send time.
  if (resend) stampAbsSendTime(*view, clock_.now());
  if (consumer.simulcastVp8)
    rewriteVp8(consumer, slot.subspan(view->headerSize(), view->payloadSize()), packet.ssrc(),
               /*retransmission=*/resend);
  if (!protectAndQueue(*view, slot, len, /*forwarded=*/!resend, *tuple)) return false;
  ++consumer.packetsSent;
  consumer.octetsSent += static_cast<uint32_t>(packet.payloadSize());
  consumer.lastSourceTs = packet.timestamp();
  consumer.lastOutTs = out.timestamp;
  return true;
}

void Peer::prefetchForSend(unsigned stage) const {
  switch (stage) {
    case 0:
      __builtin_prefetch(&ice_.selectedTuple());
      __builtin_prefetch(&socket_);
      __builtin_prefetch(&srtpOut_);
      __builtin_prefetch(&sendHistory_);
      break;
    case 1:
      if (srtpOut_) __builtin_prefetch(srtpOut_.get());
      if (sendHistory_) sendHistory_->prefetchHead();
      break;
    default:
      if (srtpOut_) srtpOut_->prefetch();
      if (sendHistory_) sendHistory_->prefetchSlot();
      break;
  }
}

bool Peer::resendRtp(Consumer& consumer, const rtp::RtpView& stored, uint32_t nowTicks) {
  if (!consumer.rtxEnabled) return sendRtp(consumer, stored, nowTicks, /*resend=*/true);
  const auto& tuple = ice_.selectedTuple();
  if (closed_ || !srtpOut_ || !tuple) return false;
  MutableBytes slot = socket_.acquireSendSlot();
  if (stored.size() + 2 + kSrtpMaxTrailer > slot.size()) return false;
  // RFC 4588 §4: the OSN and timestamp are the ones the subscriber saw on the media stream.
  auto mapped = consumer.rewriter.map(stored.sequenceNumber(), stored.timestamp());
  rtx::WrapParams p{consumer.spec.rtxSsrc, consumer.spec.rtxPayloadType, consumer.rtxSeq,
                    mapped.timestamp, mapped.seq};
  size_t len = rtx::wrap(stored, slot, p);
  if (len == 0) return false;
  auto view = rtp::RtpView::parse(slot.first(len));
  if (!view) return false;
  stampAbsSendTime(*view, clock_.now());
  // RFC 4588 §4: the original payload follows the 2-byte OSN.
  if (consumer.simulcastVp8 && view->payloadSize() > 2)
    rewriteVp8(consumer, slot.subspan(view->headerSize() + 2, view->payloadSize() - 2),
               stored.ssrc(), /*retransmission=*/true);
  if (!protectAndQueue(*view, slot, len, /*forwarded=*/false, *tuple)) return false;
  ++consumer.rtxSeq;
  return true;
}

bool Peer::protectAndQueue(rtp::RtpView& view, MutableBytes slot, size_t len, bool forwarded,
                           const SocketAddress& tuple, uint8_t probeCluster, size_t* wireLen) {
  // Our own transport-wide sequence for this subscriber, written over the publisher's number in
  // the same slot (same id on every m-line we offer). A packet without the slot (its publisher
  // did not negotiate transport-cc) goes out unstamped and is not seen by the estimator.
  std::array<uint8_t, 2> seq;
  writeU16(seq.data(), sendHistory_->nextSeq());
  bool stamped = view.setExtension(ExtensionIds::kTransportCc, seq);
  if (!srtpOut_->protectRtp(slot.data(), len, slot.size())) {
    if (stamped) sendHistory_->skip();
    ++counters_.droppedOther;
    return false;
  }
  // The size the estimator counts is what goes on the wire (SRTP tag included).
  if (stamped) sendHistory_->onSent(nowUs(), len, probeCluster);
  if (wireLen) *wireLen = len;
  socket_.commitSend(len, tuple, forwarded);
  return true;
}

int64_t Peer::toUs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

int64_t Peer::nowUs() const { return toUs(clock_.now()); }

void Peer::onTransportFeedback(Bytes packet) {
  auto reader = twcc::FeedbackReader::parse(packet);
  if (!reader) {
    ++counters_.droppedMalformed;
    return;
  }
  ++feedbacksReceived_;
  // Match each reported packet with what we sent; unknown ones (too old, never stamped, already
  // reported) are skipped. Batches of a fixed size keep this free of allocation.
  std::array<BandwidthEstimator::PacketResult, 256> batch;
  size_t n = 0;
  int64_t now = nowUs();
  twcc::PacketStatus s;
  while (reader->next(s)) {
    auto e = sendHistory_->takeReport(s.seq);
    if (!e) continue;
    if (e->probeCluster != 0)
      probe_.onProbeFeedback(e->probeCluster, e->sendUs, s.received ? s.arrivalUs : -1, e->size);
    batch[n++] = {e->sendUs, s.received ? s.arrivalUs : -1, e->size};
    if (n == batch.size()) {
      estimator_.onFeedback({batch.data(), n}, now);
      n = 0;
    }
  }
  if (n > 0) estimator_.onFeedback({batch.data(), n}, now);
  // A finished probe cluster raises the estimate to its delivered rate unless the link is
  // over-used (probe padding went through the estimator above like any other packet).
  bool overusing = estimator_.usage() == BandwidthEstimator::Usage::Overusing;
  if (auto rate = probe_.takeResult(overusing, now)) estimator_.onProbeResult(*rate, now);
}

void Peer::sendTransportFeedback() {
  if (!twccIn_ || !twccIn_->pending() || !connected()) return;
  // The media SSRC is not used by receivers of transport feedback; name one of ours anyway.
  uint32_t mediaSsrc = 0;
  for (auto& [id, p] : producers_)
    if (p->layerCount > 0 && p->layers[0].ssrc) {
      mediaSsrc = *p->layers[0].ssrc;
      break;
    }
  std::array<uint8_t, 1200> buf;
  for (int i = 0; i < 8; ++i) {
    size_t n = twccIn_->buildFeedback(buf, rtcpSsrc_, mediaSsrc);
    if (n == 0) break;
    sendRtcp(Bytes(buf.data(), n));
  }
}

void Peer::sendRtcp(Bytes compound) {
  const auto& tuple = ice_.selectedTuple();
  if (closed_ || !srtpOut_ || !tuple) return;
  MutableBytes slot = socket_.acquireSendSlot();
  size_t len = compound.size();
  if (len + kSrtpMaxTrailer > slot.size()) return;
  std::memcpy(slot.data(), compound.data(), len);
  if (!srtpOut_->protectRtcp(slot.data(), len, slot.size())) {
    ++counters_.droppedOther;
    return;
  }
  socket_.commitSend(len, *tuple);
}

void Peer::onTick(TimePoint now, Millis consentTimeout) {
  if (closed_) return;
  if (auto t = dtls_.nextTimeout(now); t && *t <= now) dtls_.onTimeout();
  if (!closed_ && ice_.consentExpired(now, consentTimeout)) closeWith("timeout");
  // Every tick (100 ms): the publisher's send-side estimator needs a steady flow of feedback.
  if (!closed_) sendTransportFeedback();
  if (!closed_) runProbe(now);
}

void Peer::close() {
  if (closed_) return;
  closed_ = true;
  dtls_.close();
}

void Peer::closeWith(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  listener_.onPeerClosed(*this, reason);
}

void Peer::onIceSelectedTuple(const SocketAddress& tuple) {
  spdlog::debug("peer {}: ICE selected {}", id_, tuple.toString());
}

void Peer::onDtlsSend(Bytes record) {
  // DTLS goes to the nominated tuple; before nomination, to the latest checked one.
  if (const auto& sel = ice_.selectedTuple()) {
    socket_.send(record, *sel);
  } else if (!tuples_.empty()) {
    socket_.send(record, tuples_.back());
  }
}

void Peer::onDtlsConnected(const DtlsTransport::SrtpKeys& keys) {
  auto in = SrtpSession::create(SrtpSession::Direction::Inbound, keys.profile,
                                keys.remoteKeyAndSalt);
  auto out = SrtpSession::create(SrtpSession::Direction::Outbound, keys.profile,
                                 keys.localKeyAndSalt);
  if (!in || !out) {
    closeWith("srtp_failed");
    return;
  }
  srtpIn_ = std::move(in.value());
  srtpOut_ = std::move(out.value());
  spdlog::info("peer {}: DTLS connected ({})", id_, toString(keys.profile));
  listener_.onPeerConnected(*this);
}

void Peer::onDtlsFailed(const std::string& reason) {
  spdlog::warn("peer {}: DTLS failed: {}", id_, reason);
  closeWith("dtls_failed");
}

void Peer::onDtlsClosed() { closeWith("disconnected"); }

Producer* Peer::addProducer(const ProducerSpec& spec) {
  auto p = std::make_unique<Producer>();
  p->spec = spec;
  p->peer = this;
  p->codec = video::Codec::Other;
  if (spec.kind == MediaKind::Video)
    p->codec = spec.payloadType == 102 ? video::Codec::H264 : video::Codec::Vp8;
  if (!spec.codecName.empty())
    p->codec = video::codecFromName(spec.codecName.data(), spec.codecName.size());
  p->layerCount = std::clamp<size_t>(spec.rids.size(), 1, kMaxSimulcastLayers);
  Producer* raw = p.get();
  for (size_t i = 0; i < p->layerCount; ++i) {
    ProducerLayer& l = p->layers[i];
    if (spec.rids.size() > 1) l.rid = spec.rids[i];
    if (spec.kind == MediaKind::Video) {
      l.history = std::make_unique<RetransmissionBuffer>();
      l.nack = std::make_unique<NackGenerator>();
    }
  }
  if (!p->simulcast()) {
    p->layers[0].ssrc = spec.ssrc;
    p->layers[0].rtxSsrc = spec.rtxSsrc;
    if (spec.ssrc) producersBySsrc_[*spec.ssrc] = {raw, 0};
    if (spec.rtxSsrc && spec.rtxPayloadType != 0) producersByRtxSsrc_[*spec.rtxSsrc] = {raw, 0};
  }
  producers_[spec.producerId] = std::move(p);
  return raw;
}

void Peer::removeProducer(uint64_t producerId) {
  auto it = producers_.find(producerId);
  if (it == producers_.end()) return;
  for (size_t i = 0; i < it->second->layerCount; ++i) {
    const ProducerLayer& l = it->second->layers[i];
    if (l.ssrc) producersBySsrc_.erase(*l.ssrc);
    if (l.rtxSsrc) producersByRtxSsrc_.erase(*l.rtxSsrc);
  }
  producers_.erase(it);
}

void Peer::noteRrtr(uint32_t ssrc, uint64_t ntpTimestamp, TimePoint arrival) {
  PendingRrtr rrtr{ssrc, rtcp::compactNtp(ntpTimestamp), arrival};
  auto live = std::span(pendingRrtrs_.data(), pendingRrtrCount_);
  auto same = std::find_if(live.begin(), live.end(), [&](const auto& p) { return p.ssrc == ssrc; });
  if (same != live.end()) {
    *same = rrtr;
    return;
  }
  if (pendingRrtrCount_ < kMaxPendingRrtrs) {
    pendingRrtrs_[pendingRrtrCount_++] = rrtr;
    return;
  }
  *std::min_element(live.begin(), live.end(),
                    [](const auto& a, const auto& b) { return a.arrival < b.arrival; }) = rrtr;
}

size_t Peer::takePendingRrtrs(std::span<PendingRrtr, kMaxPendingRrtrs> out) {
  size_t n = std::exchange(pendingRrtrCount_, 0);
  std::copy_n(pendingRrtrs_.begin(), n, out.begin());
  return n;
}

void Peer::onRttSample(Micros rtt) {
  rtt_.onSample(rtt);
  estimator_.setRoundTrip(rtt_.smoothed()->count());
}

void Peer::onRemb(uint64_t bitrateBps) {
  remb_ = static_cast<uint32_t>(std::min<uint64_t>(bitrateBps, UINT32_MAX));
}

Producer* Peer::producerById(uint64_t id) {
  auto it = producers_.find(id);
  return it == producers_.end() ? nullptr : it->second.get();
}

Producer* Peer::producerBySsrc(uint32_t ssrc) {
  size_t layer = 0;
  return producerBySsrc(ssrc, layer);
}

Producer* Peer::producerBySsrc(uint32_t ssrc, size_t& layer) {
  auto it = producersBySsrc_.find(ssrc);
  if (it == producersBySsrc_.end()) return nullptr;
  layer = it->second.layer;
  return it->second.producer;
}

Consumer* Peer::addConsumer(const ConsumerSpec& spec, uint16_t seq0, uint32_t ts0) {
  auto c = std::make_unique<Consumer>(spec, this, seq0, ts0);
  Consumer* raw = c.get();
  consumersBySsrc_[spec.ssrc] = raw;
  consumers_[spec.consumerId] = std::move(c);
  return raw;
}

void Peer::removeConsumer(uint64_t consumerId) {
  auto it = consumers_.find(consumerId);
  if (it == consumers_.end()) return;
  consumersBySsrc_.erase(it->second->spec.ssrc);
  consumers_.erase(it);
}

Consumer* Peer::consumerById(uint64_t id) {
  auto it = consumers_.find(id);
  return it == consumers_.end() ? nullptr : it->second.get();
}

Consumer* Peer::consumerBySsrc(uint32_t ssrc) {
  auto it = consumersBySsrc_.find(ssrc);
  return it == consumersBySsrc_.end() ? nullptr : it->second;
}

}  // namespace rounds
