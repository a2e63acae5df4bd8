#!/usr/bin/env bash
# Refresh requirements.lock: resolve pyproject.toml's ranges afresh in a throw-away venv, prove nothing is
# broken, and write the exact versions. Run it as `make lock`, then `make test` and commit the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PY" -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install --quiet --upgrade pip wheel
"$TMP/venv/bin/pip" install --quiet torch==2.13.0     # the CPU build on disk; see the Makefile
"$TMP/venv/bin/pip" install --quiet '.[dev]'
"$TMP/venv/bin/pip" check
{
  echo "# Exact versions of every package voc installs, proven by CI (.ci/run -> make test)."
  echo "# Used as pip constraints by the Makefile and the README's manual set-up."
  echo "# Refresh: make lock   (resolves pyproject.toml's ranges in a new venv; then make test, commit)"
  echo "# Resolved on $(date -u +%Y-%m-%d) with $("$PY" --version)."
  "$TMP/venv/bin/pip" freeze --exclude-editable | grep -v -E '^(voc|pip|setuptools|wheel)( @|==)|^# Editable' \
    | sed -E 's/^torch==([0-9.]+)\+cpu$/torch==\1/'
} > requirements.lock
echo "wrote requirements.lock ($(grep -vc '^#' requirements.lock) packages)"
