// Churn (--churn-interval-ms, docs/load.md): once every participant has connected, one viewer
// leaves every interval, as a browser tab that hangs up, and a new viewer joins in its place, so
// the room's size holds while its membership turns over. Viewers leave in the order they joined
// (the longest present first); publishers stay. This class only keeps the schedule and the
// order; the run's loop does the leaving and joining.
// Threading: the run's io_context thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace rounds::load {

class ChurnSchedule {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  explicit ChurnSchedule(std::chrono::milliseconds interval) : interval_(interval) {}

  // At most this many arrivals fit in a run of `duration` seconds (one per interval, the first
  // one interval after the start); the run reserves that many more legs.
  static uint32_t maxArrivals(std::chrono::milliseconds interval, double durationS);

  // A viewer that may be asked to leave (in the order given: oldest first).
  void addViewer(size_t leg) { viewers_.push_back(leg); }
  // Starts the clock: the first departure is due one interval after `now`. Once only.
  void start(SteadyTime now);
  bool started() const { return next_.has_value(); }
  // How many departures (each with its arrival) are due by `now`; advances the schedule past
  // them. None before start(), none once `limit` arrivals were handed out.
  uint32_t due(SteadyTime now, uint32_t limit);
  // The viewer to leave next (removed from the order), or nothing if none is left.
  std::optional<size_t> nextToLeave();

 private:
  std::chrono::milliseconds interval_;
  std::optional<SteadyTime> next_;
  uint32_t handedOut_ = 0;
  std::deque<size_t> viewers_;
};

}  // namespace rounds::load
