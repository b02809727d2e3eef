#!/usr/bin/env bash
# Runs clm on the embedded defaults (SQLite, a filesystem Celery broker, e-mail written to var/mail/):
# migrates, compiles translations, seeds the demo and sends its due reminders, then starts the web server, one Celery
# worker and beat.
# Ctrl-C (or SIGTERM) stops all three. `make run` calls scripts/setup.sh first, then this script.
#
# Environment: CLM_HOST / CLM_PORT (default 127.0.0.1:8000), CLM_DEMO_DATA=0 (no demo data) and every variable of
# clm/settings.py (DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, ...), which override the embedded defaults. The demo
# runs with DEBUG off as deployed, on plain http (scripts/demo-env.sh); `DJANGO_DEBUG=1 make run` turns DEBUG on.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
HOST=${CLM_HOST:-127.0.0.1}
PORT=${CLM_PORT:-8000}
URL="http://${HOST}:${PORT}/"
export PYTHONUNBUFFERED=1
export SITE_URL=${SITE_URL:-http://${HOST}:${PORT}}
# DEBUG off, a per-checkout secret key, plain http on this machine (scripts/demo-env.sh).
source scripts/demo-env.sh

if ! "$PY" - "$HOST" "$PORT" <<'EOF'; then
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], int(sys.argv[2])))
EOF
  echo "!! ${HOST}:${PORT} is already in use (is clm already running?). Set CLM_PORT to use another port." >&2
  exit 1
fi

# Stamps keep a second start quick: what is already done (translations compiled, migrations applied, demo data
# loaded, static files collected) is skipped until one of its inputs changes.
stale=0
for po in locale/*/LC_MESSAGES/*.po; do
  if [[ -e $po && ! ${po%.po}.mo -nt $po ]]; then stale=1; fi
done
if ((stale)); then
  echo "==> compiling translations"
  "$PY" manage.py compilemessages --ignore=.venv -v0
fi

seed=${CLM_DEMO_DATA:-1}
# The preparation is skipped when it last ran on this same embedded SQLite database (same file), with the same
# settings and installed packages, and no Python file, template or static file changed since. Another DATABASE_URL
# (which may have been emptied meanwhile) is always migrated. `rm var/.run-prepared` forces it.
stamp=var/.run-prepared
settings_key="seed=${seed} static=${STATIC_ROOT:-} email=${EMAIL_URL:-} packages=$(cat .venv/.requirements.sha256 2>/dev/null)"
prepared() {
  [[ -z ${DATABASE_URL:-} && -e var/db.sqlite3 && -e $stamp ]] || return 1
  [[ $(head -n1 "$stamp") == "db=$(stat -c %i var/db.sqlite3) ${settings_key}" ]] || return 1
  [[ -z $(find . \( -path ./.venv -o -path ./var -o -path ./.git -o -path ./tests \) -prune -o -type f \
    \( -name '*.py' -o -path './templates/*' -o -path './static/*' \) -newer "$stamp" -print -quit) ]]
}
if prepared; then
  echo "==> database, demo data and static files are up to date (${stamp}); the worker sends the reminders due"
  mail_note=$(tail -n +2 "$stamp")
else
  echo "==> checking, applying database migrations, collecting static files, loading the demo data, sending reminders"
  # The system checks, migrations, static files and demo data in one Python process, so Django starts once (and the
  # web server need not check again); all are idempotent. The
  # demo runs with DEBUG off, so seed_demo gets --force. The demo's due reminders are sent once here, so their
  # e-mails are there to read before the servers start. The script tells where e-mail goes on file descriptor 3 (its
  # normal output goes to the terminal) for the banner.
  mail_note=$("$PY" - "$seed" 3>&1 1>&2 <<'EOF'
import os
import sys

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clm.settings")
django.setup()
from django.conf import settings

call_command("check")
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
if sys.argv[1] == "1":
    call_command("seed_demo", force=True)
    call_command("send_reminders")
if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    where = f"E-mail is written to {settings.EMAIL_FILE_PATH}/ (one .log file per batch of messages)."
elif settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    where = f"E-mail is sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}."
else:
    where = f"E-mail goes to {settings.EMAIL_BACKEND}."
with os.fdopen(3, "w") as out:
    out.write(where)
EOF
)
  if [[ -z ${DATABASE_URL:-} ]]; then
    printf '%s\n%s\n' "db=$(stat -c %i var/db.sqlite3) ${settings_key}" "$mail_note" >"$stamp"
  fi
fi

pids=()
names=()

# Each process gets its own session (setsid), so Ctrl-C reaches only this script, which then stops every process
# group it started, children included (the worker's pool, the web server's threads).
start() {
  local name=$1
  shift
  # The log prefixer ignores Ctrl-C so it outlives its process and shows the shutdown messages.
  setsid "$@" > >(trap '' INT TERM && exec sed -u "s/^/[${name}] /") 2>&1 &
  pids+=("$!")
  names+=("$name")
}

stop() {
  trap - INT TERM EXIT
  ((${#pids[@]})) || return 0
  echo "==> stopping ${names[*]}"
  local pid
  # TERM to each leader (the worker then stops its pool itself); whatever is left after 10 s is killed.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 40); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  echo "==> stopped"
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# The web server starts first and alone, so it answers sooner; the worker and beat start once it does.
start web "$PY" manage.py runserver "${HOST}:${PORT}" --noreload --skip-checks
answers() {
  exec 3<>"/dev/tcp/${HOST}/${PORT}" || return 1
  printf 'GET /accounts/login/ HTTP/1.0\r\nHost: %s\r\n\r\n' "$HOST" >&3
  local status=""
  read -r -t 10 status <&3 || true
  exec 3<&-
  [[ $status == HTTP/* ]]
}
for _ in $(seq 600); do
  kill -0 "${pids[0]}" 2>/dev/null || break
  answers 2>/dev/null && break
  sleep 0.1
done
start worker .venv/bin/celery -A clm worker -l info --concurrency 2 -n "clm@%h"
start beat .venv/bin/celery -A clm beat -l info

cat <<EOF

  clm is running at ${URL}   (admin: ${URL}admin/)
  ${mail_note}
  DEBUG is ${DJANGO_DEBUG} (DJANGO_DEBUG=1 make run shows Django's debug pages instead of the app's error pages).
  Press Ctrl-C to stop the web server, the worker and beat.

  Demo logins (password: demo-pass-2026)
    user       role
    manager    procurement manager (all contracts, all actions)
    buyer1     procurement staff (own and shared contracts)
    buyer2     procurement staff (English UI; sees a contract buyer1 shared)
    legal      legal (sees all, edits clauses)
    auditor    auditor (sees all, changes nothing)
    admin      superuser (Django admin)

EOF

# Run until Ctrl-C, or until one of the three stops by itself (then stop the others too and report it).
set +e
wait -n "${pids[@]}"
status=$?
echo "!! a process stopped unexpectedly (exit status ${status}); stopping the others" >&2
exit 1
