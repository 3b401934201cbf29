// rounds-load: a bounded load generator for Rounds. Simulates participants that join a room through
// the real signalling, publish synthetic Opus/VP8 over ICE+DTLS+SRTP and measure what they receive
// (docs/load.md). Loopback only.
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <functional>
#include <iostream>

#include "churn.hpp"
#include "net/udp_socket_group.hpp"
#include "participant.hpp"
#include "proc_sampler.hpp"
#include "report.hpp"
#include "server_url.hpp"

namespace {

using namespace rounds;
using namespace rounds::load;
using std::chrono::milliseconds;

constexpr auto kTick = milliseconds(2);
constexpr auto kDrain = milliseconds(500);          // after the senders stop, before the snapshot
constexpr auto kLeaveTimeout = milliseconds(3000);  // for every `leave` to be answered
constexpr auto kSampleInterval = milliseconds(1000);
// Each participant (Janus: each leg) holds two descriptors, its UDP socket and its WebSocket;
// this many more cover stdio, the JSON file, /proc samplers and Asio's own (epoll, timerfd).
constexpr rlim_t kSpareDescriptors = 64;
constexpr uint32_t kMaxParticipants = 5000;

// The usual soft limit of 1,024 descriptors is what capped a run at about 500 participants:
// raise it to the hard limit, and refuse a run that still would not fit, rather than failing
// half way through the joins.
bool ensureDescriptors(size_t legs) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;  // cannot tell: let the run try
  rlim_t need = static_cast<rlim_t>(legs) * 2 + kSpareDescriptors;
  if (lim.rlim_cur < need && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
    ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur >= need) return true;
  std::cerr << "rounds-load: " << legs << " participants (legs) need " << need
            << " file descriptors; the limit is " << lim.rlim_cur << " (raise it: ulimit -n)\n";
  return false;
}

struct Options {
  std::string url = "http://127.0.0.1:8080/";
  std::string room = "load";
  uint32_t participants = 0;
  uint32_t publishers = 0;
  double duration = 0;
  uint32_t joinIntervalMs = 50;
  uint32_t dtlsInitialTimeoutMs = 0;
  bool publishOnly = false;
  MediaOptions media;
  bool noAudio = false;
  bool noVideo = false;
  bool noTransportCc = false;
  bool noNack = false;
  bool noRtcpReports = false;
  std::string jsonOut;
  int serverPid = 0;
  bool quiet = false;
  std::string server = "rounds";
  uint64_t janusRoom = 1234;
  std::string localAddress;
  double measure = 0;
  std::string udpWake = "group";
  std::string addressPool;
  uint32_t churnIntervalMs = 0;
};

