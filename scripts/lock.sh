#!/usr/bin/env bash
# Re-pin requirements/*.txt: install the three lists (requirements/rasa.in, actions.in, dev.in) together
# into a scratch Python 3.10 venv, freeze it, and give each .txt its list and everything that list needs
# (scripts/split_pins.py), so a package shared by two files has the same version in both.
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(scripts/find_python.sh)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet "pip==24.0"
"$scratch/venv/bin/pip" install --quiet -r requirements/rasa.in -r requirements/actions.in -r requirements/dev.in
"$scratch/venv/bin/pip" check
"$scratch/venv/bin/pip" freeze --exclude-editable > "$scratch/freeze.txt"
"$scratch/venv/bin/python" scripts/split_pins.py "$scratch/freeze.txt"
