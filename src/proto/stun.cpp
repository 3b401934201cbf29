#include "proto/stun.hpp"

// SHA1_* is the only OpenSSL 3.0 SHA-1 interface that does not allocate per call (EVP_MAC and
// EVP_MD re-create their provider context on every init), and STUN is on the per-packet path.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace rounds::stun {

namespace {

constexpr size_t kHeaderSize = 20;
constexpr size_t kAttrHeaderSize = 4;
constexpr size_t kIntegritySize = 20;  // HMAC-SHA1
constexpr size_t kFingerprintSize = 4;
constexpr uint32_t kFingerprintXor = 0x5354554e;  // RFC 8489 §14.7
constexpr size_t kMaxUsername = 513;              // RFC 8489 §14.3 (and RFC 5389's 513)
constexpr size_t kMaxReason = 763;                // RFC 8489 §14.8

// Attribute types: RFC 8489 §18.3, RFC 8445 §16.1.
constexpr uint16_t kAttrMappedAddress = 0x0001;
constexpr uint16_t kAttrUsername = 0x0006;
constexpr uint16_t kAttrMessageIntegrity = 0x0008;
constexpr uint16_t kAttrErrorCode = 0x0009;
constexpr uint16_t kAttrUnknownAttributes = 0x000A;
constexpr uint16_t kAttrRealm = 0x0014;
constexpr uint16_t kAttrNonce = 0x0015;
constexpr uint16_t kAttrMessageIntegritySha256 = 0x001C;
constexpr uint16_t kAttrPasswordAlgorithm = 0x001D;
constexpr uint16_t kAttrUserhash = 0x001E;
constexpr uint16_t kAttrXorMappedAddress = 0x0020;
constexpr uint16_t kAttrPriority = 0x0024;
constexpr uint16_t kAttrUseCandidate = 0x0025;
constexpr uint16_t kAttrFingerprint = 0x8028;
constexpr uint16_t kAttrIceControlled = 0x8029;
constexpr uint16_t kAttrIceControlling = 0x802A;

constexpr uint8_t kFamilyV4 = 0x01;
constexpr uint8_t kFamilyV6 = 0x02;

constexpr size_t padded(size_t n) { return (n + 3) & ~size_t{3}; }

// ---- CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320), as FINGERPRINT requires ----

constexpr std::array<uint32_t, 256> makeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}
constexpr std::array<uint32_t, 256> kCrcTable = makeCrcTable();

// Running value is kept pre-inverted: start with 0xFFFFFFFF, invert at the end.
uint32_t crcUpdate(uint32_t crc, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) crc = kCrcTable[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}

// The 20-byte header with its length field replaced, as MI and FINGERPRINT are computed over it.
std::array<uint8_t, kHeaderSize> adjustedHeader(const uint8_t* packet, size_t length) {
  std::array<uint8_t, kHeaderSize> h;
  std::memcpy(h.data(), packet, kHeaderSize);
  writeU16(h.data() + 2, static_cast<uint16_t>(length));
  return h;
}

// ---- HMAC-SHA1 (RFC 2104) over (adjusted header || body), without heap allocation ----

class HmacSha1 {
 public:
  explicit HmacSha1(std::string_view key) {
    uint8_t block[SHA_CBLOCK] = {0};
    if (key.size() > SHA_CBLOCK) {
      SHA1(reinterpret_cast<const uint8_t*>(key.data()), key.size(), block);
    } else if (!key.empty()) {
      std::memcpy(block, key.data(), key.size());
    }
    uint8_t pad[SHA_CBLOCK];
    for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = block[i] ^ 0x36;
    SHA1_Init(&inner_);
    SHA1_Update(&inner_, pad, sizeof pad);
    for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = block[i] ^ 0x5c;
    SHA1_Init(&outer_);
    SHA1_Update(&outer_, pad, sizeof pad);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
  }
  ~HmacSha1() {
    OPENSSL_cleanse(&inner_, sizeof inner_);
    OPENSSL_cleanse(&outer_, sizeof outer_);
  }
  HmacSha1(const HmacSha1&) = delete;
  HmacSha1& operator=(const HmacSha1&) = delete;

  void update(const uint8_t* p, size_t n) {
    if (n > 0) SHA1_Update(&inner_, p, n);
  }
  void final(uint8_t out[kIntegritySize]) {
    uint8_t innerDigest[SHA_DIGEST_LENGTH];
    SHA1_Final(innerDigest, &inner_);
    SHA1_Update(&outer_, innerDigest, sizeof innerDigest);
    SHA1_Final(out, &outer_);
  }

 private:
  SHA_CTX inner_;
  SHA_CTX outer_;
};

