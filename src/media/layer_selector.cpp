#include "media/layer_selector.hpp"

#include <algorithm>

namespace rounds {

int LayerSelector::highestFitting(std::optional<uint64_t> budget,
                                  std::span<const LayerInfo> layers, int cap) const {
  int best = kNone;
  for (int i = 0; i <= cap; ++i) {
    if (!layers[static_cast<size_t>(i)].active) continue;
    if (best == kNone) best = i;  // the lowest active layer, whatever the budget
    if (!budget || layers[static_cast<size_t>(i)].bitrateBps <= *budget) best = i;
  }
  return best;
}

void LayerSelector::update(std::optional<uint64_t> budget, std::span<const LayerInfo> layers,
                           TimePoint now) {
  if (layers.empty()) return;
  int top = static_cast<int>(layers.size()) - 1;
  // Tile: the lowest layer at least as tall as the tile is enough (needs every height known).
  int cap = top;
  if (tileHeight_ > 0) {
    bool known = true;
    for (const auto& l : layers)
      if (l.active && l.height == 0) known = false;
    if (known) {
      for (int i = 0; i <= top; ++i) {
        const auto& l = layers[static_cast<size_t>(i)];
        if (l.active && l.height >= tileHeight_) {
          cap = i;
          break;
        }
      }
    }
  }
  wanted_ = highestFitting(std::nullopt, layers, cap);
  int best = highestFitting(budget, layers, cap);
  if (best == kNone) return;  // nothing is flowing: keep what we had
  if (target_ == kNone || (target_ <= top && !layers[static_cast<size_t>(target_)].active) ||
      target_ > top) {
    target_ = best;
    upgradeSince_.reset();
    return;
  }
  // A probing climb is given time to show whether the link has room: the estimate grows with
  // what arrives if it has, and falls if it has not.
  bool probing = budget && now < probeUntil_ &&
                 static_cast<double>(*budget) >= kProbeKeep * static_cast<double>(probeBudget_);
  if (best < target_ && !(probing && target_ <= cap)) {
    // Down when the estimate has stayed below the layer for kDowngradeHold (a delay-based
    // estimate dips on a single burst of jitter), at once when the tile shrank.
    if (target_ <= cap) {
      if (!downgradeSince_) downgradeSince_ = now;
      if (now - *downgradeSince_ < kDowngradeHold) return;
    }
    downgradeSince_.reset();
    if (now - lastUpgrade_ < kFailedUpgradeWindow)
      upgradeHold_ = std::min(upgradeHold_ * 2, kMaxUpgradeHold);
    target_ = best;
    lastDowngrade_ = now;
    upgradeSince_.reset();
    return;
  }
  downgradeSince_.reset();
  if (best < target_) return;  // a probe that is still being given its chance
  // Up one layer at a time, when it fits or the estimate leaves headroom over the current one.
  int next = target_ + 1;
  while (next <= cap && !layers[static_cast<size_t>(next)].active) ++next;
  bool canClimb = false;
  if (next <= cap) {
    uint64_t nextRate = layers[static_cast<size_t>(next)].bitrateBps;
    uint64_t curRate = layers[static_cast<size_t>(target_)].bitrateBps;
    canClimb = !budget || nextRate <= *budget ||
               static_cast<double>(*budget) >= kProbeHeadroom * static_cast<double>(curRate);
  }
  if (!canClimb) {
    upgradeSince_.reset();
    if (now - lastDowngrade_ > kMaxUpgradeHold) upgradeHold_ = kUpgradeHold;  // stable again
    return;
  }
  if (!budget) {  // no bandwidth limit: only the tile decides, no reason to wait
    target_ = next;
    return;
  }
  if (!upgradeSince_) upgradeSince_ = now;
  if (now - *upgradeSince_ >= upgradeHold_) {
    if (layers[static_cast<size_t>(next)].bitrateBps > *budget) {
      probeUntil_ = now + kProbeGrace;
      probeBudget_ = *budget;
    }
    target_ = next;
    lastUpgrade_ = now;
    upgradeSince_.reset();
  }
}

}  // namespace rounds
