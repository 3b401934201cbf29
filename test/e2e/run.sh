#!/usr/bin/env bash
# Browser end-to-end tests: runs the rounds server and headless Chromium together inside a private
# network namespace that has only loopback, so no packet leaves the machine (TESTING.md), then runs
# `node --test test/e2e/` against it. A second rounds with TURN beside coturn and an nftables rule
# serves turn.test.mjs, a third whose UDP media port is closed serves icetcp.test.mjs, a fourth
# reached through a rounds-netem link serves the impaired-link tests, a fifth on a veth pair to a
# second namespace serves simulcast.test.mjs, and a sixth on HTTPS 443 beside coturn on TLS 443
# serves turn_tls.test.mjs (below).
# Usage: test/e2e/run.sh <path-to-rounds-binary> [test files, default: all of test/e2e/]
# ROUNDS_E2E_TESTS="test/e2e/a.test.mjs test/e2e/b.test.mjs" also runs only those files;
# ROUNDS_E2E_LOGS=<dir> keeps the servers' logs.
# Exit status: the test runner's (0 when every test passed); 2 when the server would not start.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 <path-to-rounds-binary> [test files]" >&2
  exit 2
fi
rounds=$(realpath "$1")
shift
tests=()
for t in "$@"; do tests+=("$(realpath "$t")"); done
root=$(cd "$(dirname "$0")/../.." && pwd)

# Re-run this script inside a new network namespace (needs root, or user namespaces).
if [ -z "${ROUNDS_E2E_NETNS:-}" ]; then
  "$root/scripts/build-client.sh"
  if [ ! -x /usr/bin/chromium ]; then
    echo "e2e: /usr/bin/chromium is missing (make test-deps installs it)" >&2
    exit 2
  fi
  exec unshare -n env ROUNDS_E2E_NETNS=1 bash "$0" "$rounds" "${tests[@]}"
fi

