// The figures of a load run: one JSON document (--json-out) with per-participant, per-stream and
// total figures plus the server's CPU and memory, and a short human summary made from it.
// Threading: called on the run loop's thread after the run.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "participant.hpp"
#include "proc_sampler.hpp"

namespace rounds::load {

struct ServerUsage {
  int pid = 0;
  std::vector<std::pair<double, ProcSample>> samples;  // (seconds since run start, sample)
};

struct RunInfo {
  std::string url;
  std::string room;
  uint32_t participants = 0;
  uint32_t publishers = 0;
  double durationS = 0;  // requested media duration
  double elapsedS = 0;   // from first join to the stats snapshot
  SteadyTime start{};
  MediaOptions media;
  std::optional<ServerUsage> server;
};

nlohmann::json buildReport(std::vector<std::unique_ptr<Participant>>& participants,
                           const RunDirectory& directory, const RunInfo& info);
void printSummary(const nlohmann::json& report, std::ostream& out);

}  // namespace rounds::load
