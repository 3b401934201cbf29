// RtpReceiveStats: per-stream reception statistics (RFC 3550 §6.4.1, §A.3, §A.8) from which the
// receiver reports we send to publishers are built.
// Threading: belongs to one worker thread.
#pragma once

#include <cstdint>

#include "proto/rtcp.hpp"

namespace rounds {

class RtpReceiveStats {
 public:
  // `arrivalTicks`: arrival time in the stream's clock units (for interarrival jitter).
  void onPacket(uint16_t seq, uint32_t rtpTs, uint32_t arrivalTicks);
  // Fills a report block and starts a new reporting interval (fraction lost is per interval).
  rtcp::ReportBlock makeReport(uint32_t ssrc, uint32_t lastSrCompact, uint32_t delaySinceLastSr);
  uint64_t packets() const { return received_; }
  bool started() const { return started_; }

 private:
  bool started_ = false;
  uint16_t baseSeq_ = 0;
  uint16_t maxSeq_ = 0;
  uint32_t cycles_ = 0;
  uint64_t received_ = 0;
  uint64_t expectedPrior_ = 0;
  uint64_t receivedPrior_ = 0;
  int64_t transit_ = 0;
  double jitter_ = 0;
};

}  // namespace rounds
