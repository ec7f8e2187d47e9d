#!/usr/bin/env bash
# Fails when committed generated code differs from what the generator produces now.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
scripts/generate-lua.sh "$tmp"
if ! diff -u Sources/DurableTaskRedis/Generated/LuaScripts.swift "$tmp"; then
  echo "error: Sources/DurableTaskRedis/Generated/LuaScripts.swift is stale; run scripts/generate-lua.sh and commit" >&2
  exit 1
fi
echo "generated Lua scripts are fresh"
