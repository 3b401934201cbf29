#include "proto/stun.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

#include "common/hex.hpp"

namespace rounds::stun {
namespace {

// RFC 5769 §2.1: sample request (short-term credentials, SOFTWARE padded with spaces).
const std::vector<uint8_t> kSampleRequest = fromHex(
    "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
    "002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014"
    "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
// RFC 5769 §2.2: sample IPv4 response.
const std::vector<uint8_t> kSampleIpv4Response = fromHex(
    "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000200008"
    "0001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d780280004c07d4c96");
// RFC 5769 §2.3: sample IPv6 response.
const std::vector<uint8_t> kSampleIpv6Response = fromHex(
    "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f722000200014"
    "0002a1470113a9faa5d3f179bc25f4b5bed2b9d900080014a382954e4be67bf11784c97c8292c275"
    "bfe3ed4180280004c8fb0b4c");
constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";
const TransactionId kSampleTid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                  0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

Bytes view(const std::vector<uint8_t>& v) { return Bytes(v.data(), v.size()); }

// A header (with the right length) followed by raw attribute bytes.
std::vector<uint8_t> message(uint16_t type, const std::vector<uint8_t>& attrs) {
  std::vector<uint8_t> m(20);
  writeU16(m.data(), type);
  writeU16(m.data() + 2, static_cast<uint16_t>(attrs.size()));
  writeU32(m.data() + 4, kMagicCookie);
  std::copy(kSampleTid.begin(), kSampleTid.end(), m.begin() + 8);
  m.insert(m.end(), attrs.begin(), attrs.end());
  return m;
}

SocketAddress addr(std::string_view ip, uint16_t port) { return *SocketAddress::parse(ip, port); }

TEST(StunVectors, SampleRequest) {
  auto p = view(kSampleRequest);
  ASSERT_TRUE(isStun(p));
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingRequest);
  EXPECT_EQ(m->transactionId, kSampleTid);
  EXPECT_EQ(m->username, "evtj:h6vY");
  EXPECT_EQ(m->priority, 0x6e0001ffu);
  EXPECT_EQ(m->iceControlled, 0x932ff9b151263b36ull);
  EXPECT_FALSE(m->iceControlling);
  EXPECT_FALSE(m->useCandidate);
  EXPECT_FALSE(m->hasUnknownComprehensionRequired);  // SOFTWARE is comprehension-optional
  EXPECT_EQ(m->integrityOffset, 76u);
  EXPECT_EQ(m->fingerprintOffset, 100u);
  EXPECT_TRUE(checkIntegrity(p, *m, kPassword));
  EXPECT_FALSE(checkIntegrity(p, *m, "VOkJxbRl1RmTxUk/WvJxBT"));
  EXPECT_FALSE(checkIntegrity(p, *m, ""));
  EXPECT_TRUE(checkFingerprint(p, *m));
  EXPECT_EQ(localUfragOf(m->username), "evtj");
}

TEST(StunVectors, SampleIpv4Response) {
  auto p = view(kSampleIpv4Response);
  ASSERT_TRUE(isStun(p));
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingSuccess);
  ASSERT_TRUE(m->xorMappedAddress);
  EXPECT_EQ(*m->xorMappedAddress, addr("192.0.2.1", 32853));
  EXPECT_TRUE(checkIntegrity(p, *m, kPassword));
  EXPECT_TRUE(checkFingerprint(p, *m));
}

TEST(StunVectors, SampleIpv6Response) {
  auto p = view(kSampleIpv6Response);
  ASSERT_TRUE(isStun(p));
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingSuccess);
  ASSERT_TRUE(m->xorMappedAddress);
  EXPECT_EQ(*m->xorMappedAddress, addr("2001:db8:1234:5678:11:2233:4455:6677", 32853));
  EXPECT_TRUE(checkIntegrity(p, *m, kPassword));
  EXPECT_TRUE(checkFingerprint(p, *m));
}

