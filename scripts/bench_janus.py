#!/usr/bin/env python3
"""Janus (Debian package `janus`, 1.1.2) as the reference SFU of `make bench`, configured as
TESTING.md says: in a network namespace joined to the load generator's namespace by a veth pair
(Janus never gathers loopback candidates), ice_lite + full_trickle, ice_enforce_list on the veth,
an rtp_port_range, only the VideoRoom plugin and the WebSocket/HTTP transports. Used by
scripts/bench_scenarios.py; the namespaces are created per server start and deleted after."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

from bench_netns import NetnsPair

JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus"
ROOM = 1234

JANUS_JCFG = """general: {{
  configs_folder = "{dir}"
  plugins_folder = "{lib}/plugins"
  transports_folder = "{lib}/transports"
  events_folder = "{lib}/events"
  loggers_folder = "{lib}/loggers"
  log_to_stdout = true
  debug_level = {debug}
  interface = "{addr}"
  session_timeout = 0
  server_name = "rounds-bench"
}}
certificates: {{
}}
media: {{
  rtp_port_range = "20000-40000"
}}
nat: {{
  ice_lite = true
  full_trickle = true
  ice_enforce_list = "{iface}"
  ignore_mdns = true
}}
plugins: {{
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}}
transports: {{
  disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}}
loggers: {{
  disable = "libjanus_jsonlog.so"
}}
events: {{
  broadcast = false
  disable = "libjanus_gelfevh.so,libjanus_mqttevh.so,libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so,libjanus_sampleevh.so,libjanus_wsevh.so"
}}
"""

# Same media as Rounds gets: no bitrate cap (REMB 0), no periodic FIR; Opus + VP8.
VIDEOROOM_JCFG = """general: {{
}}
room-{room}: {{
  description = "rounds-bench"
  publishers = 100
  bitrate = 0
  fir_freq = 0
  audiocodec = "opus"
  videocodec = "vp8"
  notify_joining = false
}}
"""

WS_JCFG = """general: {{
  json = "plain"
  ws = true
  ws_port = {port}
  ws_interface = "{iface}"
  wss = false
}}
admin: {{
  admin_ws = false
}}
"""

HTTP_JCFG = """general: {{
  json = "plain"
  http = true
  port = 8088
  interface = "{iface}"
  https = false
}}
admin: {{
  admin_http = false
}}
"""


class JanusServer:
    name = "janus"
    port = 8188

    def __init__(self, build):
        self.build = build
        self.proc = None
        self.dir = None
        self.ns = None

    def start(self):
        if not shutil.which("janus"):
            raise RuntimeError("janus is not installed (scripts/install-deps.sh --bench)")
        self.ns = NetnsPair()
        self.ns.create()
        self.dir = tempfile.mkdtemp(prefix="janus-bench-")
        files = {
            "janus.jcfg": JANUS_JCFG.format(debug=os.environ.get("BENCH_JANUS_DEBUG", "3"), dir=self.dir, lib=JANUS_LIB, addr=self.ns.server_addr,
                                            iface=self.ns.server_if),
            "janus.plugin.videoroom.jcfg": VIDEOROOM_JCFG.format(room=ROOM),
            "janus.transport.websockets.jcfg": WS_JCFG.format(port=self.port, iface=self.ns.server_if),
            "janus.transport.http.jcfg": HTTP_JCFG.format(iface=self.ns.server_if),
        }
        for name, text in files.items():
            with open(os.path.join(self.dir, name), "w") as fh:
                fh.write(text)
        log = open(os.path.join(self.dir, "janus.log"), "w")
        self.proc = subprocess.Popen(
            self.ns.server_cmd(["taskset", "-c", "0", "janus", "-C",
                                os.path.join(self.dir, "janus.jcfg"), "-F", self.dir]),
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            # Ready when the WebSocket port accepts a connection (probed from the client side).
            ok = subprocess.run(self.ns.client_cmd(
                ["bash", "-c", f"exec 3<>/dev/tcp/{self.ns.server_addr}/{self.port}"]),
                stderr=subprocess.DEVNULL).returncode == 0
            if ok:
                return
            time.sleep(0.2)
        raise RuntimeError("janus did not start: " + open(os.path.join(self.dir, "janus.log")).read()[-2000:])

    def pid(self):
        return self.proc.pid

    def load_args(self):
        return ["--server", "janus", "--url", f"ws://{self.ns.server_addr}:{self.port}/",
                "--janus-room", str(ROOM)] + self.ns.load_address_args()

    def wrap_load(self, argv):
        return self.ns.client_cmd(argv)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.ns:
            self.ns.destroy()
        if self.dir:
            if os.environ.get("BENCH_KEEP_LOGS"):
                print(f"bench: janus logs kept in {self.dir}")
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
