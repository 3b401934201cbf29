// STUN messages (RFC 8489) as ICE uses them (RFC 8445): parse, check, and write Binding
// requests/responses. No I/O, no exceptions, no heap allocation.
// Threading: stateless functions; safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
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

// ERROR-CODE values ICE uses (RFC 8489 §14.8, RFC 8445 §7.3.1.1).
constexpr uint16_t kErrorBadRequest = 400;
constexpr uint16_t kErrorUnauthorized = 401;
constexpr uint16_t kErrorUnknownAttribute = 420;
constexpr uint16_t kErrorRoleConflict = 487;

// How many unknown comprehension-required attribute types a Message remembers for a 420 reply.
constexpr size_t kMaxUnknownAttributes = 4;

// RFC 8489 §5: the class bits C1 (0x0100) and C0 (0x0010) of the message type.
constexpr bool isRequest(uint16_t type) { return (type & 0x0110) == 0x0000; }
constexpr bool isIndication(uint16_t type) { return (type & 0x0110) == 0x0010; }
constexpr bool isResponse(uint16_t type) { return (type & 0x0100) != 0; }
constexpr uint16_t methodOf(uint16_t type) {
  return static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
}

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
  // The first kMaxUnknownAttributes unknown comprehension-required types (RFC 8489 §14.9).
  std::array<uint16_t, kMaxUnknownAttributes> unknownAttributes{};
  size_t unknownAttributeCount = 0;
};

// ICE USERNAME is "<receiver ufrag>:<sender ufrag>" (RFC 8445 §7.2.2); returns the part before the
// first ':', i.e. the ufrag of the agent receiving the check. Empty if there is no ':'.
std::string_view localUfragOf(std::string_view username);

// Structural parse: header, attribute TLVs and lengths. Does not verify integrity.
std::optional<Message> parse(Bytes packet);

// RFC 8489 §14.5: HMAC-SHA1 over the message up to MESSAGE-INTEGRITY with the adjusted length.
// `key` is the short-term credential password (ICE pwd).
bool checkIntegrity(Bytes packet, const Message& msg, std::string_view key);
// RFC 8489 §14.7: CRC-32 XOR 0x5354554e.
bool checkFingerprint(Bytes packet, const Message& msg);

// Writers return the number of bytes written into `out`, 0 if it does not fit.
// Binding success with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (key) and FINGERPRINT.
// MESSAGE-INTEGRITY is left out if `key` is empty; 0 if `mapped` is neither IPv4 nor IPv6.
size_t writeBindingSuccess(MutableBytes out, const TransactionId& tid, const SocketAddress& mapped,
                           std::string_view key);
// Binding error (e.g. 400 Bad Request, 401 Unauthorized, 487 Role Conflict) with FINGERPRINT;
// MESSAGE-INTEGRITY only if `key` is non-empty.
size_t writeBindingError(MutableBytes out, const TransactionId& tid, uint16_t code,
                         std::string_view reason, std::string_view key);
// Binding request as a controlling ICE agent sends it (used by tests and the load generator):
// USERNAME (if non-empty), PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED, USE-CANDIDATE (if set),
// MESSAGE-INTEGRITY (if `key` is non-empty), FINGERPRINT.
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
// Binding error 420 (Unknown Attribute) listing `types` in UNKNOWN-ATTRIBUTES (RFC 8489 §14.9),
// with MESSAGE-INTEGRITY if `key` is non-empty, and FINGERPRINT.
size_t writeBindingUnknownAttributes(MutableBytes out, const TransactionId& tid,
                                     std::span<const uint16_t> types, std::string_view key);

}  // namespace rounds::stun
