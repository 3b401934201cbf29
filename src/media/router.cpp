#include "media/router.hpp"

#include <algorithm>
#include <array>

#include "common/log.hpp"
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
  // A new subscriber needs a key frame to start decoding (RFC 4585 §6.3.1).
  auto it = producers_.find(consumer.spec.producerId);
  if (it != producers_.end() && it->second->spec.kind == MediaKind::Video && !consumer.paused)
    requestKeyFrame(*it->second, clock_.now());
}

void Router::removeConsumer(uint64_t consumerId) {
  for (auto& [pid, list] : consumers_)
    std::erase_if(list, [&](Consumer* c) { return c->spec.consumerId == consumerId; });
}

void Router::removePeer(Peer& peer) {
  receiveModes_.erase(&peer);
  speaker_.forget(reinterpret_cast<uintptr_t>(&peer));
  for (auto& [id, p] : peer.producers()) removeProducer(id);
  for (auto& [pid, list] : consumers_)
    std::erase_if(list, [&](Consumer* c) { return c->peer == &peer; });
}

void Router::onRtp(Producer& producer, rtp::RtpView& packet, bool retransmission) {
  if (producer.paused) return;  // muted by a host (docs/signalling.md "Host controls")
  TimePoint now = clock_.now();
  if (retransmission) ++rtxReceived_;
  if (producer.history) {
    uint16_t seq = packet.sequenceNumber();
    // Already here: a duplicate, or a retransmission of a packet that was only late. Every
    // consumer has had it.
    if (producer.history->contains(seq, now)) return;
    producer.history->insert(seq, Bytes(packet.buffer().data(), packet.size()), now);
    auto gap = producer.nack->onPacket(seq, now);
    if (gap.keyFrameNeeded) requestKeyFrame(producer, now);
    if (gap.newMissing) sendNacks(producer, now);
  } else if (producer.spec.kind == MediaKind::Audio) {
    // RFC 6464 §3. Opus DTX and FEC packets go on untouched below, however small.
    if (auto level = packet.extension(ExtensionIds::kAudioLevel))
      producer.audioLevel.onExtension(*level, now);
  }
  auto it = consumers_.find(producer.spec.producerId);
  if (it == consumers_.end() || it->second.empty()) return;
  uint32_t nowTicks = static_cast<uint32_t>(
      static_cast<uint64_t>(clock_.wallMillis()) * producer.spec.clockRate / 1000);
  for (Consumer* c : it->second) {
    if (c->paused) {
      ++c->pausedDrops;
      continue;
    }
    c->peer->sendRtp(*c, packet, nowTicks);
    ++forwarded_;
  }
}

void Router::onRtcp(Peer& from, Bytes compound) {
  rtcp::CompoundReader reader(compound);
  while (auto p = reader.next()) {
    switch (p->packetType) {
      case rtcp::kSenderReport:
        onSenderReport(from, *p);
        break;
      case rtcp::kPayloadFeedback:
        if (p->count == 1) {
          if (auto media = rtcp::pliMediaSsrc(*p)) onKeyFrameRequest(from, *media);
        } else if (p->count == 4) {
          if (auto fir = rtcp::firEntry(*p)) onKeyFrameRequest(from, fir->ssrc);
        }
        break;
      case rtcp::kRtpFeedback:
        if (p->count == 1) {
          onNack(from, *p);
        } else if (p->count == twcc::kFmtTransportCc) {
          from.onTransportFeedback(p->bytes);  // about what we sent `from`
        }
        break;
      default:
        // RR, SDES, BYE, REMB: read later (issue 5); nothing to do yet.
        break;
    }
  }
  if (!reader.valid()) ++counters_.droppedMalformed;
}

void Router::onSenderReport(Peer& from, const rtcp::PacketView& p) {
  auto info = rtcp::senderInfo(p);
  if (!info) return;
  Producer* producer = from.producerBySsrc(p.senderSsrc());
  if (!producer) return;
  producer->lastSrNtp = info->ntpTimestamp;
  producer->lastSrRtp = info->rtpTimestamp;
  producer->lastSrArrival = clock_.now();
  producer->haveSr = true;
  // Translate for each subscriber: same NTP time, RTP time shifted by that consumer's offset,
  // so that lip sync between a publisher's audio and video survives the rewriting.
  auto it = consumers_.find(producer->spec.producerId);
  if (it == consumers_.end()) return;
  std::array<uint8_t, 64> buf;
  for (Consumer* c : it->second) {
    if (!c->rewriter.started() || c->paused) continue;
    rtcp::SenderInfo out = *info;
    out.rtpTimestamp = info->rtpTimestamp + (c->lastOutTs - c->lastSourceTs);
    out.packetCount = c->packetsSent;
    out.octetCount = c->octetsSent;
    size_t n = rtcp::writeSenderReport(buf, c->spec.ssrc, out, {});
    if (n) c->peer->sendRtcp(Bytes(buf.data(), n));
  }
}

void Router::onKeyFrameRequest(Peer& from, uint32_t mediaSsrc) {
  Consumer* consumer = from.consumerBySsrc(mediaSsrc);
  if (!consumer || consumer->paused) return;
  auto it = producers_.find(consumer->spec.producerId);
  if (it == producers_.end()) return;
  requestKeyFrame(*it->second, clock_.now());
}

