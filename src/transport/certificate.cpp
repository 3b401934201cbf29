// Certificate (declared in transport/dtls.hpp): the self-signed DTLS identity of this process.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/hex.hpp"
#include "transport/dtls.hpp"

namespace rounds {

namespace {

constexpr long kOneDay = 24L * 60 * 60;
constexpr long kValidDays = 30;

std::string lastOpensslError(const char* what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return what;
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  return std::string(what) + ": " + buf;
}

// A random positive 64-bit serial (RFC 5280 §4.1.2.2: positive, at most 20 octets).
bool setRandomSerial(X509* x509) {
  uint8_t raw[8];
  if (RAND_bytes(raw, sizeof(raw)) != 1) return false;
  raw[0] &= 0x7f;
  raw[0] |= 0x01;  // never zero, never negative
  BIGNUM* bn = BN_bin2bn(raw, sizeof(raw), nullptr);
  if (!bn) return false;
  ASN1_INTEGER* serial = X509_get_serialNumber(x509);
  bool ok = BN_to_ASN1_INTEGER(bn, serial) != nullptr;
  BN_free(bn);
  return ok;
}

}  // namespace

Result<std::shared_ptr<Certificate>> Certificate::generate() {
  ERR_clear_error();
  std::shared_ptr<Certificate> cert(new Certificate());

  // ECDSA P-256: what browsers generate themselves, and a cheap handshake (RFC 8827 §6.5).
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) return makeError("dtls_cert", lastOpensslError("EC P-256 key generation"));
  cert->key_ = key;

  X509* x509 = X509_new();
  if (!x509) return makeError("dtls_cert", lastOpensslError("X509_new"));
  cert->x509_ = x509;

  X509_NAME* name = X509_get_subject_name(x509);
  bool ok = X509_set_version(x509, 2) == 1 &&  // v3
            setRandomSerial(x509) &&
            // Valid from yesterday: tolerate peers whose clock is a little behind ours.
            X509_gmtime_adj(X509_getm_notBefore(x509), -kOneDay) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(x509), kValidDays * kOneDay) != nullptr &&
            X509_set_pubkey(x509, key) == 1 &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                       reinterpret_cast<const unsigned char*>("rounds"), -1, -1,
                                       0) == 1 &&
            X509_set_issuer_name(x509, name) == 1 &&  // self-signed
            X509_sign(x509, key, EVP_sha256()) > 0;
  if (!ok) return makeError("dtls_cert", lastOpensslError("building the self-signed certificate"));

  // RFC 8122 §5: a hash of the DER certificate as upper-case hex pairs joined by colons.
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdLen = 0;
  if (X509_digest(x509, EVP_sha256(), md, &mdLen) != 1) {
    return makeError("dtls_cert", lastOpensslError("certificate fingerprint"));
  }
  cert->fingerprint_ = toColonHex(Bytes(md, mdLen));
  return cert;
}

Certificate::~Certificate() {
  SSL_CTX_free(static_cast<SSL_CTX*>(context_));  // after every transport: they hold the cert
  X509_free(static_cast<X509*>(x509_));
  EVP_PKEY_free(static_cast<EVP_PKEY*>(key_));
}

}  // namespace rounds