TEST(StunClass, TypeHelpers) {
  EXPECT_TRUE(isRequest(kBindingRequest));
  EXPECT_TRUE(isIndication(kBindingIndication));
  EXPECT_TRUE(isResponse(kBindingSuccess));
  EXPECT_TRUE(isResponse(kBindingError));
  EXPECT_FALSE(isRequest(kBindingSuccess));
  EXPECT_EQ(methodOf(kBindingError), 0x001);
  EXPECT_EQ(methodOf(0x0003), 0x003);  // Allocate request (TURN)
}

TEST(StunUsername, LocalUfragOf) {
  EXPECT_EQ(localUfragOf("abcd:efgh"), "abcd");
  EXPECT_EQ(localUfragOf(":efgh"), "");
  EXPECT_EQ(localUfragOf("abcd:"), "abcd");
  EXPECT_EQ(localUfragOf("a:b:c"), "a");
  EXPECT_EQ(localUfragOf("nocolon"), "");
  EXPECT_EQ(localUfragOf(""), "");
}

// ---- Writers ----

class StunSuccessWriter : public ::testing::TestWithParam<std::string_view> {};

TEST_P(StunSuccessWriter, RoundTrip) {
  std::array<uint8_t, 256> buf{};
  auto mapped = addr(GetParam(), 50000);
  size_t n = writeBindingSuccess(buf, kSampleTid, mapped, "secret-password");
  ASSERT_GT(n, 0u);
  Bytes p(buf.data(), n);
  ASSERT_TRUE(isStun(p));
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingSuccess);
  EXPECT_EQ(m->transactionId, kSampleTid);
  ASSERT_TRUE(m->xorMappedAddress);
  EXPECT_EQ(*m->xorMappedAddress, mapped);
  EXPECT_NE(m->integrityOffset, 0u);
  EXPECT_TRUE(checkIntegrity(p, *m, "secret-password"));
  EXPECT_FALSE(checkIntegrity(p, *m, "other-password"));
  EXPECT_TRUE(checkFingerprint(p, *m));
  EXPECT_EQ(n, 20u + 4 + 4 + mapped.addressSize() + 24 + 8);
  // Every shorter buffer is refused rather than overrun.
  for (size_t size = 0; size < n; ++size) {
    EXPECT_EQ(writeBindingSuccess(MutableBytes(buf.data(), size), kSampleTid, mapped, "k"), 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Families, StunSuccessWriter,
                         ::testing::Values("203.0.113.7", "2001:db8::42"));

TEST(StunWriters, SuccessWithoutKeyHasNoIntegrity) {
  std::array<uint8_t, 128> buf{};
  size_t n = writeBindingSuccess(buf, kSampleTid, addr("127.0.0.1", 9), "");
  ASSERT_GT(n, 0u);
  auto m = parse(Bytes(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->integrityOffset, 0u);
  EXPECT_TRUE(checkFingerprint(Bytes(buf.data(), n), *m));
  EXPECT_FALSE(checkIntegrity(Bytes(buf.data(), n), *m, ""));
}

TEST(StunWriters, SuccessRejectsUnsetAddress) {
  std::array<uint8_t, 128> buf{};
  EXPECT_EQ(writeBindingSuccess(buf, kSampleTid, SocketAddress(), "k"), 0u);
}

TEST(StunWriters, ErrorRoundTrip) {
  std::array<uint8_t, 256> buf{};
  size_t n = writeBindingError(buf, kSampleTid, kErrorRoleConflict, "Role Conflict", "pwd");
  ASSERT_GT(n, 0u);
  Bytes p(buf.data(), n);
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingError);
  EXPECT_EQ(m->transactionId, kSampleTid);
  EXPECT_EQ(m->errorCode, kErrorRoleConflict);
  EXPECT_TRUE(checkIntegrity(p, *m, "pwd"));
  EXPECT_TRUE(checkFingerprint(p, *m));
  // Reason "Role Conflict" (13 bytes) is padded to 16.
  EXPECT_EQ(n, 20u + 4 + 4 + 16 + 24 + 8);

  n = writeBindingError(buf, kSampleTid, kErrorUnauthorized, "Unauthorized", "");
  ASSERT_GT(n, 0u);
  m = parse(Bytes(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->errorCode, kErrorUnauthorized);
  EXPECT_EQ(m->integrityOffset, 0u);
  EXPECT_TRUE(checkFingerprint(Bytes(buf.data(), n), *m));

  n = writeBindingError(buf, kSampleTid, kErrorBadRequest, "", "");
  ASSERT_GT(n, 0u);
  m = parse(Bytes(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->errorCode, kErrorBadRequest);
}

TEST(StunWriters, ErrorRejectsBadCodesAndSmallBuffers) {
  std::array<uint8_t, 1024> buf{};
  EXPECT_EQ(writeBindingError(buf, kSampleTid, 200, "OK", ""), 0u);
  EXPECT_EQ(writeBindingError(buf, kSampleTid, 700, "x", ""), 0u);
  std::string longReason(764, 'x');
  EXPECT_EQ(writeBindingError(buf, kSampleTid, 400, longReason, ""), 0u);
  size_t n = writeBindingError(buf, kSampleTid, 401, "Unauthorized", "k");
  ASSERT_GT(n, 0u);
  for (size_t size = 0; size < n; ++size) {
    EXPECT_EQ(writeBindingError(MutableBytes(buf.data(), size), kSampleTid, 401, "Unauthorized",
                                "k"),
              0u);
  }
}

TEST(StunWriters, UnknownAttributesRoundTrip) {
  std::array<uint8_t, 256> buf{};
  const uint16_t types[] = {0x7001, 0x7002, 0x7003};
  size_t n = writeBindingUnknownAttributes(buf, kSampleTid, types, "pwd");
  ASSERT_GT(n, 0u);
  Bytes p(buf.data(), n);
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->errorCode, kErrorUnknownAttribute);
  EXPECT_FALSE(m->hasUnknownComprehensionRequired);  // UNKNOWN-ATTRIBUTES itself is known
  EXPECT_TRUE(checkIntegrity(p, *m, "pwd"));
  EXPECT_TRUE(checkFingerprint(p, *m));
  // ERROR-CODE (4+4+20) then UNKNOWN-ATTRIBUTES with 3 types (4+6, padded to 8).
  EXPECT_EQ(readU16(buf.data() + 48), 0x000A);
  EXPECT_EQ(readU16(buf.data() + 50), 6);
  EXPECT_EQ(readU16(buf.data() + 52), 0x7001);
  EXPECT_EQ(readU16(buf.data() + 56), 0x7003);
}

TEST(StunWriters, RequestRoundTrip) {
  std::array<uint8_t, 256> buf{};
  BindingRequestParams params;
  params.transactionId = kSampleTid;
  params.username = "srvr:brws";
  params.key = "the-server-password";
  params.priority = 0x6e7f1eff;
  params.tieBreaker = 0x0123456789abcdefull;
  params.controlling = true;
  params.useCandidate = true;
  size_t n = writeBindingRequest(buf, params);
  ASSERT_GT(n, 0u);
  Bytes p(buf.data(), n);
  ASSERT_TRUE(isStun(p));
  auto m = parse(p);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, kBindingRequest);
  EXPECT_EQ(m->transactionId, kSampleTid);
  EXPECT_EQ(m->username, "srvr:brws");
  EXPECT_EQ(m->priority, 0x6e7f1effu);
  EXPECT_EQ(m->iceControlling, 0x0123456789abcdefull);
  EXPECT_FALSE(m->iceControlled);
  EXPECT_TRUE(m->useCandidate);
  EXPECT_TRUE(checkIntegrity(p, *m, "the-server-password"));
  EXPECT_TRUE(checkFingerprint(p, *m));
  for (size_t size = 0; size < n; ++size) {
    EXPECT_EQ(writeBindingRequest(MutableBytes(buf.data(), size), params), 0u);
  }

  params.controlling = false;
  params.useCandidate = false;
  params.key = "";
  n = writeBindingRequest(buf, params);
  ASSERT_GT(n, 0u);
  m = parse(Bytes(buf.data(), n));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->iceControlled, 0x0123456789abcdefull);
  EXPECT_FALSE(m->iceControlling);
  EXPECT_FALSE(m->useCandidate);
  EXPECT_EQ(m->integrityOffset, 0u);
  EXPECT_TRUE(checkFingerprint(Bytes(buf.data(), n), *m));
}

