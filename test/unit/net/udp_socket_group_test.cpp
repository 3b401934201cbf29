// UdpSocketGroup: many UdpSockets woken through one epoll set and drained into one shared receive
// batch. Each member gets exactly its own datagrams, a member closed (or destroyed) while the
// group handles a wake-up is not drained after it, and a group without members leaves the
// io_context with no work (so io_context::run returns).
#include "net/udp_socket_group.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/udp_socket.hpp"

namespace rounds {
namespace {

struct Recorder : UdpSocket::Listener {
  std::vector<std::string> payloads;
  std::function<void()> onFirst;  // runs inside the first onUdpPacket
  void onUdpPacket(MutableBytes data, const SocketAddress&) override {
    payloads.emplace_back(reinterpret_cast<const char*>(data.data()), data.size());
    if (onFirst) std::exchange(onFirst, nullptr)();
  }
};

std::unique_ptr<UdpSocket> bindLoopback(boost::asio::io_context& io, UdpSocket::Listener& l) {
  auto s = UdpSocket::bind(io, *SocketAddress::parse("127.0.0.1", 0), l);
  EXPECT_TRUE(s);
  return s ? std::move(s.value()) : nullptr;
}

void sendText(UdpSocket& tx, uint16_t port, const std::string& text) {
  MutableBytes slot = tx.acquireSendSlot();
  std::memcpy(slot.data(), text.data(), text.size());
  tx.commitSend(text.size(), *SocketAddress::parse("127.0.0.1", port));
}

// Runs `io` until `done` or 5 s.
void runUntil(boost::asio::io_context& io, const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(20));
}

// Two members `a` and `b` of one group, and a sender.
class GroupOfTwo : public ::testing::Test {
 protected:
  void SetUp() override {
    a = bindLoopback(io, ra);
    b = bindLoopback(io, rb);
    tx = bindLoopback(io, txRec);
    ASSERT_TRUE(a && b && tx);
  }
  void startBoth() {
    a->start(group);
    b->start(group);
  }
  boost::asio::io_context io;
  UdpSocketGroup group{io};
  Recorder ra, rb, txRec;
  std::unique_ptr<UdpSocket> a, b, tx;
};

TEST(UdpSocketGroupTest, EachMemberReceivesItsOwnDatagrams) {
  boost::asio::io_context io;
  UdpSocketGroup group(io);
  ASSERT_TRUE(group.ok());
  constexpr int kMembers = 40;
  std::vector<Recorder> rec(kMembers);
  std::vector<std::unique_ptr<UdpSocket>> members;
  for (int i = 0; i < kMembers; ++i) {
    members.push_back(bindLoopback(io, rec[static_cast<size_t>(i)]));
    ASSERT_TRUE(members.back());
    members.back()->start(group);
  }
  EXPECT_EQ(group.size(), static_cast<size_t>(kMembers));
  Recorder txRec;
  auto tx = bindLoopback(io, txRec);
  // Member i gets i % 5 + 1 datagrams, some more than one recvmmsg batch would hold at once.
  size_t total = 0;
  for (int i = 0; i < kMembers; ++i) {
    int count = i % 5 + 1 + (i == 7 ? static_cast<int>(UdpSocket::kBatch) : 0);
    for (int k = 0; k < count; ++k, ++total)
      sendText(*tx, members[static_cast<size_t>(i)]->localPort(),
               "m" + std::to_string(i) + "-" + std::to_string(k));
  }
  tx->flush();
  ASSERT_EQ(tx->counters().sent, total);
  auto received = [&] {
    size_t n = 0;
    for (auto& r : rec) n += r.payloads.size();
    return n;
  };
  runUntil(io, [&] { return received() == total; });
  ASSERT_EQ(received(), total);
  for (int i = 0; i < kMembers; ++i) {
    const auto& got = rec[static_cast<size_t>(i)].payloads;
    int count = i % 5 + 1 + (i == 7 ? static_cast<int>(UdpSocket::kBatch) : 0);
    ASSERT_EQ(got.size(), static_cast<size_t>(count)) << "member " << i;
    for (int k = 0; k < count; ++k)
      EXPECT_EQ(got[static_cast<size_t>(k)], "m" + std::to_string(i) + "-" + std::to_string(k));
  }
  // Everything was queued before the loop ran: the members ready together were drained in the
  // same wake-ups (member 7's extra batch may need one more), not one wake-up each.
  EXPECT_GE(group.counters().drained, static_cast<uint64_t>(kMembers));
  EXPECT_LT(group.counters().wakeups, static_cast<uint64_t>(kMembers) / 4);
}

TEST_F(GroupOfTwo, MemberDestroyedDuringAWakeUpIsNotDrainedAfterIt) {
  // Both members hold a datagram when the group wakes; whichever is drained first destroys the
  // other. Without the group forgetting it, the other would be drained after its destruction
  // (AddressSanitizer's use-after-free).
  startBoth();
  ra.onFirst = [&] { b.reset(); };
  rb.onFirst = [&] { a.reset(); };
  sendText(*tx, a->localPort(), "to a");
  sendText(*tx, b->localPort(), "to b");
  tx->flush();
  runUntil(io, [&] { return !ra.payloads.empty() || !rb.payloads.empty(); });
  io.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(ra.payloads.size() + rb.payloads.size(), 1u);
  EXPECT_EQ(group.size(), 1u);
  EXPECT_EQ(static_cast<bool>(a) + static_cast<bool>(b), 1);
}

TEST_F(GroupOfTwo, NoWorkIsLeftOnceEveryMemberClosed) {
  startBoth();
  a->close();
  b->close();
  tx->close();
  EXPECT_EQ(group.size(), 0u);
  // run() returns only when no work is left: a wait still pending on the group would hold it.
  auto began = std::chrono::steady_clock::now();
  io.run_for(std::chrono::seconds(3));
  EXPECT_TRUE(io.stopped());
  EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(2));
}

