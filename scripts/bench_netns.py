#!/usr/bin/env python3
"""Two network namespaces joined by a veth pair, for `make bench`: the server in one
(10.99.0.1), the load generator in the other (10.99.0.2, and 10.100.0.0/16 for its legs'
addresses, see rounds-load --address-pool). Both are created by the run and deleted
after it; nothing is added to the machine's own namespace. Needs root (ip netns).

Two rigs (ROUNDS_BENCH_RIG, docs/performance.md "Who pays for delivery"):
- "veth" (default): a plain veth pair. A datagram the server sends is delivered into the
  generator's socket inside the server's own sendmmsg (the veth hands it to the receive path on
  the sending CPU), so the server is charged for its receivers' kernel work and waits for it.
- "nic": the generator's side receives as a NIC driver would: through NAPI in a kernel thread
  pinned to the generator's CPU, with interrupt coalescing (napi_defer_hard_irqs and
  gro_flush_timeout), and the server's side has a pfifo qdisc so that a full veth ring pushes
  back on the sender instead of dropping. The server's sendmmsg then ends where it would end at a
  real NIC's transmit ring. Needs ethtool. The kernel thread's CPU time is the generator host's
  work: nic_thread_cpu_seconds() reads it.
"""
import os
import subprocess


class NetnsPair:
    server_addr = "10.99.0.1"
    client_addr = "10.99.0.2"
    server_if = "veth-srv"
    # rounds-load's legs (--address-pool): one address each from here, local in the generator's
    # namespace (a local route for the whole range) and routed there from the server's.
    pool_first = "10.100.0.1"
    pool_net = "10.100.0.0/16"
    client_if = "veth-cli"

    def __init__(self, rig=None):
        self.rig = rig or os.environ.get("ROUNDS_BENCH_RIG", "veth")
        if self.rig not in ("veth", "nic"):
            raise ValueError(f"ROUNDS_BENCH_RIG: unknown rig {self.rig!r} (veth or nic)")
        self.napi_pids = []
        tag = f"{os.getpid()}-{id(self) % 100000}"
        self.server_ns = f"rbench-srv-{tag}"
        self.client_ns = f"rbench-cli-{tag}"
        self.created = []

    def _ip(self, *args):
        subprocess.run(["ip", *args], check=True)

    def create(self):
        try:
            self._create()
        except BaseException:
            self.destroy()
            raise

    def _create(self):
        for ns in (self.server_ns, self.client_ns):
            self._ip("netns", "add", ns)
            self.created.append(ns)
            self._ip("-n", ns, "link", "set", "lo", "up")
        # Created inside the server namespace with its peer placed in the client namespace.
        self._ip("-n", self.server_ns, "link", "add", self.server_if, "type", "veth", "peer", "name",
                 self.client_if, "netns", self.client_ns)
        self._ip("-n", self.server_ns, "addr", "add", self.server_addr + "/24", "dev", self.server_if)
        self._ip("-n", self.client_ns, "addr", "add", self.client_addr + "/24", "dev", self.client_if)
        self._ip("-n", self.server_ns, "link", "set", self.server_if, "up")
        self._ip("-n", self.client_ns, "link", "set", self.client_if, "up")
        self._ip("-n", self.client_ns, "route", "add", "local", self.pool_net, "dev", "lo")
        self._ip("-n", self.server_ns, "route", "add", self.pool_net, "via", self.client_addr)
        if self.rig == "nic":
            self._nic_like()

    def _sh(self, ns, script):
        subprocess.run(["ip", "netns", "exec", ns, "sh", "-c", script], check=True)

    def _nic_like(self, client_cpu="1"):
        cli = f"/sys/class/net/{self.client_if}"
        # veth uses NAPI on the receiving side only for GRO-eligible traffic: GRO on, and no TSO
        # on the sending side (UDP is never segmented here).
        self._sh(self.client_ns, f"ethtool -K {self.client_if} gro on")
        self._sh(self.server_ns, f"ethtool -K {self.server_if} tso off")
        # A full ring stops the sender's queue, rather than dropping, only if there is a qdisc
        # (seen on kernel 6.18; an older veth may drop, which the runs' loss figures would show).
        self._sh(self.server_ns, f"tc qdisc replace dev {self.server_if} root pfifo limit 10000")
        # Coalescing, as a NIC's rx-usecs: after a poll that found work the thread polls again
        # from a 200 us timer (twice) instead of being woken by each datagram, so a fan-out burst
        # wakes it about once. ROUNDS_BENCH_NIC_COALESCE="defer,timeout_ns" for experiments
        # (100,50000 polled so often that the thread took 23 % of a core at 300 viewers).
        defer, timeout_ns = os.environ.get("ROUNDS_BENCH_NIC_COALESCE", "2,200000").split(",")
        self._sh(self.client_ns, f"echo {int(defer)} > {cli}/napi_defer_hard_irqs; "
                                 f"echo {int(timeout_ns)} > {cli}/gro_flush_timeout")
        # The thread is named after the device, which every run's namespace calls the same:
        # ours is the one that appears when threading is switched on.
        before = self._napi_threads()
        self._sh(self.client_ns, f"echo 1 > {cli}/threaded")
        self.napi_pids = sorted(self._napi_threads() - before)
        if not self.napi_pids:
            raise RuntimeError("rig nic: no NAPI thread for " + self.client_if)
        for pid in self.napi_pids:
            subprocess.run(["taskset", "-p", "-c", client_cpu, str(pid)], check=True,
                           stdout=subprocess.DEVNULL)

    def _napi_threads(self):
        out = subprocess.run(["pgrep", f"^napi/{self.client_if}-"], capture_output=True,
                             text=True).stdout.split()
        return {int(p) for p in out}

    def nic_thread_cpu_seconds(self):
        """CPU seconds the rig's NAPI threads have used (0 for the veth rig)."""
        tck = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.napi_pids:
            try:
                f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                total += (int(f[11]) + int(f[12])) / tck
            except (OSError, IndexError, ValueError):
                pass
        return total

    def udp_drops(self, side="server"):
        """Datagrams the kernel dropped at full receive queues of every UDP socket in one side's
        namespace so far (the `drops` column of /proc/net/udp and udp6, seen from inside it):
        the same count for any server, Rounds or Janus."""
        ns = self.server_ns if side == "server" else self.client_ns
        total = 0
        for table in ("/proc/net/udp", "/proc/net/udp6"):
            out = subprocess.run(["ip", "netns", "exec", ns, "cat", table], capture_output=True,
                                 text=True).stdout.splitlines()
            for line in out[1:]:
                cols = line.split()
                if cols and cols[-1].isdigit():
                    total += int(cols[-1])
        return total

    def load_address_args(self):
        """rounds-load's address options for this rig: its legs share one socket, each with an
        address from the pool (ROUNDS_BENCH_ADDRESS_POOL=0: a socket each, for A/B runs)."""
        args = ["--local-address", self.client_addr]
        if os.environ.get("ROUNDS_BENCH_ADDRESS_POOL", "1") != "0":
            args += ["--address-pool", self.pool_first]
        return args

    def server_cmd(self, argv):
        return ["ip", "netns", "exec", self.server_ns] + argv

    def client_cmd(self, argv):
        return ["ip", "netns", "exec", self.client_ns] + argv

    def destroy(self):
        for ns in reversed(self.created):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.created = []