TEST(StunWriters, RequestRejectsOverlongUsername) {
  std::array<uint8_t, 1024> buf{};
  std::string user(514, 'u');
  BindingRequestParams params;
  params.username = user;
  EXPECT_EQ(writeBindingRequest(buf, params), 0u);
}

// The hand-built HMAC must agree with OpenSSL's own HMAC(), including for keys longer than a block.
TEST(StunIntegrity, MatchesOpenSslHmac) {
  for (std::string key : {std::string("short"), std::string(64, 'k'), std::string(100, 'z')}) {
    std::array<uint8_t, 256> buf{};
    BindingRequestParams params;
    params.username = "a:b";
    params.key = key;
    size_t n = writeBindingRequest(buf, params);
    ASSERT_GT(n, 0u);
    auto m = parse(Bytes(buf.data(), n));
    ASSERT_TRUE(m);
    ASSERT_NE(m->integrityOffset, 0u);
    std::vector<uint8_t> prefix(buf.begin(), buf.begin() + m->integrityOffset);
    writeU16(prefix.data() + 2, static_cast<uint16_t>(m->integrityOffset + 24 - 20));
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int macLen = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), prefix.data(), prefix.size(), mac,
         &macLen);
    ASSERT_EQ(macLen, 20u);
    EXPECT_EQ(std::memcmp(mac, buf.data() + m->integrityOffset + 4, 20), 0) << key.size();
    EXPECT_TRUE(checkIntegrity(Bytes(buf.data(), n), *m, key));
  }
}

