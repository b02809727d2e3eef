#!/usr/bin/env bash
# Installs what clm needs and is missing: Debian packages (as root), a virtualenv, the pinned requirements.
# `scripts/setup.sh` installs what running needs (make run); `scripts/setup.sh dev` adds what the tests and the
# linters need (make test, make lint): the pinned dev tools, poppler for reading PDFs back, Chromium for the browser
# journeys. Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# fonts-noto-cjk prints every Chinese character the contracts hold (rare name characters, ℃, ㎡); WenQuanYi is its
# small fallback. libharfbuzz-subset0 keeps WeasyPrint's font subsetting fast (about 0.2 s a PDF instead of 2.5 s).
# gettext compiles the translations.
DEB_PACKAGES=(libharfbuzz-subset0 fonts-noto-cjk fonts-wqy-microhei gettext)
REQUIREMENTS=(requirements.txt)
if [[ ${1:-} == dev ]]; then
  # poppler-utils (pdftotext, pdffonts) reads the PDFs back in the tests; Chromium runs the browser journeys.
  DEB_PACKAGES+=(poppler-utils chromium)
  REQUIREMENTS+=(requirements-dev.txt)
fi

missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "==> installing Debian packages: ${missing[*]}"
    # Another apt or dpkg (an unattended upgrade, another install) may hold the lock: wait for it, up to 5 minutes.
    apt_wait=(-o DPkg::Lock::Timeout=300)
    if fuser /var/lib/dpkg/lock-frontend /var/lib/apt/lists/lock >/dev/null 2>&1; then
      echo "==> another apt process holds the package lock; waiting for it (up to 5 minutes)"
    fi
    apt-get "${apt_wait[@]}" update -qq
    DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
      >/dev/null
  else
    echo "!! missing Debian packages (run as root to install): ${missing[*]}" >&2
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat "${REQUIREMENTS[@]}" | sha256sum | cut -d' ' -f1)
# A runtime-only install is enough where the dev set was installed already (make run after make test).
have=$(cat "$stamp" 2>/dev/null || true)
if [[ $have != "$want" && $have != "$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)" ]]; then
  echo "==> installing ${REQUIREMENTS[*]}"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q --require-hashes $(printf -- '-r %s ' "${REQUIREMENTS[@]}")
  echo "$want" > "$stamp"
fi
