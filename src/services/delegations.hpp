// DelegationService: a delegation invite lets a country's coordinator add their own delegates to a
// series, up to a quota set by the host. The coordinator holds a random token (stored as SHA-256,
// expiring, revocable); each delegate added gets a person record, a participant role and a
// personal invitation, written in one transaction that also enforces the quota.
// Errors use the codes of accounts.hpp plus quota_exceeded (409).
// Threading: control thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "services/accounts.hpp"
#include "services/series.hpp"
#include "store/store.hpp"

namespace rounds {

struct NewDelegation {
  int64_t coordinatorPersonId = 0;
  int quota = 0;  // 1..500
  std::optional<int64_t> expiresAtMs;
};

struct IssuedDelegation {
  DelegationRecord record;
  std::string token;  // shown once, to be passed to the coordinator
  std::string url;    // the coordinator's page: <publicUrl>/api/delegations/<token>
};

// What a valid delegation token opens.
struct OpenedDelegation {
  DelegationRecord delegation;
  SeriesRecord series;
  PersonRecord coordinator;
};

class DelegationService {
 public:
  DelegationService(Store& store, const Clock& clock, Random& random, AccountService& accounts,
                    SeriesService& series)
      : store_(store), clock_(clock), random_(random), accounts_(accounts), series_(series) {}

  // Host or co-host of the series.
  Result<IssuedDelegation> create(const Caller& caller, int64_t seriesId, const NewDelegation& in);
  Result<std::vector<DelegationRecord>> list(const Caller& caller, int64_t seriesId);
  Status revoke(const Caller& caller, int64_t seriesId, int64_t delegationId);

  // unauthorized for an unknown token, forbidden for a revoked or expired one.
  Result<OpenedDelegation> open(std::string_view token);
  // The coordinator adds a delegate; organisationId and country default to the coordinator's.
  // The invitation expires with the delegation.
  Result<IssuedInvitation> addDelegate(std::string_view token, PersonRecord delegate);

  std::string url(std::string_view token) const;

 private:
  Store& store_;
  const Clock& clock_;
  Random& random_;
  AccountService& accounts_;
  SeriesService& series_;
};

}  // namespace rounds
