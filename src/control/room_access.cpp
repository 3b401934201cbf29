#include "control/room_access.hpp"

#include <charconv>

namespace rounds {

std::optional<int64_t> seriesIdOfRoom(std::string_view room) {
  constexpr std::string_view kPrefix = "series-";
  if (room.size() <= kPrefix.size() || room.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view digits = room.substr(kPrefix.size());
  if (digits.size() > 18 || digits.front() == '0') return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

Result<RoomIdentity> SeriesRoomAccess::identityOf(const SeriesRecord& series, int64_t personId) {
  auto person = accounts_.person(personId);
  if (!person) return person.error();
  RoomIdentity out;
  out.personId = personId;
  out.name = person->displayName;
  out.country = person->country;
  if (person->organisationId) {
    auto orgs = accounts_.organisations();
    if (!orgs) return orgs.error();
    for (const auto& o : *orgs)
      if (o.id == *person->organisationId) out.organisation = o.name;
  }
  auto role = series_.roleIn(series, personId);
  if (!role) return role.error();
  out.role = role->empty() ? "participant" : *role;
  out.host = out.role == "host" || out.role == "co-host";
  return out;
}

Result<RoomIdentity> SeriesRoomAccess::invitee(std::string_view room, std::string_view token) {
  auto seriesId = seriesIdOfRoom(room);
  auto opened = series_.open(token);
  if (!opened) {
    // The service's own words name the reason (unknown, revoked, expired).
    const auto& e = opened.error();
    if (e.code == "unauthorized" || e.code == "forbidden" || e.code == "not_found")
      return makeError("invite_invalid", e.message);
    return e;
  }
  if (!seriesId || opened->series.id != *seriesId)
    return makeError("invite_invalid", "this invitation is for another room");
  return identityOf(opened->series, opened->invitee.id);
}

Result<RoomIdentity> SeriesRoomAccess::host(std::string_view room, std::string_view sessionToken) {
  auto seriesId = seriesIdOfRoom(room);
  if (!seriesId) return makeError("host_invalid", "this room has no host list");
  auto caller = accounts_.authenticate(sessionToken);
  if (!caller) return makeError("host_invalid", "the host session is not valid; sign in again");
  // get() succeeds only for the series' host or a co-host (series.hpp).
  auto series = series_.get(*caller, *seriesId);
  if (!series) return makeError("host_invalid", "you are not a host of this series");
  auto id = identityOf(*series, caller->personId);
  if (!id) return id.error();
  id->host = true;
  if (id->role != "co-host") id->role = "host";
  return id;
}

Result<bool> SeriesRoomAccess::passcodeRequired(std::string_view room) {
  auto seriesId = seriesIdOfRoom(room);
  if (!seriesId) return false;
  return series_.hasPasscode(*seriesId);
}

Result<bool> SeriesRoomAccess::passcodeMatches(std::string_view room, std::string_view passcode) {
  auto seriesId = seriesIdOfRoom(room);
  if (!seriesId) return false;
  return series_.checkPasscode(*seriesId, passcode);
}

Result<RoomIdentity> SeriesRoomAccess::member(std::string_view room, int64_t personId) {
  auto seriesId = seriesIdOfRoom(room);
  if (!seriesId) return makeError("not_found", "this room has no directory");
  auto series = series_.byId(*seriesId);
  if (!series) return series.error();
  return identityOf(*series, personId);
}

}  // namespace rounds
