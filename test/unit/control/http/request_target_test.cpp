// Tests for request-target parsing: percent-decoding, query splitting, traversal, MIME types.
// Threading: single-threaded.
#include "control/http/request_target.hpp"

#include <gtest/gtest.h>

namespace rounds::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(percentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("%e2%82%AC", false), "\xe2\x82\xac");
}

TEST(PercentDecode, RejectsMalformedEscapesAndNul) {
  EXPECT_FALSE(percentDecode("%", false));
  EXPECT_FALSE(percentDecode("%4", false));
  EXPECT_FALSE(percentDecode("abc%g0", false));
  EXPECT_FALSE(percentDecode("a%00b", false));
  EXPECT_FALSE(percentDecode(std::string_view("a\0b", 3), false));
}

TEST(ParseTarget, SplitsPathAndQuery) {
  auto t = parseTarget("/api/rooms/a%20b?x=1&y=two+words&z&x=ignored&&e=");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/rooms/a b");
  EXPECT_EQ(t->query.at("x"), "1");
  EXPECT_EQ(t->query.at("y"), "two words");
  EXPECT_EQ(t->query.at("z"), "");
  EXPECT_EQ(t->query.at("e"), "");
  EXPECT_EQ(t->query.size(), 4u);
}

TEST(ParseTarget, RejectsTraversalInEveryDisguise) {
  for (const char* bad : {"/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/x", "/%2E%2e/x",
                          "/a/..%2f..%2fb", "/a/%2e%2e%2fb", "/a/b/..", "/x%00y", "/x?q=%00",
                          "/x?q=%zz", "", "relative", "http://host/abs", "*"}) {
    EXPECT_FALSE(parseTarget(bad)) << bad;
  }
  // Dots that are not a whole segment are ordinary names.
  EXPECT_TRUE(parseTarget("/a..b/.../c."));
  EXPECT_TRUE(parseTarget("/./x"));
}

TEST(ParseTarget, RawPathStopsAtQuery) {
  EXPECT_EQ(rawPath("/ws?token=1"), "/ws");
  EXPECT_EQ(rawPath("/ws"), "/ws");
}

TEST(MimeType, KnownExtensionsCaseInsensitive) {
  EXPECT_EQ(mimeTypeFor("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mimeTypeFor("/assets/app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mimeTypeFor("/a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mimeTypeFor("/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mimeTypeFor("/a.svg"), "image/svg+xml");
  EXPECT_EQ(mimeTypeFor("/a.png"), "image/png");
  EXPECT_EQ(mimeTypeFor("/favicon.ico"), "image/x-icon");
  EXPECT_EQ(mimeTypeFor("/a.json"), "application/json");
  EXPECT_EQ(mimeTypeFor("/f.woff2"), "font/woff2");
  EXPECT_EQ(mimeTypeFor("/a.js.map"), "application/json");
  EXPECT_EQ(mimeTypeFor("/a.wasm"), "application/wasm");
  EXPECT_EQ(mimeTypeFor("/robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(mimeTypeFor("/noext"), "application/octet-stream");
  EXPECT_EQ(mimeTypeFor("/dir.js/file"), "application/octet-stream");
  EXPECT_EQ(mimeTypeFor("/x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace rounds::http