// HMAC over the message prefix [0, end) whose header claims `length`.
void computeIntegrity(const uint8_t* packet, size_t end, size_t length, std::string_view key,
                      uint8_t out[kIntegritySize]) {
  auto header = adjustedHeader(packet, length);
  HmacSha1 mac(key);
  mac.update(header.data(), header.size());
  mac.update(packet + kHeaderSize, end - kHeaderSize);
  mac.final(out);
}

uint32_t computeFingerprint(const uint8_t* packet, size_t end, size_t length) {
  auto header = adjustedHeader(packet, length);
  uint32_t crc = crcUpdate(0xFFFFFFFFu, header.data(), header.size());
  crc = crcUpdate(crc, packet + kHeaderSize, end - kHeaderSize);
  return ~crc ^ kFingerprintXor;
}

// ---- Attribute decoding ----

bool isKnownComprehensionRequired(uint16_t type) {
  switch (type) {
    case kAttrMappedAddress:
    case kAttrUsername:
    case kAttrMessageIntegrity:
    case kAttrErrorCode:
    case kAttrUnknownAttributes:
    case kAttrRealm:
    case kAttrNonce:
    case kAttrMessageIntegritySha256:
    case kAttrPasswordAlgorithm:
    case kAttrUserhash:
    case kAttrXorMappedAddress:
    case kAttrPriority:
    case kAttrUseCandidate:
      return true;
    default:
      return false;
  }
}

// RFC 8489 §14.2: port and address XORed with the cookie (and, for IPv6, the transaction ID).
std::optional<SocketAddress> decodeXorAddress(Bytes value, const uint8_t* header) {
  if (value.size() < 4) return std::nullopt;
  uint8_t family = value[1];
  uint16_t port = static_cast<uint16_t>(readU16(value.data() + 2) ^ (kMagicCookie >> 16));
  // The XOR pad is cookie || transaction ID, i.e. header bytes 4..19.
  const uint8_t* pad = header + 4;
  sockaddr_storage ss{};
  if (family == kFamilyV4 && value.size() == 8) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    auto* a = reinterpret_cast<uint8_t*>(&sin->sin_addr);
    for (size_t i = 0; i < 4; ++i) a[i] = value[4 + i] ^ pad[i];
    return SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), sizeof(sockaddr_in));
  }
  if (family == kFamilyV6 && value.size() == 20) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    auto* a = reinterpret_cast<uint8_t*>(&sin6->sin6_addr);
    for (size_t i = 0; i < 16; ++i) a[i] = value[4 + i] ^ pad[i];
    return SocketAddress::fromSockaddr(reinterpret_cast<sockaddr*>(&ss), sizeof(sockaddr_in6));
  }
  return std::nullopt;
}

// Decodes one attribute that precedes MESSAGE-INTEGRITY. Only the first occurrence of a type is
// used (RFC 8489 §14). Returns false when a known attribute is malformed.
bool decodeAttribute(uint16_t type, Bytes value, const uint8_t* header, Message& msg) {
  switch (type) {
    case kAttrUsername:
      if (value.size() > kMaxUsername) return false;
      if (msg.username.empty()) msg.username = asText(value);
      return true;
    case kAttrPriority:  // RFC 8445 §16.1
      if (value.size() != 4) return false;
      if (!msg.priority) msg.priority = readU32(value.data());
      return true;
    case kAttrUseCandidate:
      if (!value.empty()) return false;
      msg.useCandidate = true;
      return true;
    case kAttrIceControlled:
      if (value.size() != 8) return false;
      if (!msg.iceControlled) msg.iceControlled = readU64(value.data());
      return true;
    case kAttrIceControlling:
      if (value.size() != 8) return false;
      if (!msg.iceControlling) msg.iceControlling = readU64(value.data());
      return true;
    case kAttrErrorCode: {  // RFC 8489 §14.8
      if (value.size() < 4 || value.size() > 4 + kMaxReason) return false;
      uint8_t cls = value[2] & 0x07;
      uint8_t number = value[3];
      if (cls < 3 || cls > 6 || number > 99) return false;
      if (!msg.errorCode) msg.errorCode = static_cast<uint16_t>(cls * 100 + number);
      return true;
    }
    case kAttrXorMappedAddress: {
      auto addr = decodeXorAddress(value, header);
      if (!addr) return false;
      if (!msg.xorMappedAddress) msg.xorMappedAddress = addr;
      return true;
    }
    default:
      if (type < 0x8000 && !isKnownComprehensionRequired(type)) {
        msg.hasUnknownComprehensionRequired = true;
        if (msg.unknownAttributeCount < kMaxUnknownAttributes) {
          msg.unknownAttributes[msg.unknownAttributeCount++] = type;
        }
      }
      return true;
  }
}

// ---- Writing ----

class MessageWriter {
 public:
  MessageWriter(MutableBytes out, uint16_t type, const TransactionId& tid) : w_(out) {
    w_.u16(type);
    w_.u16(0);  // length, patched as attributes are added
    w_.u32(kMagicCookie);
    w_.bytes(Bytes(tid.data(), tid.size()));
  }

