#include "media/router.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>

#include "common/log.hpp"
#include "media/forward_extensions.hpp"
#include "proto/rtcp.hpp"
#include "proto/twcc.hpp"

namespace rounds {

namespace {
// Publishers without transport-cc get this REMB as a cap; with it, their browser estimates its
// uplink from our transport feedback (Peer::onTick) and gets no REMB.
constexpr uint64_t kRembBitrate = 2'000'000;
// Resends one subscriber may get per 100 ms tick (about 1,000 packets/s): a NACK is 16 bytes and
// can name 17 packets of 1.2 kB, so without a budget it would be an amplifier.
constexpr uint32_t kRetransmitBudgetPerTick = 100;
constexpr size_t kMaxNackSeqsPerPacket = 64;  // sequence numbers in one NACK we send
// One compound of DLRR answers (an RR and XRs of 12 + 12 bytes per item) stays under this, well
// inside a datagram with its SRTCP trailer; a peer receiving many audio streams gets several.
constexpr size_t kMaxRtcpCompound = 1000;
constexpr int64_t kRateWindowMs = 1000;      // a layer's bitrate is measured over this window
constexpr int64_t kLayerInactiveMs = 1000;   // a layer silent this long is not selectable

}  // namespace

Router::Router(std::string room, const MediaConfig& config, const Clock& clock,
               PacketCounters& counters)
    : room_(std::move(room)), config_(config), clock_(clock), counters_(counters) {}

void Router::addProducer(Producer& producer) { producers_[producer.spec.producerId] = &producer; }

void Router::removeProducer(uint64_t producerId) {
  producers_.erase(producerId);
  consumers_.erase(producerId);
}

void Router::addConsumer(Consumer& consumer) {
  consumer.retransmitBudget = kRetransmitBudgetPerTick;
  consumers_[consumer.spec.producerId].push_back(&consumer);
  consumer.paused = !wanted(consumer);
  // A new subscriber needs a key frame to start decoding (RFC 4585 §6.3.1); with simulcast, one
  // of the layer the selector starts it on. A paused one gets its key frame when it resumes.
  auto it = producers_.find(consumer.spec.producerId);
  if (it == producers_.end() || it->second->spec.kind != MediaKind::Video) return;
  Producer& producer = *it->second;
  TimePoint now = clock_.now();
  if (!producer.simulcast()) {
    if (!consumer.paused) requestKeyFrame(producer, now);
    return;
  }
  consumer.simulcastVp8 = producer.codec == video::Codec::Vp8;
  updateSelector(producer, consumer, now);
  if (!consumer.paused && consumer.selector.waitingForKeyFrame())
    requestKeyFrame(producer, static_cast<size_t>(consumer.selector.target()), now);
}

void Router::removeConsumer(uint64_t consumerId) {
  for (auto& [pid, list] : consumers_)
    std::erase_if(list, [&](Consumer* c) { return c->spec.consumerId == consumerId; });
}

void Router::removePeer(Peer& peer) {
  receiveModes_.erase(&peer);
  noScreens_.erase(&peer);
  speaker_.forget(reinterpret_cast<uintptr_t>(&peer));
  for (auto& [id, p] : peer.producers()) removeProducer(id);
  for (auto& [pid, list] : consumers_)
    std::erase_if(list, [&](Consumer* c) { return c->peer == &peer; });
}

namespace {
// ROUNDS_FANOUT_PREFETCH=0 turns the fan-out prefetch off (for A/B measurements).
bool fanOutPrefetch() {
  static const bool on = [] {
    const char* v = std::getenv("ROUNDS_FANOUT_PREFETCH");
    return !(v && std::strcmp(v, "0") == 0);
  }();
  return on;
}

// For A/B runs: ROUNDS_NACK_IN_FLIGHT=0 answers NACKs for repairs still on their way too;
// ROUNDS_NACK_RESEND_SPACING=0 resends a packet however recently it was resent.
bool envOn(const char* name) {
  const char* v = std::getenv(name);
  return !(v && std::strcmp(v, "0") == 0);
}
bool skipRepairsInFlight() {
  static const bool on = envOn("ROUNDS_NACK_IN_FLIGHT");
  return on;
}
bool spaceResends() {
  static const bool on = envOn("ROUNDS_NACK_RESEND_SPACING");
  return on;
}
}  // namespace

void Router::onRtp(Producer& producer, rtp::RtpView& packet, bool retransmission, size_t layer) {
  if (producer.paused) return;  // muted by a host (docs/signalling.md "Host controls")
  TimePoint now = clock_.now();
  if (retransmission) ++totals_.rtxReceived;
  if (layer >= producer.layerCount) return;
  ProducerLayer& lay = producer.layers[layer];
  // RFC 3550 §5.1: a padding-only packet (the publisher's bandwidth probe) carries nothing for
  // subscribers. It was counted on receipt; it is not stored or forwarded (router_padding.cpp).
  if (packet.payloadSize() == 0 && packet.paddingSize() > 0) {
    dropPadding(producer, layer, packet, now);
    return;
  }
  // Once for every copy (and for the stored one): no publisher mid/rid, our send time.
  prepareForSubscribers(packet, now);
  bool late = false;  // a repair or a reordered packet: see Peer::sendRtp
  if (lay.history) {
    uint16_t seq = packet.sequenceNumber();
    // Already here: a duplicate, or a retransmission of a packet that was only late. Every
    // consumer has had it.
    if (lay.history->contains(seq, now)) return;
    auto gap = lay.nack->onPacket(seq, now);
    late = retransmission || gap.filledGap;
    lay.history->insert(seq, Bytes(packet.buffer().data(), packet.size()), now, /*repair=*/late);
    if (gap.keyFrameNeeded) requestKeyFrame(producer, layer, now);
    if (gap.newMissing) sendNacks(producer, layer, now);
  } else if (producer.spec.kind == MediaKind::Audio) {
    // RFC 6464 §3. Opus DTX and FEC packets go on untouched below, however small.
    if (auto level = packet.extension(ExtensionIds::kAudioLevel))
      producer.audioLevel.onExtension(*level, now);
  }
  // Simulcast: a consumer switches layers only where the new one starts a key frame.
  bool keyFrame = false;
  if (producer.simulcast()) {
    if (producer.codec == video::Codec::Vp8) {
      auto d = video::parseVp8(packet.payload());
      keyFrame = d && d->keyFrame;
      if (keyFrame && d->height != 0) {
        lay.width = d->width;
        lay.height = d->height;
      }
    } else {
      keyFrame = video::startsKeyFrame(producer.codec, packet.payload());
    }
  }
  auto it = consumers_.find(producer.spec.producerId);
  if (it == consumers_.end() || it->second.empty()) return;
  uint32_t nowTicks = static_cast<uint32_t>(
      static_cast<uint64_t>(clock_.wallMillis()) * producer.spec.clockRate / 1000);
  const std::vector<Consumer*>& list = it->second;
  const size_t n = list.size();
  const bool prefetch = fanOutPrefetch();
  for (size_t i = 0; i < n; ++i) {
    Consumer* c = list[i];
    if (prefetch) {
      // A software pipeline over the next consumers: each stage needs a line the previous
      // iteration's stage asked for (consumer -> peer -> SRTP session -> its state), so every
      // subscriber's state is being loaded while earlier copies are protected. With 200 peers
      // it is evicted between two packets (docs/performance-history.md, "Lever: prefetch").
      if (i + 4 < n) {
        __builtin_prefetch(list[i + 4]);
        __builtin_prefetch(reinterpret_cast<const char*>(list[i + 4]) + 64);
        __builtin_prefetch(reinterpret_cast<const char*>(list[i + 4]) + 128);
      }
      if (i + 3 < n) list[i + 3]->peer->prefetchForSend(0);
      if (i + 2 < n) list[i + 2]->peer->prefetchForSend(1);
      if (i + 1 < n) list[i + 1]->peer->prefetchForSend(2);
    }
    if (c->paused) {
      ++c->pausedDrops;
      continue;
    }
    if (producer.simulcast() && !c->selector.onPacket(layer, keyFrame)) continue;
    c->peer->sendRtp(*c, packet, nowTicks, /*resend=*/false, late);
    ++totals_.rtpForwarded;
  }
}

void Router::onRtcp(Peer& from, Bytes compound, std::optional<TimePoint> receivedAt) {
  rtcp::CompoundReader reader(compound);
  while (auto p = reader.next()) {
    switch (p->packetType) {
      case rtcp::kSenderReport:
        onSenderReport(from, *p);
        onReportBlocks(from, *p, receivedAt.value_or(clock_.now()));
        break;
      case rtcp::kReceiverReport:
        onReportBlocks(from, *p, receivedAt.value_or(clock_.now()));
        break;
      case rtcp::kExtendedReport:
        onExtendedReport(from, *p, receivedAt.value_or(clock_.now()));
        break;
      case rtcp::kPayloadFeedback:
        if (p->count == 1) {
          if (auto media = rtcp::pliMediaSsrc(*p)) onKeyFrameRequest(from, *media);
        } else if (p->count == 4) {
          if (auto fir = rtcp::firEntry(*p)) onKeyFrameRequest(from, fir->ssrc);
        } else if (p->count == 15) {
          // draft-alvestrand-rmcat-remb: the subscriber's receive-side downlink estimate.
          if (auto bps = rtcp::rembBitrate(*p)) from.onRemb(*bps);
        }
        break;
      case rtcp::kRtpFeedback:
        if (p->count == 1) {
          onNack(from, *p, receivedAt);
        } else if (p->count == twcc::kFmtTransportCc) {
          from.onTransportFeedback(p->bytes);  // about what we sent `from`
        }
        break;
      default:
        // SDES, BYE: nothing to do yet.
        break;
    }
  }
  if (!reader.valid()) ++counters_.droppedMalformed;
}

void Router::onSenderReport(Peer& from, const rtcp::PacketView& p) {
  auto info = rtcp::senderInfo(p);
  if (!info) return;
  size_t layer = 0;
  Producer* producer = from.producerBySsrc(p.senderSsrc(), layer);
  if (!producer) return;
  ProducerLayer& lay = producer->layers[layer];
  lay.lastSrNtp = info->ntpTimestamp;
  lay.lastSrRtp = info->rtpTimestamp;
  lay.lastSrArrival = clock_.now();
  lay.haveSr = true;
  // Translate for each subscriber: same NTP time, RTP time shifted by that consumer's offset,
  // so that lip sync between a publisher's audio and video survives the rewriting. Simulcast
  // layers have their own RTP clocks: only subscribers on this layer get this one.
  auto it = consumers_.find(producer->spec.producerId);
  if (it == consumers_.end()) return;
  std::array<uint8_t, 64> buf;
  for (Consumer* c : it->second) {
    if (!c->rewriter.started() || c->paused || c->rewriter.source() != p.senderSsrc()) continue;
    rtcp::SenderInfo out = *info;
    out.rtpTimestamp = info->rtpTimestamp + (c->lastOutTs - c->lastSourceTs);
    out.packetCount = c->packetsSent;
    out.octetCount = c->octetsSent;
    size_t n = rtcp::writeSenderReport(buf, c->spec.ssrc, out, {});
    if (n == 0) continue;
    c->peer->sendRtcp(Bytes(buf.data(), n));
    c->srSent.note(out.ntpTimestamp, clock_.now());
  }
}

void Router::onReportBlocks(Peer& from, const rtcp::PacketView& p, TimePoint arrival) {
  // RFC 3550 §6.4.1: each block about a stream we send `from` names our latest SR on it (LSR)
  // and how long the browser held it (DLSR). The smallest round trip of the packet is one
  // sample: the blocks were written together, and queueing only adds.
  std::array<rtcp::ReportBlock, 31> blocks;
  const size_t n = rtcp::reportBlocks(p, blocks);
  std::optional<Micros> best;
  for (size_t i = 0; i < n; ++i) {
    const rtcp::ReportBlock& b = blocks[i];
    Consumer* c = from.consumerBySsrc(b.ssrc);
    if (!c) continue;
    auto sentAt = c->srSent.sentAt(b.lastSr);
    if (!sentAt) continue;
    auto rtt = RttEstimator::roundTrip(arrival, *sentAt, b.delaySinceLastSr);
    if (rtt && (!best || *rtt < *best)) best = rtt;
  }
  takeRttSample(from, best);
}

void Router::takeRttSample(Peer& from, std::optional<Micros> rtt) {
  if (!rtt) return;
  from.onRttSample(*rtt);
  ++totals_.rttSamples;
}

void Router::onExtendedReport(Peer& from, const rtcp::PacketView& p, TimePoint arrival) {
  // A subscriber's own reference time: answered in its slice of the next tick (answerRrtrs).
  if (auto ntp = rtcp::xrRrtr(p)) {
    from.noteRrtr(p.senderSsrc(), *ntp, arrival);
    ++totals_.rrtrReceived;
  }
  // RFC 3611 §4.5: a DLRR item about our RRTR names our RTCP SSRC.
  std::optional<Micros> best;
  rtcp::forEachDlrr(p, [&](const rtcp::DlrrItem& item) {
    if (item.ssrc != from.rtcpSsrc()) return;
    auto sentAt = from.rrtrSent().sentAt(item.lastRr);
    if (!sentAt) return;
    auto rtt = RttEstimator::roundTrip(arrival, *sentAt, item.delaySinceLastRr);
    if (rtt && (!best || *rtt < *best)) best = rtt;
  });
  takeRttSample(from, best);
}

Millis Router::nackRetryInterval(const Peer& publisher) {
  return NackGenerator::retryIntervalFor(publisher.rtt());
}

void Router::onKeyFrameRequest(Peer& from, uint32_t mediaSsrc) {
  Consumer* consumer = from.consumerBySsrc(mediaSsrc);
  if (!consumer || consumer->paused) return;
  auto it = producers_.find(consumer->spec.producerId);
  if (it == producers_.end()) return;
  Producer& producer = *it->second;
  // Simulcast: the layer the subscriber is decoding (or about to switch to).
  size_t layer = 0;
  if (producer.simulcast()) {
    int l = consumer->selector.waitingForKeyFrame() ? consumer->selector.target()
                                                    : consumer->selector.current();
    if (l == LayerSelector::kNone) return;
    layer = static_cast<size_t>(l);
  }
  requestKeyFrame(producer, layer, clock_.now());
}

void Router::onNack(Peer& from, const rtcp::PacketView& p, std::optional<TimePoint> receivedAt) {
  // RFC 4585 §6.2.1: the media source is the consumer's SSRC and the sequence numbers are the
  // rewritten ones the subscriber saw; the consumer's rewriting maps them back.
  ++totals_.nacksReceived;
  // A NACK that sat this long in our receive queue says the worker is overloaded: answering it
  // (and the NACKs of every other subscriber that lost the same packets to our delay) would add
  // a send per packet to the work it is already behind on, and the retransmission would come
  // late anyway. Browsers ask again; once the queue is short, those are answered.
  if (receivedAt && config_.resendMaxQueueWaitMs != 0 &&
      clock_.now() - *receivedAt > Millis(config_.resendMaxQueueWaitMs)) {
    ++totals_.nacksShed;
    return;
  }
  if (p.bytes.size() < 12) return;
  Consumer* c = from.consumerBySsrc(readU32(p.bytes.data() + 8));
  if (!c || !c->rewriter.started() || c->paused) return;
  auto it = producers_.find(c->spec.producerId);
  if (it == producers_.end()) return;
  Producer& producer = *it->second;
  // The history of the layer the consumer is on now (the rewriter maps only its current source).
  auto layer = producer.layerOfSsrc(c->rewriter.source());
  if (!layer || !producer.layers[*layer].history) return;
  ProducerLayer& lay = producer.layers[*layer];
  TimePoint now = clock_.now();
  uint32_t nowTicks = static_cast<uint32_t>(
      static_cast<uint64_t>(clock_.wallMillis()) * producer.spec.clockRate / 1000);
  // A repair we forwarded less than a round trip before this NACK arrived had not reached the
  // subscriber when it wrote the NACK: we were repairing that gap from the publisher while the
  // subscriber's NACK for it was on its way (it saw the gap when we did). That copy answers the
  // NACK; resending would only duplicate it. Only repairs: a subscriber that lost an original
  // on its own link NACKs as soon as the next packet arrives, a round trip plus that packet's
  // spacing (often under a millisecond) after we forwarded it, well inside the estimate's error.
  const TimePoint nackArrival = receivedAt.value_or(now);
  const std::optional<Micros> subscriberRtt = c->peer->rtt();
  const std::optional<Micros> rtt = skipRepairsInFlight() ? subscriberRtt : std::nullopt;
  // A packet we resent to it less than a round trip ago is on its way (media/resend_log.hpp).
  const std::optional<Micros> spacing = spaceResends() ? subscriberRtt : std::nullopt;
  bool lost = false;
  rtcp::forEachNack(p, [&](uint16_t outSeq) {
    if (c->retransmitBudget == 0) return;
    uint16_t seq = c->rewriter.sourceSeq(outSeq);
    std::optional<rtp::RtpView> view;
    if (auto stored = lay.history->lookup(seq, now)) {
      if (stored->repair && rtt && nackArrival - stored->arrival < *rtt) {
        ++totals_.nackedInFlight;
        return;
      }
      view = rtp::RtpView::parse(stored->packet);
    }
    if (!view || view->ssrc() != c->rewriter.source()) {
      ++totals_.retransmissionMisses;
      // Unless we are still asking the publisher for it (its retransmission will be forwarded),
      // the subscriber can only recover from a key frame.
      if (!lay.nack->isMissing(seq)) lost = true;
      return;
    }
    if (spacing && c->resent && c->resent->within(seq, nackArrival, *spacing)) {
      ++totals_.nackedRecentlyResent;
      return;
    }
    --c->retransmitBudget;
    if (!c->resent) c->resent = std::make_unique<ResendLog>();
    c->resent->note(seq, now);  // (a resend that could not be queued would fail again)
    if (c->peer->resendRtp(*c, *view, nowTicks)) ++totals_.retransmissionsSent;
  });
  if (lost) requestKeyFrame(producer, *layer, now);
}

void Router::sendNacks(Producer& producer, size_t layer, TimePoint now) {
  ProducerLayer& lay = producer.layers[layer];
  if (!lay.nack || !lay.ssrc || !producer.peer->connected()) return;
  std::array<uint16_t, kMaxNackSeqsPerPacket> seqs;
  size_t n = lay.nack->collect(now, seqs, nackRetryInterval(*producer.peer));
  if (n == 0) return;
  std::array<uint8_t, 12 + 4 * kMaxNackSeqsPerPacket> buf;
  size_t len = rtcp::writeNack(buf, producer.peer->rtcpSsrc(), *lay.ssrc, {seqs.data(), n});
  if (len == 0) return;
  producer.peer->sendRtcp(Bytes(buf.data(), len));
  ++totals_.nacksSent;
}

void Router::updateLayerRates(Producer& producer, TimePoint now) {
  for (size_t i = 0; i < producer.layerCount; ++i) {
    ProducerLayer& l = producer.layers[i];
    auto elapsed = std::chrono::duration_cast<Millis>(now - l.windowStart).count();
    if (elapsed < kRateWindowMs) continue;
    l.bitrateBps = l.windowStart == TimePoint{} ? 0
                   : static_cast<uint32_t>(l.windowBytes * 8 * 1000 / static_cast<uint64_t>(elapsed));
    l.windowBytes = 0;
    l.windowStart = now;
  }
}

void Router::updateSelector(Producer& producer, Consumer& c, TimePoint now) {
  std::array<LayerSelector::LayerInfo, kMaxSimulcastLayers> info;
  for (size_t i = 0; i < producer.layerCount; ++i) {
    const ProducerLayer& l = producer.layers[i];
    info[i].bitrateBps = l.bitrateBps;
    info[i].height = l.height;
    info[i].active = l.seen && now - l.lastPacket < Millis(kLayerInactiveMs);
  }
  // The subscriber's estimate is for everything we send it: each of its video consumers gets an
  // equal share (audio is small and left out).
  std::optional<uint64_t> budget;
  if (auto est = c.peer->downlinkEstimateBps()) {
    size_t videos = 0;
    for (auto& [id, other] : c.peer->consumers())
      if (other->spec.kind == MediaKind::Video) ++videos;
    budget = *est / std::max<size_t>(videos, 1);
  }
  c.selector.update(budget, {info.data(), producer.layerCount}, now);
}

void Router::onTick(TimePoint now) {
  updateActiveSpeaker(now);
  for (auto& [id, p] : producers_) {
    for (size_t i = 0; i < p->layerCount; ++i) {
      if (p->layers[i].nack) sendNacks(*p, i, now);
      // A request held back by the rate limit goes as soon as the interval allows (within a
      // tick), not at the next report (up to a second later): a frozen subscriber is waiting.
      if (p->layers[i].keyFramePending) requestKeyFrame(*p, i, now);
    }
    if (!p->simulcast()) continue;
    updateLayerRates(*p, now);
    auto it = consumers_.find(id);
    if (it == consumers_.end()) continue;
    for (Consumer* c : it->second) {
      updateSelector(*p, *c, now);
      if (c->selector.waitingForKeyFrame())
        requestKeyFrame(*p, static_cast<size_t>(c->selector.target()), now);
      // Bandwidth probing (Peer::noteProbeWanted): a layer the tile allows but the estimate not.
      int wanted = c->selector.wanted();
      if (!c->paused && wanted != LayerSelector::kNone)
        c->peer->noteProbeWanted(p->layers[static_cast<size_t>(wanted)].bitrateBps,
                                 c->selector.target() < wanted);
    }
  }
  for (auto& [pid, list] : consumers_)
    for (Consumer* c : list) c->retransmitBudget = kRetransmitBudgetPerTick;
}

std::optional<uint8_t> Router::audioLevel(uint64_t producerId, TimePoint now) const {
  auto it = producers_.find(producerId);
  if (it == producers_.end() || it->second->spec.kind != MediaKind::Audio) return std::nullopt;
  return it->second->audioLevel.level(now);
}

void Router::requestKeyFrame(Producer& producer, TimePoint now) {
  for (size_t i = 0; i < producer.layerCount; ++i) requestKeyFrame(producer, i, now);
}

void Router::requestKeyFrame(Producer& producer, size_t layer, TimePoint now) {
  if (layer >= producer.layerCount) return;
  ProducerLayer& lay = producer.layers[layer];
  if (!lay.ssrc || !producer.peer->connected()) {
    lay.keyFramePending = true;
    return;
  }
  if (now - lay.lastKeyFrameRequest < Millis(config_.keyFrameMinIntervalMs)) {
    lay.keyFramePending = true;  // de-duplicated: one PLI covers every waiting subscriber
    return;
  }
  std::array<uint8_t, 32> buf;
  size_t n = rtcp::writePli(buf, producer.peer->rtcpSsrc(), *lay.ssrc);
  if (n) producer.peer->sendRtcp(Bytes(buf.data(), n));
  lay.lastKeyFrameRequest = now;
  lay.keyFramePending = false;
  ++totals_.keyFrameRequests;
}

void Router::answerRrtrs(Peer& peer, TimePoint now) {
  // RFC 3611 §4.5: each RRTR sender's SSRC, its compact NTP time and how long we held it, in XR
  // DLRR blocks behind an RR without blocks (RFC 3550 §6.1). The same items go out under more
  // than one XR sender SSRC: under our RTCP SSRC, and under the SSRC of each audio stream we
  // send the peer, because Chromium files a receiver's round trip under the XR's sender and an
  // audio receiver shows the one filed under its own stream's SSRC (its remote-outbound-rtp
  // roundTripTime). Video receivers take any (their NACK timing).
  std::array<Peer::PendingRrtr, Peer::kMaxPendingRrtrs> pending;
  size_t count = peer.takePendingRrtrs(pending);
  if (count == 0 || !peer.connected()) return;
  std::array<rtcp::DlrrItem, Peer::kMaxPendingRrtrs> items;
  for (size_t i = 0; i < count; ++i)
    items[i] = {pending[i].ssrc, pending[i].lastRr,
                rtcp::toDelayUnits(std::chrono::duration_cast<Micros>(now - pending[i].arrival))};
  auto list = std::span<const rtcp::DlrrItem>(items.data(), count);
  std::array<uint8_t, kMaxRtcpCompound> buf;
  size_t n = rtcp::writeReceiverReport(buf, peer.rtcpSsrc(), {});
  auto add = [&](uint32_t sender) {  // a full compound goes out and another starts
    size_t x = rtcp::writeXrDlrr(MutableBytes(buf).subspan(n), sender, list);
    if (x == 0) {
      peer.sendRtcp(Bytes(buf.data(), n));
      n = rtcp::writeReceiverReport(buf, peer.rtcpSsrc(), {});
      x = rtcp::writeXrDlrr(MutableBytes(buf).subspan(n), sender, list);
    }
    n += x;
  };
  add(peer.rtcpSsrc());
  for (auto& [id, consumer] : peer.consumers())
    if (consumer->spec.kind == MediaKind::Audio) add(consumer->spec.ssrc);
  peer.sendRtcp(Bytes(buf.data(), n));
  totals_.rrtrAnswered += count;
}

void Router::onReportTimer(TimePoint now) {
  // Group by publishing peer: one compound (RR + REMB) per peer, a report block per SSRC.
  std::map<Peer*, std::vector<std::pair<Producer*, size_t>>> byPeer;
  for (auto& [id, p] : producers_) {
    for (size_t i = 0; i < p->layerCount; ++i) {
      const ProducerLayer& l = p->layers[i];
      if (l.keyFramePending) requestKeyFrame(*p, i, now);
      if (l.ssrc && l.stats.started() && p->peer->connected()) byPeer[p->peer].emplace_back(p, i);
    }
  }
  std::array<uint8_t, 512> buf;
  for (auto& [peer, list] : byPeer) {
    std::array<rtcp::ReportBlock, 8> blocks;
    std::array<uint32_t, 8> videoSsrcs;
    size_t nb = 0, nv = 0;
    for (auto [p, i] : list) {
      if (nb == blocks.size()) break;
      ProducerLayer& l = p->layers[i];
      uint32_t lsr = 0, dlsr = 0;
      if (l.haveSr) {
        lsr = rtcp::compactNtp(l.lastSrNtp);
        dlsr = rtcp::toDelayUnits(std::chrono::duration_cast<Micros>(now - l.lastSrArrival));
      }
      blocks[nb++] = l.stats.makeReport(*l.ssrc, lsr, dlsr);
      if (p->spec.kind == MediaKind::Video && !p->spec.transportCc && nv < videoSsrcs.size()) videoSsrcs[nv++] = *l.ssrc;
    }
    size_t n = rtcp::writeReceiverReport(buf, peer->rtcpSsrc(), {blocks.data(), nb});
    if (nv > 0 && n > 0)
      n += rtcp::writeRemb(MutableBytes(buf).subspan(n), peer->rtcpSsrc(), kRembBitrate,
                           {videoSsrcs.data(), nv});
    // Our own time for its DLRR answer: a round trip even if it receives nothing from us.
    if (n > 0) {
      const uint64_t ntp = ntpFromUnixMillis(clock_.wallMillis());
      if (size_t x = rtcp::writeXrRrtr(MutableBytes(buf).subspan(n), peer->rtcpSsrc(), ntp)) {
        n += x;
        peer->rrtrSent().note(ntp, now);
      }
    }
    if (n) peer->sendRtcp(Bytes(buf.data(), n));
  }
}

bool Router::setConsumerTile(Peer& subscriber, uint64_t consumerId, uint32_t height) {
  Consumer* c = subscriber.consumerById(consumerId);
  if (!c) return false;
  c->selector.setTileHeight(height);
  return true;
}

void Router::collectLayerStats(std::vector<ConsumerLayerStats>& out) const {
  for (const auto& [pid, list] : consumers_) {
    auto it = producers_.find(pid);
    if (it == producers_.end() || it->second->spec.kind != MediaKind::Video) continue;
    const Producer& producer = *it->second;
    for (const Consumer* c : list) {
      ConsumerLayerStats s;
      s.peerId = c->peer->id();
      s.consumerId = c->spec.consumerId;
      s.producerId = pid;
      s.layers = producer.layerCount;
      if (producer.simulcast()) {
        s.currentLayer = c->selector.current();
        s.targetLayer = c->selector.target();
      } else {
        s.currentLayer = s.targetLayer = c->rewriter.started() ? 0 : -1;
      }
      s.estimateBps = c->peer->downlinkEstimateBps().value_or(0);
      s.switches = c->selector.switches();
      s.tileHeight = c->selector.tileHeight();
      for (size_t i = 0; i < producer.layerCount; ++i)
        s.layerBitrates.push_back(producer.layers[i].bitrateBps);
      out.push_back(std::move(s));
    }
  }
}

}  // namespace rounds
