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

// Once a second while the media runs: how many participants are connected, how many RTP packets
// they have received in total, and the CPU time of the server (if sampled) and of this process.
struct TimelinePoint {
  double t = 0;  // seconds since run start
  uint32_t connected = 0;
  uint64_t received = 0;
  uint64_t sent = 0;  // RTP packets all publishers have sent
  std::optional<double> serverCpuSeconds;
  std::optional<double> loadCpuSeconds;
};

// The steady state: from the first timeline point with every participant connected (plus
// `settleS`) to the last point before the senders stopped. nullopt if that window is under 1 s.
struct SteadyWindow {
  double fromS = 0, toS = 0;
  double forwardedPerSecond = 0;  // packets received by all participants per second
  double sentPerSecond = 0;       // packets all publishers sent per second
  std::optional<double> serverCpuPercent;
  std::optional<double> packetsPerServerCpuSecond;
  std::optional<double> loadCpuPercent;
};
// With `notBeforeS`, the window starts no earlier than that (the --measure reset).
std::optional<SteadyWindow> steadyWindow(const std::vector<TimelinePoint>& timeline,
                                         uint32_t participants, double settleS,
                                         double notBeforeS = 0);

struct RunInfo {
  std::string url;
  std::string room;
  uint32_t participants = 0;
  uint32_t legs = 0;  // simulated PeerConnections: participants (Rounds), or per direction (Janus)
  std::string serverKind = "rounds";
  uint32_t publishers = 0;
  double durationS = 0;  // requested media duration
  double elapsedS = 0;   // from first join to the stats snapshot
  SteadyTime start{};
  MediaOptions media;
  std::optional<ServerUsage> server;
  std::vector<TimelinePoint> timeline;
  std::optional<double> measureFromS;  // --measure: when the stream figures were reset
  // --address-pool: the first leg's address, and datagrams that reached the shared socket for
  // no leg's address (dropped).
  std::string addressPool;
  uint64_t unclaimedDatagrams = 0;
  // Datagrams the kernel dropped at the generator's full receive queue(s) over the whole run:
  // loss that is the generator's, not the server's.
  uint64_t socketQueueDrops = 0;
  // --churn-interval-ms: the legs sent away and the legs that joined in their place.
  uint32_t churnIntervalMs = 0;
  std::vector<size_t> churnDepartures;
  std::vector<size_t> churnArrivals;
  std::optional<double> churnStartS;  // the first departure, seconds since run start
};

nlohmann::json buildReport(std::vector<std::unique_ptr<Participant>>& participants,
                           const RunDirectory& directory, const RunInfo& info);
void printSummary(const nlohmann::json& report, std::ostream& out);

}  // namespace rounds::load
