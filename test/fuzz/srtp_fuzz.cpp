// libFuzzer target: SRTP/SRTCP unprotect of untrusted packets for every supported profile.
// Byte 0 selects profile and RTP/RTCP; the rest is the packet. Threading: single-threaded.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "transport/srtp.hpp"

using namespace rounds;

namespace {
std::unique_ptr<SrtpSession> makeInbound(SrtpProfile p) {
  std::vector<uint8_t> key(srtpKeyLength(p) + srtpSaltLength(p), 0x5a);
  auto s = SrtpSession::create(SrtpSession::Direction::Inbound, p, key);
  return s.ok() ? std::move(s.value()) : nullptr;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto gcm = srtpProfileSupported(SrtpProfile::AeadAes128Gcm)
                        ? makeInbound(SrtpProfile::AeadAes128Gcm)
                        : nullptr;
  static auto cm = makeInbound(SrtpProfile::Aes128CmSha1_80);
  if (size < 1) return 0;
  SrtpSession* s = (data[0] & 1) && gcm ? gcm.get() : cm.get();
  if (!s) return 0;
  std::vector<uint8_t> buf(data + 1, data + size);
  size_t len = buf.size();
  if (data[0] & 2) {
    s->unprotectRtcp(buf.data(), len);
  } else {
    s->unprotectRtp(buf.data(), len);
  }
  if (len > buf.size()) __builtin_trap();
  // Protect on an outbound session too, with the buffer's real capacity.
  if (data[0] & 4) {
    static auto out = [] {
      std::vector<uint8_t> key(30, 0x33);
      auto r = SrtpSession::create(SrtpSession::Direction::Outbound, SrtpProfile::Aes128CmSha1_80,
                                   key);
      return r.ok() ? std::move(r.value()) : nullptr;
    }();
    std::vector<uint8_t> p(data + 1, data + size);
    size_t plen = p.size();
    p.resize(plen + (data[0] >> 4));
    if (data[0] & 8) {
      out->protectRtcp(p.data(), plen, p.size());
    } else {
      out->protectRtp(p.data(), plen, p.size());
    }
    if (plen > p.size()) __builtin_trap();
  }
  return 0;
}
