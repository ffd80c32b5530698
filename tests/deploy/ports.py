"""Ports for the servers these tests start: loopback only, from a range kept for them."""

import random
import socket

import pytest

PORTS = range(8600, 8700)


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
