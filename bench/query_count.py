"""Queries one view of the post page runs, cold (cache emptied) and warm, for bench/run.py.

Runs in a process of its own under the environment the benchmark's server has, and
prints them as JSON. Each request comes from a new client, as each of wrk's does: no
cookie.

    .venv/bin/python bench/query_count.py /posts/rocky-training-in-russia-rocky-iv/
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "montage.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def queries_for(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="127.0.0.1").get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}, not 200.")
    return len(queries)


def main(url):
    cache.clear()
    cold = queries_for(url)
    warm = queries_for(url)
    print(json.dumps({"cold": cold, "warm": warm}))


if __name__ == "__main__":
    main(sys.argv[1])
