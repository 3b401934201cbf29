// AccountService: host accounts (Argon2id passwords), sign-in sessions (random bearer tokens
// stored as SHA-256, expiring, revocable), and the directory of organisations and people.
// Errors carry the codes the API maps to statuses: invalid_field 400, unauthorized 401,
// forbidden 403, not_found 404, conflict 409, anything else 500.
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "services/credentials.hpp"
#include "store/store.hpp"

namespace rounds {

struct AccountsConfig {
  int64_t sessionTtlMs = 12LL * 3600 * 1000;
  Argon2Params argon2;
  // Operator-chosen secret (--bootstrap-token / ROUNDS_BOOTSTRAP_TOKEN) that allows creating the
  // first host account while none exists. Empty: no account can be created without signing in.
  std::string bootstrapToken;
};

// Who is calling: a signed-in host.
struct Caller {
  int64_t accountId = 0;
  int64_t personId = 0;
};

struct NewAccount {
  std::string email;
  std::string password;
  PersonRecord person;         // its email is set from `email`
  std::string bootstrapToken;  // needed for the first account only
};

struct SignIn {
  std::string token;  // shown once; only its hash is stored
  int64_t expiresAtMs = 0;
  AccountRecord account;
};

class AccountService {
 public:
  AccountService(Store& store, const Clock& clock, Random& random, AccountsConfig config = {})
      : store_(store), clock_(clock), random_(random), config_(config) {}

  // The first account needs the operator's bootstrap token (there is no default password); after
  // that only a signed-in host may create accounts (`caller` set). Without a caller: unauthorized
  // for a wrong or missing token, forbidden when bootstrap is off or an account already exists.
  Result<AccountRecord> createAccount(const std::optional<Caller>& caller, NewAccount in);
  // A wrong e-mail and a wrong password give the same unauthorized error.
  Result<SignIn> login(const std::string& email, const std::string& password);
  // The caller of a live session, or Error{"unauthorized"} naming why.
  Result<Caller> authenticate(std::string_view bearerToken);
  Status logout(std::string_view bearerToken);
  Result<AccountRecord> account(int64_t id);
  int64_t nowMs() const { return clock_.wallMillis(); }

  Result<OrganisationRecord> createOrganisation(OrganisationRecord in);
  Result<std::vector<OrganisationRecord>> organisations() { return store_.organisations(); }
  Result<PersonRecord> createPerson(PersonRecord in);
  // Checks (and normalises) every field of a person; the organisation must exist.
  Status checkPerson(PersonRecord& p) { return validatePerson(p); }
  Result<PersonRecord> person(int64_t id);
  Result<std::vector<PersonRecord>> people() { return store_.people(); }

 private:
  // Checks every field of a person (organisation must exist).
  Status validatePerson(PersonRecord& p);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  AccountsConfig config_;
};

}  // namespace rounds
