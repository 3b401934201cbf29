// Big-endian byte access over spans: the one place wire formats read and write integers.
// Threading: stateless free functions and value types; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace rounds {

using Bytes = std::span<const uint8_t>;
using MutableBytes = std::span<uint8_t>;

inline uint16_t readU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t readU24(const uint8_t* p) {
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[2]};
}
inline uint32_t readU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint64_t readU64(const uint8_t* p) { return (uint64_t{readU32(p)} << 32) | readU32(p + 4); }

inline void writeU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void writeU24(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  p[1] = static_cast<uint8_t>(v >> 8);
  p[2] = static_cast<uint8_t>(v);
}
inline void writeU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}
inline void writeU64(uint8_t* p, uint64_t v) {
  writeU32(p, static_cast<uint32_t>(v >> 32));
  writeU32(p + 4, static_cast<uint32_t>(v));
}

// Bounds-checked sequential reader. Every read fails (returns false) instead of running past the end.
class ByteReader {
 public:
  explicit ByteReader(Bytes data) : data_(data) {}
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool u8(uint8_t& v) {
    if (remaining() < 1) return false;
    v = data_[pos_++];
    return true;
  }
  bool u16(uint16_t& v) {
    if (remaining() < 2) return false;
    v = readU16(data_.data() + pos_);
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    if (remaining() < 4) return false;
    v = readU32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool bytes(size_t n, Bytes& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

 private:
  Bytes data_;
  size_t pos_ = 0;
};

// Bounds-checked sequential writer into caller-owned storage; ok() turns false on overflow.
class ByteWriter {
 public:
  explicit ByteWriter(MutableBytes out) : out_(out) {}
  size_t size() const { return pos_; }
  bool ok() const { return ok_; }
  uint8_t* at(size_t offset) { return out_.data() + offset; }
  void u8(uint8_t v) {
    if (!reserve(1)) return;
    out_[pos_++] = v;
  }
  void u16(uint16_t v) {
    if (!reserve(2)) return;
    writeU16(out_.data() + pos_, v);
    pos_ += 2;
  }
  void u32(uint32_t v) {
    if (!reserve(4)) return;
    writeU32(out_.data() + pos_, v);
    pos_ += 4;
  }
  void bytes(Bytes b) {
    if (!reserve(b.size())) return;
    if (!b.empty()) std::memcpy(out_.data() + pos_, b.data(), b.size());
    pos_ += b.size();
  }
  void text(std::string_view s) {
    bytes(Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  }
  void zeros(size_t n) {
    if (!reserve(n)) return;
    std::memset(out_.data() + pos_, 0, n);
    pos_ += n;
  }
  Bytes written() const { return Bytes(out_.data(), pos_); }

 private:
  bool reserve(size_t n) {
    if (!ok_ || out_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  MutableBytes out_;
  size_t pos_ = 0;
  bool ok_ = true;
};

inline std::string_view asText(Bytes b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline Bytes asBytes(std::string_view s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace rounds
