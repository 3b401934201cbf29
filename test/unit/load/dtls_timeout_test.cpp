// rounds-load's DTLS client waits like a browser's before its first retransmission: twice the
// ICE round trip, kept between 50 ms and 3 s (participant.hpp, browserDtlsTimeout).
#include <gtest/gtest.h>

#include "participant.hpp"

namespace rounds::load {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(BrowserDtlsTimeout, TwiceTheIceRoundTrip) {
  EXPECT_EQ(browserDtlsTimeout(milliseconds(40)), milliseconds(80));
  EXPECT_EQ(browserDtlsTimeout(milliseconds(300)), milliseconds(600));
}

TEST(BrowserDtlsTimeout, NeverUnder50MsOnAFastPath) {
  EXPECT_EQ(browserDtlsTimeout(microseconds(80)), milliseconds(50));  // loopback
  EXPECT_EQ(browserDtlsTimeout(milliseconds(0)), milliseconds(50));
}

TEST(BrowserDtlsTimeout, NeverOver3SOnASlowOne) {
  EXPECT_EQ(browserDtlsTimeout(milliseconds(1600)), milliseconds(3000));
  EXPECT_EQ(browserDtlsTimeout(std::chrono::seconds(60)), milliseconds(3000));
}

}  // namespace
}  // namespace rounds::load
