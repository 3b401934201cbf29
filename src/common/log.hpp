// Logging through spdlog, plus a rate limiter for the data path (a flood of bad packets must not
// become a flood of log lines). Threading: spdlog's default logger is thread-safe; a RateLimit
// belongs to one thread (one per worker or per object).
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>

namespace rounds {

// Allows at most `perSecond` events per second; counts what it suppressed.
class RateLimit {
 public:
  explicit RateLimit(uint32_t perSecond = 5) : perSecond_(perSecond) {}
  bool allow() {
    auto now = std::chrono::steady_clock::now();
    if (now - windowStart_ >= std::chrono::seconds(1)) {
      windowStart_ = now;
      used_ = 0;
    }
    if (used_ < perSecond_) {
      ++used_;
      return true;
    }
    ++suppressed_;
    return false;
  }
  uint64_t suppressed() const { return suppressed_; }

 private:
  uint32_t perSecond_;
  uint32_t used_ = 0;
  uint64_t suppressed_ = 0;
  std::chrono::steady_clock::time_point windowStart_{};
};

}  // namespace rounds

#define ROUNDS_LOG_RATE_LIMITED(limiter, level, ...) \
  do {                                               \
    if ((limiter).allow()) spdlog::level(__VA_ARGS__); \
  } while (0)
