#!/usr/bin/env bash
# Install what the app needs into .venv (first time only takes a few minutes) and start it on the sample data.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q -r requirements.txt
.venv/bin/python -m pip install -q -e . --no-deps  # vidrec_core importable anywhere, and the `vidrec` command
exec .venv/bin/streamlit run app.py "$@"
