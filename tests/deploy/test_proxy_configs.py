"""deploy/nginx.conf and deploy/Caddyfile, run as they are committed, on plain http.

Only the parts a test machine cannot have are changed: the host name, HTTPS and its
certificates, the ports and the checkout's path (each change is asserted to have
happened, so an edited sample cannot slip past). Skipped where the server is missing
(`apt-get install nginx caddy`).
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.blog.images import image_bytes
from tests.servers import POLL_SECONDS, free_port

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DIGEST = "0123456789abcdef"
START_SECONDS = 15


def _replaced(text, old, new):
    assert old in text, f"the sample no longer holds {old!r}: update this test with it"
    return text.replace(old, new)


def _nginx_config(root, port, upstream):
    sample = (DEPLOY / "nginx.conf").read_text()
    server = sample[sample.index("server {", sample.index("return 301")) :]
    server = _replaced(server, "listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    server = _replaced(server, "listen [::]:443 ssl http2;\n", "")
    for line in [line for line in server.splitlines() if "ssl_certificate" in line]:
        server = _replaced(server, line + "\n", "")
    server = _replaced(server, "127.0.0.1:8000", f"127.0.0.1:{upstream}")
    server = _replaced(server, "/srv/montage", str(root))
    temp = root / "nginx"
    temp.mkdir()
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    paths = " ".join(f"{kind}_temp_path {temp / kind};" for kind in kinds)
    config = root / "nginx.conf"
    # The master runs as root on some machines: its worker must read the temporary folder.
    config.write_text(
        f"user root; daemon off; pid {temp / 'pid'}; error_log stderr; worker_processes 1;\n"
        "events {}\n"
        f"http {{ access_log off; {paths}\n"
        "types { text/css css; text/html html; image/svg+xml svg; }\n"
        f"{server}\n}}\n"
    )
    return ["nginx", "-c", str(config), "-e", "stderr"]


def _caddy_config(root, port, upstream):
    sample = (DEPLOY / "Caddyfile").read_text()
    sample = _replaced(
        sample,
        "blog.example.com {",
        f"{{\n\tadmin off\n\tauto_https off\n}}\n\nhttp://:{port} {{\n\tbind 127.0.0.1",
    )
    sample = _replaced(sample, "127.0.0.1:8000", f"127.0.0.1:{upstream}")
    sample = _replaced(sample, "/srv/montage", str(root))
    config = root / "Caddyfile"
    config.write_text(sample)
    return ["caddy", "run", "--adapter", "caddyfile", "--config", str(config)]


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers with the headers the proxy passed on."""

    def do_GET(self):
        body = json.dumps(dict(self.headers.items())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture
def checkout(tmp_path):
    """What a deployed checkout serves from disk: collected static files and uploads."""
    root = tmp_path
    css = root / "staticfiles" / "css" / "site.0123456789ab.css"
    css.parent.mkdir(parents=True)
    css.write_text("body { color: #27445c }\n" * 100)
    subprocess.run(["gzip", "-k", str(css)], check=True)
    media = root / "media"
    (media / "posters" / "2026" / DIGEST).mkdir(parents=True)
    (media / "posters" / "2026" / DIGEST / "still.jpg").write_bytes(image_bytes())
    (media / "posters" / "2025").mkdir()
    (media / "posters" / "2025" / "old.jpg").write_bytes(image_bytes())
    (media / "pictures").mkdir()
    (media / "pictures" / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (media / ".env").write_text("SECRET_KEY=x")
    return root


@pytest.fixture
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("make_config", [_nginx_config, _caddy_config], ids=["nginx", "caddy"])
def test_the_sample_web_server_serves_files_as_montage_does_and_passes_the_rest_on(
    checkout, upstream, make_config
):
    """Static files and digest-named images cached for a year, older names for an hour,
    nothing but images shown, no dot-file or listing; the reader's address last in
    X-Forwarded-For, as COMMENTS_TRUSTED_PROXIES=1 reads it."""
    port = free_port(taken={upstream})
    command = make_config(checkout, port, upstream)
    program = shutil.which(command[0], path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if program is None:
        pytest.skip(f"{command[0]} is not installed")
    site = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [program, *command[1:]],
        cwd=checkout,
        # Caddy keeps its state under these; none of it belongs in the tester's home.
        env={**os.environ, "HOME": str(checkout), "XDG_DATA_HOME": str(checkout)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_listening(port, server)
        status, headers, _body = _get(
            f"{site}/static/css/site.0123456789ab.css", **{"Accept-Encoding": "gzip"}
        )
        assert (status, headers["Content-Encoding"]) == (200, "gzip")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"

        status, headers, body = _get(f"{site}/media/posters/2026/{DIGEST}/still.jpg")
        assert (status, headers["Content-Type"]) == (200, "image/jpeg")
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert body == image_bytes()

        _status, headers, _body = _get(f"{site}/media/posters/2025/old.jpg")
        assert headers["Cache-Control"] == "public, max-age=3600"

        status, headers, _body = _get(f"{site}/media/pictures/a.svg")
        assert status == 200
        shown_as_image = headers["Content-Type"].startswith("image/svg")
        assert not shown_as_image or headers["Content-Disposition"] == "attachment"
        assert "sandbox" in headers["Content-Security-Policy"]

        status, _headers, body = _get(f"{site}/media/.env")
        assert status == 404 and b"SECRET_KEY" not in body
        status, _headers, body = _get(f"{site}/media/posters/")
        assert status in {403, 404} and b"old.jpg" not in body

        status, _headers, body = _get(
            f"{site}/posts/a/", **{"X-Forwarded-For": "203.0.113.9", "Host": "blog.example"}
        )
        assert status == 200, body
        passed_on = json.loads(body)
        assert passed_on["X-Forwarded-For"].split(",")[-1].strip() == "127.0.0.1"
        assert passed_on["X-Forwarded-Proto"] == "http"
        assert passed_on["Host"] == "blog.example"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    assert "emerg" not in output, output


def _wait_until_listening(port, server):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"{server.args[0]} stopped at start:\n{server.stdout.read()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(POLL_SECONDS)
    pytest.fail(f"{server.args[0]} did not listen on {port} within {START_SECONDS} s")
