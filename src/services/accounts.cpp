// Accounts, sessions and the directory. Threading: see accounts.hpp.
#include "services/accounts.hpp"

#include "services/validation.hpp"

namespace rounds {

namespace {
constexpr const char* kKinds[] = {"health_commission", "hospital", "province"};
}

Status AccountService::validatePerson(PersonRecord& p) {
  if (auto s = validate::text("displayName", p.displayName, 1, 120); !s) return s;
  if (auto s = validate::country("country", p.country); !s) return s;
  if (auto s = validate::text("discipline", p.discipline, 1, 80); !s) return s;
  if (auto s = validate::language("language", p.language); !s) return s;
  if (auto s = validate::timeZone("timeZone", p.timeZone); !s) return s;
  if (!p.email.empty()) {
    if (auto s = validate::email("email", p.email); !s) return s;
    p.email = validate::asciiLower(p.email);
  }
  if (p.organisationId) {
    auto org = store_.organisation(*p.organisationId);
    if (!org) return org.error();
    if (!*org) return validate::fieldError("organisationId", "no organisation has this id");
  }
  return Ok{};
}

Result<AccountRecord> AccountService::createAccount(const std::optional<Caller>& caller,
                                                    NewAccount in) {
  if (!caller) {
    if (config_.bootstrapToken.empty())
      return makeError("forbidden",
                       "sign in as a host to create accounts (the server was started without "
                       "--bootstrap-token)");
    auto n = store_.countAccounts();
    if (!n) return n.error();
    if (*n > 0) return makeError("forbidden", "sign in as a host to create further accounts");
    // Compare digests so that the time taken says nothing about the token.
    const std::string want = tokenHash(config_.bootstrapToken);
    const std::string got = tokenHash(in.bootstrapToken);
    unsigned diff = 0;
    for (size_t i = 0; i < want.size(); ++i) diff |= static_cast<unsigned>(want[i] ^ got[i]);
    if (in.bootstrapToken.empty() || diff != 0)
      return makeError("unauthorized", "X-Rounds-Bootstrap: missing or wrong bootstrap token");
  }
  if (auto s = validate::email("email", in.email); !s) return s.error();
  if (auto s = validate::password("password", in.password); !s) return s.error();
  in.person.email = validate::asciiLower(in.email);
  in.person.createdAtMs = clock_.wallMillis();
  if (auto s = validatePerson(in.person); !s) return s.error();
  auto hash = hashPassword(in.password, random_, config_.argon2);
  if (!hash) return hash.error();
  return store_.createAccount(in.person, in.person.email, *hash, clock_.wallMillis());
}

Result<SignIn> AccountService::login(const std::string& email, const std::string& password) {
  const auto denied = makeError("unauthorized", "e-mail address or password is wrong");
  if (email.empty() || email.size() > 254 || password.size() > 256) return denied;
  auto acc = store_.accountByEmail(validate::asciiLower(email));
  if (!acc) return acc.error();
  if (!*acc) {
    // Spend the same Argon2 work as for a real account, so timing does not reveal which
    // addresses have accounts.
    static const std::string kDummy = [&] {
      auto h = hashPassword("not-a-password", random_, config_.argon2);
      return h ? *h : std::string();
    }();
    (void)verifyPassword(password, kDummy);
    return denied;
  }
  if (!verifyPassword(password, (*acc)->passwordHash)) return denied;
  SignIn out;
  out.token = newSecretToken(random_);
  out.expiresAtMs = clock_.wallMillis() + config_.sessionTtlMs;
  out.account = **acc;
  SessionRecord s;
  s.accountId = out.account.id;
  s.tokenHash = tokenHash(out.token);
  s.createdAtMs = clock_.wallMillis();
  s.expiresAtMs = out.expiresAtMs;
  if (auto st = store_.createSession(s); !st) return st.error();
  return out;
}

Result<Caller> AccountService::authenticate(std::string_view bearer) {
  if (bearer.empty()) return makeError("unauthorized", "Authorization: Bearer <token> is required");
  if (!looksLikeToken(bearer)) return makeError("unauthorized", "the bearer token is malformed");
  auto s = store_.liveSession(tokenHash(bearer), clock_.wallMillis());
  if (!s) return s.error();
  if (!*s) return makeError("unauthorized", "the session has expired or was signed out");
  auto acc = store_.account((*s)->accountId);
  if (!acc) return acc.error();
  if (!*acc) return makeError("unauthorized", "the account no longer exists");
  return Caller{(*acc)->id, (*acc)->personId};
}

Status AccountService::logout(std::string_view bearer) {
  return store_.revokeSession(tokenHash(bearer), clock_.wallMillis());
}

Result<AccountRecord> AccountService::account(int64_t id) {
  auto acc = store_.account(id);
  if (!acc) return acc.error();
  if (!*acc) return makeError("not_found", "no account " + std::to_string(id));
  return **acc;
}

Result<OrganisationRecord> AccountService::createOrganisation(OrganisationRecord in) {
  if (auto s = validate::text("name", in.name, 1, 160); !s) return s.error();
  if (auto s = validate::country("country", in.country); !s) return s.error();
  bool known = false;
  for (const char* k : kKinds) known = known || in.kind == k;
  if (!known)
    return validate::fieldError("kind", "must be health_commission, hospital or province");
  in.createdAtMs = clock_.wallMillis();
  auto id = store_.createOrganisation(in);
  if (!id) return id.error();
  in.id = *id;
  return in;
}

Result<PersonRecord> AccountService::createPerson(PersonRecord in) {
  in.createdAtMs = clock_.wallMillis();
  if (auto s = validatePerson(in); !s) return s.error();
  auto id = store_.createPerson(in);
  if (!id) return id.error();
  in.id = *id;
  return in;
}

Result<PersonRecord> AccountService::person(int64_t id) {
  auto p = store_.person(id);
  if (!p) return p.error();
  if (!*p) return makeError("not_found", "no person " + std::to_string(id));
  return **p;
}

}  // namespace rounds
