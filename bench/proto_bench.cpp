// Benchmarks for the per-packet proto paths: RTP parse / rewrite / extension lookup, RTCP
// compound walk and NACK packing. Threading: single-threaded benchmark bodies.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "proto/rtcp.hpp"
#include "proto/rtp.hpp"

using namespace rounds;

namespace {

constexpr uint8_t kAbsSendTimeId = 3;  // 3 bytes
constexpr uint8_t kTransportCcId = 5;  // 2 bytes
constexpr size_t kVideoPacketSize = 1200;

// A 1,200-byte VP8 packet (PT 96) with abs-send-time and transport-wide-cc one-byte extensions.
std::vector<uint8_t> vp8Packet() {
  std::vector<uint8_t> p(kVideoPacketSize, 0);
  p[0] = 0x90;  // V=2, X=1
  p[1] = 96;
  writeU16(&p[2], 4242);
  writeU32(&p[4], 123456789);
  writeU32(&p[8], 0x1234ABCD);
  writeU16(&p[12], 0xBEDE);
  writeU16(&p[14], 2);  // two words of elements
  p[16] = static_cast<uint8_t>(kAbsSendTimeId << 4 | 2);
  p[17] = 0x11;
  p[18] = 0x22;
  p[19] = 0x33;
  p[20] = static_cast<uint8_t>(kTransportCcId << 4 | 1);
  p[21] = 0x01;
  p[22] = 0x02;
  p[23] = 0;     // padding to the word boundary
  p[24] = 0x90;  // VP8 payload descriptor: X=1, S=1
  for (size_t i = 25; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 31);
  return p;
}

void BM_RtpParse(benchmark::State& state) {
  std::vector<uint8_t> packet = vp8Packet();
  for (auto _ : state) {
    auto view = rtp::RtpView::parse(packet);
    benchmark::DoNotOptimize(view);
    uint64_t sum = view->ssrc() + view->sequenceNumber() + view->timestamp() + view->payloadSize();
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(packet.size()));
}
BENCHMARK(BM_RtpParse);

void BM_RtpRewrite(benchmark::State& state) {
  std::vector<uint8_t> packet = vp8Packet();
  uint16_t seq = 0;
  for (auto _ : state) {
    auto view = rtp::RtpView::parse(packet);
    view->setSsrc(0xCAFEBABE);
    view->setSequenceNumber(seq++);
    view->setTimestamp(90000u * seq);
    view->setPayloadType(98);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpRewrite);

void BM_RtpExtensionLookup(benchmark::State& state) {
  std::vector<uint8_t> packet = vp8Packet();
  auto view = rtp::RtpView::parse(packet);
  for (auto _ : state) {
    auto ext = view->extension(kTransportCcId);  // the second element: walks past the first
    benchmark::DoNotOptimize(ext);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpExtensionLookup);

void BM_RtcpCompoundWalk(benchmark::State& state) {
  std::array<uint8_t, 256> buffer{};
  std::array<rtcp::ReportBlock, 1> blocks = {
      rtcp::ReportBlock{0x1234ABCD, 3, 17, 70000, 42, 0x11112222, 3000}};
  size_t n = rtcp::writeSenderReport(
      buffer, 0x55667788, rtcp::SenderInfo{0xE000000012345678ull, 90000, 1000, 1200000}, blocks);
  n += rtcp::writeSdesCname(MutableBytes(buffer).subspan(n), 0x55667788, "AbCdEfGh12345678");
  const Bytes compound(buffer.data(), n);
  for (auto _ : state) {
    rtcp::CompoundReader reader(compound);
    uint64_t sum = 0;
    while (auto p = reader.next()) {
      if (auto si = rtcp::senderInfo(*p)) sum += si->ntpTimestamp;
      std::array<rtcp::ReportBlock, 4> read;
      sum += rtcp::reportBlocks(*p, read);
      if (auto cname = rtcp::sdesCname(*p)) sum += cname->size();
    }
    benchmark::DoNotOptimize(sum);
    benchmark::DoNotOptimize(reader.valid());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtcpCompoundWalk);

void BM_NackPack(benchmark::State& state) {
  // 40 losses across the wrap: a burst of 20, then scattered singles.
  std::vector<uint16_t> seqs;
  for (uint16_t i = 0; i < 20; ++i) seqs.push_back(static_cast<uint16_t>(65530 + i));
  for (uint16_t i = 0; i < 20; ++i) seqs.push_back(static_cast<uint16_t>(100 + 7 * i));
  std::array<uint8_t, 1200> out{};
  for (auto _ : state) {
    size_t n = rtcp::writeNack(out, 0x1111, 0x2222, seqs);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(seqs.size()));
}
BENCHMARK(BM_NackPack);

}  // namespace
