// RoomAccess: who may enter a conference room directly. A series room (`series-<id>`) admits the
// holders of a valid personal invitation and its signed-in hosts; everyone else waits in the lobby.
// Threading: control thread only (it reads the store through the services).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "services/accounts.hpp"
#include "services/series.hpp"

namespace rounds {

// The directory's view of a person in a room: shown to everyone in participant info.
struct RoomIdentity {
  int64_t personId = 0;
  std::string name;          // the directory's display name (not the one the client sent)
  std::string organisation;  // organisation name, or "" when the person has none
  std::string country;       // ISO 3166-1 alpha-2
  std::string role;          // "host", "co-host", "presenter", …, "participant" by default
  bool host = false;         // may admit, deny and lower hands
};

class RoomAccess {
 public:
  virtual ~RoomAccess() = default;
  // Whether the room has a guest list; in a guarded room people without one wait in the lobby.
  virtual bool guarded(std::string_view room) = 0;
  // Errors: code "invite_invalid" with a message for the person (unknown, revoked, expired,
  // another series' token).
  virtual Result<RoomIdentity> invitee(std::string_view room, std::string_view token) = 0;
  // A host or co-host of the room's series signed in with `sessionToken` (docs/api.md sessions).
  // Errors: "host_invalid".
  virtual Result<RoomIdentity> host(std::string_view room, std::string_view sessionToken) = 0;
  // The directory's current identity of a person in the room's series (after a role change
  // through the REST API). Errors: "not_found" when the room has no series.
  virtual Result<RoomIdentity> member(std::string_view room, int64_t personId) {
    return makeError("not_found", "this room has no directory");
  }
  // Whether people without an invitation must give a passcode before the lobby, and whether
  // `passcode` is it (an Argon2 verification: callers rate-limit).
  virtual Result<bool> passcodeRequired(std::string_view room) { return false; }
  virtual Result<bool> passcodeMatches(std::string_view room, std::string_view passcode) {
    return false;
  }
};

// The series id of `series-<id>`, or nullopt for any other (ad-hoc) room.
std::optional<int64_t> seriesIdOfRoom(std::string_view room);

class SeriesRoomAccess : public RoomAccess {
 public:
  SeriesRoomAccess(AccountService& accounts, SeriesService& series)
      : accounts_(accounts), series_(series) {}
  bool guarded(std::string_view room) override { return seriesIdOfRoom(room).has_value(); }
  Result<RoomIdentity> invitee(std::string_view room, std::string_view token) override;
  Result<RoomIdentity> host(std::string_view room, std::string_view sessionToken) override;
  Result<RoomIdentity> member(std::string_view room, int64_t personId) override;
  Result<bool> passcodeRequired(std::string_view room) override;
  Result<bool> passcodeMatches(std::string_view room, std::string_view passcode) override;

 private:
  Result<RoomIdentity> identityOf(const SeriesRecord& series, int64_t personId);

  AccountService& accounts_;
  SeriesService& series_;
};

}  // namespace rounds