TEST_F(GroupOfTwo, AMemberCanTimeArrivalsInTheSharedBatch) {
  // The shared batch is set up for timestamps when its member asks for them, and back.
  ASSERT_TRUE(a->timeArrivals());
  startBoth();
  for (int k = 0; k < 3; ++k) {
    sendText(*tx, a->localPort(), "t" + std::to_string(k));
    sendText(*tx, b->localPort(), "p" + std::to_string(k));
    tx->flush();
    runUntil(io, [&] {
      return ra.payloads.size() == static_cast<size_t>(k + 1) &&
             rb.payloads.size() == static_cast<size_t>(k + 1);
    });
  }
  EXPECT_EQ(ra.payloads, (std::vector<std::string>{"t0", "t1", "t2"}));
  EXPECT_EQ(rb.payloads, (std::vector<std::string>{"p0", "p1", "p2"}));
}

TEST(UdpBatchTest, PrepareResetsWhatTheKernelWroteAndSwitchesControlBuffers) {
  auto batch = std::make_unique<UdpBatch>();
  batch->prepareReceive(false);
  for (const auto& h : batch->hdr) EXPECT_EQ(h.msg_hdr.msg_control, nullptr);
  // As after a recvmmsg of two datagrams: only their headers were written.
  batch->hdr[0].msg_hdr.msg_namelen = 16;
  batch->hdr[1].msg_hdr.msg_flags = MSG_TRUNC;
  batch->received(2);
  batch->prepareReceive(false);
  EXPECT_EQ(batch->hdr[0].msg_hdr.msg_namelen, sizeof(sockaddr_storage));
  EXPECT_EQ(batch->hdr[1].msg_hdr.msg_flags, 0);
  // A member that times arrivals: every header gets its control buffer, and loses it again.
  batch->prepareReceive(true);
  for (size_t i = 0; i < kUdpBatch; ++i) {
    EXPECT_EQ(batch->hdr[i].msg_hdr.msg_control, batch->control[i].data());
    EXPECT_EQ(batch->hdr[i].msg_hdr.msg_controllen, kUdpControlSize);
  }
  batch->prepareReceive(false);
  for (const auto& h : batch->hdr) EXPECT_EQ(h.msg_hdr.msg_controllen, 0u);
}

}  // namespace
}  // namespace rounds
