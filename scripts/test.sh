#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh machine, then run it: Debian's chromium for the browser
# tests, a virtual environment with the dev and scale requirements, ruff, and pytest (unit, integration, app, e2e).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements-dev.txt
.venv/bin/python -m pip install -q -r requirements-scale.txt  # Ray and LanceDB: their tests run here too
.venv/bin/python -m pip install -q -e . --no-deps  # vidrec_core importable anywhere, and the `vidrec` command

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
