#!/usr/bin/env bash
# Creates or refreshes a Python venv from a pinned requirements file: by default the one of
# the end-to-end tests in Tests/python (scripts/bench-python.sh passes bench/python's).
#
#   scripts/python-venv.sh [VENV_DIR [REQUIREMENTS]]
#       VENV_DIR      default: .build/python-venv in the repo
#       REQUIREMENTS  default: Tests/python/requirements.txt
#
# The venv is rebuilt from scratch whenever the requirements file or the Python
# version changes (a hash of both is kept in VENV_DIR/.requirements.sha256); otherwise it
# returns at once. PYTHON picks the interpreter (default: python3, 3.10 or newer).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$root/.build/python-venv}"
requirements="${2:-$root/Tests/python/requirements.txt}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"

command -v "$python" >/dev/null || { echo "python-venv.sh: $python not found (set PYTHON)" >&2; exit 1; }
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || { echo "python-venv.sh: $python is older than 3.10; durabletask needs 3.10+" >&2; exit 1; }

want="$({ cat "$requirements"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "python venv up to date: $venv"
    exit 0
fi

# Only ever delete a directory that is a venv (or empty): VENV_DIR comes from the caller.
if [ -e "$venv" ]; then
    if [ -f "$venv/pyvenv.cfg" ] || [ -z "$(ls -A "$venv" 2>/dev/null)" ]; then
        rm -rf "$venv"
    else
        echo "python-venv.sh: $venv exists and is not a venv; not touching it" >&2
        exit 1
    fi
fi

echo "creating python venv: $venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$want" >"$stamp"
echo "python venv ready: $venv"
