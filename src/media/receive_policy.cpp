// Router's low-bandwidth choices (issue 5, docs/signalling.md "receive"): which consumers each
// subscriber wants under its ReceiveMode, and the room's active speaker from RFC 6464 levels.
// Kept apart from router.cpp's forwarding, which only checks Consumer::paused.
#include <vector>

#include "media/router.hpp"

namespace rounds {

void Router::setReceiveMode(Peer& peer, ReceiveMode mode) {
  if (mode == ReceiveMode::All) receiveModes_.erase(&peer);
  else receiveModes_[&peer] = mode;
  applyReceiveModes(clock_.now());
}

void Router::setReceiveScreens(Peer& peer, bool screens) {
  if (screens) noScreens_.erase(&peer);
  else noScreens_.insert(&peer);
  applyReceiveModes(clock_.now());
}

ReceiveMode Router::receiveMode(const Peer& peer) const {
  auto it = receiveModes_.find(&peer);
  return it == receiveModes_.end() ? ReceiveMode::All : it->second;
}

const Peer* Router::activeSpeaker() const {
  auto key = speaker_.current();
  return key ? reinterpret_cast<const Peer*>(*key) : nullptr;
}

size_t Router::pausedConsumers() const {
  size_t n = 0;
  for (auto& [producerId, list] : consumers_)
    for (const Consumer* c : list) n += c->paused ? 1 : 0;
  return n;
}

bool Router::wanted(const Consumer& c) const {
  if (c.spec.kind == MediaKind::Audio) return true;  // audio always flows (it is what is left)
  ReceiveMode mode = receiveMode(*c.peer);
  // A screen is shown in every mode but audio-only (no video at all), unless it is refused; in
  // active-speaker mode it is not the speaker's camera, so it does not follow the speaker.
  if (c.spec.screen) return mode != ReceiveMode::AudioOnly && receivesScreens(*c.peer);
  switch (mode) {
    case ReceiveMode::All:
      return true;
    case ReceiveMode::AudioOnly:
      return false;
    case ReceiveMode::ActiveSpeaker: {
      auto it = producers_.find(c.spec.producerId);
      return it != producers_.end() && it->second->peer == activeSpeaker();
    }
  }
  return true;
}

void Router::applyReceiveModes(TimePoint now) {
  for (auto& [producerId, list] : consumers_) {
    for (Consumer* c : list) {
      bool pause = !wanted(*c);
      if (pause == c->paused) continue;
      c->paused = pause;
      if (pause) continue;
      // Resuming: continue the subscriber's sequence without a gap (the skipped packets are not
      // lost to it) and ask the publisher for a key frame to decode from (RFC 4585 §6.3.1).
      c->rewriter.resync();
      ++totals_.consumersResumed;
      auto it = producers_.find(producerId);
      if (it != producers_.end() && it->second->spec.kind == MediaKind::Video)
        requestKeyFrame(*it->second, now);
    }
  }
}

void Router::updateActiveSpeaker(TimePoint now) {
  std::vector<ActiveSpeaker::Level> levels;  // a handful of audio producers, once per tick
  levels.reserve(producers_.size());
  for (auto& [id, p] : producers_) {
    if (p->spec.kind != MediaKind::Audio) continue;
    levels.push_back({reinterpret_cast<uintptr_t>(p->peer), p->audioLevel.level(now)});
  }
  const Peer* before = activeSpeaker();
  speaker_.update(levels, now);
  if (activeSpeaker() != before && !receiveModes_.empty()) applyReceiveModes(now);
}

}  // namespace rounds
