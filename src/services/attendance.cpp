#include "services/attendance.hpp"

#include <spdlog/spdlog.h>

namespace rounds {

void AttendanceService::recoverAfterRestart() {
  if (auto st = store_.closeOpenAttendance(clock_.wallMillis(), "shutdown"); !st)
    spdlog::error("attendance: closing open rows failed: {}", st.error().message);
}

std::optional<int64_t> AttendanceService::joined(const std::string& room,
                                                 const std::string& participantId,
                                                 const std::string& displayName,
                                                 std::optional<int64_t> personId) {
  auto r = store_.recordJoin(room, participantId, displayName, clock_.wallMillis(), personId);
  if (!r) {
    spdlog::error("attendance: recording join of {} in {} failed: {}", participantId, room,
                  r.error().message);
    return std::nullopt;
  }
  return r.value();
}

void AttendanceService::left(std::optional<int64_t> attendanceId, const std::string& reason) {
  if (!attendanceId) return;
  if (auto st = store_.recordLeave(*attendanceId, clock_.wallMillis(), reason); !st)
    spdlog::error("attendance: recording leave failed: {}", st.error().message);
}

Result<std::vector<AttendanceRecord>> AttendanceService::forRoom(const std::string& room) {
  return store_.attendance(room);
}

}  // namespace rounds
