#include "services/image_strip.hpp"

#include <gtest/gtest.h>

namespace rounds::image {
namespace {

std::string seg(uint8_t marker, std::string_view payload) {
  std::string s = {'\xFF', static_cast<char>(marker)};
  size_t len = payload.size() + 2;
  s.push_back(static_cast<char>(len >> 8));
  s.push_back(static_cast<char>(len & 0xFF));
  s.append(payload);
  return s;
}

std::string chunk(std::string_view type, std::string_view data) {
  std::string s;
  uint32_t n = static_cast<uint32_t>(data.size());
  for (int shift : {24, 16, 8, 0}) s.push_back(static_cast<char>((n >> shift) & 0xFF));
  s.append(type);
  s.append(data);
  s.append("\x12\x34\x56\x78", 4);  // CRC: copied, not checked
  return s;
}

// The structure of a camera JPEG: JFIF, EXIF with GPS, a comment, tables, frame, one scan whose
// data holds a stuffed 0xFF00 and a restart marker, EOI, then bytes appended by some tool.
std::string cameraJpeg() {
  std::string j = "\xFF\xD8";
  j += seg(0xE0, std::string("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 14));
  j += seg(0xE1, std::string("Exif\0\0GPS 30.59N 114.30E Canon SN 4711", 38));
  j += seg(0xFE, "patient Wang Wei bed 12");
  j += seg(0xDB, std::string(65, '\x01'));
  j += seg(0xC0, std::string("\x08\x00\x01\x00\x01\x01\x01\x11\x00", 9));
  j += seg(
      0xC4,
      std::string("\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05", 18));
  j += seg(0xDA, std::string("\x01\x01\x00\x00\x3F\x00", 6));
  j += std::string("\x12\xFF\x00\x34\xFF\xD0\x56", 7);
  j += "\xFF\xD9";
  j += "trailing: photographer Dr Li";
  return j;
}

TEST(ImageStrip, JpegLosesExifCommentAndTrailerButKeepsThePicture) {
  auto r = stripMetadata(cameraJpeg());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->mime, "image/jpeg");
  EXPECT_EQ(r->removed, 3u);
  EXPECT_EQ(r->bytes.find("Exif"), std::string::npos);
  EXPECT_EQ(r->bytes.find("Wang"), std::string::npos);
  EXPECT_EQ(r->bytes.find("Dr Li"), std::string::npos);
  EXPECT_NE(r->bytes.find("JFIF"), std::string::npos);
  EXPECT_NE(r->bytes.find(std::string("\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xD9", 9)),
            std::string::npos);
  EXPECT_EQ(r->bytes.substr(0, 2), "\xFF\xD8");
  // Stripping is idempotent: the output has nothing left to remove.
  auto again = stripMetadata(r->bytes);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->bytes, r->bytes);
  EXPECT_EQ(again->removed, 0u);
}

TEST(ImageStrip, PngLosesTextExifAndTimeChunks) {
  std::string p("\x89PNG\r\n\x1A\n", 8);
  p += chunk("IHDR", std::string("\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0", 13));
  p += chunk("tEXt", std::string("Author\0Dr Li Wenliang", 21));
  p += chunk("eXIf", "MM\0*GPS");
  p += chunk("pHYs", std::string(9, '\x01'));
  p += chunk("IDAT", "pixels");
  p += chunk("tIME", std::string(7, '\x07'));
  p += chunk("IEND", "");
  auto r = stripMetadata(p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->mime, "image/png");
  EXPECT_EQ(r->removed, 3u);
  EXPECT_EQ(r->bytes.find("Author"), std::string::npos);
  EXPECT_EQ(r->bytes.find("eXIf"), std::string::npos);
  EXPECT_NE(r->bytes.find("pixels"), std::string::npos);
  EXPECT_NE(r->bytes.find("pHYs"), std::string::npos);
}

TEST(ImageStrip, RejectsOtherFormatsAndBrokenFiles) {
  EXPECT_FALSE(stripMetadata("GIF89a...."));
  EXPECT_FALSE(stripMetadata(""));
  auto jpeg = cameraJpeg();
  auto cut = stripMetadata(jpeg.substr(0, 40));
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().code, "invalid_field");
  EXPECT_EQ(cut.error().message.rfind("image: ", 0), 0u);
  EXPECT_FALSE(stripMetadata(std::string("\x89PNG\r\n\x1A\n", 8) + chunk("IDAT", "x")));
  std::string hugeLen("\x89PNG\r\n\x1A\n\xFF\xFF\xFF\xF0IHDR", 16);
  EXPECT_FALSE(stripMetadata(hugeLen));
  std::string noFrame = "\xFF\xD8" + seg(0xE0, "JFIF") + "\xFF\xD9";
  EXPECT_FALSE(stripMetadata(noFrame));
}

}  // namespace
}  // namespace rounds::image
