// Schema migrations for the SQLite store (the list and the runner).
// Threading: see migrations.hpp.
#include "store/migrations.hpp"

#include <string>

namespace rounds::sqlite {

namespace {

// clang-format off
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE rooms (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE CHECK (name <> ''),
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE attendance (
  id             INTEGER PRIMARY KEY,
  room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  participant_id TEXT NOT NULL CHECK (participant_id <> ''),
  display_name   TEXT NOT NULL,
  joined_at_ms   INTEGER NOT NULL,
  left_at_ms     INTEGER NULL,
  leave_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attendance_by_room ON attendance(room_id, joined_at_ms);
CREATE INDEX attendance_open ON attendance(id) WHERE left_at_ms IS NULL;
)sql"},
};
// clang-format on

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

Result<int> schemaVersion(Db& db) {
  auto v = db.queryText("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!v) return v.error();
  return std::stoi(*v);
}

Result<int> applyMigrations(Db& db, int64_t nowMs) {
  auto s = db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
  if (!s) return s.error();
  auto current = schemaVersion(db);
  if (!current) return current.error();
  int applied = 0;
  for (const Migration& m : migrations()) {
    if (m.version <= *current) continue;
    Transaction tx(db);
    if (auto b = tx.begin(); !b) return b.error();
    if (auto e = db.exec(m.sql); !e) {
      return makeError("store", "migration " + std::to_string(m.version) + ": " + e.error().message);
    }
    auto ins = db.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)");
    if (!ins) return ins.error();
    if (auto b = ins->bind(1, int64_t{m.version}); !b) return b.error();
    if (auto b = ins->bind(2, nowMs); !b) return b.error();
    if (auto r = ins->run(); !r) return r.error();
    if (auto c = tx.commit(); !c) return c.error();
    ++applied;
  }
  return applied;
}

}  // namespace rounds::sqlite
