// rounds-netem: a userspace network emulator for tests (this kernel has no netem qdisc). Joins two
// network namespaces with a point-to-point link of two tun devices and forwards IP packets between
// them with loss, delay + jitter and a rate limit per direction (docs/testing-network.md).
#include <signal.h>
#include <sys/signalfd.h>
#include <poll.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <queue>
#include <sstream>
#include <vector>

#include "link_model.hpp"
#include "tun_link.hpp"

namespace {

using namespace rounds::netem;

constexpr size_t kPoolPackets = 8192;  // packets held at once over both directions
constexpr size_t kMaxPacket = 65536;

uint64_t nowUs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// Packets waiting for their release time: a fixed pool of buffers and, per direction, a min-heap
// of (release, arrival order, slot) so equal times keep arrival order.
struct Held {
  uint64_t releaseUs;
  uint64_t order;
  uint32_t slot;
  bool operator>(const Held& o) const {
    return releaseUs != o.releaseUs ? releaseUs > o.releaseUs : order > o.order;
  }
};

struct Direction {
  const char* name;
  int inFd;
  int outFd;
  DirectionModel model;
  std::priority_queue<Held, std::vector<Held>, std::greater<>> held;
  uint64_t forwarded = 0;
  uint64_t writeErrors = 0;
  uint64_t poolDrops = 0;
};

struct Pool {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kPoolPackets * 2048);
  std::vector<uint32_t> sizes = std::vector<uint32_t>(kPoolPackets);
  std::vector<uint32_t> free;
  Pool() {
    free.reserve(kPoolPackets);
    for (uint32_t i = kPoolPackets; i > 0; --i) free.push_back(i - 1);
  }
  uint8_t* at(uint32_t slot) { return bytes.data() + static_cast<size_t>(slot) * 2048; }
};

std::string counters(const Direction& d) {
  const DirectionCounters& c = d.model.counters();
  const uint64_t accepted = c.packets - c.lost - c.queueDrops;
  std::ostringstream out;
  out << d.name << " packets=" << c.packets << " bytes=" << c.bytes << " forwarded=" << d.forwarded
      << " lost=" << c.lost << " queueDrops=" << c.queueDrops << " rateLimited=" << c.rateLimited
      << " delayed=" << c.delayed << " meanDelayMs="
      << (accepted ? static_cast<double>(c.totalDelayUs) / 1000.0 / static_cast<double>(accepted) : 0.0)
      << " maxDelayMs=" << static_cast<double>(c.maxDelayUs) / 1000.0 << " poolDrops=" << d.poolDrops
      << " writeErrors=" << d.writeErrors;
  return out.str();
}

