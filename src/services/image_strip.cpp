// JPEG segment and PNG chunk walkers that copy only what is needed to show the picture.
// Threading: see image_strip.hpp.
#include "services/image_strip.hpp"

#include <array>
#include <cstdint>

namespace rounds::image {

namespace {

Error bad(std::string_view why) { return makeError("invalid_field", "image: " + std::string(why)); }

uint8_t byteAt(std::string_view s, size_t i) { return static_cast<uint8_t>(s[i]); }

// T.81 Table B.1: markers without a length field.
bool standalone(uint8_t m) { return m == 0x01 || (m >= 0xD0 && m <= 0xD9); }

Result<Stripped> stripJpeg(std::string_view in) {
  Stripped out{"image/jpeg", std::string(in.substr(0, 2)), 0};
  size_t i = 2;
  bool sawFrame = false;
  while (true) {
    // Fill bytes (0xFF padding) may precede a marker (T.81 §B.1.1.2).
    if (i >= in.size() || byteAt(in, i) != 0xFF) return bad("JPEG segment expected");
    while (i < in.size() && byteAt(in, i) == 0xFF) ++i;
    if (i >= in.size()) return bad("truncated JPEG");
    uint8_t marker = byteAt(in, i++);
    if (marker == 0xD9) {  // EOI: anything after it is dropped
      if (!sawFrame) return bad("JPEG without a frame");
      out.bytes += "\xFF\xD9";
      if (i < in.size()) ++out.removed;
      return out;
    }
    if (standalone(marker) || marker == 0x00) return bad("unexpected JPEG marker");
    if (i + 2 > in.size()) return bad("truncated JPEG segment");
    size_t len = (size_t{byteAt(in, i)} << 8) | byteAt(in, i + 1);
    if (len < 2 || i + len > in.size()) return bad("JPEG segment length out of range");
    std::string_view segment = in.substr(i - 2, len + 2);
    i += len;
    bool app = marker >= 0xE0 && marker <= 0xEF;
    bool keep = !(app && marker != 0xE0 && marker != 0xEE) && marker != 0xFE;
    if ((marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
      sawFrame = true;
    if (!keep) {
      ++out.removed;
      continue;
    }
    out.bytes.append("\xFF", 1);
    out.bytes.push_back(static_cast<char>(marker));
    out.bytes.append(segment.substr(2));
    if (marker == 0xDA) {
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor RSTn.
      size_t start = i;
      while (i + 1 < in.size()) {
        if (byteAt(in, i) == 0xFF) {
          uint8_t n = byteAt(in, i + 1);
          if (n != 0x00 && !(n >= 0xD0 && n <= 0xD7) && n != 0xFF) break;
        }
        ++i;
      }
      if (i + 1 >= in.size()) return bad("JPEG scan without an end");
      out.bytes.append(in.substr(start, i - start));
    }
  }
}

constexpr std::array<std::string_view, 12> kPngKeep = {
    "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD", "pHYs"};

Result<Stripped> stripPng(std::string_view in) {
  Stripped out{"image/png", std::string(in.substr(0, 8)), 0};
  size_t i = 8;
  bool first = true;
  while (true) {
    if (i + 12 > in.size()) return bad("truncated PNG chunk");
    uint32_t len = (uint32_t{byteAt(in, i)} << 24) | (uint32_t{byteAt(in, i + 1)} << 16) |
                   (uint32_t{byteAt(in, i + 2)} << 8) | byteAt(in, i + 3);
    if (len > 0x7FFFFFFFu || len > in.size() - i - 12) return bad("PNG chunk length out of range");
    std::string_view type = in.substr(i + 4, 4);
    for (char c : type)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return bad("PNG chunk type invalid");
    if (first && type != "IHDR") return bad("PNG must start with IHDR");
    first = false;
    std::string_view chunk = in.substr(i, size_t{len} + 12);
    i += size_t{len} + 12;
    bool keep = false;
    for (auto k : kPngKeep) keep = keep || type == k;
    if (keep) {
      out.bytes.append(chunk);
    } else {
      ++out.removed;
    }
    if (type == "IEND") {
      if (i < in.size()) ++out.removed;
      return out;
    }
  }
}

}  // namespace

Result<Stripped> stripMetadata(std::string_view bytes) {
  if (bytes.size() >= 4 && byteAt(bytes, 0) == 0xFF && byteAt(bytes, 1) == 0xD8)
    return stripJpeg(bytes);
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8))
    return stripPng(bytes);
  return bad("only JPEG and PNG are accepted");
}

}  // namespace rounds::image
