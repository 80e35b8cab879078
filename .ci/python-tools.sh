#!/usr/bin/env bash
# Make .venv with the Python tools in .ci/requirements.txt. Quick when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r .ci/requirements.txt
