#include "transport/ice_lite.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vector>

namespace rounds {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kLocalUfrag = "srv1";
constexpr std::string_view kLocalPwd = "server-password-0123456789";
constexpr std::string_view kRemoteUfrag = "brw9";

struct RecordingListener : IceLite::Listener {
  void onIceSelectedTuple(const SocketAddress& tuple) override { selected.push_back(tuple); }
  std::vector<SocketAddress> selected;
};

SocketAddress addr(std::string_view ip, uint16_t port) { return *SocketAddress::parse(ip, port); }

struct Check {
  std::string username = std::string(kLocalUfrag) + ":" + std::string(kRemoteUfrag);
  std::string key = std::string(kLocalPwd);
  bool useCandidate = false;
  bool controlling = true;
  uint8_t tidByte = 1;
};

class IceLiteTest : public ::testing::Test {
 protected:
  IceLiteTest() : ice_(std::string(kLocalUfrag), std::string(kLocalPwd), listener_) {}

  std::vector<uint8_t> request(const Check& c) {
    std::array<uint8_t, 512> buf{};
    stun::BindingRequestParams p;
    p.transactionId.fill(c.tidByte);
    p.username = c.username;
    p.key = c.key;
    p.priority = 0x6e001eff;
    p.tieBreaker = 0x1122334455667788ull;
    p.controlling = c.controlling;
    p.useCandidate = c.useCandidate;
    size_t n = stun::writeBindingRequest(buf, p);
    EXPECT_GT(n, 0u);
    return std::vector<uint8_t>(buf.begin(), buf.begin() + n);
  }

  // Feeds a packet; returns the response bytes (empty when nothing is to be sent).
  std::vector<uint8_t> feed(const std::vector<uint8_t>& packet, const SocketAddress& from) {
    Bytes p(packet.data(), packet.size());
    auto msg = stun::parse(p);
    EXPECT_TRUE(msg);
    if (!msg) return {};
    std::array<uint8_t, 512> out{};
    size_t n = ice_.processStun(p, *msg, from, clock_.now(), out);
    return std::vector<uint8_t>(out.begin(), out.begin() + n);
  }

  std::vector<uint8_t> check(const Check& c, const SocketAddress& from) {
    return feed(request(c), from);
  }

  // Parses a response and checks the FINGERPRINT every answer carries.
  static stun::Message response(const std::vector<uint8_t>& bytes) {
    Bytes p(bytes.data(), bytes.size());
    auto m = stun::parse(p);
    EXPECT_TRUE(m);
    if (!m) return {};
    EXPECT_TRUE(stun::checkFingerprint(p, *m));
    return *m;
  }

