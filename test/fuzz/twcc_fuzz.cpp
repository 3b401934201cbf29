// Fuzz target for proto/twcc: parse a transport feedback (directly and as an RTCP compound), then
// re-encode what it said with the writer and check that the second reading agrees with the first.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "proto/rtcp.hpp"
#include "proto/twcc.hpp"

using namespace rounds;

namespace {

constexpr int64_t kReferenceWrapUs = (int64_t{1} << 24) * twcc::kReferenceUnitUs;

void check(bool ok) {
  if (!ok) std::abort();
}

void roundTrip(Bytes packet) {
  auto reader = twcc::FeedbackReader::parse(packet);
  if (!reader) return;
  const auto header = reader->header();
  // Fuzzing may allocate; the data path never does.
  std::vector<int64_t> arrivals;
  twcc::PacketStatus s;
  int64_t minAt = 0;
  while (reader->next(s)) {
    check(s.seq == static_cast<uint16_t>(header.baseSeq + arrivals.size()));
    arrivals.push_back(s.received ? s.arrivalUs : INT64_MIN);
    if (s.received) minAt = std::min(minAt, s.arrivalUs);
  }
  check(arrivals.size() == header.statusCount);
  // The writer wants arrival times >= 0: shift by a multiple of 64 ms so nothing else changes.
  int64_t shift = (-minAt / twcc::kReferenceUnitUs + 1) * twcc::kReferenceUnitUs;
  for (auto& a : arrivals) a = a == INT64_MIN ? twcc::kNotReceived : a + shift;
  size_t done = 0;
  while (done < arrivals.size()) {
    std::array<uint8_t, 1500> out{};
    auto w = twcc::writeFeedback(out, header.senderSsrc, header.mediaSsrc,
                                 static_cast<uint16_t>(header.baseSeq + done), 0,
                                 std::span<const int64_t>(arrivals).subspan(done));
    if (w.packets == 0) {
      // Nothing arrived among the packets one feedback can cover: a sender of feedback (like
      // TwccRecorder) starts the next one at the first arrival instead.
      size_t next = done;
      while (next < arrivals.size() && arrivals[next] == twcc::kNotReceived) ++next;
      check(next > done);
      done = next;
      continue;
    }
    check(w.bytes % 4 == 0 && w.bytes <= out.size());
    rtcp::CompoundReader compound(Bytes(out.data(), w.bytes));
    auto pv = compound.next();
    check(pv.has_value() && compound.valid());
    auto again = twcc::FeedbackReader::parse(pv->bytes);
    check(again.has_value());
    check(again->header().statusCount == w.packets);
    size_t k = done;
    while (again->next(s)) {
      check(s.seq == static_cast<uint16_t>(header.baseSeq + k));
      check(s.received == (arrivals[k] >= 0));
      // The 24-bit reference time wraps every 2^24 x 64 ms; anything else must match exactly.
      if (s.received) check((s.arrivalUs - arrivals[k]) % kReferenceWrapUs == 0);
      ++k;
    }
    check(k == done + w.packets);
    done += w.packets;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roundTrip(Bytes(data, size));
  rtcp::CompoundReader compound(Bytes(data, size));
  while (auto p = compound.next())
    if (p->packetType == rtcp::kRtpFeedback && p->count == twcc::kFmtTransportCc) roundTrip(p->bytes);
  if (size >= 2) {
    auto seq = twcc::readSequence(Bytes(data, 2));
    check(seq.has_value());
  }
  return 0;
}
