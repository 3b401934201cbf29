#!/usr/bin/env bash
# Browser end-to-end tests: runs the rounds server and headless Chromium together inside a private
# network namespace that has only loopback, so no packet leaves the machine (TESTING.md), then runs
# `node --test test/e2e/` against it. Usage: test/e2e/run.sh <path-to-rounds-binary>
# Exit status: the test runner's (0 when every test passed); 2 when the server would not start.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 <path-to-rounds-binary>" >&2
  exit 2
fi
rounds=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)

# Re-run this script inside a new network namespace (needs root, or user namespaces).
if [ -z "${ROUNDS_E2E_NETNS:-}" ]; then
  "$root/scripts/build-client.sh"
  if [ ! -x /usr/bin/chromium ]; then
    echo "e2e: /usr/bin/chromium is missing (make test-deps installs it)" >&2
    exit 2
  fi
  exec unshare -n env ROUNDS_E2E_NETNS=1 bash "$0" "$rounds"
fi

ip link set lo up
tmp=$(mktemp -d /tmp/rounds-e2e.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    # Give it 5 s to shut down cleanly, then make sure.
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$rounds" --http-address 127.0.0.1 --http-port 8080 --media-address 127.0.0.1 --media-port 40000 \
  --web-root "$root/client/dist" --db "$tmp/rounds.db" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!

# The server prints "url: http://…" on stdout once it listens.
ready=0
for _ in $(seq 200); do
  if grep -q '^url: ' "$tmp/server.out" 2>/dev/null; then ready=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "e2e: the server did not print 'url: ' within 20 s" >&2
  tail -n 40 "$tmp/server.out" "$tmp/server.err" >&2 || true
  exit 2
fi

set +e
ROUNDS_URL=http://127.0.0.1:8080 node --test --test-concurrency=1 "$root/test/e2e/"
status=$?
set -e
if [ "$status" != 0 ]; then
  echo "e2e: tests failed; last lines of the server's log:" >&2
  tail -n 60 "$tmp/server.err" >&2 || true
fi
exit "$status"
