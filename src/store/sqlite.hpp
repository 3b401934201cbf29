// The one thin RAII wrapper over the SQLite C API (Db, Statement, Transaction); nobody else in
// Rounds includes <sqlite3.h>. Errors come back as Error{"store", "<what>: <sqlite errmsg>"}.
// Threading: a Db and its Statements belong to one thread (opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace rounds::sqlite {

class Statement;

class Db {
 public:
  // Opens or creates `path` (":memory:" for a private in-memory database).
  static Result<Db> open(const std::string& path);

  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  // Runs one or more statements that return no rows we care about.
  Status exec(std::string_view sql);
  Result<Statement> prepare(std::string_view sql);
  // Runs `sql` (one statement) and returns the first column of its first row as text.
  Result<std::string> queryText(std::string_view sql);
  Status setBusyTimeout(int ms);

  int64_t lastInsertRowId() const;
  int64_t changes() const;
  std::string errmsg() const;
  Error error(std::string_view what) const;  // Error{"store", what + ": " + errmsg}
  sqlite3* handle() const { return db_.get(); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit Db(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, Closer> db_;
};

// A prepared statement; parameters are 1-based, columns 0-based (as in SQLite).
class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Clears bindings and rewinds, ready for a new use.
  void reset();
  Status bind(int index, int64_t value);
  Status bind(int index, std::string_view value);
  Status bind(int index, std::optional<int64_t> value);
  Status bindNull(int index);
  // Binary data (a BLOB, e.g. an image); read back with columnBlob.
  Status bindBlob(int index, std::string_view bytes);
  // true: a row is available; false: done.
  Result<bool> step();
  // Steps to completion, expecting no rows.
  Status run();

  int64_t columnInt64(int col) const;
  // nullopt for NULL (the read side of bind(int, std::optional<int64_t>)).
  std::optional<int64_t> columnOptionalInt64(int col) const;
  std::string columnText(int col) const;
  bool columnIsNull(int col) const;
  std::string columnBlob(int col) const;

 private:
  friend class Db;
  struct Finalizer {
    void operator()(sqlite3_stmt* st) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* st) : db_(db), st_(st) {}
  Error error(std::string_view what) const;
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> st_;
};

// BEGIN on begin(); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // IMMEDIATE takes the write lock up front so that a writer never fails half-way on
  // SQLITE_BUSY when upgrading from a read lock.
  Status begin(bool immediate = true);
  Status commit();

 private:
  Db& db_;
  bool active_ = false;
};

}  // namespace rounds::sqlite
