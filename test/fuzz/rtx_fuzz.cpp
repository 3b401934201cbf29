// Fuzz target for media/rtx and the loss-recovery state: RTX unwrap of arbitrary bytes, the
// wrap/unwrap round trip of any RTP packet, and a NackGenerator + RetransmissionBuffer fed the
// input as a sequence of (sequence number, time step) pairs.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "media/nack_generator.hpp"
#include "media/retransmission_buffer.hpp"
#include "media/rtx.hpp"

using namespace rounds;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. Unwrap whatever arrives on an RTX SSRC: never past the end, and the result parses.
  std::vector<uint8_t> packet(data, data + size);
  if (auto n = rtx::unwrap(packet, 0x1234, 96)) {
    check(*n + 2 == size);
    auto v = rtp::RtpView::parse(MutableBytes(packet.data(), *n));
    check(v.has_value() && v->sequenceNumber() == readU16(data + v->headerSize()));
  }

  // 2. Wrap then unwrap gives back the original exactly.
  std::vector<uint8_t> original(data, data + size);
  if (auto view = rtp::RtpView::parse(original)) {
    std::vector<uint8_t> out(size + 2);
    rtx::WrapParams p{0xCAFE, 97, 1, view->timestamp(), view->sequenceNumber()};
    size_t n = rtx::wrap(*view, out, p);
    check(n == size + 2);
    auto back = rtx::unwrap(MutableBytes(out.data(), n), view->ssrc(), view->payloadType());
    check(back.has_value() && *back == size);
    check(std::memcmp(out.data(), original.data(), size) == 0);
  }

  // 3. Loss-recovery state under arbitrary arrival orders.
  NackGenerator nack;
  RetransmissionBuffer history(64, 32);
  TimePoint now{std::chrono::hours(1)};
  std::array<uint16_t, 64> asked;
  for (size_t i = 0; i + 3 <= size; i += 3) {
    uint16_t seq = readU16(data + i);
    now += Millis(data[i + 2] & 0x3F);
    uint8_t body[4] = {data[i], data[i + 1], data[i + 2], 0x5A};
    bool kept = history.insert(seq, Bytes(body, sizeof body), now);
    auto found = history.find(seq, now);
    check(!kept || (found && found->size() == sizeof body &&
                    std::memcmp(found->data(), body, 4) == 0));
    nack.onPacket(seq, now);
    check(!nack.isMissing(seq));
    check(nack.missing() <= NackGenerator::kMaxMissing);
    size_t n = nack.collect(now, asked);
    check(n <= asked.size());
    for (size_t k = 0; k < n; ++k) check(nack.isMissing(asked[k]));
  }
  return 0;
}
