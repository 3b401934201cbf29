#!/usr/bin/env bash
# Installs the Debian packages Rounds needs to build, run and test, if any is missing.
# Idempotent and quiet when everything is already there. Needs root for apt-get.
set -euo pipefail

build_pkgs=(build-essential cmake ninja-build pkg-config libssl-dev libsrtp2-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev libsqlite3-dev libspdlog-dev libfmt-dev libcli11-dev libargon2-dev libical-dev libhowardhinnant-date-dev tzdata nodejs npm)
test_pkgs=(libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev chromium iproute2 nftables
  valgrind coturn khal)
# `make bench` only: charts, Janus as the side-by-side reference (docs/performance.md), and
# ethtool for the NIC-like delivery rig (scripts/bench_netns.py, ROUNDS_BENCH_RIG=nic).
# gnuplot-nox in the same transaction satisfies gnuplot's front-end dependency without Qt.
bench_pkgs=(gnuplot gnuplot-nox janus ethtool)

want=("${build_pkgs[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${test_pkgs[@]}"); fi
if [ "${1:-}" = "--bench" ]; then want+=("${test_pkgs[@]}" "${bench_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    # nodejs/npm may come from elsewhere on the machine; accept a working binary.
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
    esac
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
