"""Where one request of a page spends its time: N requests through the WSGI app in this
process (no server, no socket), under cProfile, as a new reader without cookies.

Runs under the environment it is given, as bench/run.py's servers do; set the mode's
variables (PAGE_CACHE_SECONDS=0, CACHE_URL=dummy://) to profile (b) or (c).

    .venv/bin/python bench/profile_page.py /posts/rocky-training-in-russia-rocky-iv/ 500
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()


def request(path):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    if not statuses[0].startswith("200"):
        sys.exit(f"{path} answered {statuses[0]}")
    return body


def main(path, count):
    request(path)
    started = time.perf_counter()
    for _ in range(count):
        request(path)
    elapsed = (time.perf_counter() - started) * 1000 / count
    print(f"{elapsed:.2f} ms a request over {count}, unprofiled")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(count):
        request(path)
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
