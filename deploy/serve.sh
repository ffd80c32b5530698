#!/usr/bin/env bash
# `make serve`: Montage under production settings on this machine, in one command.
#
#   deploy/serve.sh            # PORT=8000 unless PORT says another
#
# Production settings (PRODUCTION=true, DEBUG=false); SECRET_KEY and ALLOWED_HOSTS from
# the environment, or a key kept in var/secret-key and this machine's own names, saying
# so. Then the settings are checked, migrations applied, static files collected with
# hashed names, and gunicorn (deploy/gunicorn.conf.py) started on 127.0.0.1:PORT beside
# the task worker that sends mail, started again if it stops; when gunicorn stops, the
# worker is stopped. README, Production, says how to put a web server with HTTPS in front.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
KEY_FILE="$ROOT/var/secret-key"
[[ -x "$BIN/python" ]] || { echo "No .venv: run 'make serve', which makes it." >&2; exit 1; }

export PORT="${PORT:-8000}"
export DEBUG=false PRODUCTION=true DJANGO_SETTINGS_MODULE=montage.settings
export MONTAGE_SITE_URL="${MONTAGE_SITE_URL:-http://127.0.0.1:$PORT}"

if [[ -z "${SECRET_KEY:-}" ]]; then
    "$BIN/python" deploy/local_secret_key.py "$KEY_FILE"
    SECRET_KEY="$(<"$KEY_FILE")"
    export SECRET_KEY
fi
# Unset only: an empty ALLOWED_HOSTS is a mistake the settings name.
if [[ -z "${ALLOWED_HOSTS+set}" ]]; then
    export ALLOWED_HOSTS=127.0.0.1,localhost
    echo "ALLOWED_HOSTS is not set: answering as 127.0.0.1 and localhost only. Set it to the site's host names."
fi
# gunicorn speaks plain http on loopback: HTTPS, and the redirect to it, are the job of
# the web server in front, which says so to Django with X-Forwarded-Proto.
if [[ -z "${SECURE_SSL_REDIRECT:-}" ]]; then
    export SECURE_SSL_REDIRECT=false
    echo "SECURE_SSL_REDIRECT is not set: plain http on 127.0.0.1:$PORT, for a web server in front to redirect to HTTPS."
fi

# gunicorn reads it before its config file, and would answer a word with a traceback.
if [[ -n "${WEB_CONCURRENCY:-}" && ! "$WEB_CONCURRENCY" =~ ^[1-9][0-9]*$ ]]; then
    echo "Montage cannot start: WEB_CONCURRENCY must be a number of workers, not '$WEB_CONCURRENCY'." >&2
    exit 1
fi

if [[ -n "${TASKS_URL:-}" ]]; then
    WORKER=(rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job) QUEUE="Redis queue"
else
    WORKER=(db_worker --no-reload) QUEUE="database queue"
fi

"$BIN/python" -m montage.preflight --before-set-up
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py collectstatic --noinput --verbosity 0
has_admin='from django.contrib.auth import get_user_model
raise SystemExit(0 if get_user_model().objects.filter(is_staff=True).exists() else 3)'
"$BIN/python" manage.py shell --no-imports -c "$has_admin" ||
    echo "No admin login yet: make one with '.venv/bin/python manage.py createsuperuser' in this environment."
echo "Montage: http://127.0.0.1:$PORT/ under production settings (admin: http://127.0.0.1:$PORT/admin/)"
echo "mail: sent by the task worker ($QUEUE), started beside the server and stopped with it"

PIDS=()
stop_all() {
    trap - EXIT INT TERM
    [[ ${#PIDS[@]} -eq 0 ]] || kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The task worker, started again whenever it exits: RQ's exits when it loses Redis, and
# the site must not stop with it. Each start first queues again the mail whose task the
# outage lost.
keep_worker() {
    local child=""
    trap '[[ -z "$child" ]] || kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM
    while true; do
        "$BIN/python" manage.py requeue_mail --verbosity 0 >/dev/null 2>&1 || true
        "$BIN/python" manage.py "${WORKER[@]}" &
        child=$!
        wait "$child" || true
        echo "mail: the task worker stopped; starting it again in 2 s" >&2
        sleep 2 &
        child=$!
        wait "$child" || true
    done
}

"$BIN/gunicorn" --config deploy/gunicorn.conf.py &
PIDS+=("$!")
keep_worker &
PIDS+=("$!")
# gunicorn stopping (a bad start, a crash) stops the worker, with gunicorn's exit status.
wait -n
