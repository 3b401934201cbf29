// Tests for the SQLite store: migrations, persistence, transactions and attendance queries.
// Threading: single-threaded.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "store/migrations.hpp"
#include "store/sqlite.hpp"
#include "store/store.hpp"

namespace rounds {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "rounds-store-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::unique_ptr<Store> openOrDie(const std::string& path) {
  auto r = openSqliteStore(path);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(*r) : nullptr;
}

TEST(SqliteStore, EnsureRoomCreatesOnceAndReturnsSameRecord) {
  auto store = openOrDie(":memory:");
  ASSERT_TRUE(store);
  auto a = store->ensureRoom("standup", 1000);
  ASSERT_TRUE(a.ok());
  auto b = store->ensureRoom("standup", 2000);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(b->name, "standup");
  EXPECT_EQ(b->createdAtMs, 1000);
  auto c = store->ensureRoom("retro", 3000);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->id, a->id);
}

TEST(SqliteStore, AttendanceOrderedByJoinTimeThenId) {
  auto store = openOrDie(":memory:");
  ASSERT_TRUE(store);
  auto late = store->recordJoin("r", "p2", "Bob", 200);
  auto early = store->recordJoin("r", "p1", "Ann", 100);
  auto tie = store->recordJoin("r", "p3", "Cid", 200);
  ASSERT_TRUE(late.ok() && early.ok() && tie.ok());
  ASSERT_TRUE(store->recordJoin("other", "p9", "Zed", 50).ok());

  auto rows = store->attendance("r");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].participantId, "p1");
  EXPECT_EQ((*rows)[1].participantId, "p2");
  EXPECT_EQ((*rows)[2].participantId, "p3");
  EXPECT_EQ((*rows)[0].room, "r");
  EXPECT_EQ((*rows)[0].displayName, "Ann");
  EXPECT_EQ((*rows)[0].id, *early);
  EXPECT_FALSE((*rows)[0].leftAtMs.has_value());
  EXPECT_EQ((*rows)[0].leaveReason, "");

  auto none = store->attendance("no-such-room");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(SqliteStore, RecordLeaveClosesOnceAndRejectsUnknownIds) {
  auto store = openOrDie(":memory:");
  ASSERT_TRUE(store);
  auto id = store->recordJoin("r", "p1", "Ann", 100);
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(store->recordLeave(*id, 500, "left").ok());
  auto again = store->recordLeave(*id, 600, "timeout");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "store");
  EXPECT_FALSE(store->recordLeave(*id + 100, 600, "left").ok());

  auto rows = store->attendance("r");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].leftAtMs, 500);
  EXPECT_EQ((*rows)[0].leaveReason, "left");
}

TEST(SqliteStore, CloseOpenAttendanceTouchesOnlyOpenRows) {
  auto store = openOrDie(":memory:");
  ASSERT_TRUE(store);
  auto a = store->recordJoin("r", "p1", "Ann", 100);
  auto b = store->recordJoin("r", "p2", "Bob", 110);
  auto c = store->recordJoin("s", "p3", "Cid", 120);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_TRUE(store->recordLeave(*a, 150, "left").ok());
  ASSERT_TRUE(store->closeOpenAttendance(999, "shutdown").ok());

  auto r = store->attendance("r");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].leftAtMs, 150);
  EXPECT_EQ((*r)[0].leaveReason, "left");
  EXPECT_EQ((*r)[1].leftAtMs, 999);
  EXPECT_EQ((*r)[1].leaveReason, "shutdown");
  auto s = store->attendance("s");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].leaveReason, "shutdown");
  // Nothing open any more: a second sweep is a no-op, not an error.
  EXPECT_TRUE(store->closeOpenAttendance(2000, "shutdown").ok());
}

TEST(SqliteStore, FailedJoinLeavesNoRoomBehind) {
  auto store = openOrDie(":memory:");
  ASSERT_TRUE(store);
  // An empty participant id violates a CHECK constraint after the room row was inserted in the
  // same transaction; the room must be rolled back with it.
  auto bad = store->recordJoin("fresh", "", "Ann", 100);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "store");
  EXPECT_NE(bad.error().message.find("CHECK"), std::string::npos) << bad.error().message;

  // Had the room survived, ensureRoom would return its original creation time (100).
  auto room = store->ensureRoom("fresh", 200);
  ASSERT_TRUE(room.ok());
  EXPECT_EQ(room->createdAtMs, 200);
  // And the store is still usable after the rollback.
  EXPECT_TRUE(store->recordJoin("fresh", "p1", "Ann", 300).ok());
}

