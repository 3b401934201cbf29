// Counters for the data path: plain integers owned by one worker thread (no atomics on the hot
// path); the control plane reads a snapshot posted back from the worker.
// Threading: a Counters instance belongs to one thread.
#pragma once

#include <cstdint>

namespace rounds {

struct PacketCounters {
  uint64_t received = 0;
  uint64_t sent = 0;
  uint64_t droppedMalformed = 0;     // failed to parse
  uint64_t droppedUnknownTuple = 0;  // from an address no peer has selected
  uint64_t droppedUnknownSsrc = 0;   // RTP with an SSRC no producer owns
  uint64_t droppedAuth = 0;          // STUN integrity or SRTP authentication failed
  uint64_t droppedOther = 0;
};

}  // namespace rounds