// ---- Malformed input ----

TEST(StunMalformed, EveryTruncationIsRejected) {
  for (const auto* v : {&kSampleRequest, &kSampleIpv4Response, &kSampleIpv6Response}) {
    for (size_t size = 0; size < v->size(); ++size) {
      EXPECT_FALSE(parse(Bytes(v->data(), size))) << size;
    }
  }
}

TEST(StunMalformed, HeaderChecks) {
  auto bad = kSampleRequest;
  bad[4] ^= 0x01;  // wrong magic cookie
  EXPECT_FALSE(isStun(view(bad)));
  EXPECT_FALSE(parse(view(bad)));

  bad = kSampleRequest;
  bad[0] = 0x40;  // first byte outside 0..3 (RFC 7983)
  EXPECT_FALSE(isStun(view(bad)));

  bad = kSampleRequest;
  writeU16(bad.data() + 2, 0x0059);  // length not a multiple of 4
  EXPECT_FALSE(isStun(view(bad)));
  EXPECT_FALSE(parse(view(bad)));

  bad = kSampleRequest;
  writeU16(bad.data() + 2, 0x0054);  // claims less than the datagram holds
  EXPECT_FALSE(parse(view(bad)));

  bad = kSampleRequest;
  bad.insert(bad.end(), {0, 0, 0, 0});  // trailing bytes after the message
  EXPECT_FALSE(parse(view(bad)));

  EXPECT_TRUE(parse(view(message(kBindingRequest, {}))));  // empty body is fine
}

