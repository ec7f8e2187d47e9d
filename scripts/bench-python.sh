#!/usr/bin/env bash
# The Durable Task Python SDK over `durable serve`'s gRPC sidecar, side by side with the SDK's
# in-memory reference sidecar, in one run; see bench/README.md.
#
#   scripts/bench-python.sh [sidecar_bench.py options]      e.g. --json /tmp/pybench.json
#
# 1. creates (or reuses) the venv .build/python-bench-venv from bench/python/requirements.txt;
# 2. unless DURABLE_BIN is set, builds the release binary (`swift build -c release --product
#    durable`; a no-op when it is up to date) and uses it;
# 3. runs bench/python/sidecar_bench.py with the remaining arguments.
# PYTHON picks the interpreter for the venv (default: python3, 3.10 or newer); SWIFT the swift.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.build/python-bench-venv"
swift="${SWIFT:-swift}"

"$root/scripts/python-venv.sh" "$venv" "$root/bench/python/requirements.txt"

if [ -z "${DURABLE_BIN:-}" ]; then
    (cd "$root" && "$swift" build -c release --product durable)
    DURABLE_BIN="$(cd "$root" && "$swift" build -c release --show-bin-path)/durable"
fi
[ -x "$DURABLE_BIN" ] || { echo "bench-python.sh: $DURABLE_BIN is not an executable" >&2; exit 1; }
export DURABLE_BIN

exec "$venv/bin/python" "$root/bench/python/sidecar_bench.py" "$@"
