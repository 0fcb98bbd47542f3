#!/usr/bin/env bash
# Create .venv with a Python 3.10 interpreter and install the exact pins of requirements/: the Rasa
# server's (rasa.txt), the action server's (actions.txt) and the tests' and tools' (dev.txt).
# Called by the Makefile only when one of them changed since the last install.
#
# The pins are installed with uv (pinned below, like pip), not pip: on the project's 2-core machine a
# fresh venv took 4-5 min with pip and takes 1 min with uv (14 s once uv's cache holds the wheels), the
# same 216 packages at the same versions. uv does not read pip's configuration files, so where uv
# cannot install (a mirror only pip knows of, say) pip does it as before.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-}"
[ -n "$python" ] || python=$(scripts/find_python.sh)
if [ -x .venv/bin/python ] && ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  echo "Existing .venv is not Python 3.10: recreating it." >&2
  rm -rf .venv
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade "pip==24.0" "uv==0.13.9"
pins=(-r requirements/rasa.txt -r requirements/actions.txt -r requirements/dev.txt)
if ! .venv/bin/uv pip install --quiet --python .venv/bin/python "${pins[@]}"; then
  echo "uv could not install the pins: installing them with pip." >&2
  .venv/bin/python -m pip install --quiet "${pins[@]}"
fi
.venv/bin/python -m pip check
echo "Python environment ready: .venv ($(.venv/bin/python --version))"