TEST(StunMalformed, AttributeLengthOverrunsMessage) {
  auto bad = kSampleRequest;
  writeU16(bad.data() + 20 + 2, 0x0100);  // SOFTWARE claims 256 bytes
  EXPECT_FALSE(parse(view(bad)));
  // An attribute header cut in half.
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x00, 0x06, 0x00, 0x00, 0x00, 0x06, 0x00,
                                                    0x04}))));
}

TEST(StunMalformed, MissingPadding) {
  // Two 2-byte SOFTWARE values written without their padding: the walk loses alignment.
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x80, 0x22, 0x00, 0x02, 'a', 'b', 0x80, 0x22,
                                                    0x00, 0x02, 'c', 'd'}))));
  // Padded properly it parses.
  EXPECT_TRUE(parse(view(message(kBindingRequest, {0x80, 0x22, 0x00, 0x02, 'a', 'b', 0, 0, 0x80,
                                                   0x22, 0x00, 0x02, 'c', 'd', 0, 0}))));
}

TEST(StunMalformed, AttributeAfterFingerprint) {
  auto bad = kSampleRequest;
  bad.insert(bad.end(), {0x80, 0x22, 0x00, 0x04, 'x', 'y', 'z', 'w'});
  writeU16(bad.data() + 2, static_cast<uint16_t>(bad.size() - 20));
  EXPECT_FALSE(parse(view(bad)));
}

TEST(StunMalformed, WrongFixedLengths) {
  // Fixed sizes: MESSAGE-INTEGRITY 20, FINGERPRINT 4, PRIORITY 4, ICE-CONTROLLING 8,
  // USE-CANDIDATE 0.
  EXPECT_FALSE(parse(view(message(kBindingRequest, std::vector<uint8_t>{0x00, 0x08, 0x00, 0x10,
                                                                        0, 0, 0, 0, 0, 0, 0, 0, 0,
                                                                        0, 0, 0, 0, 0, 0, 0}))));
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x80, 0x28, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0,
                                                    0}))));
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x00, 0x24, 0x00, 0x02, 0, 0, 0, 0}))));
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x80, 0x2A, 0x00, 0x04, 0, 0, 0, 0}))));
  EXPECT_FALSE(parse(view(message(kBindingRequest, {0x00, 0x25, 0x00, 0x04, 0, 0, 0, 0}))));
  // XOR-MAPPED-ADDRESS with an unknown family, or an IPv6 family with an IPv4 length.
  EXPECT_FALSE(parse(view(message(kBindingSuccess, {0x00, 0x20, 0x00, 0x08, 0x00, 0x03, 0x00,
                                                    0x00, 1, 2, 3, 4}))));
  EXPECT_FALSE(parse(view(message(kBindingSuccess, {0x00, 0x20, 0x00, 0x08, 0x00, 0x02, 0x00,
                                                    0x00, 1, 2, 3, 4}))));
  // ERROR-CODE with class 2 (not an error) or number 100.
  EXPECT_FALSE(parse(view(message(kBindingError, {0x00, 0x09, 0x00, 0x04, 0, 0, 2, 0}))));
  EXPECT_FALSE(parse(view(message(kBindingError, {0x00, 0x09, 0x00, 0x04, 0, 0, 4, 100}))));
}

TEST(StunMalformed, BadIntegrity) {
  auto bad = kSampleRequest;
  bad[30] ^= 0x01;  // inside SOFTWARE, covered by MESSAGE-INTEGRITY
  auto m = parse(view(bad));
  ASSERT_TRUE(m);
  EXPECT_FALSE(checkIntegrity(view(bad), *m, kPassword));
  EXPECT_FALSE(checkFingerprint(view(bad), *m));

  bad = kSampleRequest;
  bad[76 + 4] ^= 0x80;  // the HMAC itself
  m = parse(view(bad));
  ASSERT_TRUE(m);
  EXPECT_FALSE(checkIntegrity(view(bad), *m, kPassword));

  // No MESSAGE-INTEGRITY at all, or an offset that does not point at one.
  auto plain = message(kBindingRequest, {});
  m = parse(view(plain));
  ASSERT_TRUE(m);
  EXPECT_FALSE(checkIntegrity(view(plain), *m, kPassword));
  m = parse(view(kSampleRequest));
  ASSERT_TRUE(m);
  m->integrityOffset = 20;
  EXPECT_FALSE(checkIntegrity(view(kSampleRequest), *m, kPassword));
  m->integrityOffset = 1000;
  EXPECT_FALSE(checkIntegrity(view(kSampleRequest), *m, kPassword));
}

