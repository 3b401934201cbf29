// See rtcp_reports.hpp.
#include "rtcp_reports.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "media/rtt_estimator.hpp"

namespace rounds::load {

uint64_t ntpNow() {
  return ntpFromUnixMillis(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
}

ReceptionReports::Stream& ReceptionReports::stream(uint32_t ssrc) {
  for (Stream& s : streams_)
    if (s.ssrc == ssrc) return s;
  streams_.emplace_back();
  streams_.back().ssrc = ssrc;
  return streams_.back();
}

void ReceptionReports::onPacket(uint32_t ssrc, uint16_t seq, uint32_t rtpTimestamp,
                                SteadyTime arrival, uint32_t clockRate) {
  Stream& s = stream(ssrc);
  if (s.received == 0) {
    s.baseSeq = seq;
    s.maxSeq = seq;
  } else {
    // RFC 3550 A.1, without its probation: a number ahead of the highest (within half the
    // space) advances it, counting a wrap; an older one (reordered, repaired) only counts.
    const uint16_t ahead = static_cast<uint16_t>(seq - s.maxSeq);
    if (ahead != 0 && ahead < 0x8000) {
      if (seq < s.maxSeq) s.cycles += 65536;
      s.maxSeq = seq;
    }
  }
  ++s.received;
  // RFC 3550 A.8: interarrival jitter in timestamp units.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(arrival.time_since_epoch());
  const int64_t secs = ns.count() / 1'000'000'000;
  const int64_t arrivalUnits =
      secs * clockRate + (ns.count() - secs * 1'000'000'000) * clockRate / 1'000'000'000;
  const int64_t transit = static_cast<int64_t>(static_cast<uint32_t>(arrivalUnits) - rtpTimestamp);
  if (s.haveTransit) {
    const double d = std::fabs(static_cast<double>(static_cast<int32_t>(transit - s.lastTransit)));
    s.jitter += (d - s.jitter) / 16;
  }
  s.lastTransit = transit;
  s.haveTransit = true;
}

void ReceptionReports::onSenderReport(uint32_t ssrc, uint64_t ntpTimestamp, SteadyTime arrival) {
  ++senderReports_;
  Stream& s = stream(ssrc);
  s.lsr = rtcp::compactNtp(ntpTimestamp);
  s.srArrival = arrival;
}

namespace {
uint32_t delayUnits(SteadyTime since, SteadyTime now) {
  return rtcp::toDelayUnits(std::chrono::duration_cast<std::chrono::microseconds>(now - since));
}
}  // namespace

void ReceptionReports::onRrtr(uint32_t senderSsrc, uint64_t ntpTimestamp, SteadyTime arrival) {
  rrtr_ = Rrtr{senderSsrc, rtcp::compactNtp(ntpTimestamp), arrival};
}

bool ReceptionReports::takeDlrr(rtcp::DlrrItem& out, SteadyTime now) {
  if (!rrtr_) return false;
  out = rtcp::DlrrItem{rrtr_->ssrc, rrtr_->lrr, delayUnits(rrtr_->arrival, now)};
  rrtr_.reset();
  return true;
}

size_t ReceptionReports::blocks(std::span<rtcp::ReportBlock> out, SteadyTime now) {
  size_t n = 0;
  for (Stream& s : streams_) {
    if (n == out.size()) break;
    if (s.received == 0) continue;  // an SR before any media: nothing to report yet
    rtcp::ReportBlock& b = out[n++];
    b = rtcp::ReportBlock{};
    b.ssrc = s.ssrc;
    const uint32_t extended = s.cycles + s.maxSeq;
    const uint32_t expected = extended - s.baseSeq + 1;
    // RFC 3550 A.3: cumulative loss clamped to 24 signed bits; the fraction over this interval.
    const int64_t lost = static_cast<int64_t>(expected) - s.received;
    b.cumulativeLost = static_cast<int32_t>(std::clamp<int64_t>(lost, -0x800000, 0x7FFFFF));
    const int64_t expectedInterval = static_cast<int64_t>(expected) - s.expectedPrior;
    const int64_t lostInterval =
        expectedInterval - (static_cast<int64_t>(s.received) - s.receivedPrior);
    s.expectedPrior = expected;
    s.receivedPrior = s.received;
    if (expectedInterval > 0 && lostInterval > 0)
      b.fractionLost =
          static_cast<uint8_t>(std::min<int64_t>((lostInterval << 8) / expectedInterval, 255));
    b.highestSeq = extended;
    b.jitter = static_cast<uint32_t>(s.jitter);
    if (s.lsr != 0) {
      b.lastSr = s.lsr;
      b.delaySinceLastSr = delayUnits(s.srArrival, now);
    }
  }
  return n;
}

}  // namespace rounds::load
