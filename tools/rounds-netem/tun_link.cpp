// Tun devices in network namespaces for rounds-netem (see tun_link.hpp).
#include "tun_link.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rounds::netem {

namespace {

std::string namespacePath(const std::string& netns) {
  if (netns.find('/') != std::string::npos) return netns;
  return "/var/run/netns/" + netns;
}

std::string sysError(const std::string& what) { return what + ": " + std::strerror(errno); }

// Brings `name` up with `mtu`, and the IPv4 address/prefix if given, through ioctls on a socket
// of the current namespace.
bool configure(const std::string& name, const std::string& address, uint32_t mtu, std::string& error) {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    error = sysError("socket");
    return false;
  }
  struct ifreq ifr {};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  bool ok = true;
  if (!address.empty()) {
    std::string ip = address;
    int prefix = 32;
    if (size_t slash = address.find('/'); slash != std::string::npos) {
      ip = address.substr(0, slash);
      prefix = std::atoi(address.c_str() + slash + 1);
    }
    auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    sin->sin_family = AF_INET;
    if (prefix < 1 || prefix > 32 || ::inet_pton(AF_INET, ip.c_str(), &sin->sin_addr) != 1) {
      error = "bad address " + address;
      ok = false;
    } else if (::ioctl(sock, SIOCSIFADDR, &ifr) < 0) {
      error = sysError("SIOCSIFADDR " + name);
      ok = false;
    } else {
      auto* mask = reinterpret_cast<sockaddr_in*>(&ifr.ifr_netmask);
      mask->sin_family = AF_INET;
      mask->sin_addr.s_addr = htonl(prefix == 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1));
      if (::ioctl(sock, SIOCSIFNETMASK, &ifr) < 0) {
        error = sysError("SIOCSIFNETMASK " + name);
        ok = false;
      }
    }
  }
  if (ok) {
    ifr.ifr_mtu = static_cast<int>(mtu);
    if (::ioctl(sock, SIOCSIFMTU, &ifr) < 0) {
      error = sysError("SIOCSIFMTU " + name);
      ok = false;
    }
  }
  if (ok && ::ioctl(sock, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) {
      error = sysError("SIOCSIFFLAGS " + name);
      ok = false;
    }
  }
  // A namespace made by `ip netns add` starts with lo down; local traffic there needs it.
  struct ifreq lo {};
  std::strncpy(lo.ifr_name, "lo", IFNAMSIZ - 1);
  if (ok && ::ioctl(sock, SIOCGIFFLAGS, &lo) == 0 && !(lo.ifr_flags & IFF_UP)) {
    lo.ifr_flags |= IFF_UP;
    ::ioctl(sock, SIOCSIFFLAGS, &lo);
  }
  ::close(sock);
  return ok;
}

int openTunHere(const TunEnd& end, uint32_t mtu, std::string& error) {
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = sysError("/dev/net/tun");
    return -1;
  }
  struct ifreq ifr {};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, end.device.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) {
    error = sysError("TUNSETIFF " + end.device);
    ::close(fd);
    return -1;
  }
  if (!configure(end.device, end.address, mtu, error)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int openTunIn(const TunEnd& end, uint32_t mtu, std::string& error) {
  if (end.device.empty() || end.device.size() >= IFNAMSIZ) {
    error = "bad device name '" + end.device + "'";
    return -1;
  }
  if (end.netns.empty() || end.netns == ".") return openTunHere(end, mtu, error);

  int home = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    error = sysError("/proc/thread-self/ns/net");
    return -1;
  }
  std::string path = namespacePath(end.netns);
  int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    error = sysError(path);
    ::close(home);
    return -1;
  }
  int fd = -1;
  if (::setns(target, CLONE_NEWNET) < 0) {
    error = sysError("setns " + path);
  } else {
    fd = openTunHere(end, mtu, error);  // the tun stays in the namespace it was created in
    if (::setns(home, CLONE_NEWNET) < 0) {
      error = sysError("setns back");
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
  ::close(target);
  ::close(home);
  return fd;
}

}  // namespace rounds::netem
