// Delegation invites and their quota. Threading: see delegations.hpp.
#include "services/delegations.hpp"

#include "services/credentials.hpp"
#include "services/validation.hpp"

namespace rounds {

namespace {
constexpr int kMaxQuota = 500;
constexpr int64_t kDefaultTtlMs = 60LL * 24 * 3600 * 1000;
}  // namespace

std::string DelegationService::url(std::string_view token) const {
  return series_.publicUrl() + "/api/delegations/" + std::string(token);
}

Result<IssuedDelegation> DelegationService::create(const Caller& caller, int64_t seriesId,
                                                   const NewDelegation& in) {
  auto s = series_.get(caller, seriesId);
  if (!s) return s.error();
  auto p = store_.person(in.coordinatorPersonId);
  if (!p) return p.error();
  if (!*p) return validate::fieldError("coordinatorPersonId", "no person has this id");
  if (in.quota < 1 || in.quota > kMaxQuota)
    return validate::fieldError("quota", "must be between 1 and 500");
  const int64_t now = clock_.wallMillis();
  const int64_t expires = in.expiresAtMs.value_or(now + kDefaultTtlMs);
  if (expires <= now) return validate::fieldError("expiresAt", "must be in the future");
  IssuedDelegation out;
  out.token = newSecretToken(random_);
  out.url = url(out.token);
  auto& d = out.record;
  d.seriesId = seriesId;
  d.coordinatorPersonId = in.coordinatorPersonId;
  d.quota = in.quota;
  d.tokenHash = tokenHash(out.token);
  d.createdAtMs = now;
  d.expiresAtMs = expires;
  auto id = store_.createDelegation(d);
  if (!id) return id.error();
  d.id = *id;
  return out;
}

Result<std::vector<DelegationRecord>> DelegationService::list(const Caller& caller,
                                                              int64_t seriesId) {
  auto s = series_.get(caller, seriesId);
  if (!s) return s.error();
  return store_.delegationsFor(seriesId);
}

Status DelegationService::revoke(const Caller& caller, int64_t seriesId, int64_t delegationId) {
  auto s = series_.get(caller, seriesId);
  if (!s) return s.error();
  auto done = store_.revokeDelegation(seriesId, delegationId, clock_.wallMillis());
  if (!done) return done.error();
  if (!*done)
    return makeError("not_found", "series " + std::to_string(seriesId) + " has no delegation " +
                                      std::to_string(delegationId));
  return Ok{};
}

Result<OpenedDelegation> DelegationService::open(std::string_view token) {
  const auto unknown = makeError("unauthorized", "this delegation link is not valid");
  if (!looksLikeToken(token)) return unknown;
  auto d = store_.delegationByTokenHash(tokenHash(token));
  if (!d) return d.error();
  if (!*d) return unknown;
  if ((*d)->revokedAtMs) return makeError("forbidden", "this delegation was revoked by the host");
  if ((*d)->expiresAtMs <= clock_.wallMillis())
    return makeError("forbidden", "this delegation has expired");
  OpenedDelegation out;
  out.delegation = **d;
  auto s = store_.series(out.delegation.seriesId);
  if (!s) return s.error();
  if (!*s) return makeError("not_found", "the series no longer exists");
  out.series = std::move(**s);
  auto c = store_.person(out.delegation.coordinatorPersonId);
  if (!c) return c.error();
  if (!*c) return makeError("not_found", "the coordinator no longer exists");
  out.coordinator = std::move(**c);
  return out;
}

Result<IssuedInvitation> DelegationService::addDelegate(std::string_view token,
                                                        PersonRecord delegate) {
  auto opened = open(token);
  if (!opened) return opened.error();
  if (opened->delegation.used >= opened->delegation.quota)
    return makeError("quota_exceeded", "this delegation's quota of " +
                                           std::to_string(opened->delegation.quota) +
                                           " delegates is used up");
  if (!delegate.organisationId) delegate.organisationId = opened->coordinator.organisationId;
  if (delegate.country.empty()) delegate.country = opened->coordinator.country;
  delegate.createdAtMs = clock_.wallMillis();
  if (auto st = accounts_.checkPerson(delegate); !st) return st.error();
  IssuedInvitation out;
  out.token = newSecretToken(random_);
  out.record.seriesId = opened->series.id;
  out.record.tokenHash = tokenHash(out.token);
  out.record.createdAtMs = clock_.wallMillis();
  out.record.expiresAtMs = opened->delegation.expiresAtMs;
  // The store re-checks the quota inside the write transaction (two coordinators' tabs racing).
  auto ids = store_.addDelegate(opened->delegation.id, delegate, out.record);
  if (!ids) return ids.error();
  out.record.personId = ids->first;
  out.record.id = ids->second;
  out.joinUrl = series_.joinUrl(opened->series, out.token);
  out.calendarUrl = series_.calendarUrl(out.token);
  return out;
}

}  // namespace rounds
