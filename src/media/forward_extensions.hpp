// The RTP header extensions of a publisher's packet on its way to subscribers (RFC 8285): what
// means nothing to a subscriber is removed and our send time is stamped, once per incoming packet
// before the fan-out, not once per copy. The per-subscriber transport-wide sequence number is
// written per copy by Peer.
// Threading: pure functions on one packet buffer.
#pragma once

#include "common/clock.hpp"
#include "proto/rtp.hpp"

namespace rounds {

// Zeroes the publisher's mid, rid and repaired-rid (browsers drop packets whose mid they do not
// know; they demux by SSRC) and writes `now` into abs-send-time, whose slot the publisher's packet
// carries. The packet keeps its length; a packet without extensions is left alone.
void prepareForSubscribers(rtp::RtpView& packet, TimePoint now);

// Writes `now` into abs-send-time (24-bit 6.18 fixed-point seconds): for a stored packet sent
// again later, whose first stamp is stale.
void stampAbsSendTime(rtp::RtpView& packet, TimePoint now);

}  // namespace rounds
