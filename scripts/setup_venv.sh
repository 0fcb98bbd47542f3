#!/usr/bin/env bash
# Create .venv with a Python 3.10 interpreter and install the exact pins of requirements/: the Rasa
# server's (rasa.txt), the action server's (actions.txt) and the tests' and tools' (dev.txt).
# Called by the Makefile only when one of them changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-}"
[ -n "$python" ] || python=$(scripts/find_python.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "Existing .venv is not Python 3.10: recreating it." >&2
  rm -rf .venv
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade "pip==24.0"
.venv/bin/python -m pip install --quiet -r requirements/rasa.txt -r requirements/actions.txt -r requirements/dev.txt
.venv/bin/python -m pip check
echo "Python environment ready: .venv ($(.venv/bin/python --version))"
