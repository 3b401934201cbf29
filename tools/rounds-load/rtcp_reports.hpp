// rounds-load's RTCP reports (RFC 3550 §6.4), as a browser sends them about once a second: a
// publisher's sender report for each stream it sends (its wall clock in NTP format beside the
// stream's RTP time), and report blocks about each stream it receives (loss, jitter, and the
// LSR/DLSR pair that lets the server measure its round trip to this participant: the server's
// Router::onReportBlocks). Allocation only when a new stream is first seen.
// Threading: belongs to its participant's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "load_media.hpp"
#include "proto/rtcp.hpp"

namespace rounds::load {

// The system clock as an NTP timestamp (RFC 5905 §6: seconds since 1900 in the high 32 bits,
// the fraction in the low 32), to the millisecond (media/rtt_estimator.hpp's conversion).
uint64_t ntpNow();

class ReceptionReports {
 public:
  // Every media packet received on `ssrc` (a retransmission already unwrapped): its sequence
  // number, RTP timestamp, arrival, and its stream's clock rate (for the jitter, RFC 3550 A.8).
  void onPacket(uint32_t ssrc, uint16_t seq, uint32_t rtpTimestamp, SteadyTime arrival,
                uint32_t clockRate);
  // A sender report about `ssrc`: its NTP time is echoed as LSR, with the delay since (DLSR).
  void onSenderReport(uint32_t ssrc, uint64_t ntpTimestamp, SteadyTime arrival);
  // A report block per stream received so far (at most out.size()), the interval's loss counted
  // since the previous call. Returns how many were written.
  size_t blocks(std::span<rtcp::ReportBlock> out, SteadyTime now);
  // An XR Receiver Reference Time block from `senderSsrc` (RFC 3611 §4.4): the latest is
  // answered with a DLRR item in our next report, as browsers answer the server's.
  void onRrtr(uint32_t senderSsrc, uint64_t ntpTimestamp, SteadyTime arrival);
  // That answer (its delay counted up to `now`), once per RRTR as browsers give it; false when
  // no RRTR is waiting.
  bool takeDlrr(rtcp::DlrrItem& out, SteadyTime now);
  size_t streams() const { return streams_.size(); }
  uint64_t senderReportsReceived() const { return senderReports_; }

 private:
  struct Stream {
    uint32_t ssrc = 0;
    uint32_t baseSeq = 0;
    uint16_t maxSeq = 0;
    uint32_t cycles = 0;  // sequence number wraps, times 65536
    uint32_t received = 0;
    uint32_t expectedPrior = 0;
    uint32_t receivedPrior = 0;
    int64_t lastTransit = 0;
    bool haveTransit = false;
    double jitter = 0;  // in RTP timestamp units
    uint32_t lsr = 0;   // middle 32 bits of the last SR's NTP time; 0: none yet
    SteadyTime srArrival{};
  };
  Stream& stream(uint32_t ssrc);

  std::vector<Stream> streams_;
  struct Rrtr {
    uint32_t ssrc = 0;
    uint32_t lrr = 0;
    SteadyTime arrival{};
  };
  std::optional<Rrtr> rrtr_;
  uint64_t senderReports_ = 0;
};

}  // namespace rounds::load
