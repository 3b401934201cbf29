// rounds: the server binary. The one place where objects are created and wired together
// (docs/architecture.md); teardown order is in docs/lifecycle.md.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <iostream>

#include "common/log.hpp"
#include "control/api.hpp"
#include "control/api/knowledge_api.hpp"
#include "control/conference.hpp"
#include "control/http_server.hpp"
#include "media/media_engine.hpp"
#include "services/accounts.hpp"
#include "services/attendance.hpp"
#include "services/turn_credentials.hpp"
#include "services/delegations.hpp"
#include "services/series.hpp"
#include "store/store.hpp"

namespace {

struct Options {
  std::string httpAddress = "127.0.0.1";
  uint16_t httpPort = 8080;
  std::string mediaAddress = "127.0.0.1";
  uint16_t mediaPort = 40000;
  std::string announcedAddress;
  unsigned mediaWorkers = 1;
  int iceTcpPort = -1;
  std::string webRoot = "client/dist";
  std::string db = "rounds.db";
  std::string tlsCert;
  std::string tlsKey;
  size_t roomMaxParticipants = 16;
  unsigned consentTimeout = 20;
  unsigned resumeGrace = 20;
  unsigned rosterBatchMs = 250;
  unsigned resendMaxQueueWaitMs = 50;
  std::vector<std::string> turnUrls;
  std::string turnSecret;
  unsigned turnTtl = 3600;
  bool noSimulcast = false;
  bool checkTurn = false;
  std::string logLevel = "info";
  std::string publicUrl;
  std::string bootstrapToken;
};

void addOptions(CLI::App& app, Options& o) {
  app.set_config("--config", "", "Read options from a TOML or INI file (keys as the long option names)");
  app.add_option("--http-address", o.httpAddress, "Address the web client, API and signalling listen on")
      ->envname("ROUNDS_HTTP_ADDRESS")->capture_default_str();
  app.add_option("--http-port", o.httpPort, "TCP port for HTTP(S) and WebSocket signalling (0: any free port)")
      ->envname("ROUNDS_HTTP_PORT")->capture_default_str();
  app.add_option("--media-address", o.mediaAddress, "Address the UDP media sockets bind to (IP literal)")
      ->envname("ROUNDS_MEDIA_ADDRESS")->capture_default_str();
  app.add_option("--media-port", o.mediaPort,
                 "UDP port of media worker 0; worker i uses port+i (0: any free ports)")
      ->envname("ROUNDS_MEDIA_PORT")->capture_default_str();
  app.add_option("--ice-tcp-port", o.iceTcpPort,
                 "TCP port for ICE-TCP (RFC 6544), for networks that block UDP; worker i uses port+i. "
                 "-1: the same number as the UDP media port, 0: off")
      ->envname("ROUNDS_ICE_TCP_PORT")->check(CLI::Range(-1, 65535))->capture_default_str();
  app.add_option("--announced-address", o.announcedAddress,
                 "Address announced to browsers in ICE candidates: the public address when behind "
                 "NAT (default: the media address)")
      ->envname("ROUNDS_ANNOUNCED_ADDRESS");
  app.add_option("--media-workers", o.mediaWorkers, "Media worker threads (one core and one UDP port each)")
      ->envname("ROUNDS_MEDIA_WORKERS")->check(CLI::Range(1u, 64u))->capture_default_str();
  app.add_option("--web-root", o.webRoot, "Directory of the built web client")
      ->envname("ROUNDS_WEB_ROOT")->capture_default_str();
  app.add_option("--db", o.db, "SQLite database file (created if missing)")
      ->envname("ROUNDS_DB")->capture_default_str();
  app.add_option("--tls-cert", o.tlsCert, "PEM certificate chain: serve HTTPS/WSS (with --tls-key)")
      ->envname("ROUNDS_TLS_CERT");
  app.add_option("--tls-key", o.tlsKey, "PEM private key for --tls-cert")->envname("ROUNDS_TLS_KEY");
  app.add_option("--room-max-participants", o.roomMaxParticipants, "Participants allowed in one room")
      ->envname("ROUNDS_ROOM_MAX_PARTICIPANTS")->check(CLI::Range(size_t{1}, size_t{1000}))->capture_default_str();
  app.add_option("--consent-timeout", o.consentTimeout,
                 "Seconds without ICE consent checks before a participant is dropped (RFC 7675)")
      ->envname("ROUNDS_CONSENT_TIMEOUT")->check(CLI::Range(5u, 300u))->capture_default_str();
  app.add_option("--resume-grace", o.resumeGrace,
                 "Seconds a participant whose signalling socket closed without leaving is kept for a "
                 "resume on a new socket (0: removed at once; consent expiry may remove it earlier)")
      ->envname("ROUNDS_RESUME_GRACE")->check(CLI::Range(0u, 300u))->capture_default_str();
  app.add_option("--roster-batch-ms", o.rosterBatchMs,
                 "Joins and leaves within this many milliseconds of the last ones are told to the "
                 "room together, one message per member (0: each at once)")
      ->envname("ROUNDS_ROSTER_BATCH_MS")->check(CLI::Range(0u, 5000u))->capture_default_str();
  app.add_option(
         "--resend-max-queue-wait-ms", o.resendMaxQueueWaitMs,
         "A subscriber's NACK that waited longer than this in a media worker's receive queue "
         "(the worker is overloaded) is not answered with a retransmission (0: always answer)")
      ->envname("ROUNDS_RESEND_MAX_QUEUE_WAIT_MS")
      ->check(CLI::Range(0u, 10000u))
      ->capture_default_str();
  app.add_option("--turn-url", o.turnUrls,
                 "TURN server handed to browsers, repeatable (e.g. turn:turn.example.org:3478?transport=udp, "
                 "turns:turn.example.org:443?transport=tcp); needs --turn-secret (docs/turn.md)")
      ->envname("ROUNDS_TURN_URL")->delimiter(',')
      ->check([](const std::string& url) {
        return rounds::TurnCredentials::isValidUrl(url) ? std::string() : "not a stun:, turn: or turns: URL: " + url;
      });
  app.add_option("--turn-secret", o.turnSecret,
                 "Secret shared with the TURN server (coturn static-auth-secret): signs short-lived credentials")
      ->envname("ROUNDS_TURN_SECRET");
  app.add_flag("--check-turn", o.checkTurn,
               "Check the TURN options, print sample credentials and a coturn test command, and exit "
               "(0: usable, 2: not)");
  app.add_flag("--no-simulcast", o.noSimulcast,
               "Ask publishers for one video stream instead of three simulcast layers");
  app.add_option("--turn-ttl", o.turnTtl, "Seconds a participant's TURN credentials stay valid")
      ->envname("ROUNDS_TURN_TTL")->check(CLI::Range(60u, 7u * 24 * 3600))->capture_default_str();
  app.add_option("--public-url", o.publicUrl,
                 "Base URL invitees use to reach this server, in invitation links and .ics files "
                 "(default: the URL printed at start-up)")
      ->envname("ROUNDS_PUBLIC_URL");
  app.add_option("--bootstrap-token", o.bootstrapToken,
                 "Secret that allows creating the first host account (POST /api/accounts with "
                 "X-Rounds-Bootstrap) while none exists; at least 16 characters (docs/api.md)")
      ->envname("ROUNDS_BOOTSTRAP_TOKEN")
      ->check([](const std::string& t) {
        return t.size() >= 16 ? std::string() : "the bootstrap token needs at least 16 characters";
      });
  app.add_option("--log-level", o.logLevel, "trace, debug, info, warn, error")
      ->envname("ROUNDS_LOG_LEVEL")->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
}

// `rounds --check-turn`: what is wrong or weak in the TURN options, and credentials to try by hand
// against the TURN server (docs/turn.md "Checking the configuration").
int checkTurnOptions(const rounds::TurnConfig& config, const rounds::TurnCheck& check) {
  using namespace rounds;
  if (config.urls.empty() && config.secret.empty()) {
    std::printf("turn: not configured (no --turn-url, no --turn-secret)\n");
    return 0;
  }
  for (const auto& e : check.errors) std::printf("error: %s\n", e.c_str());
  for (const auto& w : check.warnings) std::printf("warning: %s\n", w.c_str());
  if (!check.ok()) return 2;
  TurnCredentials turn(config, SystemClock::instance());
  auto sample = turn.issue("check-turn");
  if (!sample) return 2;
  std::printf("username: %s\npassword: %s\n", sample->username.c_str(), sample->credential.c_str());
  for (const auto& url : config.urls) {
    auto u = TurnCredentials::parseUrl(url);
    if (!u || u->scheme == "stun") continue;
    bool tls = u->scheme == "turns";
    uint16_t port = u->port ? u->port : (tls ? 5349 : 3478);
    std::string host = u->host.starts_with('[') ? u->host.substr(1, u->host.size() - 2) : u->host;
    // coturn's test client allocates a relay with these credentials (-t TCP, -S TLS over TCP).
    std::printf("try: turnutils_uclient %s-p %u -u '%s' -w '%s' -n 1 -m 1 -e <rounds media address> %s\n",
                tls ? "-t -S " : (u->transport == "tcp" ? "-t " : ""), unsigned(port),
                sample->username.c_str(), sample->credential.c_str(), host.c_str());
  }
  std::printf("turn: ok\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rounds;
  CLI::App app{"Rounds: video and telephone conferencing for cross-border clinical exchange"};
  Options o;
  addOptions(app, o);
  CLI11_PARSE(app, argc, argv);
  if (o.tlsCert.empty() != o.tlsKey.empty()) {
    std::cerr << "rounds: --tls-cert and --tls-key go together\n";
    return 2;
  }
  TurnConfig turnConfig{o.turnUrls, o.turnSecret, std::chrono::seconds(o.turnTtl)};
  TurnCheck turnCheck = TurnCredentials::check(turnConfig);
  if (o.checkTurn) return checkTurnOptions(turnConfig, turnCheck);
  if (!turnCheck.ok()) {
    for (const auto& e : turnCheck.errors) std::cerr << "rounds: " << e << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(o.logLevel));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  for (const auto& w : turnCheck.warnings) spdlog::warn("turn: {} (rounds --check-turn)", w);

  boost::asio::io_context io;

  auto store = openSqliteStore(o.db);
  if (!store) {
    std::cerr << "rounds: cannot open database " << o.db << ": " << store.error().message << "\n";
    return 1;
  }
  AttendanceService attendance(*store.value(), SystemClock::instance());
  attendance.recoverAfterRestart();

  MediaConfig mc;
  mc.listenAddress = o.mediaAddress;
  mc.basePort = o.mediaPort;
  mc.announcedAddress = o.announcedAddress;
  mc.workers = o.mediaWorkers;
  mc.tcpBasePort = o.iceTcpPort;
  mc.consentTimeoutMs = o.consentTimeout * 1000;
  mc.resendMaxQueueWaitMs = o.resendMaxQueueWaitMs;

  // The media engine reports to the conference, which is created after it: a forwarding shim.
  struct EventsShim : MediaEvents {
    MediaEvents* target = nullptr;
    void onMediaPeerConnected(const std::string& id) override {
      if (target) target->onMediaPeerConnected(id);
    }
    void onMediaPeerClosed(const std::string& id, const std::string& reason) override {
      if (target) target->onMediaPeerClosed(id, reason);
    }
  } shim;
  MediaEngine media(io, mc, shim);
  if (auto st = media.start(); !st) {
    std::cerr << "rounds: media: " << st.error().message << "\n";
    return 1;
  }

  ConferenceConfig cc;
  cc.simulcast = !o.noSimulcast;
  cc.maxParticipantsPerRoom = o.roomMaxParticipants;
  cc.turn = turnConfig;
  cc.resumeGrace = std::chrono::seconds(o.resumeGrace);
  cc.rosterBatchWindow = Millis(o.rosterBatchMs);
  Conference conference(cc, media, attendance);
  shim.target = &conference;
  // Issue 4: accounts, directory, series, invitations (docs/api.md).
  AccountsConfig ac;
  ac.bootstrapToken = o.bootstrapToken;
  AccountService accounts(*store.value(), SystemClock::instance(), CryptoRandom::instance(), ac);
  SeriesService seriesService(*store.value(), SystemClock::instance(), CryptoRandom::instance());
  DelegationService delegations(*store.value(), SystemClock::instance(), CryptoRandom::instance(),
                                accounts, seriesService);
  ClinicalApi clinicalApi(accounts, seriesService, delegations);
  clinicalApi.setRoomEvents(&conference);  // role changes reach people already in the room
  // Series rooms: invitees and hosts enter, everyone else waits in the lobby (docs/signalling.md).
  SeriesRoomAccess roomAccess(accounts, seriesService);
  conference.setAccess(&roomAccess);
  if (auto n = store.value()->countAccounts(); n && *n == 0) {
    if (o.bootstrapToken.empty())
      spdlog::warn("no host account yet: restart with --bootstrap-token (ROUNDS_BOOTSTRAP_TOKEN) "
                   "to create the first one (docs/api.md)");
    else
      spdlog::info("no host account yet: POST /api/accounts with X-Rounds-Bootstrap creates the first");
  }
  Api api(conference, attendance, clinicalApi);
  // In the room (issue 4): meetings, agenda, cases, Q&A/FAQ, attendance reports.
  MeetingService meetings(*store.value(), SystemClock::instance(), accounts, seriesService);
  CaseService cases(meetings);
  QuestionService questions(meetings);
  KnowledgeApi knowledgeApi(meetings, cases, questions, attendance);
  registerKnowledgeApi(api, knowledgeApi);
  knowledgeApi.setRoomEvents(&conference);  // the running agenda item, pushed over signalling

  HttpServerConfig hc;
  hc.bindAddress = o.httpAddress;
  hc.port = o.httpPort;
  hc.webRoot = o.webRoot;
  hc.tlsCertFile = o.tlsCert;
  hc.tlsKeyFile = o.tlsKey;
  HttpServer http(io, hc, conference, api);
  if (auto st = http.start(); !st) {
    std::cerr << "rounds: http: " << st.error().message << "\n";
    media.stop();
    return 1;
  }

  // Media counters for /api/stats, refreshed once a second; the same tick ends the sessions
  // whose grace period for a resume ran out.
  boost::asio::steady_timer statsTimer(io);
  std::function<void()> refreshStats = [&] {
    media.stats([&](std::vector<WorkerStats> s) { api.setMediaStats(std::move(s)); });
    conference.expireDetached();
    statsTimer.expires_after(std::chrono::seconds(1));
    statsTimer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) refreshStats();
    });
  };
  refreshStats();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    // docs/lifecycle.md: participants first (attendance closed, close_notify queued), then the
    // media workers, then the HTTP server; the loop ends when nothing is left.
    conference.shutdown();
    statsTimer.cancel();
    media.stop();
    http.stop();
  });

  std::string scheme = http.tls() ? "https" : "http";
  std::string shownHost = o.httpAddress == "0.0.0.0" ? "localhost" : o.httpAddress;
  {
    std::string url = o.publicUrl.empty()
                          ? scheme + "://" + shownHost + ":" + std::to_string(http.port())
                          : o.publicUrl;
    while (!url.empty() && url.back() == '/') url.pop_back();
    seriesService.setPublicUrl(url);
  }
  std::printf("url: %s://%s:%u/\n", scheme.c_str(), shownHost.c_str(), http.port());
  std::string announced = o.announcedAddress.empty() ? o.mediaAddress : o.announcedAddress;
  for (uint16_t port : media.ports())
    std::printf("media: udp %s:%u\n", announced.c_str(), port);
  for (uint16_t port : media.tcpPorts())
    std::printf("media: tcp %s:%u (ICE-TCP)\n", announced.c_str(), port);
  for (const auto& url : o.turnUrls) std::printf("turn: %s\n", url.c_str());
  std::printf("open %s://%s:%u/r/<room> in a browser to join a room\n", scheme.c_str(),
              shownHost.c_str(), http.port());
  std::fflush(stdout);

  io.run();
  spdlog::info("stopped");
  return 0;
}
