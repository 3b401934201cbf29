#include "media/nack_generator.hpp"

#include <algorithm>

#include "proto/rtp.hpp"

namespace rounds {

Millis NackGenerator::retryIntervalFor(std::optional<std::chrono::microseconds> roundTrip) {
  if (!roundTrip) return kRetryInterval;
  auto wait = std::chrono::ceil<Millis>(*roundTrip) + kRetryMargin;
  return std::clamp(wait, kMinRetry, kMaxRetry);
}

NackGenerator::Result NackGenerator::onPacket(uint16_t seq, TimePoint now) {
  Result r;
  if (!started_) {
    started_ = true;
    highest_ = seq;
    return r;
  }
  if (rtp::seqNewer(seq, highest_)) {
    // RFC 3550 §A.1 arithmetic: the distance is taken mod 2^16, so 65535 -> 2 is a gap of 2.
    size_t gap = static_cast<uint16_t>(seq - highest_) - 1u;
    if (gap > 0) {
      if (count_ + gap > kMaxMissing) {
        // Too many to ask for one by one: start over from a key frame instead.
        abandoned_ += count_;
        count_ = 0;
        highest_ = seq;
        r.keyFrameNeeded = true;
        return r;
      }
      for (uint16_t s = static_cast<uint16_t>(highest_ + 1); s != seq; ++s)
        entries_[count_++] = Entry{s, 0, now, TimePoint{}};
      r.newMissing = true;
    }
    highest_ = seq;
    // Entries far behind are useless, and must go before the numbers come round again.
    size_t stale = 0;
    while (stale < count_ && static_cast<uint16_t>(highest_ - entries_[stale].seq) >= kMaxDistance)
      ++stale;
    if (stale > 0) {
      for (size_t j = stale; j < count_; ++j) entries_[j - stale] = entries_[j];
      count_ -= stale;
      abandoned_ += stale;
    }
    return r;
  }
  // Late: reordered, or a retransmission of something we asked for.
  if (size_t i = find(seq); i < count_) {
    erase(i);
    ++recovered_;
    r.filledGap = true;
  }
  return r;
}

size_t NackGenerator::collect(TimePoint now, std::span<uint16_t> out, Millis retryInterval) {
  size_t n = 0;
  size_t i = 0;
  while (i < count_) {
    Entry& e = entries_[i];
    if (e.retries >= kMaxRetries || now - e.firstSeen > kMaxAge) {
      erase(i);
      ++abandoned_;
      continue;
    }
    bool due = e.retries == 0 || now - e.lastAsked >= retryInterval;
    if (due && n < out.size()) {
      out[n++] = e.seq;
      ++e.retries;
      e.lastAsked = now;
    }
    ++i;
  }
  return n;
}

bool NackGenerator::isMissing(uint16_t seq) const { return find(seq) < count_; }

size_t NackGenerator::find(uint16_t seq) const {
  // A packet ahead of the highest (the usual case) cannot be missing. The entries are in RTP order,
  // all within kMaxDistance behind the highest, so their distance behind it falls along the array:
  // a binary search finds the rest.
  if (count_ == 0 || !started_ || rtp::seqNewer(seq, highest_)) return count_;
  const uint16_t d = static_cast<uint16_t>(highest_ - seq);
  size_t lo = 0, hi = count_;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (static_cast<uint16_t>(highest_ - entries_[mid].seq) > d)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < count_ && entries_[lo].seq == seq ? lo : count_;
}

void NackGenerator::erase(size_t index) {
  for (size_t j = index + 1; j < count_; ++j) entries_[j - 1] = entries_[j];
  --count_;
}

void NackGenerator::reset() {
  started_ = false;
  count_ = 0;
}

}  // namespace rounds
