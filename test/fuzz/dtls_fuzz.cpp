// libFuzzer target: a DtlsTransport fed untrusted datagrams. Byte 0 picks the role; the rest is
// a sequence of [u16 length][datagram]. Threading: single-threaded.
#include <cstdint>
#include <memory>
#include <string>

#include "transport/dtls.hpp"

using namespace rounds;

namespace {
struct NullListener : DtlsTransport::Listener {
  void onDtlsSend(Bytes record) override {
    if (record.size() > DtlsTransport::kMtu) __builtin_trap();
  }
  void onDtlsConnected(const DtlsTransport::SrtpKeys&) override {}
  void onDtlsFailed(const std::string&) override {}
  void onDtlsClosed() override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto cert = Certificate::generate();
  if (!cert.ok() || size < 1) return 0;
  NullListener listener;
  auto role = (data[0] & 1) ? DtlsTransport::Role::Client : DtlsTransport::Role::Server;
  DtlsTransport t(cert.value(), role, listener);
  t.setRemoteFingerprint("sha-256", "00:11:22");
  t.start();
  ByteReader r(Bytes(data + 1, size - 1));
  uint16_t len = 0;
  Bytes datagram;
  while (r.u16(len) && r.bytes(len, datagram)) {
    t.processPacket(datagram);
    if (data[0] & 2) t.onTimeout();
  }
  if (data[0] & 4) t.close();
  return 0;
}
