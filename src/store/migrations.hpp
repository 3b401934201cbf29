// Numbered schema migrations for the SQLite store: each runs once, in its own transaction, and is
// recorded in schema_migrations(version, applied_at). Never edit a shipped migration; add one.
// Threading: called on the thread that owns the Db, at open.
#pragma once

#include <cstdint>
#include <span>

#include "common/result.hpp"
#include "store/sqlite.hpp"

namespace rounds::sqlite {

struct Migration {
  int version;
  const char* sql;
};

// All migrations, ascending by version with no gaps (1, 2, 3...).
std::span<const Migration> migrations();

// Applies every migration newer than the database's current version; returns how many ran.
Result<int> applyMigrations(Db& db, int64_t nowMs);

// The highest applied version (0 for a fresh database).
Result<int> schemaVersion(Db& db);

}  // namespace rounds::sqlite
