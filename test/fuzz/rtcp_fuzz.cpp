// Fuzz target for proto/rtcp: walk a compound and run every reader on each packet. NACK and
// REMB contents are re-encoded by the writers and read back as a consistency check.
#include <array>
#include <bitset>
#include <cstdint>
#include <cstdlib>

#include "proto/rtcp.hpp"

using namespace rounds;
using namespace rounds::rtcp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

volatile uint64_t gSink = 0;  // keeps the reads from being optimised away

void readAll(const PacketView& p) {
  uint64_t sink = p.senderSsrc();
  if (auto si = senderInfo(p)) sink += si->ntpTimestamp + si->packetCount;
  std::array<ReportBlock, 31> blocks{};
  const size_t n = reportBlocks(p, blocks);
  check(n <= p.count);
  for (size_t i = 0; i < n; ++i) sink += static_cast<uint32_t>(blocks[i].cumulativeLost);
  if (auto pli = pliMediaSsrc(p)) sink += *pli;
  if (auto fir = firEntry(p)) sink += fir->ssrc + fir->seq;
  if (auto cname = sdesCname(p)) {
    check(reinterpret_cast<const uint8_t*>(cname->data()) >= p.bytes.data());
    check(reinterpret_cast<const uint8_t*>(cname->data()) + cname->size() <=
          p.bytes.data() + p.bytes.size());
  }
  std::array<uint32_t, 31> ssrcs{};
  check(byeSsrcs(p, ssrcs) <= p.count);
  size_t dlrrItems = 0;
  forEachDlrr(p, [&](const DlrrItem& item) {
    ++dlrrItems;
    sink += item.ssrc + item.lastRr + item.delaySinceLastRr;
  });
  check(dlrrItems <= p.bytes.size() / 12);
  if (auto rrtr = xrRrtr(p)) sink += *rrtr;
  gSink = sink;

  // NACK: everything named must survive a write and a second read.
  std::array<uint16_t, 256> seqs{};
  size_t count = 0;
  auto media = forEachNack(p, [&](uint16_t s) {
    if (count < seqs.size()) seqs[count++] = s;
  });
  if (media && count > 0 && count < seqs.size()) {
    std::array<uint8_t, 12 + 4 * 256> out{};
    const size_t written = writeNack(out, p.senderSsrc(), *media, std::span(seqs.data(), count));
    check(written != 0);
    CompoundReader r(Bytes(out.data(), written));
    auto again = r.next();
    check(again.has_value());
    // The same set of sequence numbers (order within an entry follows the bitmask).
    std::bitset<65536> before;
    std::bitset<65536> after;
    for (size_t i = 0; i < count; ++i) before.set(seqs[i]);
    forEachNack(*again, [&](uint16_t s) { after.set(s); });
    check(before == after);
  }

  if (auto bitrate = rembBitrate(p)) {
    std::array<uint32_t, 255> remb{};
    const size_t k = rembSsrcs(p, remb);
    std::array<uint8_t, 20 + 4 * 255> out{};
    const size_t written = writeRemb(out, p.senderSsrc(), *bitrate, std::span(remb.data(), k));
    check(written == 20 + 4 * k);
    CompoundReader r(Bytes(out.data(), written));
    auto again = r.next();
    check(again.has_value());
    auto reread = rembBitrate(*again);
    check(reread.has_value() && *reread <= *bitrate && *reread >= *bitrate - (*bitrate >> 17));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CompoundReader reader(Bytes(data, size));
  size_t total = 0;
  while (auto p = reader.next()) {
    check(p->bytes.size() >= 4 && p->bytes.size() <= size);
    total += p->bytes.size();
    readAll(*p);
  }
  check(total <= size);
  return 0;
}
