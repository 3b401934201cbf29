#!/usr/bin/env bash
# Builds the web client into client/dist. Installs node_modules only when missing or older than
# package-lock.json, and rebuilds only when dist is missing or older than a source file, so a
# second run with nothing changed returns at once.
set -euo pipefail
cd "$(dirname "$0")/../client"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "build-client: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi

stale=0
if [ ! -f dist/index.html ]; then
  stale=1
else
  # Anything that feeds the build: sources, the page, configs and the lock file.
  newer=$(find src index.html package.json package-lock.json tsconfig.json vite.config.ts public \
    -newer dist/index.html -print -quit 2>/dev/null || true)
  [ -n "$newer" ] && stale=1
fi

if [ "$stale" = 1 ]; then
  echo "build-client: npm run build"
  npm run build --silent
else
  echo "build-client: client/dist is up to date"
fi
