// Fuzz target for proto/rtp: parse, read every field, look up extensions, rewrite a copy.
// Checks the view's sizes add up and that rewrites change only what they name.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "proto/rtp.hpp"

using namespace rounds;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

volatile uint64_t gSink = 0;  // keeps the reads from being optimised away

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)rtp::isRtp(Bytes(data, size));
  (void)rtp::isRtcp(Bytes(data, size));

  std::vector<uint8_t> packet(data, data + size);
  auto view = rtp::RtpView::parse(packet);
  if (!view) return 0;

  check(view->headerSize() + view->payloadSize() + view->paddingSize() == size);
  uint64_t sink = 0;
  sink += view->marker() + view->payloadType() + view->sequenceNumber() + view->timestamp() +
          view->ssrc() + view->csrcCount() + view->hasExtension() + view->extensionProfile();
  for (size_t i = 0; i <= view->csrcCount(); ++i) sink += view->csrc(i);
  for (uint8_t b : view->payload()) sink += b;

  // ids 1..15 cover the one-byte form; a few more exercise the two-byte form.
  for (unsigned id :
       {0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 14u, 15u, 16u, 128u, 255u}) {
    auto ext = view->extension(static_cast<uint8_t>(id));
    if (!ext) continue;
    check(ext->data() >= packet.data() + 12 && ext->data() + ext->size() <= packet.data() + size);
    for (uint8_t b : *ext) sink += b;
  }

  gSink = sink;

  // Rewrite a copy; the result must parse to the same shape with the new values.
  std::vector<uint8_t> copy = packet;
  auto w = rtp::RtpView::parse(copy);
  check(w.has_value());
  w->setSsrc(~view->ssrc());
  w->setSequenceNumber(static_cast<uint16_t>(view->sequenceNumber() + 1));
  w->setTimestamp(view->timestamp() + 3000);
  w->setPayloadType(static_cast<uint8_t>(view->payloadType() ^ 0x01));
  w->setMarker(!view->marker());
  for (unsigned id = 1; id <= 15; ++id) {
    auto ext = view->extension(static_cast<uint8_t>(id));
    if (!ext) continue;
    std::vector<uint8_t> flipped(ext->begin(), ext->end());
    for (uint8_t& b : flipped) b = static_cast<uint8_t>(~b);
    check(w->setExtension(static_cast<uint8_t>(id), flipped));
    flipped.push_back(0);
    check(!w->setExtension(static_cast<uint8_t>(id), flipped));
  }
  auto again = rtp::RtpView::parse(copy);
  check(again.has_value());
  check(again->headerSize() == view->headerSize() && again->payloadSize() == view->payloadSize());
  check(again->ssrc() == ~view->ssrc());
  check(again->payloadType() == (view->payloadType() ^ 0x01));
  check(again->marker() != view->marker());
  check(copy[0] == packet[0]);
  check(std::memcmp(copy.data() + view->headerSize(), packet.data() + view->headerSize(),
                    size - view->headerSize()) == 0);
  return 0;
}
