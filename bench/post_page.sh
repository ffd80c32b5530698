#!/usr/bin/env bash
# Throughput of the Rocky post page with 500 approved comments, production settings,
# gunicorn sync workers on loopback, measured with wrk: once with the rendered-thread
# cache on (COMMENTS_CACHE_SECONDS=600, the default) and once with it off (0).
# Results and how to read them: docs/benchmarks.md.
#
#   bench/post_page.sh                 # BENCH_WORKERS=2 BENCH_DURATION=15s by default
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="$ROOT/.venv/bin"
VAR="$ROOT/var/bench"
SLUG="rocky-training-in-russia-rocky-iv"
EXPECTED_COMMENTS=500
# 2 sync workers measured fastest on a 2-core machine shared with wrk (tried 2-5).
WORKERS="${BENCH_WORKERS:-2}"
DURATION="${BENCH_DURATION:-15s}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[[ -x "$BIN/python" ]] || { echo "No .venv: run 'make test' or 'make run' once first." >&2; exit 1; }

PORT="$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT/posts/$SLUG/"

mkdir -p "$VAR"
export DATABASE_URL="sqlite:///$VAR/db.sqlite3"
export MEDIA_ROOT="$VAR/media"
export CACHE_URL="locmem://"
export DEBUG=false
# Production refuses a short key; a new one each run signs nothing that outlives it.
export SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export DJANGO_SETTINGS_MODULE=montage.settings

echo "== Database $VAR/db.sqlite3"
"$BIN/python" manage.py migrate --noinput --verbosity 0
"$BIN/python" manage.py load_demo
"$BIN/python" bench/seed_comments.py
# Production serves static files through the manifest collectstatic writes (staticfiles/).
"$BIN/python" manage.py collectstatic --noinput --verbosity 0

SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
trap stop_server EXIT

start_server() {
    COMMENTS_CACHE_SECONDS="$1" "$BIN/gunicorn" montage.wsgi \
        --workers "$WORKERS" --bind "127.0.0.1:$PORT" --error-logfile "$VAR/gunicorn.log" &
    SERVER_PID=$!
    for _ in $(seq 100); do
        curl --silent --max-time 2 --output /dev/null "$URL" && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "gunicorn did not answer on $URL; see $VAR/gunicorn.log" >&2
    exit 1
}

check_page() {
    local page status count
    page="$(mktemp)"
    status="$(curl --silent --max-time 10 --output "$page" --write-out '%{http_code}' "$URL")"
    # Each comment's <li> carries id="comment-<pk>"; its other ids have a suffix.
    count="$(grep -oE 'id="comment-[0-9]+"' "$page" | wc -l)"
    rm -f "$page"
    if [[ "$status" != 200 || "$count" != "$EXPECTED_COMMENTS" ]]; then
        echo "Expected HTTP 200 with $EXPECTED_COMMENTS comments, got $status with $count." >&2
        exit 1
    fi
    echo "Page check: HTTP $status, $count comments on one page."
}

run() {
    local label="$1" cache_seconds="$2"
    echo
    echo "== $label: COMMENTS_CACHE_SECONDS=$cache_seconds, $WORKERS sync workers"
    start_server "$cache_seconds"
    check_page
    wrk -t2 -c16 -d3s "$URL" >/dev/null # warm-up: every worker loads templates and caches
    wrk -t2 -c16 -d"$DURATION" --latency "$URL"
    stop_server
}

echo "== $(nproc) cores, $("$BIN/python" --version), Django $("$BIN/python" -m django --version)"
run "Thread cache on" 600
run "Thread cache off" 0
