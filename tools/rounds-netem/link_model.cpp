// rounds-netem's per-direction scheduling (see link_model.hpp).
#include "link_model.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

namespace rounds::netem {

namespace {

template <typename T>
bool parseNumber(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<Impairment> parseImpairment(std::string_view text, const Impairment& base) {
  Impairment out = base;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ',' ||
                                 text[pos] == '\n' || text[pos] == '\r')) {
      ++pos;
    }
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t' && text[end] != ',' &&
           text[end] != '\n' && text[end] != '\r') {
      ++end;
    }
    std::string_view token = text.substr(pos, end - pos);
    pos = end;
    size_t eq = token.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view key = token.substr(0, eq);
    std::string_view value = token.substr(eq + 1);
    bool ok = false;
    if (key == "loss") {
      double v = 0;
      ok = parseNumber(value, v) && v >= 0 && v <= 100;
      if (ok) out.lossPercent = v;
    } else if (key == "delay") {
      ok = parseNumber(value, out.delayMs) && out.delayMs <= 60'000;
    } else if (key == "jitter") {
      ok = parseNumber(value, out.jitterMs) && out.jitterMs <= 60'000;
    } else if (key == "rate") {
      ok = parseNumber(value, out.rateKbps);
    } else if (key == "burst") {
      ok = parseNumber(value, out.burstBytes) && out.burstBytes > 0;
    } else if (key == "queue") {
      ok = parseNumber(value, out.queuePackets);
    } else if (key == "reorder") {
      uint32_t v = 0;
      ok = parseNumber(value, v) && v <= 1;
      if (ok) out.reorder = v == 1;
    }
    if (!ok) return std::nullopt;
  }
  return out;
}

std::string describe(const Impairment& i) {
  std::ostringstream out;
  out << "loss=" << i.lossPercent << " delay=" << i.delayMs << " jitter=" << i.jitterMs
      << " rate=" << i.rateKbps << " burst=" << i.burstBytes << " queue=" << i.queuePackets
      << " reorder=" << (i.reorder ? 1 : 0);
  return out.str();
}

std::optional<LinkSettings> parseControl(std::string_view text) {
  LinkSettings out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    line = line.substr(first);
    size_t space = line.find_first_of(" \t");
    std::string_view which = line.substr(0, space);
    std::string_view rest = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    if (which == "a-to-b" || which == "both") {
      auto parsed = parseImpairment(rest, out.aToB);
      if (!parsed) return std::nullopt;
      out.aToB = *parsed;
    }
    if (which == "b-to-a" || which == "both") {
      auto parsed = parseImpairment(rest, out.bToA);
      if (!parsed) return std::nullopt;
      out.bToA = *parsed;
    }
    if (which != "a-to-b" && which != "b-to-a" && which != "both") return std::nullopt;
  }
  return out;
}

DirectionModel::DirectionModel(uint64_t seed, Impairment impairment) : rng_(seed) {
  setImpairment(impairment);
}

void DirectionModel::setImpairment(const Impairment& impairment) {
  if (impairment.rateKbps == 0 || impairment_.rateKbps == 0) bucketStarted_ = false;
  impairment_ = impairment;
  impairment_.queuePackets = std::min<uint32_t>(impairment_.queuePackets, kMaxQueue);
  tokens_ = std::min(tokens_, static_cast<double>(impairment_.burstBytes));
}

size_t DirectionModel::queued(uint64_t nowUs) {
  while (count_ > 0 && departures_[head_] <= nowUs) {
    head_ = (head_ + 1) % kMaxQueue;
    --count_;
  }
  return count_;
}

DirectionModel::Verdict DirectionModel::onPacket(uint64_t nowUs, size_t bytes) {
  ++counters_.packets;
  counters_.bytes += bytes;
  const Impairment& imp = impairment_;

  if (imp.lossPercent > 0) {
    double draw = std::uniform_real_distribution<double>(0.0, 100.0)(rng_);
    if (draw < imp.lossPercent) {
      ++counters_.lost;
      return std::nullopt;
    }
  }

  uint64_t departure = nowUs;
  if (imp.rateKbps > 0) {
    const double bytesPerUs = imp.rateKbps / 8000.0;  // kbit/s → bytes per microsecond
    const double burst = imp.burstBytes;
    if (!bucketStarted_) {
      tokens_ = burst;
      tokenTimeUs_ = nowUs;
      bucketStarted_ = true;
    }
    // FIFO: this packet reaches the bucket when the one before it has left.
    uint64_t start = std::max(nowUs, tokenTimeUs_);
    double tokens = std::min(burst, tokens_ + static_cast<double>(start - tokenTimeUs_) * bytesPerUs);
    double need = std::min(static_cast<double>(bytes), burst);  // a jumbo packet may overdraw
    departure = start;
    if (tokens < need) {
      departure = start + static_cast<uint64_t>(std::ceil((need - tokens) / bytesPerUs));
      tokens = need;
    }
    if (departure > nowUs && queued(nowUs) >= imp.queuePackets) {
      ++counters_.queueDrops;  // drop-tail: the bucket's state is left as it was
      return std::nullopt;
    }
    tokens_ = tokens - static_cast<double>(bytes);
    tokenTimeUs_ = departure;
    if (departure > nowUs) {
      ++counters_.rateLimited;
      departures_[(head_ + count_) % kMaxQueue] = departure;
      ++count_;
    }
  }

  int64_t offsetUs = static_cast<int64_t>(imp.delayMs) * 1000;
  if (imp.jitterMs > 0) {
    int64_t j = static_cast<int64_t>(imp.jitterMs) * 1000;
    offsetUs += std::uniform_int_distribution<int64_t>(-j, j)(rng_);
  }
  uint64_t release = departure + static_cast<uint64_t>(std::max<int64_t>(offsetUs, 0));
  if (!imp.reorder) release = std::max(release, lastReleaseUs_);
  lastReleaseUs_ = std::max(lastReleaseUs_, release);

  uint64_t heldUs = release - nowUs;
  if (heldUs > 0) ++counters_.delayed;
  counters_.totalDelayUs += heldUs;
  counters_.maxDelayUs = std::max(counters_.maxDelayUs, heldUs);
  return release;
}

}  // namespace rounds::netem
