#include <cctype>

#include "proto/sdp.hpp"

namespace rounds::sdp {

namespace {

constexpr size_t kMaxRidLength = 255;
constexpr size_t kMaxSimulcastStreams = 16;

bool validRidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRidLength) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

std::string_view nextToken(std::string_view& rest) {
  size_t start = rest.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(start);
  size_t end = rest.find(' ');
  std::string_view token = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  return token;
}

}  // namespace

std::optional<Rid> parseRid(std::string_view value) {
  // RFC 8851 §10: rid-syntax = %s"a=rid:" rid-id SP rid-dir [ rid-pt-param-list / rid-param-list ]
  std::string_view rest = value;
  std::string_view id = nextToken(rest);
  std::string_view dir = nextToken(rest);
  if (!validRidId(id)) return std::nullopt;
  if (dir != "send" && dir != "recv") return std::nullopt;
  return Rid{std::string(id), dir == "send"};
}

std::vector<std::string> simulcastRids(std::string_view value, bool send) {
  // RFC 8853 §5.1: sc-value = ( sc-send [SP sc-recv] ) / ( sc-recv [SP sc-send] );
  // sc-str-list = sc-alt-list *( ";" sc-alt-list ); sc-alt-list = sc-id *( "," sc-id );
  // sc-id = [sc-id-paused] rid-id, sc-id-paused = "~".
  std::string_view rest = value;
  std::string_view wanted = send ? "send" : "recv";
  for (int pair = 0; pair < 2; ++pair) {
    std::string_view dir = nextToken(rest);
    std::string_view list = nextToken(rest);
    if (dir.empty() || list.empty()) return {};
    if (dir != "send" && dir != "recv") return {};
    if (dir != wanted) continue;
    std::vector<std::string> out;
    while (!list.empty()) {
      size_t semi = list.find(';');
      std::string_view stream = list.substr(0, semi);
      list = semi == std::string_view::npos ? std::string_view{} : list.substr(semi + 1);
      std::string_view first = stream.substr(0, stream.find(','));
      if (!first.empty() && first.front() == '~') first.remove_prefix(1);
      if (!validRidId(first) || out.size() == kMaxSimulcastStreams) return {};
      out.emplace_back(first);
    }
    return out;
  }
  return {};
}

}  // namespace rounds::sdp
