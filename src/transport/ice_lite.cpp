#include "transport/ice_lite.hpp"

namespace rounds {

namespace {

// RFC 8445 §7.2.2: a check to us carries USERNAME "<our ufrag>:<their ufrag>". The remote part is
// only compared once the browser's ufrag is known (setRemoteUfrag).
bool usernameMatches(std::string_view username, std::string_view local, std::string_view remote) {
  if (username.size() <= local.size() || username.substr(0, local.size()) != local) return false;
  if (username[local.size()] != ':') return false;
  std::string_view rest = username.substr(local.size() + 1);
  return remote.empty() || rest == remote;
}

}  // namespace

IceLite::IceLite(std::string localUfrag, std::string localPwd, Listener& listener)
    : localUfrag_(std::move(localUfrag)), localPwd_(std::move(localPwd)), listener_(listener) {}

size_t IceLite::processStun(Bytes packet, const stun::Message& msg, const SocketAddress& from,
                            TimePoint now, MutableBytes out) {
  // Indications (e.g. keepalives) and responses need no answer; a lite agent sends no requests,
  // so a response is never one we wait for (RFC 8445 §2.5).
  if (msg.type != stun::kBindingRequest) return 0;

  // RFC 8445 §7.3: a FINGERPRINT that does not match means the packet is not STUN; drop it.
  if (msg.fingerprintOffset != 0 && !stun::checkFingerprint(packet, msg)) return 0;

  const auto& tid = msg.transactionId;
  // RFC 8489 §9.1.3: short-term credentials need both USERNAME and MESSAGE-INTEGRITY.
  if (msg.username.empty() || msg.integrityOffset == 0) {
    return stun::writeBindingError(out, tid, stun::kErrorBadRequest, "Bad Request", {});
  }
  // Unknown username or wrong password: 401, without MESSAGE-INTEGRITY since we cannot prove
  // which key the sender holds.
  if (!usernameMatches(msg.username, localUfrag_, remoteUfrag_) ||
      !stun::checkIntegrity(packet, msg, localPwd_)) {
    return stun::writeBindingError(out, tid, stun::kErrorUnauthorized, "Unauthorized", {});
  }

  // From here on the request is authenticated, so error responses carry MESSAGE-INTEGRITY too.
  // RFC 8489 §6.3.1.1: unknown comprehension-required attributes get 420 with their list.
  if (msg.hasUnknownComprehensionRequired) {
    return stun::writeBindingUnknownAttributes(
        out, tid,
        std::span<const uint16_t>(msg.unknownAttributes.data(), msg.unknownAttributeCount),
        localPwd_);
  }
  // RFC 8445 §7.3.1.1: a lite agent is always controlled and cannot switch roles, so a peer that
  // also claims to be controlled is told about the conflict.
  if (msg.iceControlled) {
    return stun::writeBindingError(out, tid, stun::kErrorRoleConflict, "Role Conflict",
                                   localPwd_);
  }

  // RFC 7675 §5.1: a valid check on the selected tuple (or any before selection) is consent.
  if (!selected_ || *selected_ == from) lastConsent_ = now;

  // RFC 8445 §7.3.1.5 / §8.2: USE-CANDIDATE from the controlling agent nominates this tuple. A new
  // tuple later on (the browser changed networks) replaces it.
  bool newTuple = msg.useCandidate && (!selected_ || !(*selected_ == from));
  if (newTuple) {
    selected_ = from;
    state_ = State::Connected;
    lastConsent_ = now;
  }
  size_t written = stun::writeBindingSuccess(out, tid, from, localPwd_);
  // Last, so that a listener reacting to the selection sees a finished state and answer.
  if (newTuple) listener_.onIceSelectedTuple(from);
  return written;
}

void IceLite::restart(std::string localUfrag, std::string localPwd) {
  localUfrag_ = std::move(localUfrag);
  localPwd_ = std::move(localPwd);
  remoteUfrag_.clear();
}

bool IceLite::consentExpired(TimePoint now, Millis timeout) const {
  return state_ == State::Connected && now - lastConsent_ > timeout;
}

}  // namespace rounds
