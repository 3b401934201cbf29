// rounds-netem's two ends: a tun device in each of two network namespaces (open one, setns() into
// the other, open the second), each given an IPv4 address, its MTU and brought up.
// Threading: call from the main thread before any other thread exists (setns is per thread).
#pragma once

#include <cstdint>
#include <string>

namespace rounds::netem {

struct TunEnd {
  std::string netns;    // "." (this process's namespace), a path (/proc/PID/ns/net) or an `ip netns` name
  std::string device;   // interface name, up to 15 characters
  std::string address;  // "10.77.0.1/24"; empty: leave it unconfigured
};

// The open tun (IFF_TUN | IFF_NO_PI, non-blocking), or -1 with `error` set. The device lives as long
// as the descriptor: closing it removes the interface and its address and routes.
int openTunIn(const TunEnd& end, uint32_t mtu, std::string& error);

}  // namespace rounds::netem
