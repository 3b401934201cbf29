// RoomEvents: what the REST API tells the rooms when it changes something a connected person
// must see at once (the running agenda item; roles of a series). Conference implements it.
// Threading: control thread only (the API and the signalling both run there).
#pragma once

#include <cstdint>
#include <string>

#include "services/meetings.hpp"

namespace rounds {

class RoomEvents {
 public:
  virtual ~RoomEvents() = default;
  // A host started or advanced an agenda item of a meeting held in `room`.
  virtual void onAgendaChanged(const std::string& room, int64_t meetingId,
                               const AgendaView& view) = 0;
  // Roles or the owner of the series held in `room` changed (PUT/DELETE roles, hand-over).
  virtual void onRolesChanged(const std::string& room) = 0;
};

}  // namespace rounds
