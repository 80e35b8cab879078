#!/usr/bin/env bash
# Lint the GitHub workflows that projen generates (.github/workflows) with actionlint, which also runs shellcheck
# over their `run:` scripts. The workflows cannot run here, so this is what keeps a broken one from landing.
# actionlint is a Go module, built once into .tools/bin; shellcheck comes from .venv (.ci/python-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
actionlint=.tools/bin/actionlint
if [ ! -x "$actionlint" ] || [ "$("$actionlint" -version | head -1)" != "$version" ]; then
  GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi
if [ ! -x .venv/bin/shellcheck ]; then
  echo "shellcheck is not in .venv: run 'bash .ci/python-tools.sh' first." >&2
  exit 1
fi
# shellcheck's info and style notes on projen's own scripts (an unquoted "$GITHUB_OUTPUT", `a && b || c`) are not
# failures; its warnings and errors are. No workflow step runs Python, so pyflakes has nothing to check.
SHELLCHECK_OPTS='--severity=warning' "$actionlint" -no-color -shellcheck .venv/bin/shellcheck -pyflakes= .github/workflows/*.yml
echo "actionlint $version: $(ls .github/workflows/*.yml | wc -l) workflows, no findings"
