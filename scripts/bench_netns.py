#!/usr/bin/env python3
"""Two network namespaces joined by a veth pair, for `make bench`: the server in one
(10.99.0.1), the load generator in the other (10.99.0.2). Both are created by the run and deleted
after it; nothing is added to the machine's own namespace. Needs root (ip netns)."""
import os
import subprocess


class NetnsPair:
    server_addr = "10.99.0.1"
    client_addr = "10.99.0.2"
    server_if = "veth-srv"
    client_if = "veth-cli"

    def __init__(self):
        tag = f"{os.getpid()}-{id(self) % 100000}"
        self.server_ns = f"rbench-srv-{tag}"
        self.client_ns = f"rbench-cli-{tag}"
        self.created = []

    def _ip(self, *args):
        subprocess.run(["ip", *args], check=True)

    def create(self):
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

    def server_cmd(self, argv):
        return ["ip", "netns", "exec", self.server_ns] + argv

    def client_cmd(self, argv):
        return ["ip", "netns", "exec", self.client_ns] + argv

    def destroy(self):
        for ns in reversed(self.created):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
        self.created = []
