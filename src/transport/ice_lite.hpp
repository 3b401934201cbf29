// ICE-lite agent for one peer (RFC 8445 §2.5, §7.3): answers the browser's connectivity checks,
// selects the tuple it nominates (USE-CANDIDATE), and tracks consent freshness (RFC 7675).
// No sockets: the caller passes packets in and sends what this writes.
// Threading: belongs to one worker thread.
#pragma once

#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/clock.hpp"
#include "proto/stun.hpp"

namespace rounds {

class IceLite {
 public:
  struct Listener {
    virtual ~Listener() = default;
    // The controlling agent nominated this tuple (first time, or a new tuple after a change).
    virtual void onIceSelectedTuple(const SocketAddress& tuple) = 0;
  };

  enum class State { New, Connected, Disconnected };

  IceLite(std::string localUfrag, std::string localPwd, Listener& listener);

  const std::string& localUfrag() const { return localUfrag_; }
  const std::string& localPwd() const { return localPwd_; }
  // The remote ufrag from the browser's SDP; checks whose USERNAME names another are rejected.
  void setRemoteUfrag(std::string ufrag) { remoteUfrag_ = std::move(ufrag); }
  // ICE restart (RFC 8445 §9): new local credentials; the remote ufrag is forgotten until the
  // browser's answer names its new one. The selected tuple and consent stay, so media keeps
  // flowing on the old path until the browser nominates a tuple with the new credentials.
  void restart(std::string localUfrag, std::string localPwd);

  // Handles a parsed STUN message received from `from`. Writes the response (success, or an error
  // such as 401 on a bad MESSAGE-INTEGRITY or 400 on a malformed request) into `out` and returns
  // its size; returns 0 when nothing must be sent (e.g. indications, responses, silently dropped).
  size_t processStun(Bytes packet, const stun::Message& msg, const SocketAddress& from,
                     TimePoint now, MutableBytes out);

  State state() const { return state_; }
  const std::optional<SocketAddress>& selectedTuple() const { return selected_; }
  // RFC 7675: consent is lost when no valid check arrived on the selected tuple for `timeout`.
  bool consentExpired(TimePoint now, Millis timeout) const;
  TimePoint lastConsent() const { return lastConsent_; }

 private:
  std::string localUfrag_;
  std::string localPwd_;
  std::string remoteUfrag_;
  Listener& listener_;
  State state_ = State::New;
  std::optional<SocketAddress> selected_;
  TimePoint lastConsent_{};
};

}  // namespace rounds
