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
    // Issue 4: directory, host accounts, sessions, series, exceptions, invitations.
    {2, R"sql(
CREATE TABLE organisations (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL CHECK (name <> ''),
  country       TEXT NOT NULL CHECK (length(country) = 2),
  kind          TEXT NOT NULL CHECK (kind IN ('health_commission', 'hospital', 'province')),
  created_at_ms INTEGER NOT NULL,
  UNIQUE (name, country)
);
CREATE TABLE people (
  id              INTEGER PRIMARY KEY,
  display_name    TEXT NOT NULL CHECK (display_name <> ''),
  organisation_id INTEGER NULL REFERENCES organisations(id),
  country         TEXT NOT NULL CHECK (length(country) = 2),
  discipline      TEXT NOT NULL,
  language        TEXT NOT NULL,
  time_zone       TEXT NOT NULL CHECK (time_zone <> ''),
  email           TEXT NOT NULL DEFAULT '',
  created_at_ms   INTEGER NOT NULL
);
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  person_id     INTEGER NOT NULL UNIQUE REFERENCES people(id),
  email         TEXT NOT NULL UNIQUE CHECK (email <> ''),
  password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE sessions (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER NULL
);
CREATE TABLE series (
  id               INTEGER PRIMARY KEY,
  owner_account_id INTEGER NOT NULL REFERENCES accounts(id),
  uid              TEXT NOT NULL UNIQUE,
  title            TEXT NOT NULL CHECK (title <> ''),
  time_zone        TEXT NOT NULL,
  start_local      TEXT NOT NULL,
  start_utc_ms     INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
  frequency        TEXT NOT NULL CHECK (frequency IN ('once', 'weekly')),
  interval_weeks   INTEGER NOT NULL CHECK (interval_weeks >= 1),
  weekday_mask     INTEGER NOT NULL CHECK (weekday_mask BETWEEN 0 AND 127),
  until_local_date TEXT NOT NULL DEFAULT '',
  count            INTEGER NOT NULL DEFAULT 0 CHECK (count >= 0),
  created_at_ms    INTEGER NOT NULL
);
CREATE INDEX series_by_owner ON series(owner_account_id);
CREATE TABLE series_exceptions (
  series_id            INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  original_local       TEXT NOT NULL,
  kind                 TEXT NOT NULL CHECK (kind IN ('cancelled', 'moved')),
  new_start_local      TEXT NOT NULL DEFAULT '',
  new_duration_minutes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (series_id, original_local)
);
CREATE TABLE invitations (
  id            INTEGER PRIMARY KEY,
  series_id     INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  person_id     INTEGER NOT NULL REFERENCES people(id),
  token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER NULL
);
CREATE INDEX invitations_by_series ON invitations(series_id);
)sql"},
    // Issue 4, in the room: meetings (one session of a series), agenda, cases with their audit
    // log, questions with votes, and the FTS5 FAQ index of answered questions.
    {3, R"sql(
CREATE TABLE meetings (
  id               INTEGER PRIMARY KEY,
  series_id        INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  title            TEXT NOT NULL CHECK (title <> ''),
  starts_at_ms     INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
  created_at_ms    INTEGER NOT NULL
);
CREATE INDEX meetings_by_series ON meetings(series_id, starts_at_ms);
CREATE TABLE agenda_items (
  id            INTEGER PRIMARY KEY,
  meeting_id    INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  position      INTEGER NOT NULL,
  title         TEXT NOT NULL CHECK (title <> ''),
  presenter     TEXT NOT NULL DEFAULT '',
  minutes       INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
  started_at_ms INTEGER NULL,
  ended_at_ms   INTEGER NULL,
  UNIQUE (meeting_id, position)
);
CREATE TABLE cases (
  id                  INTEGER PRIMARY KEY,
  meeting_id          INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  agenda_item_id      INTEGER NULL REFERENCES agenda_items(id),
  author              TEXT NOT NULL,
  author_name         TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
  fields_json         TEXT NOT NULL,
  justifications_json TEXT NOT NULL DEFAULT '[]',
  return_reason       TEXT NOT NULL DEFAULT '',
  created_at_ms       INTEGER NOT NULL,
  updated_at_ms       INTEGER NOT NULL
);
CREATE INDEX cases_by_meeting ON cases(meeting_id);
CREATE TABLE case_audit (
  id      INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at_ms   INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_audit_by_case ON case_audit(case_id, id);
CREATE TABLE questions (
  id             INTEGER PRIMARY KEY,
  meeting_id     INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
  agenda_item_id INTEGER NULL REFERENCES agenda_items(id),
  asker          TEXT NOT NULL,
  asker_name     TEXT NOT NULL,
  anonymous      INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
  text           TEXT NOT NULL CHECK (text <> ''),
  status         TEXT NOT NULL CHECK (status IN ('open', 'answered', 'merged')),
  merged_into    INTEGER NULL REFERENCES questions(id),
  answer         TEXT NOT NULL DEFAULT '',
  answered_at_ms INTEGER NULL,
  created_at_ms  INTEGER NOT NULL
);
CREATE INDEX questions_by_meeting ON questions(meeting_id);
CREATE TABLE question_votes (
  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  voter       TEXT NOT NULL,
  PRIMARY KEY (question_id, voter)
);
CREATE TABLE case_images (
  id               INTEGER PRIMARY KEY,
  case_id          INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  mime             TEXT NOT NULL CHECK (mime IN ('image/jpeg', 'image/png')),
  data             BLOB NOT NULL,
  removed_segments INTEGER NOT NULL,
  created_at_ms    INTEGER NOT NULL
);
CREATE INDEX case_images_by_case ON case_images(case_id);
CREATE VIRTUAL TABLE faq_index USING fts5(question, answer, topic, tokenize = 'trigram');
)sql"},
    // Issue 4, continued: per-conference roles and delegation invites.
    {4, R"sql(
CREATE TABLE conference_roles (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people(id),
  role      TEXT NOT NULL
            CHECK (role IN ('co-host', 'presenter', 'interpreter', 'participant', 'observer')),
  PRIMARY KEY (series_id, person_id)
);
CREATE TABLE delegations (
  id                    INTEGER PRIMARY KEY,
  series_id             INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  coordinator_person_id INTEGER NOT NULL REFERENCES people(id),
  quota                 INTEGER NOT NULL CHECK (quota BETWEEN 1 AND 500),
  token_hash            TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at_ms         INTEGER NOT NULL,
  expires_at_ms         INTEGER NOT NULL,
  revoked_at_ms         INTEGER NULL
);
CREATE INDEX delegations_by_series ON delegations(series_id);
ALTER TABLE invitations ADD COLUMN delegation_id INTEGER NULL REFERENCES delegations(id);
CREATE INDEX invitations_by_delegation ON invitations(delegation_id) WHERE delegation_id IS NOT NULL;
)sql"},
    // Issue 4, in the room: attendance by the identity a join carries (NULL for lobby guests),
    // and an optional series passcode (an Argon2id hash, never the passcode itself).
    {5, R"sql(
ALTER TABLE attendance ADD COLUMN person_id INTEGER NULL REFERENCES people(id);
CREATE TABLE series_passcodes (
  series_id     INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
  hash          TEXT NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
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
