// STUN messages (RFC 8489) as ICE uses them (RFC 8445): parse, check, and write Binding
// requests/responses. No I/O, no exceptions, no heap allocation.
// Threading: stateless functions; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/address.hpp"
#include "common/bytes.hpp"

namespace rounds::stun {

constexpr uint32_t kMagicCookie = 0x2112A442;
constexpr uint16_t kBindingRequest = 0x0001;
constexpr uint16_t kBindingSuccess = 0x0101;
constexpr uint16_t kBindingError = 0x0111;
constexpr uint16_t kBindingIndication = 0x0011;

using TransactionId = std::array<uint8_t, 12>;

// RFC 7983 demultiplexing: first byte 0..3, at least a 20-byte header and the magic cookie.
bool isStun(Bytes packet);

// A parsed view into a packet; string/byte fields point into the packet buffer.
struct Message {
  uint16_t type = 0;  // method and class, e.g. kBindingRequest
  TransactionId transactionId{};
  std::string_view username;          // USERNAME, empty if absent
  std::optional<uint32_t> priority;   // PRIORITY
  bool useCandidate = false;          // USE-CANDIDATE
  std::optional<uint64_t> iceControlling;  // ICE-CONTROLLING tie-breaker
  std::optional<uint64_t> iceControlled;   // ICE-CONTROLLED tie-breaker
  std::optional<uint16_t> errorCode;  // ERROR-CODE (class*100+number)
  std::optional<SocketAddress> xorMappedAddress;
  // Offsets of MESSAGE-INTEGRITY / FINGERPRINT attributes (0 when absent), for the checks below.
  size_t integrityOffset = 0;
  size_t fingerprintOffset = 0;
  bool hasUnknownComprehensionRequired = false;
};

// Structural parse: header, attribute TLVs and lengths. Does not verify integrity.
std::optional<Message> parse(Bytes packet);

// RFC 8489 §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY with the adjusted length.
// `key` is the short-term credential password (ICE pwd).
bool checkIntegrity(Bytes packet, const Message& msg, std::string_view key);
// RFC 8489 §14.7: CRC-32 XOR 0x5354554e.
bool checkFingerprint(Bytes packet, const Message& msg);

// Writers return the number of bytes written into `out`, 0 if it does not fit.
// Binding success with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (key) and FINGERPRINT.
size_t writeBindingSuccess(MutableBytes out, const TransactionId& tid, const SocketAddress& mapped,
                           std::string_view key);
// Binding error (e.g. 400 Bad Request, 401 Unauthorized, 487 Role Conflict) with FINGERPRINT;
// MESSAGE-INTEGRITY only if `key` is non-empty.
size_t writeBindingError(MutableBytes out, const TransactionId& tid, uint16_t code,
                         std::string_view reason, std::string_view key);
// Binding request as a controlling ICE agent sends it (used by tests and the load generator).
struct BindingRequestParams {
  TransactionId transactionId{};
  std::string_view username;  // "remoteUfrag:localUfrag"
  std::string_view key;       // remote ICE pwd
  uint32_t priority = 0;
  uint64_t tieBreaker = 0;
  bool controlling = true;
  bool useCandidate = false;
};
size_t writeBindingRequest(MutableBytes out, const BindingRequestParams& params);

}  // namespace rounds::stun
