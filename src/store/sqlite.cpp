// The SQLite wrapper: the only file that calls the SQLite C API.
// Threading: see sqlite.hpp.
#include "store/sqlite.hpp"

#include <sqlite3.h>

#include <climits>

namespace rounds::sqlite {

namespace {

Error storeError(sqlite3* db, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db ? sqlite3_errmsg(db) : "out of memory";
  return makeError("store", std::move(msg));
}

int checkedLength(std::string_view sv) {
  // SQLite takes an int length (and enforces its own, smaller SQLITE_LIMIT_LENGTH).
  return sv.size() > static_cast<size_t>(INT_MAX) ? -1 : static_cast<int>(sv.size());
}

}  // namespace

void Db::Closer::operator()(sqlite3* db) const {
  // v2 defers the close if a statement is still alive instead of failing with SQLITE_BUSY.
  sqlite3_close_v2(db);
}

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);  // owns the handle even when open failed
  if (rc != SQLITE_OK) return storeError(raw, "cannot open '" + path + "'");
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Status Db::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_.get());
    sqlite3_free(err);
    return makeError("store", "exec failed: " + msg);
  }
  return Ok{};
}

Result<Statement> Db::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), checkedLength(sql), SQLITE_PREPARE_PERSISTENT,
                              &st, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(st);
    return error("prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return Statement(db_.get(), st);
}

Result<std::string> Db::queryText(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return makeError("store", "query returned no row");
  return st->columnText(0);
}

Status Db::setBusyTimeout(int ms) {
  if (sqlite3_busy_timeout(db_.get(), ms) != SQLITE_OK) return error("busy_timeout");
  return Ok{};
}

int64_t Db::lastInsertRowId() const { return sqlite3_last_insert_rowid(db_.get()); }
int64_t Db::changes() const { return sqlite3_changes64(db_.get()); }
std::string Db::errmsg() const { return sqlite3_errmsg(db_.get()); }
Error Db::error(std::string_view what) const { return storeError(db_.get(), what); }

void Statement::Finalizer::operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }

Error Statement::error(std::string_view what) const { return storeError(db_, what); }

void Statement::reset() {
  sqlite3_reset(st_.get());
  sqlite3_clear_bindings(st_.get());
}

Status Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(st_.get(), index, value) != SQLITE_OK) return error("bind");
  return Ok{};
}

Status Statement::bind(int index, std::string_view value) {
  int len = checkedLength(value);
  if (len < 0) return makeError("store", "bind: text too long");
  // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may go away before step().
  if (sqlite3_bind_text(st_.get(), index, value.data(), len, SQLITE_TRANSIENT) != SQLITE_OK)
    return error("bind");
  return Ok{};
}

Status Statement::bind(int index, std::optional<int64_t> value) {
  return value ? bind(index, *value) : bindNull(index);
}

Status Statement::bindNull(int index) {
  if (sqlite3_bind_null(st_.get(), index) != SQLITE_OK) return error("bind");
  return Ok{};
}

Status Statement::bindBlob(int index, std::string_view bytes) {
  int len = checkedLength(bytes);
  if (len < 0) return makeError("store", "bind: blob too long");
  if (sqlite3_bind_blob(st_.get(), index, bytes.data(), len, SQLITE_TRANSIENT) != SQLITE_OK)
    return error("bind");
  return Ok{};
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(st_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return error("step");
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) return row.error();
    if (!*row) return Ok{};
  }
}

int64_t Statement::columnInt64(int col) const { return sqlite3_column_int64(st_.get(), col); }

std::string Statement::columnBlob(int col) const {
  const void* data = sqlite3_column_blob(st_.get(), col);
  int len = sqlite3_column_bytes(st_.get(), col);
  if (!data || len <= 0) return {};
  return std::string(static_cast<const char*>(data), static_cast<size_t>(len));
}

std::string Statement::columnText(int col) const {
  const unsigned char* text = sqlite3_column_text(st_.get(), col);
  int len = sqlite3_column_bytes(st_.get(), col);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(len));
}

bool Statement::columnIsNull(int col) const {
  return sqlite3_column_type(st_.get(), col) == SQLITE_NULL;
}

std::optional<int64_t> Statement::columnOptionalInt64(int col) const {
  if (columnIsNull(col)) return std::nullopt;
  return columnInt64(col);
}

Transaction::~Transaction() {
  if (active_) (void)db_.exec("ROLLBACK");
}

Status Transaction::begin(bool immediate) {
  auto s = db_.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (s) active_ = true;
  return s;
}

Status Transaction::commit() {
  auto s = db_.exec("COMMIT");
  if (s) active_ = false;
  return s;
}

}  // namespace rounds::sqlite
