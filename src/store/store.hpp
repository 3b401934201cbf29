// Store: the persistence interface of Rounds (rooms and attendance for now). Implementations:
// SqliteStore (the embedded default). Every method is one transaction: it completes or leaves
// nothing behind.
// Threading: a Store is used from the control thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace rounds {

struct RoomRecord {
  int64_t id = 0;
  std::string name;
  int64_t createdAtMs = 0;
};

struct AttendanceRecord {
  int64_t id = 0;
  std::string room;
  std::string participantId;
  std::string displayName;
  int64_t joinedAtMs = 0;
  std::optional<int64_t> leftAtMs;
  std::string leaveReason;  // "left", "disconnected", "timeout", "shutdown"; empty while present
};

class Store {
 public:
  virtual ~Store() = default;
  // Creates the room on first use; returns the record either way.
  virtual Result<RoomRecord> ensureRoom(const std::string& name, int64_t nowMs) = 0;
  // Records a join; returns the attendance id.
  virtual Result<int64_t> recordJoin(const std::string& room, const std::string& participantId,
                                     const std::string& displayName, int64_t joinedAtMs) = 0;
  virtual Status recordLeave(int64_t attendanceId, int64_t leftAtMs, const std::string& reason) = 0;
  // Closes every open attendance row (start-up after a crash, or shutdown).
  virtual Status closeOpenAttendance(int64_t leftAtMs, const std::string& reason) = 0;
  virtual Result<std::vector<AttendanceRecord>> attendance(const std::string& room) = 0;
};

// Opens (creating if needed) a SQLite database file in WAL mode and applies numbered migrations.
// ":memory:" gives a private in-memory database (tests).
Result<std::unique_ptr<Store>> openSqliteStore(const std::string& path);

}  // namespace rounds
