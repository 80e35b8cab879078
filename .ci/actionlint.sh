#!/usr/bin/env bash
# Lint the GitHub workflows that projen generates (.github/workflows) with actionlint, which also runs shellcheck
# over their `run:` scripts. The workflows cannot run here, so this is what keeps a broken one from landing.
# actionlint is a Go module, built once into .tools/bin; shellcheck comes from .venv (.ci/python-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
actionlint=.tools/bin/actionlint
if [ ! -x "$actionlint" ] || [ "$("$actionlint" -version | head -1)" != "$version" ]; then
  # Go's official installer puts it in /usr/local/go, which a non-login shell may not have on its PATH.
  command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
  if ! command -v go >/dev/null; then
    echo "actionlint is built with Go (go install, from the Go module proxy), and there is no 'go' on this machine." >&2
    exit 1
  fi
  GOBIN="$PWD/.tools/bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$version"
fi
if [ ! -x .venv/bin/shellcheck ]; then
  echo "shellcheck is not in .venv: run 'bash .ci/python-tools.sh' first." >&2
  exit 1
fi
# Info- and style-level notes from shellcheck on projen's own scripts (an unquoted "$GITHUB_OUTPUT",
# `a && b || c`) are not failures; its warnings and errors are. No workflow step runs Python, so pyflakes has
# nothing to check.
workflows=(.github/workflows/*.yml)
SHELLCHECK_OPTS='--severity=warning' "$actionlint" -no-color -shellcheck .venv/bin/shellcheck -pyflakes= "${workflows[@]}"
# The scripts CI itself runs, which no workflow step contains, get the whole of shellcheck.
scripts=(.ci/run .ci/*.sh test/consumers/*/run.sh)
.venv/bin/shellcheck "${scripts[@]}"
echo "actionlint $version: ${#workflows[@]} workflows, shellcheck: ${#scripts[@]} scripts; no findings"
