// Transport-cc on the forwarding path: what stamping our transport sequence number and keeping
// the send history add to each forwarded packet, what a publisher's arrival costs to record and
// report, and what a subscriber's feedback costs per packet it reports (history lookup + GCC).
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "counting_allocator.hpp"
#include "media/bandwidth_estimator.hpp"
#include "media/transport_cc.hpp"
#include "media/types.hpp"
#include "proto/rtp.hpp"
#include "proto/twcc.hpp"

namespace rounds {
namespace {

std::vector<uint8_t> packetWithSlot() {
  std::vector<uint8_t> p(1200, 0x5A);
  p[0] = 0x90;  // V=2, X=1
  p[1] = 96;
  writeU16(&p[2], 1);
  writeU32(&p[4], 3000);
  writeU32(&p[8], 0xA11CE);
  writeU16(&p[12], 0xBEDE);
  writeU16(&p[14], 2);
  p[16] = (ExtensionIds::kMid << 4) | 0;
  p[17] = '1';
  p[18] = static_cast<uint8_t>((ExtensionIds::kTransportCc << 4) | 1);
  p[19] = 0;
  p[20] = 0;
  p[21] = p[22] = p[23] = 0;
  return p;
}

// Per forwarded packet: find the slot, write our sequence number, remember time and size.
void BM_TwccStampAndRecord(benchmark::State& state) {
  auto pkt = packetWithSlot();
  auto view = *rtp::RtpView::parse(pkt);
  SendHistory history;
  int64_t now = 1'000'000;
  bench::AllocationTally tally;
  for (auto _ : state) {
    tally.begin();
    std::array<uint8_t, 2> seq;
    writeU16(seq.data(), history.nextSeq());
    bool stamped = view.setExtension(ExtensionIds::kTransportCc, seq);
    benchmark::DoNotOptimize(stamped);
    history.onSent(now += 500, pkt.size());
    tally.end();
  }
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TwccStampAndRecord);

// Per packet from a publisher: record its arrival; every 100 packets write the feedback.
void BM_TwccRecordAndFeedback(benchmark::State& state) {
  TwccRecorder recorder;
  std::array<uint8_t, 1200> buf;
  uint16_t seq = 0;
  int64_t now = 1'000'000;
  bench::AllocationTally tally;
  for (auto _ : state) {
    tally.begin();
    recorder.onPacket(seq++, now += 500);
    if (seq % 100 == 0)
      while (recorder.buildFeedback(buf, 1, 2) != 0) {
      }
    tally.end();
  }
  tally.report(state, static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TwccRecordAndFeedback);

// Per packet a subscriber's feedback reports: parse, match with the history, run the estimator.
void BM_TwccFeedbackToEstimate(benchmark::State& state) {
  constexpr size_t kPerFeedback = 100;
  SendHistory history;
  BandwidthEstimator estimator;
  int64_t sendUs = 1'000'000;
  std::array<uint8_t, 1200> fb;
  std::array<int64_t, kPerFeedback> arrivals;
  std::array<BandwidthEstimator::PacketResult, kPerFeedback> batch;
  bench::AllocationTally tally;
  for (auto _ : state) {
    uint16_t base = history.nextSeq();
    for (size_t i = 0; i < kPerFeedback; ++i) {
      history.onSent(sendUs += 1000, 1200);
      arrivals[i] = sendUs + 20'000 + (i % 7) * 100;
    }
    auto w = twcc::writeFeedback(fb, 1, 2, base, 0, arrivals);
    tally.begin();
    auto reader = twcc::FeedbackReader::parse(Bytes(fb.data(), w.bytes));
    size_t n = 0;
    twcc::PacketStatus s;
    while (reader->next(s)) {
      auto e = history.takeReport(s.seq);
      if (!e) continue;
      batch[n++] = {e->sendUs, s.received ? s.arrivalUs : -1, e->size};
    }
    estimator.onFeedback({batch.data(), n}, sendUs + 40'000);
    tally.end();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPerFeedback));
  tally.report(state, static_cast<double>(state.iterations() * kPerFeedback));
}
BENCHMARK(BM_TwccFeedbackToEstimate);

}  // namespace
}  // namespace rounds
