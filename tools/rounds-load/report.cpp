#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rounds::load {

using nlohmann::json;

namespace {

constexpr double kSettleS = 1.0;  // after the last participant connected, before the steady window

double msBetween(SteadyTime a, SteadyTime b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

json optionalMs(const std::optional<SteadyTime>& from, const std::optional<SteadyTime>& to) {
  if (!from || !to) return nullptr;
  return msBetween(*from, *to);
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

json latencyJson(std::vector<int64_t>& samples) {
  LatencySummary s = summarizeLatency(samples);
  if (s.count == 0) return nullptr;
  return {{"p50", round3(s.p50Ms)},
          {"p99", round3(s.p99Ms)},
          {"max", round3(s.maxMs)},
          {"mean", round3(s.meanMs)},
          {"samples", s.count}};
}

json distributionJson(std::vector<int64_t> v) {  // values in ns, reported in ms
  if (v.empty()) return nullptr;
  auto p50 = percentile(v, 50);
  auto p99 = percentile(v, 99);
  return {{"p50", round3(static_cast<double>(*p50) / 1e6)},
          {"p99", round3(static_cast<double>(*p99) / 1e6)},
          {"max", round3(static_cast<double>(v.back()) / 1e6)}};
}

json streamJson(StreamStats* s, const std::string& from, std::optional<uint32_t> fromIndex,
                bool video, uint32_t ssrc, bool subscribed, const Participant& p) {
  json j = {{"from", from},
            {"fromIndex", fromIndex ? json(*fromIndex) : json(nullptr)},
            {"kind", video ? "video" : "audio"},
            {"ssrc", ssrc},
            {"subscribed", subscribed}};
  if (!s) {
    j.update({{"packets", 0}, {"lost", 0}, {"duplicates", 0}, {"latencyMs", nullptr}});
    return j;
  }
  const SequenceTracker& c = s->counter();
  double secs = static_cast<double>(s->lastArrivalNs() - s->firstArrivalNs()) / 1e9;
  j.update({{"packets", s->packets()},
            {"bytes", s->bytes()},
            {"distinct", c.received()},
            {"expected", c.expected()},
            {"lost", c.lost()},
            {"lossPercent", c.expected() ? round3(100.0 * c.lost() / c.expected()) : 0.0},
            {"duplicates", c.duplicates()},
            {"reordered", c.reordered()},
            {"tooOld", c.tooOld()},
            {"rtpSeqLost", s->rtpSeq().lost()},
            {"keyFrames", s->keyFrames()},
            {"kbps", secs > 0 ? round3(static_cast<double>(s->bytes()) * 8 / secs / 1000) : 0.0},
            {"jitterMs", round3(s->jitter().jitterMs())},
            {"latencyMs", latencyJson(s->latencies())}});
  if (p.joinSentAt()) {
    double ms = static_cast<double>(s->firstArrivalNs() -
                                    std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        p.joinSentAt()->time_since_epoch())
                                        .count()) /
                1e6;
    j["firstPacketAfterJoinMs"] = round3(ms);
  }
  return j;
}

}  // namespace

// --churn-interval-ms: who was sent away (and whether the server answered their `leave`), who
// joined in their place (connected, receiving every stream the offer gave them, how soon), and
// the server's memory from the first departure to the end of the run.
json churnJson(std::vector<std::unique_ptr<Participant>>& participants, const json& parts,
               const RunInfo& info) {
  uint64_t departed = 0, connected = 0, receivingAll = 0;
  std::vector<int64_t> firstPacket;
  for (size_t leg : info.churnDepartures)
    if (participants[leg]->left()) ++departed;
  for (size_t leg : info.churnArrivals) {
    Participant& p = *participants[leg];
    if (p.connected()) ++connected;
    if (p.joinSentAt() && p.firstPacketAt())
      firstPacket.push_back((*p.firstPacketAt() - *p.joinSentAt()).count());
    const json& streams = parts[leg]["streams"];
    bool all = !streams.empty();
    for (const json& st : streams)
      all = all && st["subscribed"] && st["packets"].get<uint64_t>() > 0;
    if (all) ++receivingAll;
  }
  json j = {
      {"intervalMs", info.churnIntervalMs},
      {"departures", info.churnDepartures.size()},
      {"departuresAnswered", departed},
      {"arrivals", info.churnArrivals.size()},
      {"arrivalsConnected", connected},
      {"arrivalsReceivingEveryStream", receivingAll},
      {"arrivalJoinToFirstPacketMs", distributionJson(firstPacket)},
      {"firstDepartureS", info.churnStartS ? json(round3(*info.churnStartS)) : json(nullptr)}};
  if (info.server && info.churnStartS) {
    const auto& smp = info.server->samples;
    auto at = std::find_if(smp.begin(), smp.end(),
                           [&](const auto& s) { return s.first >= *info.churnStartS; });
    if (at != smp.end()) {
      j["serverRssKbAtFirstDeparture"] = at->second.rssKb;
      j["serverRssKbEnd"] = smp.back().second.rssKb;
    }
  }
  return j;
}

json buildReport(std::vector<std::unique_ptr<Participant>>& participants,
                 const RunDirectory& directory, const RunInfo& info) {
  json parts = json::array();
  std::vector<int64_t> allLatencies;
  std::vector<int64_t> connectTimes, firstPacketTimes;
  uint64_t sent = 0, received = 0, lost = 0, dups = 0, expected = 0;
  uint64_t subscribed = 0, receiving = 0, silent = 0, errors = 0, connected = 0;
  double jitterSum = 0, jitterMax = 0;
  size_t jitterCount = 0;
  uint64_t nacksSent = 0, nacked = 0, rtxReceived = 0, recovered = 0, abandoned = 0;
  uint64_t nackedToUs = 0, resent = 0, resendMisses = 0;

  for (auto& pp : participants) {
    Participant& p = *pp;
    json streams = json::array();
    std::vector<uint32_t> listed;
    auto account = [&](StreamStats* s, bool isSubscribed) {
      if (isSubscribed) ++subscribed;
      if (!s) {
        if (isSubscribed) ++silent;
        return;
      }
      if (s->packets() > 0)
        ++receiving;
      else if (isSubscribed)
        ++silent;
      received += s->packets();
      lost += s->counter().lost();
      dups += s->counter().duplicates();
      expected += s->counter().expected();
      allLatencies.insert(allLatencies.end(), s->latencies().begin(), s->latencies().end());
      jitterSum += s->jitter().jitterMs();
      jitterMax = std::max(jitterMax, s->jitter().jitterMs());
      ++jitterCount;
    };
    for (const OfferedTrack& t : p.tracks()) {
      if (!t.active) continue;
      auto idx = directory.indexOf(t.publisherId);
      StreamStats* s = nullptr;
      if (idx) {
        uint32_t src = probeSource(*idx, t.video);
        auto it = p.streams().find(src);
        if (it != p.streams().end()) s = &it->second;
        listed.push_back(src);
      }
      account(s, true);
      streams.push_back(streamJson(s, t.publisherId, idx, t.video, t.ssrc, true, p));
      // Whether retransmissions come on an RTX stream (negotiated in the answer) or not at all.
      streams.back()["rtx"] = t.rtxPayloadType != 0;
    }
    // Anything received that no current offer subscribes to (should not happen).
    for (auto& [src, s] : p.streams()) {
      if (std::find(listed.begin(), listed.end(), src) != listed.end()) continue;
      uint32_t idx = src / 2;
      std::string from = idx < directory.participantIds.size() ? directory.participantIds[idx] : "";
      account(&s, false);
      streams.push_back(streamJson(&s, from, idx, src & 1, 0, false, p));
    }

    const auto& c = p.counters();
    sent += c.audioSent + c.videoSent;
    errors += p.errors().size();
    nacksSent += c.nacksSent;
    nacked += c.nackedPackets;
    rtxReceived += c.rtxReceived;
    recovered += p.packetsRecovered();
    abandoned += p.packetsAbandoned();
    nackedToUs += c.nackedToUs;
    resent += c.retransmissionsSent;
    resendMisses += c.retransmissionMisses;
    if (p.connected()) ++connected;
    if (p.joinSentAt() && p.dtlsConnectedAt())
      connectTimes.push_back((*p.dtlsConnectedAt() - *p.joinSentAt()).count());
    if (p.joinSentAt() && p.firstPacketAt())
      firstPacketTimes.push_back((*p.firstPacketAt() - *p.joinSentAt()).count());
    parts.push_back({
        {"index", p.config().index},
        {"id", p.id()},
        {"name", p.config().name},
        {"publish", p.config().publish},
        {"receive", p.config().receive},
        {"connected", p.connected()},
        {"joinReplyMs", optionalMs(p.joinSentAt(), p.joinedAt())},
        {"iceConnectedMs", optionalMs(p.joinSentAt(), p.iceConnectedAt())},
        {"dtlsConnectedMs", optionalMs(p.joinSentAt(), p.dtlsConnectedAt())},
        {"dtlsInitialTimeoutMs", p.dtlsInitialTimeout().count()},
        {"joinToFirstPacketMs", optionalMs(p.joinSentAt(), p.firstPacketAt())},
        {"offers", c.offers},
        {"sent",
         {{"audioPackets", c.audioSent},
          {"videoPackets", c.videoSent},
          {"videoFrames", c.videoFrames},
          {"keyFrames", c.keyFramesSent}}},
        {"pliReceived", c.pliReceived},
        {"firReceived", c.firReceived},
        {"rtcpReceived", c.rtcpReceived},
        {"consentChecks", c.consentChecks},
        {"consentResponses", c.consentResponses},
        {"unrecognisedRtp", c.unrecognisedRtp},
        {"srtpErrors", c.srtpErrors},
        {"pacingSkipped", c.pacingSkipped},
        {"transportFeedbackSent", c.feedbackSent},
        {"rtcpReportsSent", c.reportsSent},
        {"senderReportsReceived", p.senderReportsReceived()},
        {"roundTripMs",
         p.roundTrip() ? json(static_cast<double>(p.roundTrip()->count()) / 1000) : json(nullptr)},
        {"lossRecovery",
         {{"nacksSent", c.nacksSent},
          {"nackedPackets", c.nackedPackets},
          {"rtxReceived", c.rtxReceived},
          {"paddingReceived", c.paddingReceived},
          {"pliSent", c.pliSent},
          {"recovered", p.packetsRecovered()},
          {"abandoned", p.packetsAbandoned()},
          {"nackedToUs", c.nackedToUs},
          {"retransmissionsSent", c.retransmissionsSent},
          {"retransmissionMisses", c.retransmissionMisses}}},
        {"errors", p.errors()},
        {"streams", streams},
    });
  }

  std::vector<int64_t> latCopy = allLatencies;
  json totals = {
      {"participantsConnected", connected},
      {"streamsSubscribed", subscribed},
      {"streamsReceiving", receiving},
      {"streamsSilent", silent},
      {"packetsSent", sent},
      {"packetsReceived", received},
      {"expected", expected},
      {"lost", lost},
      {"lossPercent", expected ? round3(100.0 * lost / expected) : 0.0},
      {"duplicates", dups},
      {"latencyMs", latencyJson(latCopy)},
      {"jitterMsMean", jitterCount ? round3(jitterSum / jitterCount) : 0.0},
      {"jitterMsMax", round3(jitterMax)},
      {"joinToConnectedMs", distributionJson(connectTimes)},
      {"joinToFirstPacketMs", distributionJson(firstPacketTimes)},
      {"errors", errors},
      // Whole run (not only the --measure window): what receivers asked for again and got, and
      // what publishers were asked for and resent.
      {"lossRecovery",
       {{"nacksSent", nacksSent},
        {"nackedPackets", nacked},
        {"rtxReceived", rtxReceived},
        {"recovered", recovered},
        {"abandoned", abandoned},
        {"nackedToPublishers", nackedToUs},
        {"retransmissionsSent", resent},
        {"retransmissionMisses", resendMisses}}},
  };

  json server = nullptr;
  if (info.server) {
    const auto& smp = info.server->samples;
    server = {{"pid", info.server->pid}, {"samples", smp.size()}};
    if (smp.size() >= 2) {
      double wall = smp.back().first - smp.front().first;
      double cpu = smp.back().second.cpuSeconds - smp.front().second.cpuSeconds;
      double peak = 0;
      uint64_t rssMax = 0;
      for (size_t i = 0; i < smp.size(); ++i) {
        rssMax = std::max(rssMax, smp[i].second.rssKb);
        if (i == 0) continue;
        double dt = smp[i].first - smp[i - 1].first;
        if (dt > 0.2)
          peak =
              std::max(peak, (smp[i].second.cpuSeconds - smp[i - 1].second.cpuSeconds) / dt * 100);
      }
      server.update({{"wallSeconds", round3(wall)},
                     {"cpuSeconds", round3(cpu)},
                     {"cpuPercentMean", wall > 0 ? round3(cpu / wall * 100) : 0.0},
                     {"cpuPercentPeak", round3(peak)},
                     {"rssKbStart", smp.front().second.rssKb},
                     {"rssKbMax", rssMax},
                     {"rssKbEnd", smp.back().second.rssKb},
                     {"hwmKb", smp.back().second.hwmKb}});
    }
  }

  json timeline = json::array();
  for (const auto& pt : info.timeline) {
    timeline.push_back(
        {{"t", round3(pt.t)},
         {"connected", pt.connected},
         {"received", pt.received},
         {"serverCpuS", pt.serverCpuSeconds ? json(round3(*pt.serverCpuSeconds)) : json(nullptr)},
         {"loadCpuS", pt.loadCpuSeconds ? json(round3(*pt.loadCpuSeconds)) : json(nullptr)}});
  }
  json steady = nullptr;
  if (auto w = steadyWindow(info.timeline, info.legs, kSettleS, info.measureFromS.value_or(0))) {
    auto opt = [](const std::optional<double>& v) { return v ? json(round3(*v)) : json(nullptr); };
    steady = {{"fromS", round3(w->fromS)},
              {"toS", round3(w->toS)},
              {"forwardedPerSecond", round3(w->forwardedPerSecond)},
              {"sentPerSecond", round3(w->sentPerSecond)},
              {"serverCpuPercent", opt(w->serverCpuPercent)},
              {"packetsPerServerCpuSecond", opt(w->packetsPerServerCpuSecond)},
              {"loadCpuPercent", opt(w->loadCpuPercent)}};
  }

  json churn = nullptr;
  if (info.churnIntervalMs != 0) churn = churnJson(participants, parts, info);

  return {{"tool", "rounds-load"},
          {"version", 1},
          {"url", info.url},
          {"room", info.room},
          {"serverKind", info.serverKind},
          {"participants", info.participants},
          {"legs", info.legs},
          {"addressPool",
           info.addressPool.empty() ? nlohmann::json() : nlohmann::json(info.addressPool)},
          {"unclaimedDatagrams", info.unclaimedDatagrams},
          {"socketQueueDrops", info.socketQueueDrops},
          {"publishers", info.publishers},
          {"durationS", info.durationS},
          {"elapsedS", round3(info.elapsedS)},
          {"measureFromS", info.measureFromS ? json(round3(*info.measureFromS)) : json(nullptr)},
          {"media",
           {{"audio", info.media.audio},
            {"audioPayloadBytes", info.media.audioPayloadBytes},
            {"video", info.media.video},
            {"videoFps", info.media.videoFps},
            {"videoKbps", info.media.videoKbps},
            {"keyFrameIntervalS", info.media.keyFrameIntervalS}}},
          {"totals", totals},
          {"server", server},
          {"steady", steady},
          {"churn", churn},
          {"timeline", timeline},
          {"participantReports", parts}};
}

std::optional<SteadyWindow> steadyWindow(const std::vector<TimelinePoint>& timeline,
                                         uint32_t participants, double settleS, double notBeforeS) {
  size_t first = timeline.size();
  for (size_t i = 0; i < timeline.size(); ++i) {
    if (timeline[i].connected >= participants) {
      first = i;
      break;
    }
  }
  if (first == timeline.size()) return std::nullopt;
  const double from = std::max(timeline[first].t + settleS, notBeforeS);
  while (first < timeline.size() && timeline[first].t < from) ++first;
  if (first >= timeline.size()) return std::nullopt;
  const TimelinePoint& a = timeline[first];
  const TimelinePoint& b = timeline.back();
  const double dt = b.t - a.t;
  if (dt < 1.0) return std::nullopt;
  SteadyWindow w;
  w.fromS = a.t;
  w.toS = b.t;
  const double packets = static_cast<double>(b.received - a.received);
  w.forwardedPerSecond = packets / dt;
  w.sentPerSecond = static_cast<double>(b.sent - a.sent) / dt;
  if (a.serverCpuSeconds && b.serverCpuSeconds) {
    const double cpu = *b.serverCpuSeconds - *a.serverCpuSeconds;
    w.serverCpuPercent = cpu / dt * 100;
    if (cpu > 0) w.packetsPerServerCpuSecond = packets / cpu;
  }
  if (a.loadCpuSeconds && b.loadCpuSeconds)
    w.loadCpuPercent = (*b.loadCpuSeconds - *a.loadCpuSeconds) / dt * 100;
  return w;
}

void printSummary(const json& r, std::ostream& out) {
  const json& t = r["totals"];
  auto sub = [](const json& v, const char* key) {
    return v.is_object() && v.contains(key) ? v[key] : json(nullptr);
  };
  auto num = [](const json& v, const char* fmt = "%.2f") {
    if (v.is_null()) return std::string("-");
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v.get<double>());
    return std::string(buf);
  };
  out << "rounds-load: " << r["participants"].get<int>() << " participants ("
      << r["publishers"].get<int>() << " publishing) for " << r["durationS"].get<double>()
      << " s against " << r["url"].get<std::string>() << "\n";
  // (With churn, the arrivals are legs of their own.)
  out << "  connected       " << t["participantsConnected"] << "/" << r["participantReports"].size()
      << (r["serverKind"] == "janus" ? " legs" : "") << ", join->connected p50 "
      << num(sub(t["joinToConnectedMs"], "p50")) << " ms, max "
      << num(sub(t["joinToConnectedMs"], "max")) << " ms\n";
  out << "  streams         " << t["streamsReceiving"] << " receiving of " << t["streamsSubscribed"]
      << " subscribed (" << t["streamsSilent"] << " silent)\n";
  out << "  packets         sent " << t["packetsSent"] << ", received " << t["packetsReceived"]
      << ", lost " << t["lost"] << " (" << num(t["lossPercent"], "%.3f") << " %), duplicates "
      << t["duplicates"] << "\n";
  const json& lr = t["lossRecovery"];
  out << "  loss recovery   NACKed " << lr["nackedPackets"] << " in " << lr["nacksSent"]
      << " NACKs, recovered " << lr["recovered"] << " (RTX received " << lr["rtxReceived"]
      << "), publishers resent " << lr["retransmissionsSent"] << " of " << lr["nackedToPublishers"]
      << " asked\n";
  const json& l = t["latencyMs"];
  out << "  latency (ms)    p50 " << num(sub(l, "p50"), "%.3f") << ", p99 "
      << num(sub(l, "p99"), "%.3f") << ", max " << num(sub(l, "max"), "%.3f") << "\n";
  out << "  jitter (ms)     mean " << num(t["jitterMsMean"], "%.3f") << ", max "
      << num(t["jitterMsMax"], "%.3f") << "\n";
  out << "  first packet    p50 " << num(sub(t["joinToFirstPacketMs"], "p50"))
      << " ms after join, p99 " << num(sub(t["joinToFirstPacketMs"], "p99")) << " ms, max "
      << num(sub(t["joinToFirstPacketMs"], "max")) << " ms\n";
  const json& s = r["server"];
  if (!s.is_null() && s.contains("cpuSeconds")) {
    out << "  server pid " << s["pid"] << "  cpu " << num(s["cpuSeconds"], "%.2f") << " s ("
        << num(s["cpuPercentMean"], "%.1f") << " % mean, " << num(s["cpuPercentPeak"], "%.1f")
        << " % peak), rss " << s["rssKbEnd"] << " KiB (max " << s["rssKbMax"] << ")\n";
  }
  const json& w = r["steady"];
  if (!w.is_null()) {
    out << "  steady " << num(w["fromS"], "%.1f") << "-" << num(w["toS"], "%.1f")
        << " s: " << num(w["forwardedPerSecond"], "%.0f") << " packets/s received, server cpu "
        << num(w["serverCpuPercent"], "%.1f") << " %, "
        << num(w["packetsPerServerCpuSecond"], "%.0f")
        << " packets per server cpu-second, load cpu " << num(w["loadCpuPercent"], "%.1f")
        << " %\n";
  }
  const json& c = r["churn"];
  if (!c.is_null()) {
    out << "  churn           every " << c["intervalMs"] << " ms: " << c["departures"] << " left ("
        << c["departuresAnswered"] << " answered), " << c["arrivals"] << " joined ("
        << c["arrivalsConnected"] << " connected, " << c["arrivalsReceivingEveryStream"]
        << " receiving every stream; first packet p50 "
        << num(sub(c["arrivalJoinToFirstPacketMs"], "p50")) << " ms, max "
        << num(sub(c["arrivalJoinToFirstPacketMs"], "max")) << " ms)\n";
  }
  if (t["errors"].get<int>() > 0) {
    out << "  errors:\n";
    for (const auto& p : r["participantReports"])
      for (const auto& e : p["errors"])
        out << "    #" << p["index"] << ": " << e.get<std::string>() << "\n";
  }
}

}  // namespace rounds::load
