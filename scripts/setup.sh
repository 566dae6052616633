#!/usr/bin/env bash
# Set up everything `make` needs: the Debian packages of apt.txt (installed when
# missing and we are root), then a virtual environment from the pinned requirements.
# Safe to re-run; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

# One dpkg-query for all of apt.txt (this runs before every make html).
wanted=$(sed 's/#.*//; s/[[:space:]]//g' apt.txt | grep -v '^$' || true)
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $wanted 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for pkg in $wanted; do
  grep -qx "$pkg" <<<"$installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null && sudo -n true 2>/dev/null && sudo="sudo -n"; }
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    echo "setup: (the HTML book builds without them; figures, PDF and browser tests need them)" >&2
  fi
fi

stamp="$VENV/.requirements.sha256"
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating the virtual environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing pinned Python packages from requirements.txt"
  # --no-compile: bytecode is written as each module is first imported (a third of the install's
  # time goes to compiling files never imported)
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-compile -r requirements.txt
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-compile --no-deps -e .
  echo "$want" > "$stamp"
fi
