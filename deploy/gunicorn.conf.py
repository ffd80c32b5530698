"""gunicorn's settings for Montage: ``.venv/bin/gunicorn -c deploy/gunicorn.conf.py``.

deploy/serve.sh (``make serve``) starts it so; a service manager can too. Options on
the command line or in GUNICORN_CMD_ARGS win over these (``--bind 0.0.0.0:8000``).
"""

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent


def _worker_count():
    """WEB_CONCURRENCY if set; else gunicorn's advice of 2 per core plus 1 (its docs,
    "How Many Workers?"), counting only the cores this process may run on, and at most
    8: each sync worker holds its own copy of the site in memory."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if not raw:
        return min(2 * _usable_cores() + 1, 8)
    if not raw.isdigit() or int(raw) < 1:
        sys.exit(
            f"Montage cannot start: WEB_CONCURRENCY must be a number of workers, not {raw!r}."
        )
    return int(raw)


def _usable_cores():
    """The cores this process may run on (its CPU affinity, which a cpuset narrows)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


wsgi_app = "montage.wsgi"
chdir = str(ROOT)
# Loopback only, whatever gunicorn itself would do with PORT set (bind on every address):
# readers come in through the web server in front (README, Production).
bind = [f"127.0.0.1:{os.environ.get('PORT', '8000')}"]
workers = _worker_count()
# One line a request on stdout; gunicorn's own messages go to stderr.
accesslog = "-"
# gunicorn 25's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): a
# second server on the machine (a benchmark, a test) would take it over, and gunicornc
# would then stop the wrong one. Nothing here uses it.
control_socket_disable = True


def on_starting(server):
    """Check the settings, storages, static files and database once, in the master,
    before any port is bound: a wrong setting stops the start with one sentence."""
    from montage.preflight import preflight

    try:
        preflight()
    except ImproperlyConfigured as error:
        sys.exit(f"Montage cannot start: {error}")