void Router::onNack(Peer& from, const rtcp::PacketView& p) {
  // RFC 4585 §6.2.1: the media source is the consumer's SSRC and the sequence numbers are the
  // rewritten ones the subscriber saw; the consumer's rewriting maps them back.
  ++nacksReceived_;
  if (p.bytes.size() < 12) return;
  Consumer* c = from.consumerBySsrc(readU32(p.bytes.data() + 8));
  if (!c || !c->rewriter.started() || c->paused) return;
  auto it = producers_.find(c->spec.producerId);
  if (it == producers_.end() || !it->second->history) return;
  Producer& producer = *it->second;
  TimePoint now = clock_.now();
  uint32_t nowTicks = static_cast<uint32_t>(
      static_cast<uint64_t>(clock_.wallMillis()) * producer.spec.clockRate / 1000);
  bool lost = false;
  rtcp::forEachNack(p, [&](uint16_t outSeq) {
    if (c->retransmitBudget == 0) return;
    uint16_t seq = c->rewriter.sourceSeq(outSeq);
    std::optional<rtp::RtpView> view;
    if (auto stored = producer.history->find(seq, now)) view = rtp::RtpView::parse(*stored);
    if (!view || view->ssrc() != c->rewriter.source()) {
      ++retransmissionMisses_;
      // Unless we are still asking the publisher for it (its retransmission will be forwarded),
      // the subscriber can only recover from a key frame.
      if (!producer.nack->isMissing(seq)) lost = true;
      return;
    }
    --c->retransmitBudget;
    if (c->peer->resendRtp(*c, *view, nowTicks)) ++retransmissionsSent_;
  });
  if (lost) requestKeyFrame(producer, now);
}

void Router::sendNacks(Producer& producer, TimePoint now) {
  if (!producer.nack || !producer.ssrc || !producer.peer->connected()) return;
  std::array<uint16_t, kMaxNackSeqsPerPacket> seqs;
  size_t n = producer.nack->collect(now, seqs);
  if (n == 0) return;
  std::array<uint8_t, 12 + 4 * kMaxNackSeqsPerPacket> buf;
  size_t len = rtcp::writeNack(buf, producer.peer->rtcpSsrc(), *producer.ssrc, {seqs.data(), n});
  if (len == 0) return;
  producer.peer->sendRtcp(Bytes(buf.data(), len));
  ++nacksSent_;
}

void Router::onTick(TimePoint now) {
  updateActiveSpeaker(now);
  for (auto& [id, p] : producers_) {
    if (p->nack) sendNacks(*p, now);
    // A request held back by the rate limit goes as soon as the interval allows (within a tick),
    // not at the next report (up to a second later): a frozen subscriber is waiting for it.
    if (p->keyFramePending) requestKeyFrame(*p, now);
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
  if (!producer.ssrc || !producer.peer->connected()) {
    producer.keyFramePending = true;
    return;
  }
  if (now - producer.lastKeyFrameRequest < Millis(config_.keyFrameMinIntervalMs)) {
    producer.keyFramePending = true;  // de-duplicated: one PLI covers every waiting subscriber
    return;
  }
  std::array<uint8_t, 32> buf;
  size_t n = rtcp::writePli(buf, producer.peer->rtcpSsrc(), *producer.ssrc);
  if (n) producer.peer->sendRtcp(Bytes(buf.data(), n));
  producer.lastKeyFrameRequest = now;
  producer.keyFramePending = false;
  ++keyFrameRequests_;
}

void Router::onReportTimer(TimePoint now) {
  // Group by publishing peer: one compound (RR + REMB) per peer.
  std::map<Peer*, std::vector<Producer*>> byPeer;
  for (auto& [id, p] : producers_) {
    if (p->keyFramePending) requestKeyFrame(*p, now);
    if (p->ssrc && p->stats.started() && p->peer->connected()) byPeer[p->peer].push_back(p);
  }
  std::array<uint8_t, 512> buf;
  for (auto& [peer, list] : byPeer) {
    std::array<rtcp::ReportBlock, 8> blocks;
    std::array<uint32_t, 8> videoSsrcs;
    size_t nb = 0, nv = 0;
    for (Producer* p : list) {
      if (nb == blocks.size()) break;
      uint32_t lsr = 0, dlsr = 0;
      if (p->haveSr) {
        lsr = static_cast<uint32_t>(p->lastSrNtp >> 16);
        auto delay = std::chrono::duration_cast<std::chrono::microseconds>(now - p->lastSrArrival);
        dlsr = static_cast<uint32_t>(delay.count() * 65536 / 1'000'000);
      }
      blocks[nb++] = p->stats.makeReport(*p->ssrc, lsr, dlsr);
      if (p->spec.kind == MediaKind::Video && !p->spec.transportCc && nv < videoSsrcs.size())
        videoSsrcs[nv++] = *p->ssrc;
    }
    size_t n = rtcp::writeReceiverReport(buf, peer->rtcpSsrc(), {blocks.data(), nb});
    if (nv > 0 && n > 0)
      n += rtcp::writeRemb(MutableBytes(buf).subspan(n), peer->rtcpSsrc(), kRembBitrate,
                           {videoSsrcs.data(), nv});
    if (n) peer->sendRtcp(Bytes(buf.data(), n));
  }
}

}  // namespace rounds
