"""Servers a test starts in processes of their own (gunicorn, serve.sh, nginx, Caddy):
a free port for each, the wait until one answers, and its stop.

Ports are on loopback only, from a range kept for these tests (``MONTAGE_TEST_PORTS=9200
-9299`` moves it, for runs sharing a machine).
"""

import contextlib
import http.client
import os
import random
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 30
NETWORK_SECONDS = 10
# How often a starting server is asked again: its start is seconds, a step no more.
POLL_SECONDS = 0.05


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


def _said(log_path):
    return log_path.read_text() if log_path.exists() else "(no log)"


def wait_until_answering(port, process, log_path, *, path="/", seconds=START_SECONDS):
    """Return once an HTTP GET of ``path`` on ``port`` is answered (any status below
    500); fail with the server's log if it stops, answers with an error, or is silent
    for ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} stopped with {process.returncode}:\n{_said(log_path)}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=NETWORK_SECONDS)
        try:
            connection.request("GET", path)
            status = connection.getresponse().status
        except OSError:
            time.sleep(POLL_SECONDS)  # not listening yet
            continue
        finally:
            connection.close()
        if status >= 500:
            pytest.fail(f"{path} answered {status} at start:\n{_said(log_path)}")
        return
    pytest.fail(f"{process.args[0]} did not answer on {port} in {seconds} s:\n{_said(log_path)}")


def stop(process):
    """TERM, as a service manager sends; KILL if it has not stopped in a while."""
    process.terminate()
    try:
        process.wait(timeout=NETWORK_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=NETWORK_SECONDS)


def stop_all(processes):
    """Stop several at once: each is told before any is waited for (a gunicorn takes a
    second or so to stop)."""
    for process in processes:
        process.terminate()
    for process in processes:
        stop(process)


@contextlib.contextmanager
def started(command, *, log_path, **options):
    """``command`` running, its output in ``log_path``, until the block ends; ``options``
    go to ``subprocess.Popen`` (cwd is the checkout unless given). Servers started
    together start at once: wait for each after starting them all."""
    options.setdefault("cwd", ROOT)
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)
    try:
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def serving(command, *, port, log_path, path="/", seconds=START_SECONDS, **options):
    """``command`` running, once it answers on ``port``, until the block ends."""
    with started(command, log_path=log_path, **options) as process:
        wait_until_answering(port, process, log_path, path=path, seconds=seconds)
        yield process
