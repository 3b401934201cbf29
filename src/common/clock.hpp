// Clock: where time comes from, injected so that timers and timeouts are testable.
// Threading: SystemClock is safe from any thread; ManualClock belongs to one test thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace rounds {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
  // Wall-clock milliseconds since the Unix epoch (for stored times and NTP timestamps).
  virtual int64_t wallMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  int64_t wallMillis() const override {
    return std::chrono::duration_cast<Millis>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  static SystemClock& instance() {
    static SystemClock c;
    return c;
  }
};

class ManualClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  int64_t wallMillis() const override { return wall_; }
  void advance(Millis d) {
    now_ += d;
    wall_ += d.count();
  }

 private:
  TimePoint now_{std::chrono::hours(1)};
  int64_t wall_ = 1'700'000'000'000;
};

}  // namespace rounds
