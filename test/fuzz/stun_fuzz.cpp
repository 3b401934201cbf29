// Fuzz target for proto/stun and transport/ice_lite: demultiplex, parse, check MESSAGE-INTEGRITY
// and FINGERPRINT, answer as the ICE-lite agent, and check that what we write parses back.
// Threading: libFuzzer calls it from one thread.
#include <cstddef>
#include <cstdint>

#include "proto/stun.hpp"
#include "transport/ice_lite.hpp"

namespace {

// The RFC 5769 credentials, so that the seed request reaches the authenticated paths.
constexpr std::string_view kUfrag = "evtj";
constexpr std::string_view kPwd = "VOkJxbRl1RmTxUk/WvJxBt";

struct NullListener : rounds::IceLite::Listener {
  void onIceSelectedTuple(const rounds::SocketAddress&) override {}
};

void require(bool ok) {
  if (!ok) __builtin_trap();
}

// Anything IceLite writes must be a well-formed message with a valid FINGERPRINT.
void checkAnswer(rounds::Bytes out, const rounds::stun::TransactionId& tid) {
  if (out.empty()) return;
  require(rounds::stun::isStun(out));
  auto m = rounds::stun::parse(out);
  require(m.has_value());
  require(m->transactionId == tid);
  require(rounds::stun::checkFingerprint(out, *m));
  if (m->integrityOffset != 0) require(rounds::stun::checkIntegrity(out, *m, kPwd));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rounds;
  Bytes packet(data, size);
  bool looksLikeStun = stun::isStun(packet);
  auto msg = stun::parse(packet);
  if (!msg) return 0;
  require(looksLikeStun);

  (void)stun::checkIntegrity(packet, *msg, kPwd);
  (void)stun::checkIntegrity(packet, *msg, "");
  (void)stun::checkFingerprint(packet, *msg);
  (void)stun::localUfragOf(msg->username);

  NullListener listener;
  IceLite ice{std::string(kUfrag), std::string(kPwd), listener};
  uint8_t out[1500];
  auto now = TimePoint{} + std::chrono::seconds(5);
  auto v4 = SocketAddress::parse("192.0.2.1", 32853);
  auto v6 = SocketAddress::parse("2001:db8::1", 443);
  size_t n = ice.processStun(packet, *msg, *v4, now, out);
  checkAnswer(Bytes(out, n), msg->transactionId);
  n = ice.processStun(packet, *msg, *v6, now + std::chrono::seconds(1), out);
  checkAnswer(Bytes(out, n), msg->transactionId);
  (void)ice.consentExpired(now + std::chrono::seconds(40), std::chrono::seconds(30));

  // Writing a request from the fuzzed fields must round-trip.
  stun::BindingRequestParams params;
  params.transactionId = msg->transactionId;
  params.username = msg->username;
  params.key = msg->username;
  params.priority = msg->priority.value_or(0);
  params.tieBreaker = msg->iceControlling.value_or(msg->iceControlled.value_or(0));
  params.controlling = msg->iceControlling.has_value();
  params.useCandidate = msg->useCandidate;
  n = stun::writeBindingRequest(out, params);
  require(n > 0);
  auto back = stun::parse(Bytes(out, n));
  require(back.has_value());
  require(back->username == msg->username);
  require(back->useCandidate == msg->useCandidate);
  require(stun::checkFingerprint(Bytes(out, n), *back));
  if (!params.key.empty()) require(stun::checkIntegrity(Bytes(out, n), *back, params.key));
  return 0;
}
