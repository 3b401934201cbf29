// RFC 8851 a=rid and RFC 8853 a=simulcast values.
#include <gtest/gtest.h>

#include "proto/sdp.hpp"

namespace rounds::sdp {
namespace {

TEST(Rid, ParsesIdAndDirection) {
  auto r = parseRid("h send");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "h");
  EXPECT_TRUE(r->send);
  r = parseRid("layer_1-a recv pt=96;max-width=1280");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, "layer_1-a");
  EXPECT_FALSE(r->send);
}

TEST(Rid, RejectsBadValues) {
  EXPECT_FALSE(parseRid(""));
  EXPECT_FALSE(parseRid("h"));
  EXPECT_FALSE(parseRid("h sendrecv"));
  EXPECT_FALSE(parseRid("h!x send"));
  EXPECT_FALSE(parseRid(std::string(256, 'a') + " send"));
}

TEST(Simulcast, ListsRidsOfTheWantedDirection) {
  EXPECT_EQ(simulcastRids("send l;m;h", true), (std::vector<std::string>{"l", "m", "h"}));
  EXPECT_TRUE(simulcastRids("send l;m;h", false).empty());
  EXPECT_EQ(simulcastRids("recv a;b send l;~m", true), (std::vector<std::string>{"l", "m"}))
      << "a paused stream is still one of the streams";
  EXPECT_EQ(simulcastRids("recv a,x;b send l", false), (std::vector<std::string>{"a", "b"}))
      << "the first alternative of each stream";
}

TEST(Simulcast, MalformedIsEmpty) {
  EXPECT_TRUE(simulcastRids("", true).empty());
  EXPECT_TRUE(simulcastRids("send", true).empty());
  EXPECT_TRUE(simulcastRids("sideways l;m", true).empty());
  EXPECT_TRUE(simulcastRids("send l;;h", true).empty());
  EXPECT_TRUE(simulcastRids("send l;m$", true).empty());
}

}  // namespace
}  // namespace rounds::sdp
