#include "control/api.hpp"

#include "control/signalling.hpp"

namespace rounds {

using nlohmann::json;

namespace {

HttpResponse jsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse errorResponse(int status, const std::string& code, const std::string& message) {
  return jsonResponse(status, json{{"error", {{"code", code}, {"message", message}}}});
}

// Percentiles for people, and the non-empty buckets ([inclusive upper bound µs, count]) so a
// client can subtract two readings and get the percentiles of the interval between them.
json latencyJson(const LatencyHistogram& h) {
  json buckets = json::array();
  const auto& b = h.buckets();
  for (size_t i = 0; i < b.size(); ++i)
    if (b[i]) buckets.push_back(json::array({LatencyHistogram::bucketUpperUs(i), b[i]}));
  return json{{"count", h.count()},
              {"p50Us", h.quantileUs(0.5)},
              {"p99Us", h.quantileUs(0.99)},
              {"maxUs", h.maxUs()},
              {"buckets", buckets}};
}

json statsJson(const WorkerStats& s) {
  json links = json::array();
  for (const auto& l : s.peerLinks)
    links.push_back(
        json{{"peer", l.peerId},
             {"downlinkEstimateBps",
              l.downlinkEstimateBps ? json(*l.downlinkEstimateBps) : json(nullptr)},
             {"transportFeedbacksReceived", l.transportFeedbacksReceived},
             {"transportFeedbacksSent", l.transportFeedbacksSent},
             {"probeClusters", l.probeClusters},
             {"probeSuccesses", l.probeSuccesses},
             {"probePackets", l.probePackets},
             {"rttMs", l.rttUs ? json(static_cast<double>(*l.rttUs) / 1000) : json(nullptr)},
             {"rttLatestMs",
              l.rttLatestUs ? json(static_cast<double>(*l.rttLatestUs) / 1000) : json(nullptr)}});
  json consumers = json::array();
  for (const auto& c : s.consumerLayers)
    consumers.push_back(json{{"participant", c.peerId},
                             {"consumer", c.consumerId},
                             {"producer", c.producerId},
                             {"layers", c.layers},
                             {"layer", c.currentLayer},
                             {"targetLayer", c.targetLayer},
                             {"estimateBps", c.estimateBps},
                             {"switches", c.switches},
                             {"tileHeight", c.tileHeight},
                             {"layerBps", c.layerBitrates}});
  return json{{"worker", s.index},
              {"port", s.port},
              {"tcpPort", s.tcpPort},
              {"tcpConnections", s.tcpConnections},
              {"peers", s.peers},
              {"connectedPeers", s.connectedPeers},
              {"packetsReceived", s.packetsReceived},
              {"packetsSent", s.packetsSent},
              {"rtpForwarded", s.rtpForwarded},
              {"forwardLatency", latencyJson(s.forwardLatency)},
              {"receiveWait", latencyJson(s.receiveWait)},
              {"receiveQueueDrops", s.receiveQueueDrops},
              {"tickDuration", latencyJson(s.tickDuration)},
              {"statsDuration", latencyJson(s.statsDuration)},
              {"droppedMalformed", s.droppedMalformed},
              {"droppedUnknownTuple", s.droppedUnknownTuple},
              {"droppedUnknownSsrc", s.droppedUnknownSsrc},
              {"droppedAuth", s.droppedAuth},
              {"keyFrameRequests", s.keyFrameRequests},
              {"nacksReceived", s.nacksReceived},
              {"retransmissionsSent", s.retransmissionsSent},
              {"retransmissionMisses", s.retransmissionMisses},
              {"nacksShed", s.nacksShed},
              {"nacksSent", s.nacksSent},
              {"nackedInFlight", s.nackedInFlight},
              {"nackedRecentlyResent", s.nackedRecentlyResent},
              {"rttSamples", s.rttSamples},
              {"rrtrReceived", s.rrtrReceived},
              {"rrtrAnswered", s.rrtrAnswered},
              {"rtxReceived", s.rtxReceived},
              {"pausedConsumers", s.pausedConsumers},
              {"consumersResumed", s.consumersResumed},
              {"peerLinks", links},
              {"consumers", consumers}};
}

}  // namespace

HttpResponse Api::onHttpRequest(const HttpRequest& req) {
  const std::string& path = req.path;
  // Added routes first: KnowledgeApi claims /api/series/<id>/{meetings,faq…}, which ClinicalApi
  // would otherwise answer (404, or 401 for an invitee without a session) as series sub-resources.
  for (const auto& routes : routes_)
    if (auto r = routes(req)) return std::move(*r);
  if (clinical_) {
    if (auto r = clinical_->handle(req)) return *r;
  }
  if (req.method != "GET" && req.method != "HEAD")
    return errorResponse(405, "method_not_allowed", req.method + " is not supported on " + path);

  if (path == "/api/health") return jsonResponse(200, json{{"status", "ok"}});
  if (clinical_) {
    if (auto denied = clinical_->requireHost(req)) return *denied;
  }

  if (path == "/api/stats") {
    json workers = json::array();
    for (const auto& s : stats_) workers.push_back(statsJson(s));
    SessionStats ss = conference_.sessionStats();
    json sessions{{"iceRestarts", ss.iceRestarts},
                  {"resumed", ss.resumed},
                  {"resumeRefused", ss.resumeRefused},
                  {"graceExpired", ss.graceExpired},
                  {"detached", ss.detached}};
    return jsonResponse(200, json{{"workers", workers}, {"sessions", sessions}});
  }

  if (path == "/api/rooms") {
    json rooms = json::array();
    for (const auto& r : conference_.rooms())
      rooms.push_back(json{{"name", r.name}, {"participants", r.participants}});
    return jsonResponse(200, json{{"rooms", rooms}});
  }

  const std::string prefix = "/api/rooms/";
  if (path.rfind(prefix, 0) == 0) {
    std::string rest = path.substr(prefix.size());
    std::string room = rest;
    std::string sub;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      room = rest.substr(0, slash);
      sub = rest.substr(slash + 1);
    }
    if (!signalling::isValidRoomName(room))
      return errorResponse(400, "bad_request", "room name: 1-64 characters from A-Z a-z 0-9 - _");
    if (sub.empty())
      return jsonResponse(
          200, json{{"name", room}, {"participants", conference_.participantsJson(room)}});
    if (sub == "attendance") {
      auto rows = attendance_.forRoom(room);
      if (!rows) return errorResponse(500, "store", rows.error().message);
      json list = json::array();
      for (const auto& a : rows.value()) {
        json row{{"participantId", a.participantId},
                 {"name", a.displayName},
                 {"joinedAt", a.joinedAtMs},
                 {"leftAt", a.leftAtMs ? json(*a.leftAtMs) : json(nullptr)},
                 {"leaveReason", a.leaveReason}};
        list.push_back(row);
      }
      return jsonResponse(200, json{{"room", room}, {"attendance", list}});
    }
  }
  return errorResponse(404, "not_found", "no API endpoint at " + path);
}

}  // namespace rounds