  ManualClock clock_;
  RecordingListener listener_;
  IceLite ice_;
  const SocketAddress wifi_ = addr("192.168.1.20", 54321);
  const SocketAddress lte_ = addr("2001:db8::77", 40000);
};

TEST_F(IceLiteTest, ValidCheckGetsSuccessWithMappedAddress) {
  auto out = check({}, wifi_);
  ASSERT_FALSE(out.empty());
  auto m = response(out);
  EXPECT_EQ(m.type, stun::kBindingSuccess);
  EXPECT_EQ(m.transactionId[0], 1);
  ASSERT_TRUE(m.xorMappedAddress);
  EXPECT_EQ(*m.xorMappedAddress, wifi_);
  EXPECT_TRUE(stun::checkIntegrity(Bytes(out.data(), out.size()), m, kLocalPwd));
  // No nomination yet.
  EXPECT_EQ(ice_.state(), IceLite::State::New);
  EXPECT_FALSE(ice_.selectedTuple());
  EXPECT_TRUE(listener_.selected.empty());
  EXPECT_EQ(ice_.lastConsent(), clock_.now());
}

TEST_F(IceLiteTest, UseCandidateSelectsTupleOnce) {
  Check c;
  c.useCandidate = true;
  auto m = response(check(c, wifi_));
  EXPECT_EQ(m.type, stun::kBindingSuccess);
  EXPECT_EQ(ice_.state(), IceLite::State::Connected);
  ASSERT_TRUE(ice_.selectedTuple());
  EXPECT_EQ(*ice_.selectedTuple(), wifi_);
  ASSERT_EQ(listener_.selected.size(), 1u);
  EXPECT_EQ(listener_.selected[0], wifi_);

  // Nominating the same tuple again is not a new selection.
  c.tidByte = 2;
  response(check(c, wifi_));
  EXPECT_EQ(listener_.selected.size(), 1u);
}

TEST_F(IceLiteTest, ReselectsWhenNetworkChanges) {
  Check c;
  c.useCandidate = true;
  check(c, wifi_);
  // A check without USE-CANDIDATE from a new tuple is answered but does not move the selection.
  auto m = response(check({}, lte_));
  EXPECT_EQ(m.type, stun::kBindingSuccess);
  EXPECT_EQ(*m.xorMappedAddress, lte_);
  EXPECT_EQ(*ice_.selectedTuple(), wifi_);
  // Nominated, it replaces the old one.
  check(c, lte_);
  ASSERT_EQ(listener_.selected.size(), 2u);
  EXPECT_EQ(listener_.selected[1], lte_);
  EXPECT_EQ(*ice_.selectedTuple(), lte_);
  EXPECT_EQ(ice_.state(), IceLite::State::Connected);
}

TEST_F(IceLiteTest, RestartSwitchesCredentialsAndKeepsPathUntilRenominated) {
  ice_.setRemoteUfrag(std::string(kRemoteUfrag));
  Check c;
  c.useCandidate = true;
  check(c, wifi_);
  ice_.restart("srv2", "second-server-password-98765");
  EXPECT_EQ(ice_.localUfrag(), "srv2");
  EXPECT_EQ(ice_.localPwd(), "second-server-password-98765");
  // Media keeps its path until the browser nominates one with the new credentials.
  EXPECT_EQ(*ice_.selectedTuple(), wifi_);
  EXPECT_EQ(ice_.state(), IceLite::State::Connected);

  // The old credentials are no longer accepted.
  c.tidByte = 2;
  EXPECT_EQ(response(check(c, wifi_)).errorCode.value_or(0), stun::kErrorUnauthorized);
  // The browser's new ufrag is accepted before its answer arrives (the remote ufrag was reset),
  // and a nomination from a new address moves the selection.
  Check fresh;
  fresh.username = "srv2:brwA";
  fresh.key = "second-server-password-98765";
  fresh.useCandidate = true;
  fresh.tidByte = 3;
  EXPECT_EQ(response(check(fresh, lte_)).type, stun::kBindingSuccess);
  EXPECT_EQ(*ice_.selectedTuple(), lte_);
  ASSERT_EQ(listener_.selected.size(), 2u);
  // Once the answer names the new remote ufrag, another one is refused.
  ice_.setRemoteUfrag("brwA");
  fresh.username = "srv2:brwB";
  fresh.tidByte = 4;
  EXPECT_EQ(response(check(fresh, lte_)).errorCode.value_or(0), stun::kErrorUnauthorized);
}

TEST_F(IceLiteTest, WrongPasswordIs401WithoutIntegrity) {
  Check c;
  c.key = "not-the-password";
  c.useCandidate = true;
  auto m = response(check(c, wifi_));
  EXPECT_EQ(m.type, stun::kBindingError);
  EXPECT_EQ(m.errorCode, stun::kErrorUnauthorized);
  EXPECT_EQ(m.integrityOffset, 0u);
  EXPECT_FALSE(ice_.selectedTuple());
  EXPECT_TRUE(listener_.selected.empty());
  EXPECT_EQ(ice_.lastConsent(), TimePoint{});
}

TEST_F(IceLiteTest, WrongUfragIs401) {
  Check c;
  c.username = "srv2:brw9";  // another peer's ufrag
  EXPECT_EQ(response(check(c, wifi_)).errorCode, stun::kErrorUnauthorized);
  c.username = "srv1brw9";  // no separator
  EXPECT_EQ(response(check(c, wifi_)).errorCode, stun::kErrorUnauthorized);
  c.username = "srv";  // a prefix of ours
  EXPECT_EQ(response(check(c, wifi_)).errorCode, stun::kErrorUnauthorized);

  // Before the remote ufrag is known any remote part is accepted; afterwards it must match.
  c.username = "srv1:other";
  EXPECT_EQ(response(check(c, wifi_)).type, stun::kBindingSuccess);
  ice_.setRemoteUfrag(std::string(kRemoteUfrag));
  EXPECT_EQ(response(check(c, wifi_)).errorCode, stun::kErrorUnauthorized);
  EXPECT_EQ(response(check({}, wifi_)).type, stun::kBindingSuccess);
}

TEST_F(IceLiteTest, MissingUsernameOrIntegrityIs400) {
  Check c;
  c.username = "";
  EXPECT_EQ(response(check(c, wifi_)).errorCode, stun::kErrorBadRequest);
  c = Check{};
  c.key = "";  // no MESSAGE-INTEGRITY
  auto m = response(check(c, wifi_));
  EXPECT_EQ(m.errorCode, stun::kErrorBadRequest);
  EXPECT_EQ(m.integrityOffset, 0u);
}

TEST_F(IceLiteTest, ControlledPeerGetsRoleConflict) {
  Check c;
  c.controlling = false;
  c.useCandidate = true;
  auto out = check(c, wifi_);
  auto m = response(out);
  EXPECT_EQ(m.type, stun::kBindingError);
  EXPECT_EQ(m.errorCode, stun::kErrorRoleConflict);
  // The request was authenticated, so the error is too.
  EXPECT_TRUE(stun::checkIntegrity(Bytes(out.data(), out.size()), m, kLocalPwd));
  EXPECT_FALSE(ice_.selectedTuple());
}

TEST_F(IceLiteTest, BadFingerprintIsDropped) {
  auto packet = request({});
  packet.back() ^= 0x01;
  EXPECT_TRUE(feed(packet, wifi_).empty());
}

TEST_F(IceLiteTest, ResponsesAndIndicationsAreIgnored) {
  std::array<uint8_t, 256> buf{};
  stun::TransactionId tid{};
  size_t n = stun::writeBindingSuccess(buf, tid, wifi_, kLocalPwd);
  EXPECT_TRUE(feed(std::vector<uint8_t>(buf.begin(), buf.begin() + n), wifi_).empty());
  n = stun::writeBindingError(buf, tid, 401, "Unauthorized", {});
  EXPECT_TRUE(feed(std::vector<uint8_t>(buf.begin(), buf.begin() + n), wifi_).empty());

  // A Binding indication (keepalive): header only.
  std::vector<uint8_t> ind(20, 0);
  writeU16(ind.data(), stun::kBindingIndication);
  writeU32(ind.data() + 4, stun::kMagicCookie);
  EXPECT_TRUE(feed(ind, wifi_).empty());
  EXPECT_EQ(ice_.state(), IceLite::State::New);
}

TEST_F(IceLiteTest, UnknownRequiredAttributeIs420) {
  // USERNAME, an unknown comprehension-required attribute, then MESSAGE-INTEGRITY (OpenSSL HMAC).
  std::string user = std::string(kLocalUfrag) + ":" + std::string(kRemoteUfrag);
  std::vector<uint8_t> m(20, 0);
  writeU16(m.data(), stun::kBindingRequest);
  writeU32(m.data() + 4, stun::kMagicCookie);
  m.insert(m.end(), {0x00, 0x06, 0x00, static_cast<uint8_t>(user.size())});
  m.insert(m.end(), user.begin(), user.end());
  while (m.size() % 4) m.push_back(0);
  m.insert(m.end(), {0x7A, 0xBC, 0x00, 0x04, 1, 2, 3, 4});
  writeU16(m.data() + 2, static_cast<uint16_t>(m.size() - 20 + 24));
  unsigned int macLen = 0;
  uint8_t mac[EVP_MAX_MD_SIZE];
  HMAC(EVP_sha1(), kLocalPwd.data(), static_cast<int>(kLocalPwd.size()), m.data(), m.size(), mac,
       &macLen);
  m.insert(m.end(), {0x00, 0x08, 0x00, 0x14});
  m.insert(m.end(), mac, mac + macLen);

  auto out = feed(m, wifi_);
  auto r = response(out);
  EXPECT_EQ(r.errorCode, stun::kErrorUnknownAttribute);
  EXPECT_TRUE(stun::checkIntegrity(Bytes(out.data(), out.size()), r, kLocalPwd));
}

TEST_F(IceLiteTest, ConsentExpiresAndRefreshes) {
  const Millis timeout = 30s;
  EXPECT_FALSE(ice_.consentExpired(clock_.now() + 1h, timeout));  // not connected yet

  Check c;
  c.useCandidate = true;
  check(c, wifi_);
  clock_.advance(20s);
  EXPECT_FALSE(ice_.consentExpired(clock_.now(), timeout));

  // A check on another tuple is answered but is not consent for the selected one.
  check({}, lte_);
  clock_.advance(10s);
  EXPECT_FALSE(ice_.consentExpired(clock_.now(), timeout));  // exactly 30 s: not yet
  clock_.advance(1ms);
  EXPECT_TRUE(ice_.consentExpired(clock_.now(), timeout));

  // A failed check on the selected tuple does not refresh either.
  Check bad;
  bad.key = "wrong";
  check(bad, wifi_);
  EXPECT_TRUE(ice_.consentExpired(clock_.now(), timeout));

  // A valid check on the selected tuple does.
  check({}, wifi_);
  EXPECT_EQ(ice_.lastConsent(), clock_.now());
  EXPECT_FALSE(ice_.consentExpired(clock_.now(), timeout));
  clock_.advance(25s);
  EXPECT_FALSE(ice_.consentExpired(clock_.now(), timeout));
}

TEST_F(IceLiteTest, TooSmallOutputWritesNothing) {
  auto packet = request({});
  Bytes p(packet.data(), packet.size());
  auto msg = stun::parse(p);
  ASSERT_TRUE(msg);
  std::array<uint8_t, 16> out{};
  EXPECT_EQ(ice_.processStun(p, *msg, wifi_, clock_.now(), out), 0u);
}

}  // namespace
}  // namespace rounds
