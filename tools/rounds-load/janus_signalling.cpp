// The Janus side of a load participant: Janus's WebSocket API (`janus-protocol`) and its
// VideoRoom plugin, one PeerConnection per Participant ("leg"). A publisher leg creates a
// session, attaches the plugin and sends `joinandconfigure` with its offer; a subscriber leg
// sends `join` (ptype subscriber, the feeds it wants), answers Janus's offer and sends `start`.
// With ice_lite + full_trickle, Janus's candidate arrives as a `trickle` event (TESTING.md).
// Threading: the run loop's one thread, like participant.cpp.
#include <string>

#include "janus_sdp.hpp"
#include "participant.hpp"

namespace rounds::load {

using nlohmann::json;

void Participant::janusSend(json msg) {
  if (janusSession_ != 0 && !msg.contains("session_id")) msg["session_id"] = janusSession_;
  sendWs(msg.dump());
}

void Participant::janusOnConnected() {
  joinSentAt_ = std::chrono::steady_clock::now();
  janusSend({{"janus", "create"}, {"transaction", "create"}});
}

void Participant::janusOnMessage(const std::string& text) {
  json msg = json::parse(text, nullptr, false);
  if (!msg.is_object()) return fail("unparsable Janus message");
  const std::string kind = msg.value("janus", "");
  const std::string tx = msg.value("transaction", "");
  if (kind == "error") {
    json e = msg.value("error", json::object());
    return fail("janus error (" + tx + "): " + e.dump());
  }
  if (kind == "success" && tx == "create") {
    janusSession_ = msg["data"].value("id", uint64_t{0});
    janusSend(
        {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}, {"transaction", "attach"}});
    return;
  }
  if (kind == "success" && tx == "attach") {
    janusHandle_ = msg["data"].value("id", uint64_t{0});
    json body;
    json m = {{"janus", "message"}, {"handle_id", janusHandle_}};
    if (config_.publish) {
      body = {{"request", "joinandconfigure"}, {"room", config_.janusRoom},
              {"ptype", "publisher"},          {"id", config_.index + 1},
              {"display", config_.name},       {"audio", config_.media.audio},
              {"video", config_.media.video}};
      OfferParams op;
      op.iceUfrag = ufrag_;
      op.icePwd = pwd_;
      op.fingerprintSha256 = cert_->fingerprintSha256();
      op.cname = config_.name;
      op.audio = config_.media.audio;
      op.video = config_.media.video;
      op.audioSsrc = audioSsrc_;
      op.videoSsrc = videoSsrc_;
      op.candidateAddress = source_ ? source_->ip() : config_.localAddress;
      op.candidatePort = udp_ ? udp_->localPort() : 0;
      m["jsep"] = {{"type", "offer"}, {"sdp", buildPublisherOffer(op)}};
      m["transaction"] = "publish";
    } else {
      json streams = json::array();
      for (uint32_t feed : config_.janusFeeds) streams.push_back({{"feed", feed + 1}});
      body = {{"request", "join"},
              {"room", config_.janusRoom},
              {"ptype", "subscriber"},
              {"streams", streams}};
      m["transaction"] = "subscribe";
    }
    m["body"] = body;
    janusSend(m);
    // Our only candidate is in the SDP (publisher) or found by Janus as peer-reflexive.
    janusSend({{"janus", "trickle"},
               {"handle_id", janusHandle_},
               {"transaction", "trickle-done"},
               {"candidate", {{"completed", true}}}});
    return;
  }
  if (kind == "success" && tx == "destroy") {
    left_ = true;
    return;
  }
  if (kind == "event") {
    json pd = msg.value("plugindata", json::object());
    return janusOnPluginEvent(pd.value("data", json::object()), msg.value("jsep", json()));
  }
  if (kind == "trickle") {
    json c = msg.value("candidate", json::object());
    if (!c.is_object() || c.value("completed", false) || server_) return;
    auto cand = parseTrickleCandidate(c.value("candidate", ""));
    if (!cand) return;
    ServerTransport t = serverTransport_;
    t.address = cand->first;
    t.port = cand->second;
    if (t.iceUfrag.empty()) {
      serverTransport_ = t;  // the SDP has not come yet; keep the address for it
      return;
    }
    setServerTransport(t);
    return;
  }
  if (kind == "hangup") {
    if (!leaving_) fail("janus hangup: " + msg.value("reason", ""));
    return;
  }
  // ack, keepalive, webrtcup, media, slowlink: nothing to do.
}

void Participant::janusOnPluginEvent(const json& data, const json& jsep) {
  if (data.contains("error"))
    return fail("videoroom error " + std::to_string(data.value("error_code", 0)) + ": " +
                data.value("error", ""));
  const std::string what = data.value("videoroom", "");
  auto adopt = [&](ServerTransport t) {
    // A trickle may have carried the address before the SDP.
    if (t.port == 0 && serverTransport_.port != 0) {
      t.address = serverTransport_.address;
      t.port = serverTransport_.port;
    }
    if (t.port == 0) {
      serverTransport_ = t;  // wait for the trickle event
      return;
    }
    setServerTransport(t);
  };
  if (what == "joined" && config_.publish && jsep.is_object() && jsep.contains("sdp")) {
    auto a = parsePublisherAnswer(jsep.value("sdp", ""));
    if (!a) return fail("janus answer: " + a.error().message);
    joinedAt_ = std::chrono::steady_clock::now();
    id_ = "feed-" + std::to_string(config_.index + 1);
    if (config_.index < directory_.participantIds.size())
      directory_.participantIds[config_.index] = id_;
    audioPt_ = a->audioPayloadType;
    videoPt_ = a->videoPayloadType;
    if (config_.media.transportCc) transportCcId_ = a->transportCcId;
    adopt(a->transport);
    return;
  }
  if (what == "attached" && !config_.publish && jsep.is_object() && jsep.contains("sdp")) {
    ++counters_.offers;
    joinedAt_ = std::chrono::steady_clock::now();
    id_ = "sub-" + std::to_string(config_.index);
    AnswerParams p;
    p.iceUfrag = ufrag_;
    p.icePwd = pwd_;
    p.fingerprintSha256 = cert_->fingerprintSha256();
    p.cname = config_.name;
    p.receive = true;
    p.requireCandidate = false;
    p.rtx = config_.media.nack;
    auto answer = buildAnswer(jsep.value("sdp", ""), p);
    if (!answer) return fail("janus offer: " + answer.error().message);
    // Name each track by its feed (the directory holds "feed-<id>" for publisher legs).
    tracks_ = answer->tracks;
    adoptRepairStreams();
    if (config_.media.transportCc) transportCcId_ = answer->transportCcId;
    json streams = data.value("streams", json::array());
    for (auto& t : tracks_) {
      for (const auto& s : streams) {
        if (s.value("mid", "") == t.mid && s.contains("feed_id"))
          t.publisherId = "feed-" + std::to_string(s["feed_id"].get<uint64_t>());
      }
    }
    adopt(answer->transport);
    janusSend({{"janus", "message"},
               {"handle_id", janusHandle_},
               {"transaction", "start"},
               {"body", {{"request", "start"}}},
               {"jsep", {{"type", "answer"}, {"sdp", answer->sdp}}}});
    return;
  }
  // "event" (configured, started, publishers, leaving ...): nothing to do.
}

}  // namespace rounds::load
