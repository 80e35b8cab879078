#!/usr/bin/env bash
# Install the wheel that `package-all` just built into a fresh venv, with the newest aws-cdk-lib that PyPI
# offers within our peer range, and test it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
min_cdk="$(node -p "require('$root/package.json').peerDependencies['aws-cdk-lib'].replace(/^\\^/, '')")"
wheel="$(ls "$root"/dist/python/*.whl)"

venv="$here/.venv"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "$wheel" "aws-cdk-lib>=$min_cdk,<3" "constructs>=10.5.1,<11" "pytest>=8,<9"

cd "$here"
"$venv/bin/python" -m pytest -p no:cacheprovider -q --junitxml=test-report.xml
