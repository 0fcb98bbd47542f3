#!/usr/bin/env sh
# Print the path of a Python 3.10 interpreter (Rasa 3.6 runs on 3.8-3.10 only; the project pins 3.10).
# Looks on PATH first, then in pyenv's installed versions; exits 1 with advice when there is none.
set -u

is_310() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1
}

for candidate in python3.10 python3 python; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  # pyenv shims answer even when the version is not selected; resolve through pyenv below instead.
  case "$path" in */.pyenv/shims/*) continue ;; esac
  if is_310 "$path"; then echo "$path"; exit 0; fi
done

root=""
if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root 2>/dev/null); fi
[ -n "$root" ] || root="${PYENV_ROOT:-$HOME/.pyenv}"
found="" best=-1
for path in "$root"/versions/3.10.*/bin/python3.10; do  # pick the newest 3.10.x
  [ -x "$path" ] && is_310 "$path" || continue
  micro=${path#"$root"/versions/3.10.}; micro=${micro%%/*}
  case "$micro" in ''|*[!0-9]*) micro=0 ;; esac
  if [ "$micro" -gt "$best" ]; then best=$micro found=$path; fi
done
if [ -n "$found" ]; then echo "$found"; exit 0; fi

{
  echo "No Python 3.10 interpreter found (Rasa Open Source 3.6 needs Python 3.8-3.10; this project uses 3.10)."
  echo "Install one, then run the command again, e.g.:"
  echo "  Debian/Ubuntu:  sudo apt-get install python3.10 python3.10-venv"
  echo "  pyenv:          pyenv install 3.10.13"
  echo "  macOS:          brew install python@3.10"
  echo "Or point the project at an interpreter you have:  make run PYTHON=/path/to/python3.10"
} >&2
exit 1
