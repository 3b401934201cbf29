// VP8 payload descriptor (RFC 7741 §4.2-4.3) and H.264 key-frame detection (RFC 6184 §5.4).
#include "proto/video_payload.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace rounds::video {
namespace {

// X=1 S=1 PID=0 | I=1 L=1 | M=1 picture id 0x1234 | TL0PICIDX 7 | VP8 key frame header
// (P=0), start code, 640x360.
std::vector<uint8_t> vp8KeyFrame() {
  return {0x90, 0xC0, 0x80 | 0x12, 0x34, 0x07,
          0x00, 0x00, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0xAA};
}

TEST(Vp8, KeyFrameWithSizeAndPictureId) {
  auto p = vp8KeyFrame();
  auto d = parseVp8(p);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->keyFrame);
  EXPECT_EQ(d->width, 640);
  EXPECT_EQ(d->height, 360);
  ASSERT_TRUE(d->pictureId);
  EXPECT_EQ(*d->pictureId, 0x1234);
  EXPECT_TRUE(d->pictureId15);
  ASSERT_TRUE(d->tl0PicIdx);
  EXPECT_EQ(*d->tl0PicIdx, 7);
  EXPECT_TRUE(startsKeyFrame(Codec::Vp8, p));
}

TEST(Vp8, DeltaFramesAndContinuationsAreNotKeyFrames) {
  auto p = vp8KeyFrame();
  p[5] = 0x01;  // P bit: inter frame
  EXPECT_FALSE(startsKeyFrame(Codec::Vp8, p));
  p = vp8KeyFrame();
  p[0] = 0x80;  // S=0: a later packet of the frame
  EXPECT_FALSE(startsKeyFrame(Codec::Vp8, p));
  p = vp8KeyFrame();
  p[0] = 0x91;  // PID=1: not the first partition
  EXPECT_FALSE(startsKeyFrame(Codec::Vp8, p));
}

TEST(Vp8, RewritesPictureIdAndTl0InPlace) {
  auto p = vp8KeyFrame();
  auto d = parseVp8(p);
  ASSERT_TRUE(d);
  writeVp8PictureId(p, *d, 0x7FFF);
  writeVp8Tl0PicIdx(p, *d, 200);
  auto again = parseVp8(p);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again->pictureId, 0x7FFF);
  EXPECT_EQ(*again->tl0PicIdx, 200);
  EXPECT_TRUE(again->keyFrame) << "nothing else moved";
  EXPECT_EQ(again->height, 360);
}

TEST(Vp8, SevenBitPictureId) {
  std::vector<uint8_t> p{0x90, 0x80, 0x05, 0x00};
  auto d = parseVp8(p);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d->pictureId, 5);
  EXPECT_FALSE(d->pictureId15);
  EXPECT_TRUE(d->keyFrame);
  EXPECT_EQ(d->height, 0) << "too short for the frame size";
}

TEST(Vp8, TruncatedDescriptorsAreRejectedWithoutReadingPastTheEnd) {
  auto full = vp8KeyFrame();
  for (size_t n = 0; n < 5; ++n) {
    std::vector<uint8_t> p(full.begin(), full.begin() + static_cast<long>(n));
    EXPECT_FALSE(parseVp8(p)) << n << " bytes";
  }
  EXPECT_FALSE(startsKeyFrame(Codec::Vp8, {}));
}

TEST(H264, KeyFramesInEachPacketisation) {
  std::vector<uint8_t> idr{0x65, 0x88};
  std::vector<uint8_t> sps{0x67, 0x42};
  std::vector<uint8_t> slice{0x41, 0x9a};
  EXPECT_TRUE(startsKeyFrame(Codec::H264, idr));
  EXPECT_TRUE(startsKeyFrame(Codec::H264, sps));
  EXPECT_FALSE(startsKeyFrame(Codec::H264, slice));
  // STAP-A: [size 2][SEI-ish 0x06 ..][size 2][SPS]
  std::vector<uint8_t> stap{0x78, 0x00, 0x02, 0x06, 0x00, 0x00, 0x02, 0x67, 0x42};
  EXPECT_TRUE(startsKeyFrame(Codec::H264, stap));
  stap[7] = 0x41;
  EXPECT_FALSE(startsKeyFrame(Codec::H264, stap));
  std::vector<uint8_t> badStap{0x78, 0x00, 0x09, 0x67};  // size overruns
  EXPECT_FALSE(startsKeyFrame(Codec::H264, badStap));
  // FU-A: indicator 28, header S=1 type 5; a middle fragment is not a start.
  std::vector<uint8_t> fuStart{0x7C, 0x85, 0x00};
  std::vector<uint8_t> fuMiddle{0x7C, 0x05, 0x00};
  EXPECT_TRUE(startsKeyFrame(Codec::H264, fuStart));
  EXPECT_FALSE(startsKeyFrame(Codec::H264, fuMiddle));
  EXPECT_FALSE(startsKeyFrame(Codec::H264, std::vector<uint8_t>{0x7C}));
  EXPECT_FALSE(startsKeyFrame(Codec::Other, idr));
}

TEST(Codecs, FromName) {
  EXPECT_EQ(codecFromName("VP8", 3), Codec::Vp8);
  EXPECT_EQ(codecFromName("h264", 4), Codec::H264);
  EXPECT_EQ(codecFromName("opus", 4), Codec::Other);
}

}  // namespace
}  // namespace rounds::video