TEST(StunMalformed, BadFingerprint) {
  auto bad = kSampleRequest;
  bad.back() ^= 0x01;
  auto m = parse(view(bad));
  ASSERT_TRUE(m);
  EXPECT_FALSE(checkFingerprint(view(bad), *m));
  EXPECT_TRUE(checkIntegrity(view(bad), *m, kPassword));  // FINGERPRINT is outside the HMAC

  auto plain = message(kBindingRequest, {});
  m = parse(view(plain));
  ASSERT_TRUE(m);
  EXPECT_FALSE(checkFingerprint(view(plain), *m));
}

TEST(StunParse, AttributesAfterIntegrityAreIgnored) {
  std::vector<uint8_t> attrs = {0x00, 0x08, 0x00, 0x14};
  attrs.resize(attrs.size() + 20, 0xAA);
  attrs.insert(attrs.end(), {0x00, 0x06, 0x00, 0x03, 'a', ':', 'b', 0x00});  // USERNAME
  attrs.insert(attrs.end(), {0x00, 0x24, 0x00, 0x04, 1, 2, 3, 4});           // PRIORITY
  attrs.insert(attrs.end(), {0x77, 0x77, 0x00, 0x00});  // unknown, comprehension-required
  auto m = parse(view(message(kBindingRequest, attrs)));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->integrityOffset, 20u);
  EXPECT_TRUE(m->username.empty());
  EXPECT_FALSE(m->priority);
  EXPECT_FALSE(m->hasUnknownComprehensionRequired);
}

TEST(StunParse, UnknownAttributes) {
  // 0x7777 is comprehension-required and unknown; 0xC001 is comprehension-optional.
  auto m = parse(view(message(kBindingRequest, {0xC0, 0x01, 0x00, 0x00, 0x77, 0x77, 0x00, 0x01,
                                                9, 0, 0, 0})));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->hasUnknownComprehensionRequired);
  ASSERT_EQ(m->unknownAttributeCount, 1u);
  EXPECT_EQ(m->unknownAttributes[0], 0x7777);

  m = parse(view(message(kBindingRequest, {0xC0, 0x01, 0x00, 0x00})));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->hasUnknownComprehensionRequired);

  // Known but unused comprehension-required attributes (REALM, NONCE) are not "unknown".
  m = parse(view(message(kBindingRequest, {0x00, 0x14, 0x00, 0x01, 'r', 0, 0, 0, 0x00, 0x15, 0x00,
                                           0x01, 'n', 0, 0, 0})));
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->hasUnknownComprehensionRequired);

  // More unknown types than the message remembers: flagged, list capped.
  std::vector<uint8_t> many;
  for (uint16_t t = 0x7000; t < 0x7006; ++t) {
    many.push_back(static_cast<uint8_t>(t >> 8));
    many.push_back(static_cast<uint8_t>(t));
    many.push_back(0);
    many.push_back(0);
  }
  m = parse(view(message(kBindingRequest, many)));
  ASSERT_TRUE(m);
  EXPECT_TRUE(m->hasUnknownComprehensionRequired);
  EXPECT_EQ(m->unknownAttributeCount, kMaxUnknownAttributes);
}

TEST(StunParse, FirstOccurrenceWins) {
  auto m = parse(view(message(kBindingRequest, {0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1, 0x00, 0x24,
                                                0x00, 0x04, 0, 0, 0, 2})));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->priority, 1u);
}

}  // namespace
}  // namespace rounds::stun