bool loadControl(const std::string& path, LinkSettings& settings) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "rounds-netem: cannot read " << path << "\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = parseControl(text.str());
  if (!parsed) {
    std::cerr << "rounds-netem: bad control file " << path << " (kept the old settings)\n";
    return false;
  }
  settings = *parsed;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rounds-netem: a two-namespace tun link with loss, delay, jitter and rate limits"};
  TunEnd a{".", "rnetem0", "10.77.0.1/24"};
  TunEnd b{"", "rnetem1", "10.77.0.2/24"};
  std::string aToB, bToA, both, control;
  double duration = 0;
  uint32_t mtu = 1500;
  uint64_t seed = 0;
  app.add_option("--a-netns", a.netns, "Namespace of end A: '.', a path or an `ip netns` name")->capture_default_str();
  app.add_option("--b-netns", b.netns, "Namespace of end B: '.', a path or an `ip netns` name")->required();
  app.add_option("--a-dev", a.device, "Tun device name of end A")->capture_default_str();
  app.add_option("--b-dev", b.device, "Tun device name of end B")->capture_default_str();
  app.add_option("--a-address", a.address, "IPv4 address/prefix of end A")->capture_default_str();
  app.add_option("--b-address", b.address, "IPv4 address/prefix of end B")->capture_default_str();
  app.add_option("--a-to-b", aToB, "Impairment A→B, e.g. 'loss=5 delay=50 jitter=10 rate=500 queue=50'");
  app.add_option("--b-to-a", bToA, "Impairment B→A");
  app.add_option("--both", both, "Impairment of both directions (before --a-to-b/--b-to-a)");
  app.add_option("--control", control,
                 "Control file read at start (if present) and on SIGUSR1: lines 'a-to-b|b-to-a|both <impairment>'");
  app.add_option("--duration", duration, "Seconds to run (0: until SIGTERM/SIGINT)")->check(CLI::NonNegativeNumber);
  app.add_option("--mtu", mtu, "MTU of both tun devices")->check(CLI::Range(576u, 9000u))->capture_default_str();
  app.add_option("--seed", seed, "Random seed (0: from the clock)");
  CLI11_PARSE(app, argc, argv);
  if (mtu > 2048) mtu = 2048;  // the pool's slot size

  LinkSettings settings;
  std::string text = (both.empty() ? "" : "both " + both + "\n") + (aToB.empty() ? "" : "a-to-b " + aToB + "\n") +
                     (bToA.empty() ? "" : "b-to-a " + bToA + "\n");
  if (auto parsed = parseControl(text)) {
    settings = *parsed;
  } else {
    std::cerr << "rounds-netem: bad impairment: " << text;
    return 2;
  }
  if (!control.empty() && access(control.c_str(), R_OK) == 0 && !loadControl(control, settings)) return 2;

  // Signals arrive through a signalfd so that the loop's poll sees them.
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP}) sigaddset(&mask, s);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sigFd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  std::string error;
  int fdA = openTunIn(a, mtu, error);
  if (fdA < 0) {
    std::cerr << "rounds-netem: end A: " << error << "\n";
    return 1;
  }
  int fdB = openTunIn(b, mtu, error);
  if (fdB < 0) {
    std::cerr << "rounds-netem: end B: " << error << "\n";
    return 1;
  }
  if (seed == 0) seed = nowUs();
  Direction dirs[2] = {{"a-to-b", fdA, fdB, DirectionModel(seed, settings.aToB), {}},
                       {"b-to-a", fdB, fdA, DirectionModel(seed ^ 0x9e3779b97f4a7c15ull, settings.bToA), {}}};
  for (Direction& d : dirs) {
    std::vector<Held> storage;
    storage.reserve(kPoolPackets);  // no allocation per packet
    d.held = decltype(d.held)(std::greater<>(), std::move(storage));
  }
  Pool pool;
  uint64_t order = 0;
  std::cout << "ready " << a.device << " " << a.address << " <-> " << b.device << " " << b.address << "\n"
            << "settings a-to-b " << describe(settings.aToB) << "\nsettings b-to-a " << describe(settings.bToA)
            << std::endl;

  const uint64_t start = nowUs();
  const uint64_t endUs = duration > 0 ? start + static_cast<uint64_t>(duration * 1e6) : UINT64_MAX;
  std::vector<uint8_t> scratch(kMaxPacket);
  bool running = true;
  while (running) {
    uint64_t now = nowUs();
    // Release what is due.
    uint64_t next = endUs;
    for (Direction& d : dirs) {
      while (!d.held.empty() && d.held.top().releaseUs <= now) {
        Held h = d.held.top();
        d.held.pop();
        if (::write(d.outFd, pool.at(h.slot), pool.sizes[h.slot]) < 0) ++d.writeErrors;
        else ++d.forwarded;
        pool.free.push_back(h.slot);
      }
      if (!d.held.empty()) next = std::min(next, d.held.top().releaseUs);
    }
    if (now >= endUs) break;

    struct pollfd fds[3] = {{fdA, POLLIN, 0}, {fdB, POLLIN, 0}, {sigFd, POLLIN, 0}};
    uint64_t waitUs = next > now ? next - now : 0;
    struct timespec timeout{static_cast<time_t>(waitUs / 1'000'000), static_cast<long>((waitUs % 1'000'000) * 1000)};
    if (::ppoll(fds, 3, &timeout, nullptr) < 0 && errno != EINTR) break;

    if (fds[2].revents & POLLIN) {
      struct signalfd_siginfo info;
      while (::read(sigFd, &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGUSR1 && !control.empty()) {
          if (loadControl(control, settings)) {
            dirs[0].model.setImpairment(settings.aToB);
            dirs[1].model.setImpairment(settings.bToA);
            std::cout << "settings a-to-b " << describe(settings.aToB) << "\nsettings b-to-a "
                      << describe(settings.bToA) << std::endl;
          }
        } else if (info.ssi_signo == SIGUSR2) {
          std::cout << "stats " << counters(dirs[0]) << "\nstats " << counters(dirs[1]) << std::endl;
        } else if (info.ssi_signo != SIGUSR1) {
          running = false;
        }
      }
    }
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      Direction& d = dirs[i];
      for (int burst = 0; burst < 256; ++burst) {
        ssize_t n = ::read(d.inFd, scratch.data(), scratch.size());
        if (n <= 0) break;
        uint64_t arrival = nowUs();
        auto release = d.model.onPacket(arrival, static_cast<size_t>(n));
        if (!release) continue;
        if (pool.free.empty() || static_cast<size_t>(n) > 2048) {
          ++d.poolDrops;
          continue;
        }
        uint32_t slot = pool.free.back();
        pool.free.pop_back();
        std::copy(scratch.data(), scratch.data() + n, pool.at(slot));
        pool.sizes[slot] = static_cast<uint32_t>(n);
        d.held.push({*release, order++, slot});
      }
    }
  }
  std::cout << "final " << counters(dirs[0]) << "\nfinal " << counters(dirs[1]) << std::endl;
  ::close(fdA);
  ::close(fdB);
  return 0;
}
