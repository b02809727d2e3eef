#!/usr/bin/env bash
# Installs what clm needs and is missing: Debian packages (as root), a virtualenv, the pinned requirements.
# Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# fonts-noto-cjk prints every Chinese character the contracts hold (rare name characters, ℃, ㎡); WenQuanYi is its
# small fallback. libharfbuzz-subset0 keeps WeasyPrint's font subsetting fast (about 0.2 s a PDF instead of 2.5 s).
DEB_PACKAGES=(libharfbuzz-subset0 fonts-noto-cjk fonts-wqy-microhei poppler-utils gettext chromium)

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "==> installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "==> installing requirements"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
