# The environment the demo runs in; scripts/run.sh sources it (so does the test of the demo's settings).
# It runs as deployed, with DEBUG off (Django's debug pages stay for `DJANGO_DEBUG=1 make run`), on plain http on
# this machine: no HTTPS redirect, no secure-only cookies, no HSTS. The secret key is made once per checkout and kept
# in var/demo-secret-key. Every variable set before is kept.
HOST=${CLM_HOST:-127.0.0.1}
export DJANGO_DEBUG=${DJANGO_DEBUG:-0}
if [[ -z ${DJANGO_SECRET_KEY:-} ]]; then
  if [[ ! -s var/demo-secret-key ]]; then
    mkdir -p var
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n' >var/demo-secret-key)
  fi
  DJANGO_SECRET_KEY=$(<var/demo-secret-key)
  export DJANGO_SECRET_KEY
fi
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,${HOST}}
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-0}
export DJANGO_SECURE_COOKIES=${DJANGO_SECURE_COOKIES:-0}
export DJANGO_HSTS_SECONDS=${DJANGO_HSTS_SECONDS:-0}