ip link set lo up
tmp=$(mktemp -d /tmp/rounds-e2e.XXXXXX)
pids=()
cleanup() {
  # Stop what this script started, newest first: give each 5 s to shut down cleanly, then make sure.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[$i]}
    kill -0 "$pid" 2>/dev/null || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  # ROUNDS_E2E_LOGS=<dir> keeps the servers' logs of this run.
  if [ -n "${ROUNDS_E2E_LOGS:-}" ]; then mkdir -p "$ROUNDS_E2E_LOGS" && cp "$tmp"/*.out "$tmp"/*.err "$ROUNDS_E2E_LOGS"/ 2>/dev/null || true; fi
  nft delete table inet rounds_e2e 2>/dev/null || true
  nft delete table inet rounds_e2e_icetcp 2>/dev/null || true
  # Namespaces of lib/impaired_link.mjs that a test left behind when it died half way.
  for ns in $(ip netns list 2>/dev/null | grep -o "^rounds-e2e-$$-[0-9a-f]*" || true); do ip netns del "$ns" || true; done
  nft delete table inet rounds_loss 2>/dev/null || true  # loss.test.mjs, if it died half way
  [ -n "${sc_ns:-}" ] && ip netns del "$sc_ns" 2>/dev/null || true  # and with it the veth pair
  [ -n "${tls_ns:-}" ] && ip netns del "$tls_ns" 2>/dev/null || true  # turn_tls.test.mjs's, and its rules
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts rounds with the given name and extra options; waits until it prints "url: " (it listens).
start_rounds() {
  local name=$1
  shift
  "$rounds" --http-address "${ROUNDS_E2E_ADDRESS:-127.0.0.1}" --media-address "${ROUNDS_E2E_ADDRESS:-127.0.0.1}" \
    --web-root "$root/client/dist" \
    --db "$tmp/$name.db" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 200); do
    grep -q '^url: ' "$tmp/$name.out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "e2e: $name did not print 'url: ' within 20 s" >&2
  tail -n 40 "$tmp/$name.out" "$tmp/$name.err" >&2 || true
  exit 2
}

# The call tests (call.test.mjs): browsers reach the media port directly. The first host account is
# created with the bootstrap token, as an operator would (docs/api.md); tests sign in with it
# (lib/browser.mjs hostSession) for host-only endpoints such as /api/stats.
bootstrap_token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
start_rounds server --http-port 8080 --media-port 40000 --bootstrap-token "$bootstrap_token"
host_email=operator@e2e.test
host_password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
node "$root/test/e2e/lib/bootstrap.mjs" http://127.0.0.1:8080 "$bootstrap_token" "$host_email" "$host_password"

# The TURN test (turn.test.mjs, docs/turn.md): coturn on 127.0.0.1:3478 (TCP only, as through a
# firewall that allows nothing else) relays to a second rounds whose media port drops every UDP
# datagram that does not come from coturn's relay ports, so the only way in is TURN over TCP.
turn_env=()
if command -v turnserver >/dev/null; then
  turn_secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  # Ephemeral ports (the browser's own sockets) stay below the relay range in this namespace.
  sysctl -qw net.ipv4.ip_local_port_range="32768 49999"
  stdbuf -oL turnserver --listening-ip=127.0.0.1 --listening-port=3478 --relay-ip=127.0.0.1 \
    --min-port=50000 --max-port=50100 --use-auth-secret --static-auth-secret="$turn_secret" \
    --realm=rounds.test --no-udp --no-tls --no-dtls --no-cli --no-multicast-peers \
    --allow-loopback-peers --allowed-peer-ip=127.0.0.1 --userdb="$tmp/turndb" \
    --pidfile="$tmp/turnserver.pid" --log-file=stdout --simple-log >"$tmp/turn.log" 2>&1 &
  pids+=("$!")
  nft -f - <<NFT
table inet rounds_e2e {
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport 40100 udp sport != 50000-50100 counter drop
  }
}
NFT
  # ICE-TCP off here: its TCP candidate would be a way in that bypasses the relay.
  start_rounds turn-server --http-port 8081 --media-port 40100 --ice-tcp-port 0 \
    --turn-url 'turn:127.0.0.1:3478?transport=tcp' --turn-secret "$turn_secret"
  for _ in $(seq 50); do ss -ltn | grep -q '127.0.0.1:3478 ' && break; sleep 0.1; done
  turn_env=(ROUNDS_TURN_URL=http://127.0.0.1:8081)
else
  echo "e2e: turnserver (coturn) is missing: the TURN test is skipped" >&2
fi

# The TURN-over-TLS test (turn_tls.test.mjs, docs/turn.md "TURN over TLS on 443"): the browser sits
# in a namespace of its own, joined to this one by a veth pair, and may send nothing but TCP to port
# 443 (the test's nftables rules there). On this end of the pair rounds serves HTTPS on
# rounds.e2e.test = 10.79.0.1:443 and coturn TLS only on turn.e2e.test = 10.79.0.2:443, each with a
# certificate from a CA made for this run (lib/test_ca.sh); rounds hands out only the turns: URL.
turntls_env=()
if command -v turnserver >/dev/null; then
  tls_ns=rounds-tls-$$
  tls_dev=rtls$$
  "$root/test/e2e/lib/test_ca.sh" "$tmp/tls" rounds.e2e.test turn.e2e.test
  ip netns add "$tls_ns"
  ip link add "$tls_dev" type veth peer name "${tls_dev}b"
  ip link set "${tls_dev}b" netns "$tls_ns"
  ip addr add 10.79.0.1/24 dev "$tls_dev"
  ip addr add 10.79.0.2/24 dev "$tls_dev"
  ip link set "$tls_dev" up
  ip -n "$tls_ns" addr add 10.79.0.10/24 dev "${tls_dev}b"
  ip -n "$tls_ns" link set "${tls_dev}b" up
  ip -n "$tls_ns" link set lo up
  turntls_secret=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  # TLS only (--no-udp --no-tcp --no-dtls): plain 3478 is not even open. Relay ports above the
  # ephemeral range set above, apart from the first coturn's; relays go to rounds' address only.
  # stdbuf: coturn's log to stdout is block-buffered and would be lost when it is stopped.
  stdbuf -oL turnserver --listening-ip=10.79.0.2 --tls-listening-port=443 --relay-ip=10.79.0.2 \
    --min-port=50200 --max-port=50300 --use-auth-secret --static-auth-secret="$turntls_secret" \
    --realm=rounds.e2e.test --cert="$tmp/tls/turn.e2e.test.pem" --pkey="$tmp/tls/turn.e2e.test.key" \
    --no-udp --no-tcp --no-dtls --no-cli --no-multicast-peers \
    --denied-peer-ip=0.0.0.0-255.255.255.255 --allowed-peer-ip=10.79.0.1 \
    --userdb="$tmp/turntls-db" --pidfile="$tmp/turntls.pid" --log-file=stdout --simple-log \
    >"$tmp/turntls.log" 2>&1 &
  pids+=("$!")
  ROUNDS_E2E_ADDRESS=10.79.0.1 start_rounds turntls-server --http-port 443 --media-port 40500 \
    --tls-cert "$tmp/tls/rounds.e2e.test.pem" --tls-key "$tmp/tls/rounds.e2e.test.key" \
    --turn-url 'turns:turn.e2e.test:443?transport=tcp' --turn-secret "$turntls_secret"
  for _ in $(seq 50); do ss -ltn | grep -q '10.79.0.2:443 ' && break; sleep 0.1; done
  turntls_env=(ROUNDS_TURNTLS_URL=https://rounds.e2e.test ROUNDS_TURNTLS_NETNS="$tls_ns"
    ROUNDS_TURNTLS_CA="$tmp/tls/ca.pem" ROUNDS_TURNTLS_LOG="$tmp/turntls.log")
fi

# The ICE-TCP test (icetcp.test.mjs): UDP to this server's media port is dropped (a firewall that
# blocks UDP), so browsers must use its passive TCP candidate on the same port number.
nft -f - <<NFT
table inet rounds_e2e_icetcp {
  chain input {
    type filter hook input priority 0; policy accept;
    udp dport 40200 counter drop
  }
}
NFT
start_rounds icetcp-server --http-port 8082 --media-port 40200
icetcp_env=(ROUNDS_ICETCP_URL=http://127.0.0.1:8082 ROUNDS_ICETCP_PORT=40200)

# The impaired-link tests (loss.test.mjs, address_change.test.mjs, docs/testing-network.md): one
# participant's Chromium runs in a namespace of its own, joined to this one by a rounds-netem link
# (lib/impaired_link.mjs) whose end here is 10.77.0.1. This server listens on every address of this
# namespace and announces that one; the link exists only while a test runs.
netem_env=()
netem=$(dirname "$rounds")/rounds-netem
if [ -x "$netem" ]; then
  ROUNDS_E2E_ADDRESS=0.0.0.0 start_rounds netem-server --http-port 8083 --media-port 40300 \
    --announced-address 10.77.0.1 --bootstrap-token "$bootstrap_token"
  node "$root/test/e2e/lib/bootstrap.mjs" http://127.0.0.1:8083 "$bootstrap_token" "$host_email" "$host_password"
  netem_env=(ROUNDS_NETEM="$netem" ROUNDS_NETEM_URL=http://10.77.0.1:8083 ROUNDS_E2E_NETNS_PREFIX="rounds-e2e-$$-")
else
  echo "e2e: $netem is missing (cmake --build ... --target rounds-netem): the impaired-link tests are skipped" >&2
fi

# The simulcast test (simulcast.test.mjs, lib/shaped_link.mjs): viewer A's Chromium runs in a
# namespace of its own, joined to this one by a veth pair whose end here the test rate-limits with
# tbf; a fourth rounds listens on this end's address, which both sides reach.
sc_ns=rounds-sc-$$
sc_dev=rsc$$
ip netns add "$sc_ns"
ip link add "$sc_dev" type veth peer name "${sc_dev}a"
ip link set "${sc_dev}a" netns "$sc_ns"
ip addr add 10.78.0.1/30 dev "$sc_dev"
ip link set "$sc_dev" up
ip -n "$sc_ns" addr add 10.78.0.2/30 dev "${sc_dev}a"
ip -n "$sc_ns" link set "${sc_dev}a" up
ip -n "$sc_ns" link set lo up
ROUNDS_E2E_ADDRESS=10.78.0.1 start_rounds simulcast-server --http-port 8084 --media-port 40400 --ice-tcp-port 0 \
  --bootstrap-token "$bootstrap_token"
node "$root/test/e2e/lib/bootstrap.mjs" http://10.78.0.1:8084 "$bootstrap_token" "$host_email" "$host_password"
simulcast_env=(ROUNDS_SIMULCAST_URL=http://10.78.0.1:8084 ROUNDS_SIMULCAST_NETNS="$sc_ns" ROUNDS_SIMULCAST_DEV="$sc_dev")

set +e
# shellcheck disable=SC2086 # ROUNDS_E2E_TESTS is a list of files
env ROUNDS_URL=http://127.0.0.1:8080 ROUNDS_E2E_HOST_EMAIL="$host_email" ROUNDS_E2E_HOST_PASSWORD="$host_password" "${turn_env[@]}" "${turntls_env[@]}" "${icetcp_env[@]}" "${netem_env[@]}" "${simulcast_env[@]}" node --test --test-concurrency=1 \
  ${ROUNDS_E2E_TESTS:-"${tests[@]:-$root/test/e2e/}"}
status=$?
set -e
# Which SRTP profiles the browsers negotiated (Chromium picks AEAD_AES_128_GCM: our srtp_gcm).
grep -ho 'DTLS connected ([A-Z0-9_]*)' "$tmp"/*.err "$tmp"/*.out 2>/dev/null | sort | uniq -c | sed 's/^/e2e: /' >&2 || true
if [ "$status" != 0 ]; then
  echo "e2e: tests failed; last lines of the servers' logs:" >&2
  tail -n 60 "$tmp/server.err" >&2 || true
  tail -n 30 "$tmp/turn-server.err" "$tmp/turn.log" >&2 2>/dev/null || true
  tail -n 30 "$tmp/turntls-server.err" "$tmp/turntls.log" >&2 2>/dev/null || true
  tail -n 30 "$tmp/icetcp-server.err" >&2 2>/dev/null || true
  tail -n 30 "$tmp/netem-server.err" >&2 2>/dev/null || true
  tail -n 30 "$tmp/simulcast-server.err" >&2 2>/dev/null || true
  nft list table inet rounds_e2e_icetcp >&2 2>/dev/null || true
  nft list table inet rounds_e2e >&2 2>/dev/null || true
fi
exit "$status"
