// Peer: bandwidth probing towards a subscriber (the Peer side of media/probe_controller.hpp):
// what the subscriber wants, which consumer carries the padding, and the padding packets.
// Threading: the peer's worker thread.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include "media/forward_extensions.hpp"
#include "media/peer.hpp"

namespace rounds {

namespace {
// Fixed header (12) + one-byte-header extension block (RFC 8285 §4.2: 4 + 8): transport-wide
// sequence number (id 3, 2 bytes) and abs-send-time (id 6, 3 bytes), one byte of extension padding.
constexpr size_t kPaddingHeader = 12 + 4 + 8;
constexpr size_t kMaxPadding = 255;  // RFC 3550 §5.1: the padding count is one octet
}  // namespace

void Peer::noteProbeWanted(uint32_t layerBps, bool belowWanted) {
  probeWantedBps_ = std::max(probeWantedBps_, layerBps);
  probeBelowWanted_ = probeBelowWanted_ || belowWanted;
}

Consumer* Peer::probeCarrier() {
  for (auto& [id, c] : consumers_)
    if (c->spec.kind == MediaKind::Video && !c->paused && c->rtxEnabled && c->rewriter.started())
      return c.get();
  return nullptr;
}

void Peer::runProbe(TimePoint now) {
  // The router shares the estimate equally between the subscriber's video consumers, so the
  // best wanted layer needs that many times its rate.
  uint32_t videos = 0;
  for (auto& [id, c] : consumers_)
    if (c->spec.kind == MediaKind::Video) ++videos;
  uint64_t wanted =
      probeBelowWanted_ ? uint64_t{probeWantedBps_} * std::max<uint32_t>(videos, 1) : 0;
  probeWantedBps_ = 0;
  probeBelowWanted_ = false;
  ProbeController::Inputs in;
  in.estimateBps = estimator_.estimateBps();  // a REMB-only subscriber cannot measure a probe
  in.wantedBps = static_cast<uint32_t>(std::min<uint64_t>(wanted, UINT32_MAX));
  in.canProbe = connected() && ice_.selectedTuple() && probeCarrier() != nullptr;
  probe_.onTick(in, toUs(now));
  pumpProbe();
}

void Peer::pumpProbe() {
  if (!probe_.sending()) return;
  Consumer* carrier = probeCarrier();
  int64_t now = nowUs();
  if (!carrier || closed_) {
    probe_.abort(now);
    return;
  }
  // Bounded: a cluster is at most a few hundred packets, and the send slots flush when full.
  for (int i = 0; i < 512; ++i) {
    size_t due = probe_.paddingDue(now);
    if (due == 0) break;
    size_t wire = sendPadding(*carrier, due, probe_.clusterId());
    if (wire == 0) {
      probe_.abort(now);
      return;
    }
    probe_.onProbeSent(wire, now);
  }
}

size_t Peer::sendPadding(Consumer& c, size_t bytes, uint8_t cluster) {
  const auto& tuple = ice_.selectedTuple();
  if (closed_ || !srtpOut_ || !tuple) return 0;
  MutableBytes slot = socket_.acquireSendSlot();
  size_t overhead = kPaddingHeader + kSrtpMaxTrailer;
  size_t pad = std::clamp<size_t>(bytes > overhead ? bytes - overhead : 1, 1, kMaxPadding);
  size_t len = kPaddingHeader + pad;
  if (len + kSrtpMaxTrailer > slot.size()) return 0;
  uint8_t* b = slot.data();
  // RFC 3550 §5.1: V=2, P=1, X=1; the RTX stream's payload type, sequence number and SSRC
  // (RFC 4588 §4; no OSN: a padding-only packet carries no payload, as browsers' probes do).
  b[0] = 0x80 | 0x20 | 0x10;
  b[1] = c.spec.rtxPayloadType & 0x7F;
  writeU16(b + 2, c.rtxSeq);
  writeU32(b + 4, c.lastOutTs);
  writeU32(b + 8, c.spec.rtxSsrc);
  const std::array<uint8_t, 12> ext = {0xBE,
                                       0xDE,
                                       0x00,
                                       0x02,
                                       ExtensionIds::kTransportCc << 4 | 1,
                                       0,
                                       0,
                                       ExtensionIds::kAbsSendTime << 4 | 2,
                                       0,
                                       0,
                                       0,
                                       0};
  std::memcpy(b + 12, ext.data(), ext.size());
  std::memset(b + kPaddingHeader, 0, pad);
  b[len - 1] = static_cast<uint8_t>(pad);
  auto view = rtp::RtpView::parse(slot.first(len));
  if (!view) return 0;
  stampAbsSendTime(*view, clock_.now());
  size_t wire = 0;
  if (!protectAndQueue(*view, slot, len, /*forwarded=*/false, *tuple, cluster, &wire)) return 0;
  ++c.rtxSeq;
  ++probePackets_;
  return wire;
}

}  // namespace rounds