  void attribute(uint16_t type, Bytes value) {
    if (value.size() > 0xFFFF) {
      fail_ = true;
      return;
    }
    w_.u16(type);
    w_.u16(static_cast<uint16_t>(value.size()));
    w_.bytes(value);
    w_.zeros(padded(value.size()) - value.size());  // RFC 8489 §14: padding is zero on send
  }

  void xorAddress(uint16_t type, const SocketAddress& addr) {
    if (!addr.isV4() && !addr.isV6()) {
      fail_ = true;
      return;
    }
    uint8_t value[20];
    value[0] = 0;
    value[1] = addr.isV4() ? kFamilyV4 : kFamilyV6;
    writeU16(value + 2, static_cast<uint16_t>(addr.port() ^ (kMagicCookie >> 16)));
    uint8_t pad[16];
    writeU32(pad, kMagicCookie);
    if (!w_.ok()) return;
    std::memcpy(pad + 4, w_.at(8), 12);  // transaction ID, already written
    const uint8_t* a = addr.addressBytes();
    for (size_t i = 0; i < addr.addressSize(); ++i) value[4 + i] = a[i] ^ pad[i];
    attribute(type, Bytes(value, 4 + addr.addressSize()));
  }

  // RFC 8489 §14.5: the length counts up to and including MESSAGE-INTEGRITY itself.
  void integrity(std::string_view key) {
    if (!w_.ok()) return;
    size_t end = w_.size();
    uint8_t mac[kIntegritySize];
    computeIntegrity(w_.at(0), end, end + kAttrHeaderSize + kIntegritySize - kHeaderSize, key,
                     mac);
    attribute(kAttrMessageIntegrity, Bytes(mac, sizeof mac));
  }

  // RFC 8489 §14.7: CRC over everything before FINGERPRINT, with the final length in the header.
  void fingerprint() {
    if (!w_.ok()) return;
    size_t end = w_.size();
    uint32_t crc =
        computeFingerprint(w_.at(0), end, end + kAttrHeaderSize + kFingerprintSize - kHeaderSize);
    uint8_t value[4];
    writeU32(value, crc);
    attribute(kAttrFingerprint, Bytes(value, sizeof value));
  }

  size_t finish() {
    if (!w_.ok() || fail_) return 0;
    size_t length = w_.size() - kHeaderSize;
    if (length > 0xFFFF) return 0;
    writeU16(w_.at(2), static_cast<uint16_t>(length));
    return w_.size();
  }

 private:
  ByteWriter w_;
  bool fail_ = false;
};

}  // namespace

bool isStun(Bytes packet) {
  // RFC 7983 §7: first byte 0..3; RFC 8489 §5: header, 4-byte aligned length, magic cookie.
  if (packet.size() < kHeaderSize || packet[0] > 3) return false;
  if (packet.size() % 4 != 0 || readU16(packet.data() + 2) % 4 != 0) return false;
  return readU32(packet.data() + 4) == kMagicCookie;
}

std::optional<Message> parse(Bytes packet) {
  if (!isStun(packet)) return std::nullopt;
  const uint8_t* header = packet.data();
  size_t length = readU16(header + 2);
  // Over UDP a datagram is exactly one message.
  if (kHeaderSize + length != packet.size()) return std::nullopt;

  Message msg;
  msg.type = readU16(header);
  std::memcpy(msg.transactionId.data(), header + 8, msg.transactionId.size());

  size_t pos = kHeaderSize;
  const size_t end = packet.size();
  while (pos < end) {
    if (end - pos < kAttrHeaderSize) return std::nullopt;
    uint16_t type = readU16(header + pos);
    size_t valueLen = readU16(header + pos + 2);
    size_t valueAt = pos + kAttrHeaderSize;
    // The value and its padding must both fit inside the message.
    if (padded(valueLen) > end - valueAt) return std::nullopt;
    Bytes value = packet.subspan(valueAt, valueLen);

    // RFC 8489 §14.7: FINGERPRINT is the last attribute; anything after it is invalid.
    if (msg.fingerprintOffset != 0) return std::nullopt;

    if (type == kAttrFingerprint) {
      if (valueLen != kFingerprintSize) return std::nullopt;
      msg.fingerprintOffset = pos;
    } else if (msg.integrityOffset != 0) {
      // RFC 8489 §14.5: attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored.
    } else if (type == kAttrMessageIntegrity) {
      if (valueLen != kIntegritySize) return std::nullopt;
      msg.integrityOffset = pos;
    } else if (!decodeAttribute(type, value, header, msg)) {
      return std::nullopt;
    }
    pos = valueAt + padded(valueLen);
  }
  return msg;
}

