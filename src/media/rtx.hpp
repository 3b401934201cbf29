// RTP retransmission payload format (RFC 4588): wrap a stored packet into an RTX packet for a
// subscriber, and unwrap a publisher's RTX packet back into the original, in place.
// No I/O, no allocation. Threading: stateless functions.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.hpp"
#include "proto/rtp.hpp"

namespace rounds::rtx {

struct WrapParams {
  uint32_t ssrc = 0;         // the RTX stream's SSRC
  uint8_t payloadType = 0;   // the rtx payload type whose apt is the original's
  uint16_t sequence = 0;     // the RTX stream's own sequence number
  uint32_t timestamp = 0;    // RFC 4588 §4: the original packet's timestamp
  uint16_t originalSeq = 0;  // OSN, as the receiver knows the original packet
};

// RFC 4588 §4: copies `original` into `out` with the RTX header fields and the 2-byte OSN
// before the original payload (header extensions and padding kept). Returns the RTX packet's
// length, or 0 if it does not fit in `out`.
size_t wrap(const rtp::RtpView& original, MutableBytes out, const WrapParams& p);

// Turns an RTX packet in `packet` back into the original: OSN becomes the sequence number, the
// payload moves up over the OSN, and SSRC and payload type become the media stream's. Returns
// the original's length (2 less), or nullopt when the packet carries no OSN (padding-only
// probes) or does not parse.
std::optional<size_t> unwrap(MutableBytes packet, uint32_t mediaSsrc, uint8_t mediaPayloadType);

}  // namespace rounds::rtx
