# Sourced by the integration scripts: a scratch directory ($dir) and a `rounds` server on free
# loopback ports, both gone when the script exits (an EXIT trap: a script that needs its own
# clean-up extends `cleanup`).
# start_rounds <rounds binary> [more rounds options]: starts the server with its database and
# web root in $dir, waits up to 10 s for its url: and media: lines, and sets $server_pid and
# $url; exits the script if the server stops or prints nothing.
dir=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

start_rounds() {
  local binary=$1
  shift
  "$binary" --http-port 0 --media-port 0 --db "$dir/rounds.db" --web-root "$dir" --log-level warn \
    "$@" >"$dir/server.out" 2>"$dir/server.err" &
  server_pid=$!
  url=
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^url: //p' "$dir/server.out")
    [ -n "$url" ] && grep -q '^media: ' "$dir/server.out" && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "rounds exited early"; cat "$dir/server.err"; exit 1; }
    sleep 0.1
  done
  echo "rounds printed no url: and media: lines in 10 s"
  exit 1
}