enum class Phase { Running, Draining, Leaving, Done };

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rounds-load: simulated participants against a Rounds server on loopback"};
  Options o;
  app.add_option("--url", o.url,
                 "Server URL as `rounds` prints it (http://IP:PORT/), ws://IP:PORT/ws, or IP:PORT")
      ->capture_default_str();
  app.add_option("--room", o.room, "Room to join")->capture_default_str();
  app.add_option("--participants", o.participants, "Participants to simulate")
      ->required()
      ->check(CLI::Range(1u, kMaxParticipants));
  app.add_option("--publishers", o.publishers, "How many of them publish audio+video (the first N)")
      ->required()
      ->check(CLI::Range(0u, kMaxParticipants));
  app.add_option("--duration", o.duration, "Seconds from the first join until the senders stop")
      ->required()
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--dtls-initial-timeout-ms", o.dtlsInitialTimeoutMs,
                 "The DTLS client's first retransmission timeout (0: twice the ICE round trip, "
                 "50 ms to 3 s, as a browser; 1000: RFC 6347's default)")
      ->check(CLI::Range(0u, 60000u))
      ->capture_default_str();
  app.add_option("--join-interval-ms", o.joinIntervalMs, "Delay between two participants' joins")
      ->capture_default_str()
      ->check(CLI::Range(0u, 60000u));
  app.add_flag("--publish-only", o.publishOnly,
               "Publishers do not subscribe (answer the others' tracks inactive)");
  app.add_flag("--no-audio", o.noAudio, "Publishers send no audio");
  app.add_flag("--no-video", o.noVideo, "Publishers send no video");
  app.add_flag("--no-transport-cc", o.noTransportCc,
               "No transport-wide sequence numbers from publishers and no transport feedback "
               "from receivers, even where the server offers transport-cc");
  app.add_flag("--no-nack", o.noNack,
               "No loss recovery: receivers neither NACK nor accept RTX, publishers keep no "
               "history and ignore NACKs (browsers do all of it)");
  app.add_flag("--no-rtcp-reports", o.noRtcpReports,
               "No sender reports from publishers and no receiver reports (report blocks) from "
               "receivers (browsers send both about once a second)");
  app.add_option("--nack-retry-ms", o.media.nackRetryMs,
                 "Receivers NACK a missing packet again after this many ms (0: after their round "
                 "trip to the server plus 10 ms, 100 ms until it is known, as browsers do)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1000u));
  app.add_option("--audio-bytes", o.media.audioPayloadBytes,
                 "RTP payload bytes per audio packet (50/s)")
      ->capture_default_str()
      ->check(CLI::Range(21u, 1000u));
  app.add_option("--video-fps", o.media.videoFps, "Video frames per second")
      ->capture_default_str()
      ->check(CLI::Range(1u, 120u));
  app.add_option("--video-kbps", o.media.videoKbps, "Video bitrate in kbit/s (RTP payload)")
      ->capture_default_str()
      ->check(CLI::Range(10u, 20000u));
  app.add_option("--video-pacing", o.media.videoPacing,
                 "Video packets leave paced at this many times --video-kbps, as a browser's "
                 "pacer sends them; 0: each frame in one burst")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--keyframe-interval", o.media.keyFrameIntervalS,
                 "Seconds between key frames (0: only on PLI/FIR)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 3600u));
  app.add_option("--json-out", o.jsonOut, "Write every figure as JSON to this file");
  app.add_option("--server-pid", o.serverPid, "Sample this process's CPU time and RSS from /proc");
  app.add_flag("--quiet", o.quiet, "No summary on stdout");
  app.add_option("--server", o.server,
                 "Server kind: rounds, or janus (Janus VideoRoom over its WebSocket API)")
      ->capture_default_str()
      ->check(CLI::IsMember({"rounds", "janus"}));
  app.add_option("--janus-room", o.janusRoom, "Janus VideoRoom room id (must exist)")
      ->capture_default_str();
  app.add_option(
         "--measure", o.measure,
         "Seconds to measure once every participant is connected (+1 s); the received-stream "
         "figures are reset then. --duration stays the hard limit")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--local-address", o.localAddress,
                 "UDP bind address (namespace runs); allows a private --url and server candidate");
  app.add_option("--udp-wake", o.udpWake,
                 "How participants' UDP sockets are woken: group (one epoll set for all, "
                 "registered once) or socket (an Asio wait each, re-armed per wake-up)")
      ->capture_default_str()
      ->check(CLI::IsMember({"group", "socket"}));
  app.add_option("--address-pool", o.addressPool,
                 "Every leg shares one UDP socket and gets a local IPv4 address of its own: the "
                 "i-th leg this address + i (127.0.1.1 and up on loopback; in a namespace the "
                 "range needs a local route). Replaces a socket per leg and --udp-wake");
  app.add_option("--churn-interval-ms", o.churnIntervalMs,
                 "Once every participant is connected, one viewer leaves every this many ms (the "
                 "longest present first) and a new viewer joins in its place (0: none)")
      ->check(CLI::Range(0u, 60000u));
  CLI11_PARSE(app, argc, argv);

  if (o.publishers > o.participants) {
    std::cerr << "rounds-load: --publishers must not exceed --participants\n";
    return 2;
  }
  if (o.churnIntervalMs != 0 &&
      (o.server != "rounds" || o.publishers == o.participants || o.churnIntervalMs < 100)) {
    std::cerr << "rounds-load: --churn-interval-ms needs --server rounds, at least one viewer "
                 "(--participants above --publishers) and at least 100 ms\n";
    return 2;
  }
  auto url = parseServerUrl(o.url, !o.localAddress.empty());
  if (!url) {
    std::cerr << "rounds-load: --url " << url.error().message << "\n";
    return 2;
  }
  o.media.audio = !o.noAudio;
  o.media.video = !o.noVideo;
  o.media.transportCc = !o.noTransportCc;
  o.media.nack = !o.noNack;
  o.media.rtcpReports = !o.noRtcpReports;
  // Janus: up to two legs (publisher and subscriber PeerConnections) per participant.
  // Churn: every arrival is a leg of its own (the departed keep theirs until the run ends).
  const std::chrono::milliseconds churnInterval(o.churnIntervalMs);
  const uint32_t maxArrivals =
      o.churnIntervalMs ? ChurnSchedule::maxArrivals(churnInterval, o.duration) : 0;
  size_t maxLegs = o.server == "janus" ? size_t{o.participants} + o.publishers
                                       : size_t{o.participants} + maxArrivals;
  if (!ensureDescriptors(maxLegs)) return 2;
  srtpGlobalInit();

  boost::asio::io_context io;
  UdpSocketGroup udpGroup(io);           // outlives the participants (declared first)
  std::unique_ptr<SharedUdp> sharedUdp;  // likewise
  if (!o.addressPool.empty()) {
    auto shared = SharedUdp::open(io, o.addressPool, maxLegs);
    if (!shared) {
      std::cerr << "rounds-load: --address-pool: " << shared.error().message << "\n";
      return 2;
    }
    sharedUdp = std::move(shared.value());
  }
  RunDirectory directory;
  directory.participantIds.resize(o.participants);
  std::vector<std::unique_ptr<Participant>> participants;
  const bool janus = o.server == "janus";
  auto addParticipant = [&](ParticipantConfig pc) {
    auto cert = Certificate::generate();  // each participant has its own DTLS identity
    if (!cert) {
      std::cerr << "rounds-load: certificate: " << cert.error().message << "\n";
      return false;
    }
    pc.room = o.room;
    pc.wsHost = url->host;
    pc.wsPort = url->port;
    pc.media = o.media;
    pc.localAddress = o.localAddress;
    pc.server = janus ? ServerKind::Janus : ServerKind::Rounds;
    pc.janusRoom = o.janusRoom;
    pc.udpGroup = o.udpWake == "group" ? &udpGroup : nullptr;
    pc.sharedUdp = sharedUdp.get();
    pc.leg = participants.size();
    pc.dtlsInitialTimeout = std::chrono::milliseconds(o.dtlsInitialTimeoutMs);
    participants.push_back(std::make_unique<Participant>(io, pc, directory, cert.value()));
    return true;
  };
  for (uint32_t i = 0; i < o.participants; ++i) {
    ParticipantConfig pc;
    pc.index = i;
    pc.name = "load-" + std::to_string(i);
    pc.publish = i < o.publishers;
    pc.receive = !(pc.publish && o.publishOnly);
    if (!janus) {
      if (!addParticipant(pc)) return 1;
      continue;
    }
    // Janus: one PeerConnection per direction, as its VideoRoom requires. Publisher legs first.
    if (pc.publish) {
      ParticipantConfig pub = pc;
      pub.receive = false;
      if (!addParticipant(pub)) return 1;
    }
  }
  const size_t publisherLegs = participants.size();
  if (janus) {
    for (uint32_t i = 0; i < o.participants; ++i) {
      bool publishes = i < o.publishers;
      if (publishes && o.publishOnly) continue;
      ParticipantConfig sub;
      sub.index = i;
      sub.name = "load-" + std::to_string(i) + "-sub";
      sub.publish = false;
      sub.receive = true;
      for (uint32_t f = 0; f < o.publishers; ++f)
        if (f != i) sub.janusFeeds.push_back(f);
      if (sub.janusFeeds.empty()) continue;
      if (!addParticipant(sub)) return 1;
    }
  }

  std::optional<ChurnSchedule> churn;
  if (o.churnIntervalMs != 0) {
    churn.emplace(churnInterval);
    for (size_t leg = o.publishers; leg < participants.size(); ++leg) churn->addViewer(leg);
  }

  std::optional<ProcSampler> sampler;
  RunInfo info;
  info.url = o.url;
  info.room = o.room;
  info.participants = o.participants;
  info.legs = static_cast<uint32_t>(participants.size());
  info.addressPool = o.addressPool;
  info.serverKind = o.server;
  info.publishers = o.publishers;
  info.durationS = o.duration;
  info.media = o.media;
  info.churnIntervalMs = o.churnIntervalMs;
  if (o.serverPid > 0) {
    sampler.emplace(o.serverPid);
    info.server = ServerUsage{o.serverPid, {}};
  }

  const SteadyTime start = std::chrono::steady_clock::now();
  info.start = start;
  auto stopAt = start + std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::duration<double>(o.duration));
  auto seconds = [](double s) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
  };
  std::optional<SteadyTime> measureFrom;  // --measure: when the stream figures were reset
  bool measuring = false;
  Phase phase = Phase::Running;
  SteadyTime phaseStart = start;
  SteadyTime nextSample = start;
  nlohmann::json report;

  ProcSampler self(static_cast<int>(::getpid()));
  auto sample = [&](SteadyTime now) {
    TimelinePoint pt;
    pt.t = std::chrono::duration<double>(now - start).count();
    for (const auto& p : participants) {
      if (p->connected()) ++pt.connected;
      pt.received += p->packetsReceived();
      pt.sent += p->counters().audioSent + p->counters().videoSent;
    }
    if (auto s = self.sample()) pt.loadCpuSeconds = s->cpuSeconds;
    if (sampler) {
      if (auto s = sampler->sample()) {
        info.server->samples.emplace_back(pt.t, *s);
        pt.serverCpuSeconds = s->cpuSeconds;
      }
    }
    info.timeline.push_back(pt);
  };

  // Churn: the viewer due to leave sends `leave` (its sockets close once the server answered),
  // and a new viewer joins at once on a leg of its own.
  std::vector<size_t> leaving;  // departed legs waiting for the server's answer to `leave`
  auto churnStep = [&](SteadyTime now) {
    if (!churn->started()) {  // once every participant connected (or failed: see its errors)
      bool settled = std::all_of(participants.begin(), participants.end(),
                                 [](const auto& p) { return p->connected() || p->left(); });
      if (settled) churn->start(now);
      return;
    }
    for (uint32_t n = churn->due(now, maxArrivals); n > 0; --n) {
      if (auto leg = churn->nextToLeave()) {
        if (!info.churnStartS)
          info.churnStartS = std::chrono::duration<double>(now - start).count();
        participants[*leg]->leave();
        info.churnDepartures.push_back(*leg);
        leaving.push_back(*leg);
      }
      ParticipantConfig pc;
      pc.index = static_cast<uint32_t>(participants.size());
      pc.name = "load-" + std::to_string(pc.index);
      pc.publish = false;
      pc.receive = true;
      if (!addParticipant(pc)) break;
      participants.back()->start();
      churn->addViewer(participants.size() - 1);
      info.churnArrivals.push_back(participants.size() - 1);
    }
    std::erase_if(leaving, [&](size_t leg) {
      if (!participants[leg]->left()) return false;
      participants[leg]->shutdown();
      return true;
    });
  };

  boost::asio::steady_timer timer(io);
  SteadyTime nextTick = start;
  // Janus subscribers can only subscribe to feeds that exist: their legs start once every
  // publisher leg is connected (or failed), at the join interval from then.
  std::optional<SteadyTime> subscribersFrom;
  if (!janus || publisherLegs == 0) subscribersFrom = start;
  std::function<void()> tick = [&] {
    SteadyTime now = std::chrono::steady_clock::now();
    if (!subscribersFrom) {
      bool ready = true;
      for (size_t i = 0; i < publisherLegs; ++i)
        ready = ready && (participants[i]->connected() || participants[i]->left());
      if (ready) subscribersFrom = now;
    }
    for (uint32_t i = 0; i < participants.size(); ++i) {
      Participant& p = *participants[i];
      SteadyTime due = start + milliseconds(o.joinIntervalMs) * i;
      if (janus && i >= publisherLegs)
        due = subscribersFrom ? *subscribersFrom + milliseconds(o.joinIntervalMs) *
                                                       static_cast<int64_t>(i - publisherLegs)
                              : SteadyTime::max();
      if (!p.started() && phase == Phase::Running && now >= due) p.start();
      p.tick(now);
    }
    if (churn && phase == Phase::Running) churnStep(now);
    if (sharedUdp) sharedUdp->socket().flush();
    if (o.measure > 0 && phase == Phase::Running && !measureFrom) {
      bool all = std::all_of(participants.begin(), participants.end(),
                             [](const auto& p) { return p->connected(); });
      if (all) {
        measureFrom = now + std::chrono::seconds(1);
        stopAt = std::min(stopAt, *measureFrom + seconds(o.measure));
      }
    }
    if (measureFrom && !measuring && now >= *measureFrom) {
      for (auto& p : participants) p->resetStreamStats();
      measuring = true;
      info.measureFromS = std::chrono::duration<double>(now - start).count();
      sample(now);  // a timeline point exactly where the measured window starts
    }
    if (phase == Phase::Running && now >= nextSample) {
      sample(now);
      nextSample += kSampleInterval;
    }
    if (phase == Phase::Running && now >= stopAt) {
      for (auto& p : participants) p->stopMedia();
      sample(now);
      phase = Phase::Draining;
      phaseStart = now;
    } else if (phase == Phase::Draining && now - phaseStart >= kDrain) {
      for (auto& p : participants) p->freezeStats();
      if (sharedUdp) {
        info.unclaimedDatagrams = sharedUdp->unclaimed();
        info.socketQueueDrops = sharedUdp->socket().counters().queueDrops;
      }
      for (auto& p : participants) info.socketQueueDrops += p->ownSocketQueueDrops();
      info.elapsedS = std::chrono::duration<double>(now - start).count();
      report = buildReport(participants, directory, info);
      for (auto& p : participants) p->leave();
      phase = Phase::Leaving;
      phaseStart = now;
    } else if (phase == Phase::Leaving) {
      bool all = std::all_of(participants.begin(), participants.end(),
                             [](const auto& p) { return !p->started() || p->left(); });
      if (all || now - phaseStart >= kLeaveTimeout) phase = Phase::Done;
    }
    if (phase == Phase::Done) {
      for (auto& p : participants) p->shutdown();
      if (sharedUdp) sharedUdp->socket().close();  // its wait would keep io.run() going
      return;
    }
    nextTick += kTick;
    if (nextTick < now) nextTick = now;  // fell behind: do not try to catch up tick by tick
    timer.expires_at(nextTick);
    timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  tick();
  io.run();

  if (!o.quiet) printSummary(report, std::cout);
  if (!o.jsonOut.empty()) {
    std::ofstream out(o.jsonOut);
    out << report.dump(2) << "\n";
    if (!out) {
      std::cerr << "rounds-load: cannot write " << o.jsonOut << "\n";
      return 1;
    }
  }
  // Exit status: 0 when every participant connected and none reported an error.
  const auto& t = report["totals"];
  bool ok = t["participantsConnected"].get<size_t>() == participants.size() &&
            t["errors"].get<uint64_t>() == 0;
  return ok ? 0 : 3;
}
