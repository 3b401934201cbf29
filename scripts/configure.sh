#!/usr/bin/env bash
# Configures a build tree with Ninja: scripts/configure.sh DIR [cmake -D options...].
# A tree made earlier with another generator or another C++ compiler is started afresh (CMake
# refuses to switch generators in place), so an old checkout's build/ needs no manual cleaning.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
cache="$dir/CMakeCache.txt"
if [ -f "$cache" ]; then
  reason=""
  gen=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$cache")
  [ "$gen" = Ninja ] || reason="it was made with ${gen:-another generator}"
  for arg in "$@"; do
    case "$arg" in
      -DCMAKE_CXX_COMPILER=*)
        want=$(command -v "${arg#*=}" || echo "${arg#*=}")
        have=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$cache")
        have=$(command -v "$have" || echo "$have")
        [ "$(realpath -m "$want")" = "$(realpath -m "$have")" ] || reason="it was made with $have"
        ;;
    esac
  done
  if [ -n "$reason" ]; then
    echo "configure: starting $dir afresh ($reason)"
    rm -rf "$dir"
  fi
fi
cmake -G Ninja -S "$root" -B "$dir" "$@" >/dev/null
