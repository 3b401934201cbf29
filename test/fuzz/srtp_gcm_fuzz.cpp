// libFuzzer target: our own AES-GCM SRTP/SRTCP (transport/srtp_gcm) on untrusted input.
// Byte 0: bit 0 RTCP, bit 1 round trip (protect the rest, optionally flip one bit, unprotect and
// check the result); otherwise the rest is unprotected as it is. Threading: single-threaded.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "transport/srtp_gcm.hpp"

using namespace rounds;

namespace {
std::unique_ptr<SrtpGcm> make() {
  uint8_t key[16], salt[12];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(0x5a + i);
  for (int i = 0; i < 12; ++i) salt[i] = static_cast<uint8_t>(0xa5 - i);
  return SrtpGcm::create(Bytes(key, 16), Bytes(salt, 12));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto in = make();
  static auto out = make();
  static auto peer = make();
  if (size < 1 || !in || !out || !peer) return 0;
  const bool rtcp = data[0] & 1;
  if (!(data[0] & 2)) {
    std::vector<uint8_t> buf(data + 1, data + size);
    size_t len = buf.size();
    bool ok = rtcp ? in->unprotectRtcp(buf.data(), len) : in->unprotectRtp(buf.data(), len);
    if (len > buf.size() || (ok && len + 16 > buf.size())) __builtin_trap();
    return 0;
  }
  // Round trip: byte 1 picks the bit to flip (0xFF: none), the rest is the plaintext.
  if (size < 2) return 0;
  const uint8_t flip = data[1];
  std::vector<uint8_t> plain(data + 2, data + size);
  std::vector<uint8_t> buf(plain);
  buf.resize(plain.size() + 20);
  size_t len = plain.size();
  bool ok = rtcp ? out->protectRtcp(buf.data(), len, buf.size())
                 : out->protectRtp(buf.data(), len, buf.size());
  if (!ok) return 0;
  if (len != plain.size() + (rtcp ? 20 : 16)) __builtin_trap();
  const bool tamper = flip != 0xFF;
  if (tamper) buf[(flip >> 3) % len] ^= static_cast<uint8_t>(1u << (flip & 7));
  ok = rtcp ? peer->unprotectRtcp(buf.data(), len) : peer->unprotectRtp(buf.data(), len);
  // A changed bit must never pass; an intact packet passes unless it replays an index already
  // seen (the fuzzer repeats inputs) — then it must not come back altered.
  if (tamper && ok) __builtin_trap();
  if (ok && (len != plain.size() || std::memcmp(buf.data(), plain.data(), len) != 0)) {
    __builtin_trap();
  }
  return 0;
}
