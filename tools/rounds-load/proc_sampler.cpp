#include "proc_sampler.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace rounds::load {

namespace {

std::optional<uint64_t> toU64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::optional<uint64_t> parseProcStatCpuTicks(std::string_view stat) {
  size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // Field 3 (state) is the first token after ')'; utime is field 14, stime field 15.
  uint64_t ticks = 0;
  int field = 2;
  size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    size_t end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    if (end == pos) break;
    ++field;
    if (field == 14 || field == 15) {
      std::string_view tok = rest.substr(pos, end - pos);
      while (!tok.empty() && (tok.back() == '\n')) tok.remove_suffix(1);
      auto v = toU64(tok);
      if (!v) return std::nullopt;
      ticks += *v;
      if (field == 15) return ticks;
    }
    pos = end;
  }
  return std::nullopt;
}

std::optional<uint64_t> parseProcStatusKb(std::string_view status, std::string_view name) {
  size_t pos = 0;
  while (pos < status.size()) {
    size_t eol = status.find('\n', pos);
    if (eol == std::string_view::npos) eol = status.size();
    std::string_view line = status.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() <= name.size() || line.substr(0, name.size()) != name ||
        line[name.size()] != ':')
      continue;
    std::string_view v = line.substr(name.size() + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
    size_t sp = v.find(' ');
    if (sp == std::string_view::npos || v.substr(sp + 1) != "kB") return std::nullopt;
    return toU64(v.substr(0, sp));
  }
  return std::nullopt;
}

ProcSampler::ProcSampler(int pid) : pid_(pid), ticksPerSecond_(::sysconf(_SC_CLK_TCK)) {
  if (ticksPerSecond_ <= 0) ticksPerSecond_ = 100;
}

std::optional<ProcSample> ProcSampler::sample() const {
  std::string base = "/proc/" + std::to_string(pid_);
  auto stat = readFile(base + "/stat");
  auto status = readFile(base + "/status");
  if (!stat || !status) return std::nullopt;
  auto ticks = parseProcStatCpuTicks(*stat);
  auto rss = parseProcStatusKb(*status, "VmRSS");
  if (!ticks || !rss) return std::nullopt;
  ProcSample s;
  s.cpuSeconds = static_cast<double>(*ticks) / static_cast<double>(ticksPerSecond_);
  s.rssKb = *rss;
  s.hwmKb = parseProcStatusKb(*status, "VmHWM").value_or(*rss);
  return s;
}

}  // namespace rounds::load
