"""The writing process of ``test_reader_models``: it makes each change in ``changes``,
the way it is told, while another process serves the pages.

Run as ``python -m tests.freshness.writer`` with the reader's settings in the
environment, on a database with the demo loaded. It answers one JSON line per line read:
``["prepare", label, marker]`` with the pages to look at, ``["apply", label, way,
marker]`` with ``true`` once the change is committed.
"""

import json
import sys
import traceback

import django


def main():
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.freshness.changes import CHANGES

    users = get_user_model().objects
    admin = users.filter(username="freshness-admin").first() or users.create_superuser(
        "freshness-admin", "admin@example.com", "x"
    )
    client = Client()
    client.force_login(admin)
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        command, label, *rest = json.loads(line)
        try:
            change = CHANGES[label]
            if command == "prepare":
                (marker,) = rest
                answer = {"urls": change.prepare(marker), "shows": change.shows(marker)}
            else:
                way, marker = rest
                change.apply(way, marker, client)
                answer = True
        except Exception:  # reported by the test, with the change it was making
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
