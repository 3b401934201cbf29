// Times kept as their low 32 bits in compact per-peer rings. Threading: pure functions.
#pragma once

#include <cstdint>

namespace rounds {

// A time kept as its low 32 bits (of microseconds: 71 minutes) made whole again from `newest`, a
// full time no earlier than it and less than 2^32 after it. The compact rings of transport-cc
// (media/transport_cc.hpp) and the estimator's window keep 4 bytes a time this way.
inline int64_t widenLow32(int64_t newest, uint32_t low) {
  return newest - static_cast<uint32_t>(static_cast<uint32_t>(newest) - low);
}

}  // namespace rounds
