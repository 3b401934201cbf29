// Router: publishers' padding-only packets (RFC 3550 §5.1), which browsers send to probe their
// uplink. They are received and counted (receive statistics, the publisher's transport-cc
// feedback) but never forwarded: they would only use the subscribers' downlinks.
// Threading: the router's worker thread.
#include "media/router.hpp"

namespace rounds {

void Router::dropPadding(Producer& producer, size_t layer, const rtp::RtpView& packet,
                         TimePoint now) {
  ++paddingDropped_;
  uint16_t seq = packet.sequenceNumber();
  // Its sequence number arrived: not a gap to NACK the publisher for.
  if (ProducerLayer& lay = producer.layers[layer]; lay.nack) lay.nack->onPacket(seq, now);
  // Consumers on this stream close up their numbering behind it, so subscribers see no gap
  // (RtpRewriter::skip; only possible when it is the next packet in order).
  auto it = consumers_.find(producer.spec.producerId);
  if (it == consumers_.end()) return;
  for (Consumer* c : it->second) c->rewriter.skip(packet.ssrc(), seq);
}

}  // namespace rounds