TEST(SqliteStore, DataSurvivesReopenAndMigrationsRunOnce) {
  TempDir dir;
  const std::string path = dir.file("rounds.db");
  int64_t id = 0;
  {
    auto store = openOrDie(path);
    ASSERT_TRUE(store);
    auto r = store->recordJoin("persist", "p1", "Ann", 100);
    ASSERT_TRUE(r.ok());
    id = *r;
  }
  {
    auto store = openOrDie(path);
    ASSERT_TRUE(store);
    auto rows = store->attendance("persist");
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].id, id);
    EXPECT_EQ((*rows)[0].displayName, "Ann");
    EXPECT_TRUE(store->recordLeave(id, 200, "left").ok());
  }
  auto db = sqlite::Db::open(path);
  ASSERT_TRUE(db.ok());
  auto count = db->queryText("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, std::to_string(sqlite::migrations().size()));
  auto mode = db->queryText("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, "wal");
  // Running the migrator again applies nothing.
  auto again = sqlite::applyMigrations(*db, 0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST(SqliteStore, RefusesSchemaNewerThanItKnows) {
  TempDir dir;
  const std::string path = dir.file("future.db");
  { ASSERT_TRUE(openOrDie(path)); }
  {
    auto db = sqlite::Db::open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("INSERT INTO schema_migrations(version, applied_at) VALUES (999, 0)").ok());
  }
  auto r = openSqliteStore(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("999"), std::string::npos);
}

TEST(SqliteStore, MissingDirectoryIsAnErrorNotACrash) {
  TempDir dir;
  auto r = openSqliteStore(dir.file("no/such/dir/rounds.db"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "store");
  EXPECT_NE(r.error().message.find("no/such/dir"), std::string::npos) << r.error().message;
}

TEST(SqliteStore, SchemaDeclaresAttendanceForeignKey) {
  TempDir dir;
  const std::string path = dir.file("fk.db");
  { ASSERT_TRUE(openOrDie(path)); }
  auto raw = sqlite::Db::open(path);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->exec("PRAGMA foreign_keys=ON").ok());
  auto bad = raw->exec(
      "INSERT INTO attendance(room_id, participant_id, display_name, joined_at_ms) "
      "VALUES (12345, 'p', 'n', 1)");
  EXPECT_FALSE(bad.ok());
}

TEST(SqliteWrapper, ErrorsCarrySqliteMessage) {
  auto db = sqlite::Db::open(":memory:");
  ASSERT_TRUE(db.ok());
  auto st = db->prepare("SELECT * FROM nowhere");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "store");
  EXPECT_NE(st.error().message.find("no such table"), std::string::npos) << st.error().message;
}

TEST(SqliteWrapper, TransactionRollsBackUnlessCommitted) {
  auto db = sqlite::Db::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE t(x INTEGER)").ok());
  {
    sqlite::Transaction tx(*db);
    ASSERT_TRUE(tx.begin().ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(*db->queryText("SELECT COUNT(*) FROM t"), "0");
  {
    sqlite::Transaction tx(*db);
    ASSERT_TRUE(tx.begin().ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(tx.commit().ok());
  }
  EXPECT_EQ(*db->queryText("SELECT COUNT(*) FROM t"), "1");
}

TEST(SqliteWrapper, OptionalIntegersRoundTripThroughNull) {
  auto db = sqlite::Db::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE t(k INTEGER, v INTEGER)").ok());
  for (auto [k, v] :
       {std::pair<int64_t, std::optional<int64_t>>{1, std::nullopt}, {2, 0}, {3, -7}}) {
    auto ins = db->prepare("INSERT INTO t VALUES (?, ?)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->bind(1, k).ok());
    ASSERT_TRUE(ins->bind(2, v).ok());
    ASSERT_TRUE(ins->run().ok());
  }
  auto st = db->prepare("SELECT v FROM t ORDER BY k");
  ASSERT_TRUE(st.ok());
  std::vector<std::optional<int64_t>> got;
  for (auto row = st->step(); row.ok() && *row; row = st->step())
    got.push_back(st->columnOptionalInt64(0));
  // NULL is nullopt; 0 is a value, not NULL.
  EXPECT_EQ(got, (std::vector<std::optional<int64_t>>{std::nullopt, 0, -7}));
}

}  // namespace
}  // namespace rounds
