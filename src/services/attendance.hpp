// AttendanceService: who was in which room when (the start of attendance tracking, issue 4).
// Product rules live here; storage is the Store's. Failures are logged, never fatal to a call:
// a participant is not thrown out of a meeting because a write failed.
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "store/store.hpp"

namespace rounds {

class AttendanceService {
 public:
  AttendanceService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  // Closes rows left open by a crash or kill of the previous run.
  void recoverAfterRestart();
  // Returns the attendance row id, or nullopt if it could not be recorded.
  // `personId`: who the join identified (invitation or host session); none for lobby guests.
  std::optional<int64_t> joined(const std::string& room, const std::string& participantId,
                                const std::string& displayName,
                                std::optional<int64_t> personId = std::nullopt);
  void left(std::optional<int64_t> attendanceId, const std::string& reason);
  Result<std::vector<AttendanceRecord>> forRoom(const std::string& room);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace rounds