bool checkIntegrity(Bytes packet, const Message& msg, std::string_view key) {
  size_t at = msg.integrityOffset;
  if (at < kHeaderSize || packet.size() < kHeaderSize) return false;
  if (at + kAttrHeaderSize + kIntegritySize > packet.size()) return false;
  if (readU16(packet.data() + at) != kAttrMessageIntegrity ||
      readU16(packet.data() + at + 2) != kIntegritySize) {
    return false;
  }
  uint8_t mac[kIntegritySize];
  computeIntegrity(packet.data(), at, at + kAttrHeaderSize + kIntegritySize - kHeaderSize, key,
                   mac);
  return CRYPTO_memcmp(mac, packet.data() + at + kAttrHeaderSize, kIntegritySize) == 0;
}

bool checkFingerprint(Bytes packet, const Message& msg) {
  size_t at = msg.fingerprintOffset;
  if (at < kHeaderSize) return false;
  // FINGERPRINT is the last attribute, so it ends the packet.
  if (at + kAttrHeaderSize + kFingerprintSize != packet.size()) return false;
  if (readU16(packet.data() + at) != kAttrFingerprint ||
      readU16(packet.data() + at + 2) != kFingerprintSize) {
    return false;
  }
  uint32_t crc =
      computeFingerprint(packet.data(), at, at + kAttrHeaderSize + kFingerprintSize - kHeaderSize);
  return crc == readU32(packet.data() + at + kAttrHeaderSize);
}

std::string_view localUfragOf(std::string_view username) {
  size_t colon = username.find(':');
  if (colon == std::string_view::npos) return {};
  return username.substr(0, colon);
}

size_t writeBindingSuccess(MutableBytes out, const TransactionId& tid, const SocketAddress& mapped,
                           std::string_view key) {
  MessageWriter w(out, kBindingSuccess, tid);
  w.xorAddress(kAttrXorMappedAddress, mapped);
  if (!key.empty()) w.integrity(key);
  w.fingerprint();
  return w.finish();
}

size_t writeBindingError(MutableBytes out, const TransactionId& tid, uint16_t code,
                         std::string_view reason, std::string_view key) {
  // RFC 8489 §14.8: class 3..6 in the hundreds digit, number 0..99, reason < 128 characters.
  if (code < 300 || code > 699 || reason.size() > kMaxReason) return 0;
  uint8_t value[4 + kMaxReason];
  value[0] = 0;
  value[1] = 0;
  value[2] = static_cast<uint8_t>(code / 100);
  value[3] = static_cast<uint8_t>(code % 100);
  if (!reason.empty()) std::memcpy(value + 4, reason.data(), reason.size());
  MessageWriter w(out, kBindingError, tid);
  w.attribute(kAttrErrorCode, Bytes(value, 4 + reason.size()));
  if (!key.empty()) w.integrity(key);
  w.fingerprint();
  return w.finish();
}

size_t writeBindingUnknownAttributes(MutableBytes out, const TransactionId& tid,
                                     std::span<const uint16_t> types, std::string_view key) {
  constexpr std::string_view kReason = "Unknown Attribute";
  if (types.size() > kMaxUnknownAttributes) types = types.first(kMaxUnknownAttributes);
  uint8_t code[4 + kReason.size()] = {0, 0, kErrorUnknownAttribute / 100,
                                      kErrorUnknownAttribute % 100};
  std::memcpy(code + 4, kReason.data(), kReason.size());
  uint8_t list[2 * kMaxUnknownAttributes];
  for (size_t i = 0; i < types.size(); ++i) writeU16(list + 2 * i, types[i]);
  MessageWriter w(out, kBindingError, tid);
  w.attribute(kAttrErrorCode, Bytes(code, sizeof code));
  w.attribute(kAttrUnknownAttributes, Bytes(list, 2 * types.size()));
  if (!key.empty()) w.integrity(key);
  w.fingerprint();
  return w.finish();
}

size_t writeBindingRequest(MutableBytes out, const BindingRequestParams& params) {
  if (params.username.size() > kMaxUsername) return 0;
  MessageWriter w(out, kBindingRequest, params.transactionId);
  if (!params.username.empty()) w.attribute(kAttrUsername, asBytes(params.username));
  uint8_t priority[4];
  writeU32(priority, params.priority);
  w.attribute(kAttrPriority, Bytes(priority, sizeof priority));
  uint8_t tieBreaker[8];
  writeU64(tieBreaker, params.tieBreaker);
  w.attribute(params.controlling ? kAttrIceControlling : kAttrIceControlled,
              Bytes(tieBreaker, sizeof tieBreaker));
  if (params.useCandidate) w.attribute(kAttrUseCandidate, Bytes());
  if (!params.key.empty()) w.integrity(params.key);
  w.fingerprint();
  return w.finish();
}

}  // namespace rounds::stun
