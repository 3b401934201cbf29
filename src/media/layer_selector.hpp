// LayerSelector: which simulcast layer one subscriber gets of one video track. It picks the best
// layer the subscriber's downlink estimate and displayed tile size allow, switches only where the
// target layer starts a key frame, and holds back both downgrades (1 s) and upgrades (2 s and
// more) so it does not flap.
// Threading: belongs to its consumer's worker thread. No allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "common/clock.hpp"

namespace rounds {

class LayerSelector {
 public:
  static constexpr int kNone = -1;
  // What the selector knows of each layer of the producer, lowest first.
  struct LayerInfo {
    uint32_t bitrateBps = 0;  // measured over the last second
    uint16_t height = 0;      // from the latest key frame (0: unknown)
    bool active = false;      // packets arrived recently
  };
  // An upgrade needs its condition to hold this long; doubled (up to kMaxUpgradeHold) when the
  // layer we climbed to is dropped again soon after.
  static constexpr Millis kUpgradeHold{2000};
  static constexpr Millis kMaxUpgradeHold{16000};
  static constexpr Millis kFailedUpgradeWindow{5000};
  // A budget below the current layer's rate must last this long before the layer goes down.
  static constexpr Millis kDowngradeHold{1000};
  // An upgrade is tried when the budget exceeds the current layer's rate by this factor even if
  // the next layer's rate is unknown or larger: a receive-side estimate only grows towards what
  // actually arrives, so climbing is how we find out whether the link has room.
  // (Chrome's receive-side estimate grows additively once it has met the link's capacity, so the
  // headroom asked for is small.)
  static constexpr double kProbeHeadroom = 1.15;
  // After such a probing climb the new layer does not fit the budget yet; it is kept this long
  // unless the estimate falls (below kProbeKeep of what it was), which means the link is full.
  static constexpr Millis kProbeGrace{3000};
  static constexpr double kProbeKeep = 0.9;

  // Tile: the height in device pixels the subscriber displays this track at; 0: unknown (no cap).
  void setTileHeight(uint32_t height) { tileHeight_ = height; }
  uint32_t tileHeight() const { return tileHeight_; }

  // Re-evaluates the target layer (every worker tick). `budgetBps`: this consumer's share of the
  // subscriber's downlink estimate; nullopt: no estimate (no bandwidth limit).
  void update(std::optional<uint64_t> budgetBps, std::span<const LayerInfo> layers, TimePoint now);

  // Per packet: true if a packet of `layer` is forwarded. A packet of the target layer that starts
  // a key frame makes the target current (the switch); other layers' packets are dropped.
  bool onPacket(size_t layer, bool startsKeyFrame) {
    int l = static_cast<int>(layer);
    if (l == current_) return true;
    if (l == target_ && startsKeyFrame) {
      current_ = l;
      ++switches_;
      return true;
    }
    return false;
  }

  int current() const { return current_; }
  // The best layer the tile allows among those flowing, whatever the budget (set by update()):
  // what bandwidth probing tries to make room for.
  int wanted() const { return wanted_; }
  int target() const { return target_; }
  // The target layer is not flowing yet: its publisher should be asked for a key frame.
  bool waitingForKeyFrame() const { return target_ != kNone && target_ != current_; }
  uint32_t switches() const { return switches_; }

 private:
  int highestFitting(std::optional<uint64_t> budget, std::span<const LayerInfo> layers, int cap) const;

  int current_ = kNone;
  int target_ = kNone;
  int wanted_ = kNone;
  uint32_t tileHeight_ = 0;
  uint32_t switches_ = 0;
  std::optional<TimePoint> upgradeSince_;
  std::optional<TimePoint> downgradeSince_;
  TimePoint lastUpgrade_{};
  TimePoint lastDowngrade_{};
  Millis upgradeHold_ = kUpgradeHold;
  TimePoint probeUntil_{};
  uint64_t probeBudget_ = 0;
};

}  // namespace rounds
