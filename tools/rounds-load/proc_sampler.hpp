// Samples another process's CPU time and memory from /proc/<pid>/stat and /proc/<pid>/status
// (proc(5)), to see what a load run costs the server. Parsers are pure; the sampler reads files.
// Threading: a ProcSampler belongs to one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rounds::load {

// utime + stime (fields 14 and 15 of /proc/<pid>/stat) in clock ticks. The command name (field 2)
// may hold spaces and parentheses, so fields are counted after the last ')'.
std::optional<uint64_t> parseProcStatCpuTicks(std::string_view stat);
// A "Name:   <n> kB" line of /proc/<pid>/status ("VmRSS", "VmHWM"), in KiB.
std::optional<uint64_t> parseProcStatusKb(std::string_view status, std::string_view name);

struct ProcSample {
  double cpuSeconds = 0;  // user + system since the process started
  uint64_t rssKb = 0;
  uint64_t hwmKb = 0;  // peak RSS since the process started
};

class ProcSampler {
 public:
  explicit ProcSampler(int pid);
  std::optional<ProcSample> sample() const;
  int pid() const { return pid_; }

 private:
  int pid_;
  long ticksPerSecond_;
};

}  // namespace rounds::load
