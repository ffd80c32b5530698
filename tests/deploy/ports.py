"""Ports for the servers these tests start: loopback only, from a range kept for them
(``MONTAGE_TEST_PORTS=9200-9299`` moves it, for runs sharing a machine)."""

import os
import random
import re
import socket

import pytest


def _ports():
    """8600-8699, or the range MONTAGE_TEST_PORTS names ("9000-9099"): several checkouts
    testing at once on one machine each keep to a range of their own."""
    raw = os.environ.get("MONTAGE_TEST_PORTS", "8600-8699")
    bounds = re.fullmatch(r"(\d+)-(\d+)", raw.strip())
    if not bounds:
        raise RuntimeError(f"MONTAGE_TEST_PORTS is a range such as 9000-9099, not {raw!r}.")
    return range(int(bounds[1]), int(bounds[2]) + 1)


PORTS = _ports()


def free_port(taken=()):
    """A port nothing listens on now, tried in random order: two test processes that
    start servers at once rarely pick the same one before either binds it."""
    for port in random.sample(PORTS, len(PORTS)):
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS.start}-{PORTS.stop - 1}")
